"""The checkout the tests run in: the tests are not installed, they read the repository."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC_DIR = ROOT / "spec"
SPEC = SPEC_DIR / "twosms-v2.yaml"
GENERATED_DIR = ROOT / "generated"
