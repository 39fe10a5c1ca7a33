"""JSON values as the official SDK's model objects, and what the SDK declares at a field.

The SDK's Python models describe themselves: `openapi_types` maps each attribute to a
type string (`str`, `int`, `bool`, `list[Volume]`, `dict(str, str)`, a model class
name) and `attribute_map` maps it to its JSON member name. Enumerations are classes
with no attributes and upper-case string constants (`VolumeType.SSD`). `build` walks a
JSON value down those declarations and constructs the models, so a member the SDK does
not know is an error naming its place, never silently dropped.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from types import ModuleType
from typing import Any

PRIMITIVES = {"str": (str,), "int": (int,), "float": (int, float), "bool": (bool,), "object": (object,)}


class ModelError(Exception):
    """A JSON value does not fit the SDK's models; the message names the place."""


@dataclass(frozen=True)
class Declared:
    """What the SDK declares for one JSON member: its type string and, for an
    enumeration class, its values (None when the type is not an enumeration)."""

    type_name: str
    enum_values: tuple[str, ...] | None


def place(path: tuple[str | int, ...]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(body)"


def model_class(module: ModuleType, type_name: str) -> type | None:
    cls = getattr(module, type_name, None)
    return cls if inspect.isclass(cls) and hasattr(cls, "openapi_types") else None


def enum_values(cls: type) -> tuple[str, ...] | None:
    """The values of an SDK enumeration class; None for a model with attributes."""
    if cls.openapi_types:
        return None
    return tuple(
        value
        for name, value in vars(cls).items()
        if name.isupper() and isinstance(value, str)
    )


def json_members(cls: type) -> dict[str, tuple[str, str]]:
    """JSON member name -> (attribute name, type string)."""
    return {cls.attribute_map[attr]: (attr, type_name) for attr, type_name in cls.openapi_types.items()}


def element_type(type_name: str) -> str | None:
    return type_name[5:-1] if type_name.startswith("list[") and type_name.endswith("]") else None


def value_type(type_name: str) -> str | None:
    if type_name.startswith("dict(") and type_name.endswith(")"):
        return type_name[5:-1].split(",", 1)[1].strip()
    return None


def declared_at(module: ModuleType, root: str, path: tuple[str | int, ...]) -> Declared | None:
    """What the SDK declares at `path` below model `root`; None if the SDK has no such
    member (an index steps into a list's element type)."""
    type_name = root
    for part in path:
        if isinstance(part, int):
            inner = element_type(type_name)
            if inner is None:
                return None
            type_name = inner
            continue
        cls = model_class(module, type_name)
        if cls is None:
            inner = value_type(type_name)
            if inner is None:
                return None
            type_name = inner
            continue
        member = json_members(cls).get(part)
        if member is None:
            return None
        type_name = member[1]
    cls = model_class(module, type_name)
    return Declared(type_name, enum_values(cls) if cls is not None else None)


def has_type(value: Any, type_name: str) -> bool:
    """Whether a JSON value has the SDK's declared primitive type (bool is no int)."""
    if type_name in ("int", "float") and isinstance(value, bool):
        return False
    return isinstance(value, PRIMITIVES.get(type_name, (object,)))


def build(module: ModuleType, type_name: str, value: Any, path: tuple[str | int, ...] = ()) -> Any:
    """`value` (decoded JSON) as the SDK object of type `type_name`."""
    if value is None:
        return None
    inner = element_type(type_name)
    if inner is not None:
        if not isinstance(value, list):
            raise ModelError(f"{place(path)}: the SDK declares {type_name}, the value is {type(value).__name__}")
        return [build(module, inner, item, path + (index,)) for index, item in enumerate(value)]
    inner = value_type(type_name)
    if inner is not None:
        if not isinstance(value, dict):
            raise ModelError(f"{place(path)}: the SDK declares {type_name}, the value is {type(value).__name__}")
        return {key: build(module, inner, item, path + (key,)) for key, item in value.items()}
    cls = model_class(module, type_name)
    if cls is None:
        if type_name not in PRIMITIVES:
            raise ModelError(f"{place(path)}: the SDK type {type_name!r} is not in {module.__name__}")
        if not has_type(value, type_name):
            raise ModelError(f"{place(path)}: the SDK declares {type_name}, the value is {value!r}")
        return value
    values = enum_values(cls)
    if values is not None:
        # An enumeration is sent as its string value.
        if not isinstance(value, str):
            raise ModelError(f"{place(path)}: the SDK enumeration {type_name} takes a string, not {value!r}")
        return value
    if not isinstance(value, dict):
        raise ModelError(f"{place(path)}: the SDK declares the object {type_name}, the value is {value!r}")
    members = json_members(cls)
    unknown = sorted(set(value) - set(members))
    if unknown:
        raise ModelError(f"{place(path)}: the SDK model {type_name} has no member {', '.join(unknown)}")
    kwargs = {
        members[name][0]: build(module, members[name][1], item, path + (name,))
        for name, item in value.items()
    }
    return cls(**kwargs)
