"""Contract kit for the 2SMS messaging API v2.

Public surface: the spec loader (`load_spec`), the contract rules read from the spec's
`x-contract` extension (`load_contract`), the lint (`lint_document`) and the CLI
(`twosms-contract`).
"""

from twosms_contract.errors import ContractKitError, SpecLoadError
from twosms_contract.paths import DEFAULT_SPEC
from twosms_contract.spec import Spec, load_spec

__all__ = ["DEFAULT_SPEC", "ContractKitError", "Spec", "SpecLoadError", "load_spec"]
