"""Contract kit for the 2SMS messaging API v2.

The ground floor: it imports only itself and third-party libraries. Public surface: the spec
loader (`load_spec`, `Spec`) and the errors. The CLI (`twosms-contract`) lives above every
stage, in `twosms_kit`. Imports are lazy so that the CLI starts fast: jsonschema, pulled in by
`spec`, costs more than a second to import.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from twosms_contract.lazy import lazy_attributes

if TYPE_CHECKING:
    from twosms_contract.errors import ContractKitError, SpecLoadError
    from twosms_contract.paths import default_spec
    from twosms_contract.spec import Spec, load_spec

__all__ = ["ContractKitError", "Spec", "SpecLoadError", "default_spec", "load_spec"]

_HOMES = {
    "ContractKitError": "twosms_contract.errors",
    "SpecLoadError": "twosms_contract.errors",
    "default_spec": "twosms_contract.paths",
    "Spec": "twosms_contract.spec",
    "load_spec": "twosms_contract.spec",
}


__getattr__ = lazy_attributes(__name__, _HOMES)
