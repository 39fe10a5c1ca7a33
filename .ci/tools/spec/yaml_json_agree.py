"""The YAML source means the same to a YAML 1.1 parser as its JSON rendering says.

`cargo xtask generate` renders the JSON with a YAML 1.2 parser, but many
consumers read YAML 1.1 (PyYAML; SnakeYAML inside openapi-generator), where an
unquoted NO/YES/on/off is a boolean and an unquoted 2026-05-21 a date. Such a
value silently changes meaning, or crashes a generator, for those consumers.
This loads the YAML with PyYAML and reports every place that differs from the
JSON rendering, by JSON pointer. The JSON's top-level `x-generated` note is
the only allowed difference.

Usage: python yaml_json_agree.py SPEC.yaml SPEC.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import yaml

RENDERING_ONLY = {"x-generated"}


def pointer(parts: list[str]) -> str:
    return "#/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


def differences(from_yaml: Any, from_json: Any, parts: list[str]) -> list[str]:
    if isinstance(from_json, dict) and isinstance(from_yaml, dict):
        out = []
        yaml_keys = {k if isinstance(k, str) else repr(k): k for k in from_yaml}
        for key in from_json.keys() | yaml_keys.keys():
            if not parts and key in RENDERING_ONLY:
                continue
            if key not in yaml_keys:
                out.append(f"{pointer(parts + [key])}: only in the JSON (is the JSON rendering stale?)")
            elif key not in from_json:
                out.append(f"{pointer(parts + [key])}: only in the YAML (YAML 1.1 key {yaml_keys[key]!r})")
            else:
                out.extend(differences(from_yaml[yaml_keys[key]], from_json[key], parts + [key]))
        return out
    if isinstance(from_json, list) and isinstance(from_yaml, list) and len(from_json) == len(from_yaml):
        out = []
        for index, (y, j) in enumerate(zip(from_yaml, from_json)):
            out.extend(differences(y, j, parts + [str(index)]))
        return out
    if type(from_yaml) is not type(from_json) or from_yaml != from_json:
        found = (
            f"{pointer(parts)}: YAML 1.1 reads {from_yaml!r} ({type(from_yaml).__name__}), "
            f"the JSON has {json.dumps(from_json)}; quote the value in the YAML"
        )
        return [found]
    return []


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    yaml_path, json_path = Path(sys.argv[1]), Path(sys.argv[2])
    try:
        from_yaml = yaml.safe_load(yaml_path.read_text(encoding="utf-8"))
        from_json = json.loads(json_path.read_text(encoding="utf-8"))
    except (OSError, ValueError, yaml.YAMLError) as e:
        print(f"cannot read the spec: {e}", file=sys.stderr)
        return 1
    found = differences(from_yaml, from_json, [])
    for line in found:
        print(f"{yaml_path.name}: {line}", file=sys.stderr)
    if found:
        print(f"{len(found)} place(s) where YAML 1.1 consumers read something else", file=sys.stderr)
        return 1
    print(f"{yaml_path.name} reads the same under YAML 1.1 as {json_path.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
