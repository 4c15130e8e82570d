"""Where the commands find the spec, the fixtures and the generated package.

The rule, the same for every command: a file under `spec/` in the current directory when it
exists (a checkout of the project), else the copy that ships inside the package
(`twosms_contract/_spec`, a link to the repository's `spec/` that the wheel build follows).
Generated code is written and checked under the current directory.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

SPEC_DIR_NAME = "spec"
SPEC_FILE = "twosms-v2.yaml"
FIXTURES_FILE = "fixtures/demo.yaml"
GENERATED_DIR_NAME = "generated"


def packaged_spec_dir() -> Path:
    """The `spec/` folder shipped inside the installed package."""
    return Path(str(files("twosms_contract").joinpath("_spec")))


def project_file(relative: str) -> Path:
    """`spec/<relative>` under the current directory when it exists, else the packaged one."""
    local = Path.cwd() / SPEC_DIR_NAME / relative
    if local.is_file():
        return local
    return packaged_spec_dir() / relative


def default_spec() -> Path:
    """The spec a command loads without `--spec`."""
    return project_file(SPEC_FILE)


def default_fixtures() -> Path:
    """The account facts a command loads without `--fixtures` (the demo account)."""
    return project_file(FIXTURES_FILE)


def default_generated_dir() -> Path:
    """Where `generate` writes and `generate --check` compares without `--out`."""
    return Path.cwd() / GENERATED_DIR_NAME


def spec_label(path: Path) -> str:
    """A spec's name as generated headers print it (never absolute): the packaged spec as
    `spec/...`, its name in the repository; else relative to the current directory; else its
    file name."""
    resolved = path.resolve()
    for root, prefix in (
        (packaged_spec_dir().resolve(), f"{SPEC_DIR_NAME}/"),
        (Path.cwd().resolve(), ""),
    ):
        try:
            return prefix + resolved.relative_to(root).as_posix()
        except ValueError:
            continue
    return resolved.name
