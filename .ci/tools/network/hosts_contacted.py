"""Which hosts does a command contact? An audit for "nothing outside the registries".

  python3 .ci/tools/network/hosts_contacted.py [--allow HOST,...] -- COMMAND...

Runs COMMAND (and every process it starts) under strace, recording connect()
and the DNS queries sent (sendto/sendmmsg), then prints each host name looked
up and each non-loopback address connected to. Exits 1 if COMMAND failed or a
name outside --allow (default: the package registries) was looked up.
Connections to a bare IP address without a lookup are listed, not judged.
Needs strace. Not part of CI: run it by hand after changing a step or a tool.
"""

import argparse
import collections
import re
import subprocess
import sys
import tempfile
from pathlib import Path

REGISTRIES = [
    "registry.npmjs.org",
    "pypi.org",
    "files.pythonhosted.org",
    "deb.debian.org",
    "index.crates.io",
    "static.crates.io",
]
IOV = re.compile(r'iov_base="((?:[^"\\]|\\.)*)", iov_len=(\d+)')
SENDTO = re.compile(r'sendto\(\d+, "((?:[^"\\]|\\.)*)", (\d+)')
CONNECT = re.compile(r'sin6?_port=htons\((\d+)\), (?:sin6_flowinfo=[^,]*, )?sin6?_addr=inet_(?:addr|pton)\((?:AF_INET6, )?"([^"]+)"\)')
ESCAPE = re.compile(r'\\([0-7]{1,3}|x[0-9a-fA-F]{2}|.)')
SIMPLE = {"n": 10, "t": 9, "r": 13, "v": 11, "f": 12, '"': 34, "\\": 92}


def unescape(text: str) -> bytes:
    """strace's C-style string back into bytes."""
    out, last = bytearray(), 0
    for m in ESCAPE.finditer(text):
        out += text[last : m.start()].encode("latin-1", "replace")
        code = m.group(1)
        if code[0] in "01234567":
            out.append(int(code, 8) & 0xFF)
        elif code[0] == "x":
            out.append(int(code[1:], 16))
        else:
            out.append(SIMPLE.get(code, ord(code[0]) & 0xFF))
        last = m.end()
    out += text[last:].encode("latin-1", "replace")
    return bytes(out)


def dns_question(packet: bytes) -> str | None:
    """The name a DNS query asks for, or None if the packet is no DNS query."""
    if len(packet) < 17 or packet[2] & 0x80 or packet[4:6] != b"\x00\x01":
        return None
    labels, i = [], 12
    while i < len(packet) and packet[i]:
        size = packet[i]
        if size > 63 or i + 1 + size > len(packet):
            return None
        labels.append(packet[i + 1 : i + 1 + size].decode("ascii", "replace"))
        i += 1 + size
    return ".".join(labels).lower() if labels else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--allow", default=",".join(REGISTRIES), help="host names that may be looked up")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command given")
    allowed = {host.strip().lower() for host in args.allow.split(",") if host.strip()}

    with tempfile.TemporaryDirectory() as scratch:
        trace = Path(scratch) / "trace"
        status = subprocess.call(
            ["strace", "-f", "-qq", "--seccomp-bpf", "-e", "trace=connect,sendto,sendmmsg", "-s", "512", "-o", str(trace), *command]
        )
        names, addresses = collections.Counter(), collections.Counter()
        with trace.open(errors="replace") as lines:
            for line in lines:
                if "connect(" in line:
                    m = CONNECT.search(line)
                    if m and m.group(2) not in ("127.0.0.1", "::1") and m.group(1) != "53":
                        addresses[f"{m.group(2)} port {m.group(1)}"] += 1
                    continue
                for m in [*IOV.finditer(line), *SENDTO.finditer(line)]:
                    if int(m.group(2)) <= 512:
                        name = dns_question(unescape(m.group(1)))
                        if name:
                            names[name] += 1

    print(f"command exited with {status}", file=sys.stderr)
    print("host names looked up:" + ("" if names else " none"), file=sys.stderr)
    for name in sorted(names):
        print(f"  {name}{'' if name in allowed else '   <- NOT ALLOWED'}", file=sys.stderr)
    print("non-loopback connections:" + ("" if addresses else " none"), file=sys.stderr)
    for address, count in sorted(addresses.items()):
        print(f"  {address} ({count}x)", file=sys.stderr)
    outside = sorted(set(names) - allowed)
    if outside:
        print(f"FAIL: looked up hosts outside --allow: {', '.join(outside)}", file=sys.stderr)
    return 1 if status or outside else 0


if __name__ == "__main__":
    sys.exit(main())
