"""Stage 1: the spec file (or an in-memory document) -> a `Source`, checked to be OpenAPI 3.x."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from twosms_contract.errors import SpecLoadError
from twosms_contract.paths import spec_label

if TYPE_CHECKING:
    from twosms_contract.spec import Spec


@dataclass(frozen=True, slots=True)
class Source:
    """A loaded OpenAPI document; `label` is what generated headers name (never absolute)."""

    label: str
    sha256: str
    document: dict[str, Any]


def _check_version(label: str, document: dict[str, Any]) -> None:
    version = document.get("openapi")
    if not isinstance(version, str) or not version.startswith(("3.0.", "3.1.")):
        raise SpecLoadError(label, f"openapi: {version!r} is not OpenAPI 3.0 or 3.1")


def from_spec(spec: Spec) -> Source:
    """A `Source` from a spec loaded by `twosms_contract.spec`."""
    label = spec_label(spec.path)
    _check_version(label, spec.document)
    return Source(label=label, sha256=spec.sha256, document=spec.document)


def from_path(path: Path | str) -> Source:
    from twosms_contract.spec import load_spec

    return from_spec(load_spec(Path(path)))


def source_of(spec: Source | Spec | Path | str) -> Source:
    """A `Source` from whatever `generate` was given."""
    if isinstance(spec, Source):
        return spec
    if isinstance(spec, Path | str):
        return from_path(spec)
    return from_spec(spec)


def from_document(document: dict[str, Any], *, label: str = "<inline>") -> Source:
    """A `Source` from an in-memory document; its hash is of its canonical JSON."""
    _check_version(label, document)
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return Source(
        label=label, sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(), document=document
    )
