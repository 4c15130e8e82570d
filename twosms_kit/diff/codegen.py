"""What a spec change does to the generated client: the public surface of the code that
`generate()` gives for OLD and for NEW, read with `ast` and compared.

The generator is reached through `Generate` (spec in, `{path: text}` out), so the join is
tested with a small stand-in and runs on whatever the real generator produces.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Final

from twosms_contract.errors import ContractKitError
from twosms_contract.spec import Spec

Generate = Callable[[Spec], Mapping[str, str]]

CLASS_REMOVED: Final = "class-removed"
CLASS_ADDED: Final = "class-added"
FIELD_REMOVED: Final = "field-removed"
FIELD_ADDED: Final = "field-added"
FIELD_CHANGED: Final = "field-changed"
METHOD_REMOVED: Final = "method-removed"
METHOD_ADDED: Final = "method-added"
METHOD_CHANGED: Final = "method-changed"


@dataclass(frozen=True, slots=True)
class Member:
    """A field of a generated class (model field or enum member) or a method/function.

    `text` is what a user of the code sees: `Reference: str | None = None` or
    `send_messages(self, body: MessageV2, *, timeout: float = 10.0) -> SendSuccessResponse`.
    `alias` is the wire name when the field has one (`Field(alias=...)`).
    """

    file: str
    owner: str
    name: str
    text: str
    required: bool
    alias: str | None
    is_method: bool


@dataclass(frozen=True, slots=True)
class Surface:
    """The public classes and members of generated code."""

    classes: frozenset[tuple[str, str]]  # (file, class)
    members: Mapping[tuple[str, str, str], Member]  # (file, owner, name)


@dataclass(frozen=True, slots=True)
class CodeChange:
    """One change of the generated code's public surface; `breaking` for a user of it."""

    kind: str
    file: str
    owner: str
    name: str | None
    old: str | None
    new: str | None
    breaking: bool
    alias: str | None = None

    @property
    def where(self) -> str:
        return f"{self.file}:{self.owner}" + (f".{self.name}" if self.name else "")

    def render(self) -> str:
        if self.old is not None and self.new is not None:
            return f"{self.kind} {self.where}: {self.old} → {self.new}"
        return f"{self.kind} {self.where}: {self.new if self.new is not None else self.old}"


class CodegenError(ContractKitError):
    """Generated code that does not parse: names the file and line."""


def surface(files: Mapping[str, str]) -> Surface:
    """The public surface of generated Python files (other files are ignored)."""
    classes: set[tuple[str, str]] = set()
    members: dict[tuple[str, str, str], Member] = {}
    for path in sorted(files):
        if not path.endswith(".py"):
            continue
        try:
            tree = ast.parse(files[path], filename=path)
        except SyntaxError as exc:
            raise CodegenError(
                f"{path}:{exc.lineno}: generated code does not parse: {exc.msg}"
            ) from None
        for node in tree.body:
            if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
                classes.add((path, node.name))
                for member in _class_members(path, node):
                    members[(path, member.owner, member.name)] = member
            elif isinstance(
                node, ast.FunctionDef | ast.AsyncFunctionDef
            ) and not node.name.startswith("_"):
                member = _function(path, "<module>", node)
                members[(path, "<module>", member.name)] = member
    return Surface(frozenset(classes), members)


def _class_members(path: str, node: ast.ClassDef) -> list[Member]:
    found = []
    for item in node.body:
        if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
            name = item.target.id
            if name.startswith("_") or name == "model_config":
                continue
            annotation = ast.unparse(item.annotation)
            default = "" if item.value is None else f" = {ast.unparse(item.value)}"
            found.append(
                Member(
                    file=path,
                    owner=node.name,
                    name=name,
                    text=f"{name}: {annotation}{default}",
                    required=_required(item.value),
                    alias=_alias(item),
                    is_method=False,
                )
            )
        elif isinstance(item, ast.Assign) and len(item.targets) == 1:
            target = item.targets[0]
            if isinstance(target, ast.Name) and not target.id.startswith("_"):
                if target.id == "model_config":
                    continue
                text = f"{target.id} = {ast.unparse(item.value)}"
                found.append(Member(path, node.name, target.id, text, True, None, False))
        elif isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef) and (
            not item.name.startswith("_") or item.name == "__init__"
        ):
            found.append(_function(path, node.name, item))
    return found


