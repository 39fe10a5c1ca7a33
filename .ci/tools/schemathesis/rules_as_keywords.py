"""Writes a copy of the spec in which every `x-rules` rule is also stated in JSON Schema.

Schemathesis generates "valid" bodies from the schema keywords only. The mock also
enforces the spec's rules between fields (`x-rules`, see openapi/README.md), so a
keyword-valid body that breaks a rule (say `desktops` and `size` together) is
refused with a 400, and schemathesis would report a valid body refused. OpenAPI 3.0
can state each rule with `not` / `anyOf` / `allOf`; the published spec does not,
because generators such as typify and openapi-python-client turn such schemas into
unusable types. This copy, for schemathesis only, adds them, so that its positive
cases keep the rules and its negative cases may break them (and must be refused).

A member is *set* when present, not null, and not "" or []. Standard library only.
Usage: python rules_as_keywords.py SPEC.json OUT.json
"""

from __future__ import annotations

import json
import sys
from typing import Any


def is_set(member: str) -> dict[str, Any]:
    return {"required": [member], "properties": {member: {"not": {"enum": [None, "", []]}}}}


def condition(when: dict[str, Any]) -> dict[str, Any]:
    member = when["member"]
    if "equals" in when:
        return {"required": [member], "properties": {member: {"enum": [when["equals"]]}}}
    if "not_equals" in when:
        return {"not": {"required": [member], "properties": {member: {"enum": [when["not_equals"]]}}}}
    if "greater_than" in when:
        # Not `exclusiveMinimum`: a boolean in OpenAPI 3.0, a number in JSON Schema, and
        # schemathesis validates examples with the latter (a schema that does not compile
        # there counts every example as valid).
        bound = {"type": "number", "not": {"maximum": when["greater_than"]}}
        return {"required": [member], "properties": {member: bound}}
    if "set" in when:
        return is_set(member) if when["set"] else {"not": is_set(member)}
    raise ValueError(f"unknown condition {when}")


def keywords(rule: dict[str, Any]) -> dict[str, Any]:
    members = rule["members"]
    kind = rule["kind"]
    if kind == "exclusive":
        pairs = [(a, b) for i, a in enumerate(members) for b in members[i + 1 :]]
        return {"allOf": [{"not": {"allOf": [is_set(a), is_set(b)]}} for a, b in pairs]}
    if kind == "together":
        return {"anyOf": [{"allOf": [is_set(m) for m in members]}, {"allOf": [{"not": is_set(m)} for m in members]}]}
    if kind == "required":
        return {"anyOf": [{"not": condition(rule["when"])}, {"allOf": [is_set(m) for m in members]}]}
    if kind == "max-length":
        lengths = {"properties": {m: {"maxLength": rule["max_length"]} for m in members}}
        return {"anyOf": [{"not": condition(rule["when"])}, lengths]}
    raise ValueError(f"unknown rule kind {kind}")


def main() -> int:
    source, out = sys.argv[1:3]
    spec = json.load(open(source, encoding="utf-8"))
    count = 0
    for name, schema in spec["components"]["schemas"].items():
        rules = schema.get("x-rules", [])
        if rules:
            schema["allOf"] = schema.get("allOf", []) + [keywords(rule) for rule in rules]
            count += len(rules)
    with open(out, "w", encoding="utf-8") as f:
        json.dump(spec, f, ensure_ascii=False, indent=1)
    print(f"    {count} x-rules rules stated as JSON Schema for schemathesis", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
