"""Checks that the HTML API reference really renders the spec in a browser.

Opens the page written by `cargo xtask docs` in headless Chromium once per
documented example request, with a deep link that selects that example
(`#/<tag>#<tag>/<operation>/ex=<example>`), and reads the DOM Chromium dumps
after the page's script has run. In every dump, each operation of the spec
must have its own rendered section: its summary as the heading and every
top-level member of its request body schema as a property row (name, required
mark, description), and every rule between fields (`x-rules`) its body uses, as
its id and message (cargo xtask docs writes them into the operation's
description). In the dump that selects an example, the request payload
panel of its operation must show that example's summary and its whole value.

Redoc renders operations lazily, as they scroll into view, so the window is
tall enough to hold them all; the prerendered static page holds only the
introduction, so a page whose script does not run fails here. No host name
resolves in the browser, so the page must also be self-contained.

Standard library only. Usage:
  python reference_check.py --spec SPEC.json --html REFERENCE.html --chromium PATH
"""

from __future__ import annotations

import argparse
import html.parser
import json
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # No host name resolves: a page that needs anything from the network fails.
    "--host-resolver-rules=MAP * ~NOTFOUND",
    # Long enough (in virtual time) for Redoc to hydrate and render every section.
    "--virtual-time-budget=15000",
    # Lazy sections render when they enter the viewport: make it hold them all.
    "--window-size=1280,30000",
]
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class CheckFailed(Exception):
    pass


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Node | str] = field(default_factory=list)

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def walk(self):
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.walk()

    def find_all(self, **attrs: str) -> list[Node]:
        return [n for n in self.walk() if all(n.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items())]

    def has_class(self, name: str) -> bool:
        return name in self.attrs.get("class", "").split()


