"""Where the project's files are (the package is installed editable from the repo)."""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SPEC_DIR = REPO_ROOT / "spec"
DEFAULT_SPEC = SPEC_DIR / "twosms-v2.yaml"
DEMO_FIXTURES = SPEC_DIR / "fixtures" / "demo.yaml"
GENERATED_DIR = REPO_ROOT / "generated"
