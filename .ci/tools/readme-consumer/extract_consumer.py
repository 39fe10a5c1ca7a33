"""Write the README's consumer snippet out as a fresh crate.

  python3 extract_consumer.py --readme README.md --client PATH --out DIR

Finds, in the README, the ```toml block whose [dependencies] table lists
huaweicloud-workspace-orders, and the first ```rust block after it with a
`fn main`. Writes DIR/Cargo.toml (a package of its own, then that block
verbatim, with only the client's `path` pointed at PATH) and DIR/src/main.rs
(the Rust block verbatim). Any block that is missing, ambiguous or not as
expected is an error naming the README line.
"""

import argparse
import re
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

CLIENT = "huaweicloud-workspace-orders"
FENCE = re.compile(r"^(```+|~~~+)\s*([^\s`]*)")


class SnippetError(Exception):
    pass


@dataclass
class Block:
    info: str  # the fence's info string, e.g. "rust,no_run"
    start: int  # 1-based line of the opening fence
    end: int  # 1-based line of the closing fence
    text: str

    @property
    def language(self) -> str:
        return self.info.split(",")[0].strip().lower()

    def where(self, readme: Path) -> str:
        return f"{readme}:{self.start}-{self.end}"


def fenced_blocks(readme: Path) -> list[Block]:
    lines = readme.read_text(encoding="utf-8").splitlines()
    blocks, i = [], 0
    while i < len(lines):
        opening = FENCE.match(lines[i])
        if not opening:
            i += 1
            continue
        fence = opening.group(1)
        for j in range(i + 1, len(lines)):
            if lines[j].strip() == fence:
                blocks.append(Block(opening.group(2), i + 1, j + 1, "\n".join(lines[i + 1 : j]) + "\n"))
                i = j + 1
                break
        else:
            raise SnippetError(f"{readme}:{i + 1}: code block opened with {fence} is never closed")
    return blocks


def dependencies_block(readme: Path, blocks: list[Block]) -> Block:
    found = []
    for block in blocks:
        if block.language != "toml":
            continue
        try:
            manifest = tomllib.loads(block.text)
        except tomllib.TOMLDecodeError as error:
            if "[dependencies]" in block.text:
                raise SnippetError(f"{block.where(readme)}: the [dependencies] block is not valid TOML: {error}")
            continue
        if CLIENT in manifest.get("dependencies", {}):
            found.append(block)
    if not found:
        raise SnippetError(f"{readme}: no ```toml block with a [dependencies] table listing {CLIENT}")
    if len(found) > 1:
        places = ", ".join(block.where(readme) for block in found)
        raise SnippetError(f"{readme}: several ```toml blocks list {CLIENT} ({places}); which one is the consumer's?")
    return found[0]


def example_block(readme: Path, blocks: list[Block], after: Block) -> Block:
    for block in blocks:
        if block.start > after.end and block.language == "rust" and re.search(r"\bfn\s+main\s*\(", block.text):
            return block
    raise SnippetError(f"{readme}: no ```rust block with `fn main` after the [dependencies] block ({after.where(readme)})")


def with_client_path(readme: Path, block: Block, client: Path) -> str:
    """The block with the client's `path = "…"` (and nothing else) replaced by CLIENT."""
    dependency = tomllib.loads(block.text)["dependencies"][CLIENT]
    if not isinstance(dependency, dict) or "path" not in dependency:
        raise SnippetError(
            f"{block.where(readme)}: {CLIENT} is not a path dependency ({dependency!r}); "
            "this check builds the snippet against the checkout's client crate"
        )
    line = re.compile(r'^(\s*"?' + re.escape(CLIENT) + r'"?\s*=\s*\{.*?\bpath\s*=\s*)"[^"]*"', re.MULTILINE)
    # A TOML basic string: escape what TOML would not take literally.
    quoted = '"' + str(client).replace("\\", "\\\\").replace('"', '\\"') + '"'
    text, count = line.subn(lambda m: m.group(1) + quoted, block.text)
    if count != 1:
        raise SnippetError(f"{block.where(readme)}: expected one `{CLIENT} = {{ path = \"…\" … }}` line, found {count}")
    rewritten = tomllib.loads(text)["dependencies"][CLIENT]
    if rewritten.get("path") != str(client) or {k: v for k, v in rewritten.items() if k != "path"} != {
        k: v for k, v in dependency.items() if k != "path"
    }:
        raise SnippetError(f"{block.where(readme)}: rewriting the client's path changed more than the path")
    return text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--readme", type=Path, required=True)
    parser.add_argument("--client", type=Path, required=True, help="the checkout's client crate directory")
    parser.add_argument("--out", type=Path, required=True, help="directory for the fresh crate (must not exist)")
    parser.add_argument("--package", default="readme-consumer-check", help="the fresh crate's package name")
    args = parser.parse_args()
    try:
        if not (args.client / "Cargo.toml").is_file():
            raise SnippetError(f"{args.client}: no Cargo.toml (expected the client crate)")
        blocks = fenced_blocks(args.readme)
        dependencies = dependencies_block(args.readme, blocks)
        example = example_block(args.readme, blocks, dependencies)
        manifest = with_client_path(args.readme, dependencies, args.client.resolve())
    except SnippetError as error:
        print(f"readme-consumer: {error}", file=sys.stderr)
        return 1
    (args.out / "src").mkdir(parents=True)
    # [workspace]: the crate is a workspace of its own wherever the directory is.
    package = f'[package]\nname = "{args.package}"\nversion = "0.0.0"\nedition = "2024"\npublish = false\n\n[workspace]\n\n'
    (args.out / "Cargo.toml").write_text(package + manifest, encoding="utf-8")
    (args.out / "src" / "main.rs").write_text(example.text, encoding="utf-8")
    print(f"[dependencies]: {dependencies.where(args.readme)}; example: {example.where(args.readme)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