class TreeBuilder(html.parser.HTMLParser):
    """The DOM Chromium serialises, as a tree (it closes every non-void element)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        if self.stack[-1].tag not in ("script", "style"):
            self.stack[-1].children.append(data)


def squash(text: str) -> str:
    return " ".join(text.split())


def plain(markdown: str) -> str:
    """The text a short Markdown description renders to (code spans and emphasis unwrapped)."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    return squash(re.sub(r"[`*]", "", text))


@dataclass(frozen=True)
class Operation:
    operation_id: str
    summary: str
    route: str
    properties: list[tuple[str, bool, str]]
    examples: list[tuple[str, str, Any]]
    rules: list[tuple[str, str]]


def resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def body_rules(spec: dict[str, Any], schema: dict[str, Any], seen: set[str] | None = None) -> list[tuple[str, str]]:
    """(id, message) of every x-rules rule of the schemas reachable from `schema`."""
    seen = set() if seen is None else seen
    found = []
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name in seen:
            return found
        seen.add(name)
        target = spec["components"]["schemas"][name]
        found += [(rule["id"], rule["message"]) for rule in target.get("x-rules", [])]
        return found + body_rules(spec, target, seen)
    for member in schema.get("properties", {}).values():
        found += body_rules(spec, member, seen)
    if "items" in schema:
        found += body_rules(spec, schema["items"], seen)
    return found


def operations(spec: dict[str, Any]) -> list[Operation]:
    found = []
    for item in spec["paths"].values():
        for method, op in item.items():
            if method not in ("get", "put", "post", "delete", "patch"):
                continue
            media = op["requestBody"]["content"]["application/json"]
            body = resolve(spec, media["schema"])
            required = set(body.get("required", []))
            properties = [
                (name, name in required, member.get("description") or resolve(spec, member).get("description", ""))
                for name, member in body.get("properties", {}).items()
            ]
            examples = []
            for key, example in media.get("examples", {}).items():
                example = resolve_example(spec, example)
                examples.append((key, example.get("summary", ""), example["value"]))
            tag = op["tags"][0].lower()
            found.append(
                Operation(
                    op["operationId"],
                    op["summary"],
                    f"/{tag}/{op['operationId'].lower()}",
                    properties,
                    examples,
                    body_rules(spec, media["schema"]),
                )
            )
    if not found:
        raise CheckFailed("the spec has no operations")
    return found


def resolve_example(spec: dict[str, Any], example: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in example:
        example = spec["components"]["examples"][example["$ref"].rsplit("/", 1)[-1]]
    return example


def render(chromium: str, page: Path, fragment: str, profile: Path) -> Node:
    url = page.resolve().as_uri() + fragment
    result = subprocess.run(
        [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--dump-dom", url],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    if result.returncode != 0 or "<html" not in result.stdout:
        raise CheckFailed(f"chromium could not render {url} (exit {result.returncode}):\n{result.stderr[-2000:]}")
    builder = TreeBuilder()
    builder.feed(result.stdout)
    return builder.root


def check_operation(dom: Node, op: Operation) -> list[str]:
    """Problems with one operation's rendered section (summary and request schema)."""
    sections = dom.find_all(data_section_id=op.route)
    if not sections:
        return [
            f"{op.operation_id}: no rendered section {op.route} (only the static page, or a section never rendered)"
        ]
    section = sections[0]
    problems = []
    headings = [squash(h.text()) for h in section.walk() if h.tag in ("h1", "h2", "h3")]
    if op.summary not in headings:
        problems.append(f"{op.operation_id}: heading {op.summary!r} not rendered (headings: {headings})")
    rows = {}
    for row in section.walk():
        if row.has_class("schema-property-item") and "t=request&path=" in row.attrs.get("id", ""):
            path = row.attrs["id"].split("t=request&path=", 1)[1]
            rows.setdefault(path, row)
    for name, required, description in op.properties:
        row = rows.get(name)
        if row is None:
            problems.append(f"{op.operation_id}: request body property {name!r} not rendered")
            continue
        # A row: its header (name, type, required mark), its description, then any nested rows.
        parts = [c for c in row.children if isinstance(c, Node)]
        header, text = parts[0], squash(parts[1].text()) if len(parts) > 1 else ""
        names = [squash(n.text()) for n in header.walk() if n.has_class("schema-name")]
        if names != [name]:
            problems.append(f"{op.operation_id}: property row {name!r} shows the name {names}")
        marked = any(n.tag == "span" and squash(n.text()) == "required" for n in header.walk())
        if required != marked:
            problems.append(
                f"{op.operation_id}: property {name!r} should{'' if required else ' not'} be marked required"
            )
        if plain(description) != text:
            problems.append(
                f"{op.operation_id}: property {name!r} shows {text!r}, not its description {plain(description)!r}"
            )
    shown = squash(section.text())
    for rule_id, message in op.rules:
        if f"{rule_id}: {plain(message)}" not in shown:
            problems.append(f"{op.operation_id}: rule {rule_id} ({message!r}) not shown")
    return problems


def request_panel(section: Node) -> Node | None:
    """The request samples panel (headed "Payload")."""
    for panel in section.find_all(data_component_name="Panel/Panel"):
        if panel.has_class("panel-request-samples"):
            return panel
    return None


def check_example(dom: Node, op: Operation, key: str, summary: str, value: Any) -> list[str]:
    label = f"{op.operation_id} example {key!r}"
    sections = dom.find_all(data_section_id=op.route)
    panel = request_panel(sections[0]) if sections else None
    if panel is None:
        return [f"{label}: no request payload panel rendered"]
    problems = []
    if len(op.examples) > 1:
        chosen = [
            squash(b.text()) for b in panel.walk() if b.tag == "button" and b.attrs.get("aria-label") == "Example"
        ]
        if summary not in chosen:
            problems.append(f"{label}: the example menu shows {chosen}, not {summary!r}")
    sources = panel.find_all(data_testid="source-code")
    shown = re.sub(r"\s+", "", sources[0].text()) if sources else ""
    wanted = re.sub(r"\s+", "", json.dumps(value, ensure_ascii=False))
    if shown != wanted:
        problems.append(f"{label}: the payload shows\n    {shown[:400]}\n  not the example\n    {wanted[:400]}")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--spec", type=Path, required=True, help="JSON rendering of the spec")
    parser.add_argument("--html", type=Path, required=True, help="the reference written by cargo xtask docs")
    parser.add_argument("--chromium", required=True, help="Chromium executable")
    args = parser.parse_args()
    try:
        ops = operations(json.loads(args.spec.read_text(encoding="utf-8")))
        problems = []
        with tempfile.TemporaryDirectory() as profile:
            for op in ops:
                for key, summary, value in op.examples:
                    tag_route = op.route.rsplit("/", 1)[0]
                    fragment = f"#{tag_route}#{op.route.lstrip('/')}/ex={key.lower()}"
                    dom = render(args.chromium, args.html, fragment, Path(profile))
                    found = [p for o in ops for p in check_operation(dom, o)]
                    found += check_example(dom, op, key, summary, value)
                    problems += [f"[{fragment}] {p}" for p in found]
                    if not found:
                        print(
                            f"ok   {op.operation_id} example {key!r}: rendered with every operation and schema ({fragment})"
                        )
    except (CheckFailed, OSError, ValueError, KeyError, subprocess.TimeoutExpired) as e:
        print(f"FAIL api-reference: {e}", file=sys.stderr)
        return 1
    if problems:
        print("FAIL api-reference: the rendered reference lacks:\n  " + "\n  ".join(problems), file=sys.stderr)
        return 1
    print(f"api-reference: {len(ops)} operations, their request schemas and every example rendered")
    return 0


if __name__ == "__main__":
    sys.exit(main())