def _function(path: str, owner: str, node: ast.FunctionDef | ast.AsyncFunctionDef) -> Member:
    prefix = "async " if isinstance(node, ast.AsyncFunctionDef) else ""
    returns = f" -> {ast.unparse(node.returns)}" if node.returns is not None else ""
    text = f"{prefix}{node.name}({ast.unparse(node.args)}){returns}"
    return Member(path, owner, node.name, text, True, None, True)


def _field_call(value: ast.expr | None) -> ast.Call | None:
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name | ast.Attribute):
        name = value.func.id if isinstance(value.func, ast.Name) else value.func.attr
        if name == "Field":
            return value
    return None


def _required(value: ast.expr | None) -> bool:
    """A pydantic field is required without a default, or with `Field(...)` / no default."""
    if value is None:
        return True
    call = _field_call(value)
    if call is None:
        return False
    if call.args:
        first = call.args[0]
        return isinstance(first, ast.Constant) and first.value is Ellipsis
    return not any(k.arg in ("default", "default_factory") for k in call.keywords)


def _alias(item: ast.AnnAssign) -> str | None:
    calls = [_field_call(item.value)]
    annotation = item.annotation
    if isinstance(annotation, ast.Subscript) and ast.unparse(annotation.value).endswith(
        "Annotated"
    ):
        elements = annotation.slice.elts if isinstance(annotation.slice, ast.Tuple) else []
        calls.extend(_field_call(e) for e in elements)
    for call in calls:
        if call is None:
            continue
        for keyword in call.keywords:
            value = keyword.value
            is_text = isinstance(value, ast.Constant) and isinstance(value.value, str)
            if keyword.arg in ("alias", "validation_alias", "serialization_alias") and is_text:
                assert isinstance(value, ast.Constant)
                return str(value.value)
    return None


def diff_surfaces(old: Surface, new: Surface) -> list[CodeChange]:
    """The surface changes, sorted by file, owner, name."""
    changes: list[CodeChange] = []
    for file, cls in sorted(old.classes - new.classes):
        changes.append(CodeChange(CLASS_REMOVED, file, cls, None, cls, None, True))
    for file, cls in sorted(new.classes - old.classes):
        changes.append(CodeChange(CLASS_ADDED, file, cls, None, None, cls, False))
    for key in sorted({*old.members, *new.members}):
        file, owner, name = key
        before, after = old.members.get(key), new.members.get(key)
        if before is not None and after is None:
            if (file, owner) in new.classes or owner == "<module>":
                kind = METHOD_REMOVED if before.is_method else FIELD_REMOVED
                changes.append(
                    CodeChange(kind, file, owner, name, before.text, None, True, before.alias)
                )
        elif after is not None and before is None:
            if (file, owner) in old.classes or owner == "<module>":
                kind = METHOD_ADDED if after.is_method else FIELD_ADDED
                # A new required field breaks code that builds the model without it.
                breaking = not after.is_method and after.required and not _is_enum_member(after)
                changes.append(
                    CodeChange(kind, file, owner, name, None, after.text, breaking, after.alias)
                )
        elif before is not None and after is not None and before.text != after.text:
            kind = METHOD_CHANGED if after.is_method else FIELD_CHANGED
            breaking = after.is_method or not _only_default_added(before, after)
            changes.append(
                CodeChange(
                    kind,
                    file,
                    owner,
                    name,
                    before.text,
                    after.text,
                    breaking,
                    after.alias or before.alias,
                )
            )
    return changes


def _is_enum_member(member: Member) -> bool:
    return " = " in member.text and ":" not in member.text.split(" = ", 1)[0]


def _only_default_added(before: Member, after: Member) -> bool:
    """A required field that became optional with its annotation unchanged breaks nobody."""
    return before.required and not after.required and after.text.startswith(before.text + " = ")


_NON_ALNUM = re.compile(r"[^0-9a-z]")


def normalize(name: str) -> str:
    """`sendMessages`, `send_messages` and `SendMessages` compare equal."""
    return _NON_ALNUM.sub("", name.lower())
