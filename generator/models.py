"""Stage 3: the pydantic models. The only caller of datamodel-code-generator.

The options are chosen for fidelity to the spec's JSON-Schema validator:

- optional fields default to pydantic's `MISSING` sentinel, so `null` is refused where the
  spec does not allow it and an unset field is never serialized;
- `StrictInt` and `IntEnum` come from the package's `_types` (JSON-Schema integers: `1.0`
  is one, `true` and `"1"` are not); pydantic's `StrictFloat` already takes ints;
- `uuid`, `date-time`, `date`, `email`, `ipv4` and `ipv6` stay strings, checked exactly as
  jsonschema checks them, so that a payload round-trips unchanged (a datetime cannot hold
  the help page's 7 fractional digits);
- `if`/`then` rules hook in as base classes from `_rules` (rendered by `render`).
"""

from __future__ import annotations

import warnings
from typing import Any

from generator.errors import GeneratorError
from generator.ir import Project


def _options(project: Project) -> dict[str, Any]:
    from datamodel_code_generator.validators import ModelValidators, ValidatorDefinition

    package = project.package
    validators: dict[str, Any] = {}
    for check in project.format_checks:
        function = f"{package}._formats.check_{check.format.replace('-', '_')}"
        definition = ValidatorDefinition(fields=list(check.fields), function=function)
        validators.setdefault(check.model, []).append(definition)
    return {
        "aliases": {f"{f.model}.{f.wire}": f.python for f in project.fields},
        "validators": {
            model: ModelValidators(validators=defs) for model, defs in sorted(validators.items())
        },
        "base_class": f"{package}._base.WireModel",
        "base_class_map": {
            rule.model: f"{package}._rules.{rule.model}Rules" for rule in project.rules
        },
        "import_overrides": {
            "MISSING": "pydantic",
            "IntEnum": f"{package}._types",
            "StrictInt": f"{package}._types",
        },
    }


def render_models(project: Project) -> str:
    """The source of `models.py` (unformatted, without the header)."""
    from datamodel_code_generator import Error as DatamodelCodeGeneratorError
    from datamodel_code_generator import InputFileType, PythonVersion, generate
    from datamodel_code_generator.enums import DataModelType, StrictTypes

    docstring = f'"""The models of every component schema of the spec ({project.title})."""\n\n'
    if not project.model_names:
        return docstring  # nothing to model: datamodel-code-generator refuses an empty input
    document = {
        "openapi": "3.1.0",
        "info": {"title": project.title, "version": "0"},
        "paths": {},
        "components": {"schemas": project.schemas},
    }
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            output = generate(
                document,
                input_file_type=InputFileType.OpenAPI,
                output_model_type=DataModelType.PydanticV2BaseModel,
                target_python_version=PythonVersion.PY_311,
                disable_timestamp=True,
                custom_file_header="",
                field_constraints=True,
                use_annotated=True,
                use_standard_collections=True,
                use_union_operator=True,
                use_schema_description=True,
                use_field_description=True,
                strict_nullable=True,
                use_missing_sentinel=True,
                strict_types=[
                    StrictTypes.str,
                    StrictTypes.int,
                    StrictTypes.float,
                    StrictTypes.bool,
                ],
                use_subclass_enum=True,
                collapse_root_models=True,
                use_double_quotes=True,
                formatters=[],
                type_mappings=[
                    f"string+{fmt}=string"
                    for fmt in ("date", "date-time", "email", "ipv4", "ipv6", "uuid")
                ],
                **_options(project),
            )
        except DatamodelCodeGeneratorError as exc:
            raise GeneratorError(f"datamodel-code-generator failed: {exc}") from exc
    dropped = [str(w.message) for w in caught if issubclass(w.category, UserWarning)]
    if dropped:
        raise GeneratorError(f"datamodel-code-generator dropped a constraint: {dropped[0]}")
    if not isinstance(output, str):
        raise GeneratorError("datamodel-code-generator returned no single module")
    lines = output.splitlines(keepends=True)
    while lines and lines[0].startswith("#"):
        lines.pop(0)  # its own header: ours replaces it
    return docstring + "".join(lines).lstrip("\n")
