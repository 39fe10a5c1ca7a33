"""Hold Huawei's official Python SDK models against the spec, field by field.

Usage (in a venv with the pinned SDKs and PyYAML, see requirements.txt):

    python compare_models.py --spec openapi/workspace-orders.yaml --errata openapi/ERRATA.md

For each of the three order operations it walks every model class reachable
from the SDK's request and response classes (`openapi_types`,
`attribute_map`, and the required flag from `__init__`) next to the spec's
schema at the same JSON place, and reports every difference:

- missing-in-spec   the SDK has a member the spec's schema does not
- missing-in-sdk    the spec's schema has a member the SDK model does not
- type-differs      the JSON types differ (string, integer, number, boolean,
                    array, object; arrays and objects are compared inside)
- required-differs  one side requires the member, the other does not
- value-refused     an SDK enum class allows a value the spec's `enum` refuses

A difference is known when openapi/ERRATA.md has a line
``sdk-check: `<operationId> <kind> <path>` `` in some entry, e.g.
``sdk-check: `createAppOrder required-differs request.resources[].period_type` ``.
Paths start with `request` or `response.<status>`, are dotted, with `[]` for
array items. The exit status is 1 when a difference has no ERRATA line or an
ERRATA line matches no difference (stale), 0 otherwise; a class, client
method or spec place that cannot be found is an error (exit 2), never skipped.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

JSON = "application/json"


@dataclass(frozen=True)
class Operation:
    """One order operation: the spec's operation and the SDK's client method."""

    operation_id: str
    package: str
    client_class: str
    method: str
    request_class: str
    response_class: str


OPERATIONS = (
    Operation(
        "createAppOrder",
        "huaweicloudsdkworkspaceapp.v1",
        "WorkspaceAppClient",
        "create_order",
        "CreateOrderRequest",
        "CreateOrderResponse",
    ),
    Operation(
        "createPeriodicOrder",
        "huaweicloudsdkworkspace.v2",
        "WorkspaceClient",
        "create_order",
        "CreateOrderRequest",
        "CreateOrderResponse",
    ),
    Operation(
        "createDesktopOrder",
        "huaweicloudsdkworkspace.v2",
        "WorkspaceClient",
        "create_desktop_order",
        "CreateDesktopOrderRequest",
        "CreateDesktopOrderResponse",
    ),
)

KINDS = (
    "missing-in-spec",
    "missing-in-sdk",
    "type-differs",
    "required-differs",
    "value-refused",
)

SCALARS = {"str": "string", "int": "integer", "float": "number", "bool": "boolean"}

# `<operationId> <kind> <path>` (the format described in ERRATA.md itself) is not an entry.
ERRATA_LINE = re.compile(r"sdk-check: `([A-Za-z]\w*) (\S+) (\S+)`")
ERRATA_ENTRY = re.compile(r"^### (E\d+)\b")


class SetupError(Exception):
    """Something the comparison needs is not where it should be."""


@dataclass(frozen=True)
class Difference:
    operation_id: str
    kind: str
    path: str
    detail: str

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.operation_id, self.kind, self.path)


# ---------------------------------------------------------------------------
# The SDK side


def sdk_module(package: str) -> Any:
    try:
        return importlib.import_module(package)
    except ImportError as error:
        raise SetupError(
            f"cannot import {package}: {error} (is the pinned SDK installed?)"
        ) from error


def sdk_class(module: Any, name: str, where: str) -> type:
    cls = getattr(module, name, None)
    if not inspect.isclass(cls):
        raise SetupError(
            f"{module.__name__}.{name} (needed for {where}) is not a class in this SDK release"
        )
    return cls


def is_enum_class(cls: type) -> bool:
    """SDK enum models: no members, the allowed values as upper-case class attributes."""
    return not getattr(cls, "openapi_types", None) and bool(enum_values(cls))


def enum_values(cls: type) -> list[str]:
    return [
        value
        for name, value in vars(cls).items()
        if name.isupper() and isinstance(value, str)
    ]


def required_members(cls: type) -> set[str]:
    """Members `__init__` always assigns: the generator writes `self.x = x`
    for required members and `if x is not None: self.x = x` for optional ones."""
    source = inspect.getsource(cls.__init__)
    lines = [line.strip() for line in source.splitlines() if line.strip()]
    required: set[str] = set()
    for attr in cls.openapi_types:
        assign = f"self.{attr} = {attr}"
        places = [i for i, line in enumerate(lines) if line == assign]
        if len(places) != 1:
            raise SetupError(
                f"{cls.__module__}.{cls.__name__}.__init__: expected one `{assign}`, found {len(places)}; "
                "the SDK's generated layout changed, update required_members()"
            )
        if lines[places[0] - 1] != f"if {attr} is not None:":
            required.add(attr)
    return required


# ---------------------------------------------------------------------------
# The spec side


class Spec:
    def __init__(self, document: dict[str, Any]):
        self.document = document

    def resolve(self, schema: dict[str, Any], where: str) -> dict[str, Any]:
        seen = set()
        while "$ref" in schema:
            reference = schema["$ref"]
            if not reference.startswith("#/") or reference in seen:
                raise SetupError(f"{where}: cannot resolve $ref {reference}")
            seen.add(reference)
            node: Any = self.document
            for token in reference[2:].split("/"):
                token = token.replace("~1", "/").replace("~0", "~")
                if not isinstance(node, dict) or token not in node:
                    raise SetupError(f"{where}: dangling $ref {reference}")
                node = node[token]
            schema = node
        return schema

    def operation(self, operation_id: str) -> tuple[str, str, dict[str, Any]]:
        for path, item in self.document.get("paths", {}).items():
            for method, operation in item.items():
                if (
                    isinstance(operation, dict)
                    and operation.get("operationId") == operation_id
                ):
                    return path, method, operation
        raise SetupError(f"the spec has no operation {operation_id}")


def json_type(schema: dict[str, Any]) -> str:
    kind = schema.get("type")
    if kind is None:
        return "object" if "properties" in schema else "(none)"
    return kind


# ---------------------------------------------------------------------------
# The walk


class Comparison:
    def __init__(self, spec: Spec, operation: Operation, module: Any):
        self.spec = spec
        self.operation = operation
        self.module = module
        self.differences: list[Difference] = []
        self.classes: set[str] = set()
        self.members = 0

    def report(self, kind: str, path: str, detail: str) -> None:
        self.differences.append(
            Difference(self.operation.operation_id, kind, path, detail)
        )

    def sdk_type_class(self, name: str, where: str) -> type:
        return sdk_class(self.module, name, where)

    def compare_value(
        self, sdk_type: str, schema: dict[str, Any], path: str, owner: str
    ) -> None:
        """One value: the SDK's declared type against the spec's schema."""
        schema = self.spec.resolve(schema, path)
        spec_kind = json_type(schema)
        list_match = re.fullmatch(r"list\[(.+)\]", sdk_type)
        dict_match = re.fullmatch(r"dict\(str, (.+)\)", sdk_type)
        if sdk_type in SCALARS:
            wanted = SCALARS[sdk_type]
            # A JSON number the SDK types as float may be an integer in the spec.
            if spec_kind != wanted and not (
                wanted == "number" and spec_kind == "integer"
            ):
                self.report(
                    "type-differs",
                    path,
                    f"SDK {owner}: {sdk_type} ({wanted}); spec: {spec_kind}",
                )
        elif sdk_type == "object":
            return  # any JSON value
        elif list_match:
            if spec_kind != "array":
                self.report(
                    "type-differs",
                    path,
                    f"SDK {owner}: {sdk_type} (array); spec: {spec_kind}",
                )
                return
            if "items" not in schema:
                raise SetupError(f"{path}: spec array without items")
            self.compare_value(list_match.group(1), schema["items"], f"{path}[]", owner)
        elif dict_match:
            if spec_kind != "object":
                self.report(
                    "type-differs",
                    path,
                    f"SDK {owner}: {sdk_type} (object); spec: {spec_kind}",
                )
                return
            extra = schema.get("additionalProperties")
            if not isinstance(extra, dict):
                self.report(
                    "type-differs",
                    path,
                    f"SDK {owner}: {sdk_type} (map); spec: no additionalProperties schema",
                )
                return
            self.compare_value(dict_match.group(1), extra, f"{path}{{}}", owner)
        elif re.fullmatch(r"[A-Z][A-Za-z0-9]*", sdk_type):
            cls = self.sdk_type_class(sdk_type, path)
            if is_enum_class(cls):
                self.classes.add(cls.__name__)
                if spec_kind != "string":
                    self.report(
                        "type-differs",
                        path,
                        f"SDK {owner}: enum {sdk_type} (string); spec: {spec_kind}",
                    )
                    return
                allowed = schema.get("enum")
                if allowed is not None:
                    for value in enum_values(cls):
                        if value not in allowed:
                            self.report(
                                "value-refused",
                                path,
                                f"SDK enum {sdk_type} allows {value!r}; the spec's enum is {allowed}",
                            )
            else:
                if spec_kind != "object":
                    self.report(
                        "type-differs",
                        path,
                        f"SDK {owner}: {sdk_type} (object); spec: {spec_kind}",
                    )
                    return
                self.compare_object(cls, schema, path)
        else:
            raise SetupError(
                f"{path}: SDK type {sdk_type!r} ({owner}) is not understood by this script"
            )

    def compare_object(self, cls: type, schema: dict[str, Any], path: str) -> None:
        """An SDK model class against an object schema, member by member."""
        self.classes.add(cls.__name__)
        types: dict[str, str] = cls.openapi_types
        names: dict[str, str] = cls.attribute_map
        required = required_members(cls)
        properties: dict[str, Any] = schema.get("properties", {})
        spec_required = set(schema.get("required", []))
        seen_keys = set()
        for attr, sdk_type in types.items():
            if attr not in names:
                raise SetupError(f"{cls.__name__}.{attr} has no attribute_map entry")
            key = names[attr]
            seen_keys.add(key)
            here = f"{path}.{key}"
            owner = f"{cls.__name__}.{attr}"
            self.members += 1
            sdk_required = attr in required
            if key not in properties:
                self.report(
                    "missing-in-spec",
                    here,
                    f"SDK {owner}: {sdk_type}, {'required' if sdk_required else 'optional'}",
                )
                continue
            if sdk_required != (key in spec_required):
                self.report(
                    "required-differs",
                    here,
                    f"SDK {owner}: {'required' if sdk_required else 'optional'}; "
                    f"spec: {'required' if key in spec_required else 'optional'}",
                )
            self.compare_value(sdk_type, properties[key], here, owner)
        for key in properties:
            if key not in seen_keys:
                self.report(
                    "missing-in-sdk",
                    f"{path}.{key}",
                    f"the SDK model {cls.__name__} has no member {key}",
                )

    def run(self) -> None:
        op = self.operation
        client = sdk_class(self.module, op.client_class, op.operation_id)
        request_cls = sdk_class(self.module, op.request_class, op.operation_id)
        response_cls = sdk_class(self.module, op.response_class, op.operation_id)
        http_info_method = getattr(client, f"_{op.method}_http_info", None)
        if http_info_method is None:
            raise SetupError(f"{client.__name__} has no method {op.method}")
        http_info = http_info_method(request_cls())
        path, method, spec_operation = self.spec.operation(op.operation_id)
        if (http_info["method"].lower(), http_info["resource_path"]) != (method, path):
            raise SetupError(
                f"{client.__name__}.{op.method} is {http_info['method']} {http_info['resource_path']}; "
                f"the spec's {op.operation_id} is {method.upper()} {path}"
            )
        if http_info["response_type"] != op.response_class:
            raise SetupError(
                f"{client.__name__}.{op.method} answers {http_info['response_type']}, not {op.response_class}"
            )

        # The request class wraps the body; anything else would be a parameter.
        body_type = request_cls.openapi_types.get("body")
        if body_type is None:
            raise SetupError(f"{request_cls.__name__} has no body")
        others = sorted(set(request_cls.openapi_types) - {"body"})
        parameters = {p.get("name") for p in spec_operation.get("parameters", [])}
        for attr in others:
            key = request_cls.attribute_map[attr]
            if key not in parameters:
                self.report(
                    "missing-in-spec",
                    f"parameter.{key}",
                    f"SDK {request_cls.__name__}.{attr} is not a parameter of the spec's operation",
                )
        try:
            body_schema = spec_operation["requestBody"]["content"][JSON]["schema"]
        except KeyError as error:
            raise SetupError(
                f"{op.operation_id}: no JSON request body schema in the spec"
            ) from error
        self.compare_value(
            body_type, body_schema, "request", f"{request_cls.__name__}.body"
        )

        try:
            response_schema = spec_operation["responses"]["200"]["content"][JSON][
                "schema"
            ]
        except KeyError as error:
            raise SetupError(
                f"{op.operation_id}: no JSON 200 response schema in the spec"
            ) from error
        self.compare_object(
            response_cls,
            self.spec.resolve(response_schema, "response.200"),
            "response.200",
        )


# ---------------------------------------------------------------------------
# ERRATA


def errata_lines(text: str) -> dict[tuple[str, str, str], str]:
    """Each `sdk-check:` line of ERRATA.md and the entry it belongs to."""
    known: dict[tuple[str, str, str], str] = {}
    entry = "(before the first entry)"
    for number, line in enumerate(text.splitlines(), start=1):
        heading = ERRATA_ENTRY.match(line)
        if heading:
            entry = heading.group(1)
        for operation_id, kind, path in ERRATA_LINE.findall(line):
            if kind not in KINDS:
                raise SetupError(
                    f"ERRATA.md line {number}: unknown kind {kind!r} (one of {', '.join(KINDS)})"
                )
            if operation_id not in {op.operation_id for op in OPERATIONS}:
                raise SetupError(
                    f"ERRATA.md line {number}: unknown operation {operation_id!r}"
                )
            known[(operation_id, kind, path)] = entry
    return known


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--spec", required=True, type=Path)
    parser.add_argument("--errata", required=True, type=Path)
    args = parser.parse_args(argv)
    try:
        spec = Spec(yaml.safe_load(args.spec.read_text(encoding="utf-8")))
        known = errata_lines(args.errata.read_text(encoding="utf-8"))
        comparisons = []
        for operation in OPERATIONS:
            comparison = Comparison(spec, operation, sdk_module(operation.package))
            comparison.run()
            comparisons.append(comparison)
    except (SetupError, OSError, yaml.YAMLError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2

    versions = []
    for package in ("huaweicloudsdkworkspace", "huaweicloudsdkworkspaceapp"):
        try:
            from importlib.metadata import version

            versions.append(f"{package} {version(package)}")
        except Exception:  # noqa: BLE001 - the version is informative only
            versions.append(f"{package} (version unknown)")
    print(f"Official SDK models ({', '.join(versions)}) against {args.spec}")

    unexplained = 0
    matched: set[tuple[str, str, str]] = set()
    for comparison in comparisons:
        op = comparison.operation
        print(
            f"\n{op.operation_id}: {op.package}.{op.request_class} / {op.response_class}, "
            f"{len(comparison.classes)} model classes, {comparison.members} members"
        )
        if not comparison.differences:
            print("  no differences")
        for difference in sorted(
            comparison.differences, key=lambda d: (d.path, d.kind)
        ):
            entry = known.get(difference.key)
            if entry:
                matched.add(difference.key)
                label = f"[known {entry}]"
            else:
                unexplained += 1
                label = "[UNEXPLAINED]"
            print(f"  {label} {difference.kind} {difference.path}: {difference.detail}")

    stale = sorted(set(known) - matched)
    if stale:
        print(
            "\nERRATA lines that match no difference (the spec or the SDK changed; update ERRATA.md):"
        )
        for key in stale:
            print(f"  {known[key]}: sdk-check: `{' '.join(key)}`")

    total = sum(len(c.differences) for c in comparisons)
    print(
        f"\n{total} difference(s): {total - unexplained} explained by ERRATA, {unexplained} unexplained; "
        f"{len(stale)} stale ERRATA line(s)"
    )
    return 1 if unexplained or stale else 0


if __name__ == "__main__":
    sys.exit(main())
