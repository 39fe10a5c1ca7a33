"""The documented example requests of the spec, and the ERRATA cases among them.

Shared by the generator checks (python_client_check.py, typescript_check.py).
Examples are read from the spec itself
(`paths.*.post.requestBody.content.application/json.examples`), never copied by
hand. The ERRATA cases come from example-errata.json, which is checked here
against the spec and openapi/ERRATA.md so it cannot go stale silently.

Standard library only: it runs under any Python 3.11.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

JSON = "application/json"
HTTP_METHODS = ("get", "put", "post", "delete", "patch")


class CheckError(Exception):
    """A check failed; the message says which generator, example and field."""


@dataclass(frozen=True)
class Example:
    """One documented example request of one operation."""

    operation_id: str
    method: str
    path: str
    name: str
    body_schema: str
    value: Any

    @property
    def label(self) -> str:
        return f"{self.operation_id} example {self.name!r}"


@dataclass(frozen=True)
class Failure:
    """One field where an ERRATA example contradicts its table."""

    path: tuple[str | int, ...]
    kind: str
    fix: dict[str, Any]

    @property
    def dotted(self) -> str:
        return dotted(self.path)


@dataclass(frozen=True)
class Erratum:
    """An ERRATA entry about one example, with all its failing fields."""

    erratum_id: str
    failures: tuple[Failure, ...]


@dataclass(frozen=True)
class Variant:
    """A body to put through a generator: `expected` is None when it must pass."""

    example: Example
    description: str
    body: Any
    expected: Failure | None
    erratum_id: str | None

    @property
    def label(self) -> str:
        return f"{self.example.label} ({self.description})"


def dotted(path: tuple[str | int, ...]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def load_spec(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise CheckError(f"cannot read the spec {path}: {e}") from e


def schema_name(ref: str) -> str:
    prefix = "#/components/schemas/"
    if not ref.startswith(prefix):
        raise CheckError(f"request body schema {ref!r} is not a component schema reference")
    return ref[len(prefix) :]


def request_examples(spec: dict[str, Any]) -> list[Example]:
    """Every named example request, in document order."""
    found = []
    for path, item in spec.get("paths", {}).items():
        for method in HTTP_METHODS:
            operation = item.get(method)
            if not isinstance(operation, dict):
                continue
            media = operation.get("requestBody", {}).get("content", {}).get(JSON)
            if media is None:
                continue
            where = f"paths.{path}.{method}.requestBody.content.{JSON}"
            ref = media.get("schema", {}).get("$ref")
            if ref is None:
                raise CheckError(f"{where}.schema is not a $ref to a named schema")
            for name, example in media.get("examples", {}).items():
                example = resolve_example(spec, example)
                if "value" not in example:
                    raise CheckError(f"{where}.examples.{name} has no inline value")
                found.append(
                    Example(
                        operation_id=operation["operationId"],
                        method=method,
                        path=path,
                        name=name,
                        body_schema=schema_name(ref),
                        value=example["value"],
                    )
                )
    if not found:
        raise CheckError("the spec has no example requests")
    return found


def resolve_example(spec: dict[str, Any], example: dict[str, Any]) -> dict[str, Any]:
    """An Example object, following `$ref`s into components/examples."""
    prefix = "#/components/examples/"
    while "$ref" in example:
        ref = example["$ref"]
        if not ref.startswith(prefix):
            raise CheckError(f"example reference {ref!r} is not under {prefix}")
        try:
            example = spec["components"]["examples"][ref[len(prefix) :]]
        except KeyError:
            raise CheckError(f"example reference {ref!r} points nowhere") from None
    return example


def resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema_name(schema["$ref"])]
    return schema


def schema_at(spec: dict[str, Any], root: str, path: tuple[str | int, ...]) -> dict[str, Any] | None:
    """The schema that applies at `path` below component `root`; None if no schema has that member."""
    schema = resolve(spec, {"$ref": f"#/components/schemas/{root}"})
    for part in path:
        if isinstance(part, int):
            schema = resolve(spec, schema.get("items", {}))
        else:
            member = schema.get("properties", {}).get(part)
            if member is None:
                return None
            schema = resolve(spec, member)
    return schema


def value_at(value: Any, path: tuple[str | int, ...]) -> Any:
    for part in path:
        value = value[part]
    return value


JSON_TYPES = {
    "boolean": (bool,),
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "object": (dict,),
    "array": (list,),
}


def has_json_type(value: Any, json_type: str) -> bool:
    if isinstance(value, bool) and json_type in ("integer", "number"):
        return False
    return isinstance(value, JSON_TYPES[json_type])


def check_failure_holds(spec: dict[str, Any], example: Example, erratum: Erratum, failure: Failure) -> None:
    """The example really contradicts the spec the way the erratum says."""
    where = f"{example.label}: ERRATA {erratum.erratum_id} at {failure.dotted}"
    try:
        value = value_at(example.value, failure.path)
    except (KeyError, IndexError, TypeError):
        raise CheckError(f"{where}: the example has no such field any more; update example-errata.json and ERRATA.md")
    parent = schema_at(spec, example.body_schema, failure.path[:-1])
    if parent is None:
        raise CheckError(f"{where}: the spec has no schema above this field")
    member = schema_at(spec, example.body_schema, failure.path)
    if failure.kind == "unknown-member":
        if member is not None:
            raise CheckError(f"{where}: the spec now has this member; the erratum no longer applies")
        if parent.get("additionalProperties", True) is not False:
            raise CheckError(f"{where}: the enclosing schema allows unknown members, so this is no failure")
    elif failure.kind == "wrong-type":
        if member is None or "type" not in member:
            raise CheckError(f"{where}: the spec gives this field no type")
        if has_json_type(value, member["type"]):
            raise CheckError(f"{where}: the example now sends a {member['type']}; the erratum no longer applies")
    elif failure.kind == "not-in-enum":
        if member is None or "enum" not in member:
            raise CheckError(f"{where}: the spec gives this field no enum")
        if value in member["enum"]:
            raise CheckError(f"{where}: {value!r} is now in the enum; the erratum no longer applies")
    else:
        raise CheckError(f"{where}: unknown kind {failure.kind!r}")


def apply_fix(body: Any, failure: Failure) -> None:
    parent = value_at(body, failure.path[:-1])
    key = failure.path[-1]
    if failure.fix.get("remove"):
        del parent[key]
    elif "set" in failure.fix:
        parent[key] = failure.fix["set"]
    else:
        raise CheckError(f"fix for {failure.dotted} is neither 'set' nor 'remove': {failure.fix}")


def load_errata(
    errata_json: Path, errata_md: Path, spec: dict[str, Any], examples: list[Example]
) -> dict[tuple[str, str], Erratum]:
    """The ERRATA cases, each checked to still hold against the spec and ERRATA.md."""
    try:
        raw = json.loads(errata_json.read_text(encoding="utf-8"))
        markdown = errata_md.read_text(encoding="utf-8")
    except (OSError, ValueError) as e:
        raise CheckError(f"cannot read the ERRATA cases: {e}") from e
    by_key = {(e.operation_id, e.name): e for e in examples}
    errata: dict[tuple[str, str], Erratum] = {}
    for entry in raw["examples"]:
        key = (entry["operation"], entry["example"])
        erratum = Erratum(
            erratum_id=entry["erratum"],
            failures=tuple(Failure(tuple(f["path"]), f["kind"], f["fix"]) for f in entry["failures"]),
        )
        if key not in by_key:
            raise CheckError(f"{errata_json.name}: {key[0]} has no example {key[1]!r} in the spec")
        heading = re.search(rf"^### {re.escape(erratum.erratum_id)}\b.*$", markdown, re.MULTILINE)
        if heading is None:
            raise CheckError(f"{errata_json.name}: {errata_md.name} has no entry {erratum.erratum_id}")
        for failure in erratum.failures:
            check_failure_holds(spec, by_key[key], erratum, failure)
        errata[key] = erratum
    return errata


def variants(example: Example, erratum: Erratum | None) -> list[Variant]:
    """What to put through a generator for one example.

    A valid example: itself, which must pass. An ERRATA example: the body with
    every failure fixed (must pass), and for each failure the body with all the
    others fixed (must fail exactly there).
    """
    if erratum is None:
        return [Variant(example, "as documented", copy.deepcopy(example.value), None, None)]
    fixed = copy.deepcopy(example.value)
    for failure in erratum.failures:
        apply_fix(fixed, failure)
    out = [Variant(example, f"ERRATA {erratum.erratum_id} fixed", fixed, None, erratum.erratum_id)]
    for failure in erratum.failures:
        body = copy.deepcopy(example.value)
        for other in erratum.failures:
            if other is not failure:
                apply_fix(body, other)
        out.append(
            Variant(
                example,
                f"ERRATA {erratum.erratum_id}: only {failure.dotted} left as documented",
                body,
                failure,
                erratum.erratum_id,
            )
        )
    return out


def all_variants(spec_path: Path, tools_dir: Path, errata_md: Path) -> tuple[dict[str, Any], list[Variant]]:
    spec = load_spec(spec_path)
    examples = request_examples(spec)
    errata = load_errata(tools_dir / "example-errata.json", errata_md, spec, examples)
    out = []
    for example in examples:
        out.extend(variants(example, errata.get((example.operation_id, example.name))))
    return spec, out


def json_diff(expected: Any, actual: Any, path: str = "") -> list[str]:
    """Human-readable differences between two JSON values, by path."""
    here = path or "(root)"
    if isinstance(expected, dict) and isinstance(actual, dict):
        out = []
        for key in expected.keys() | actual.keys():
            sub = f"{path}.{key}" if path else key
            if key not in actual:
                out.append(f"{sub}: dropped (was {json.dumps(expected[key])})")
            elif key not in expected:
                out.append(f"{sub}: added ({json.dumps(actual[key])})")
            else:
                out.extend(json_diff(expected[key], actual[key], sub))
        return sorted(out)
    if isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            return [f"{here}: {len(expected)} items became {len(actual)}"]
        out = []
        for i, (e, a) in enumerate(zip(expected, actual)):
            out.extend(json_diff(e, a, f"{path}[{i}]"))
        return out
    if type(expected) is not type(actual) or expected != actual:
        return [f"{here}: {json.dumps(expected)} became {json.dumps(actual)}"]
    return []
