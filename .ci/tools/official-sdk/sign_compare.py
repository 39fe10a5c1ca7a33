"""The official SDK's signer and this crate's signer give byte-identical Authorization headers.

Requests compared:
- constructed here and signed with huaweicloudsdkcore's own signing path
  (`BasicCredentials.sign_request`, which adds X-Security-Token for temporary keys, then
  `Signer.sign`): POST/GET/PUT/DELETE/PATCH, paths with project ids (and
  percent-encoded segments), query strings (unsorted, repeated keys, lists, booleans,
  spaces, `+`, `=`, `/`, `~`, Chinese), JSON bodies (empty, ASCII, UTF-8), with and
  without a security token, a header with `_` (never signed) and one with padding, at a
  fixed X-Sdk-Date (given as a header, so the SDK does not read the clock);
- every request the SDK signed while placing the orders on the mock (place_orders.py
  --record), as it went on the wire.

Each is signed by the crate's signer (the `sign_requests` example: method, URL,
headers and body in; Authorization out), given the request as the crate would hold it:
query parameters in their original order, Host left for the signer to derive.

Negative controls, every run: each request is also signed by the crate with its
X-Sdk-Date one second later, with one signed header dropped, and with its body changed;
each of those must differ from the SDK's Authorization, or the comparison could not
have failed. Exit status 1 with the differing canonical requests when anything is off.
"""

from __future__ import annotations

import argparse
import copy
import json
import shlex
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import Signer

SDK_DATE = "20260521T101500Z"
DATE_FORMAT = "%Y%m%dT%H%M%SZ"
PROJECT = "0123456789abcdef0123456789abcdef"
ORDER_BODY = {
    "type": "createDesktops",
    "resources": [{"create_desktops": {"desktop_pool_name": "研发部桌面池", "tags": [{"key": "k", "value": "a=b"}]}}],
}
BASE_HEADERS = {
    "Content-Type": "application/json",
    "User-Agent": "huaweicloud-usdk-python/3.0",
    "X-Project-Id": PROJECT,
}


def vector(
    name: str,
    method: str,
    schema_host: str,
    path: str,
    query: list[tuple[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
    body: bytes = b"",
    security_token: str | None = None,
) -> dict[str, Any]:
    return {
        "name": name,
        "method": method,
        "schema_host": schema_host,
        "path": path,
        "query": query or [],
        "headers": dict(BASE_HEADERS if headers is None else headers),
        "body": body,
        "security_token": security_token,
    }


def constructed_vectors() -> list[dict[str, Any]]:
    json_body = json.dumps(ORDER_BODY).encode()
    utf8_body = json.dumps(ORDER_BODY, ensure_ascii=False).encode("utf-8")
    token = "security-token-VALUE/with+chars="
    return [
        vector("periodic order, permanent key", "POST", "https://workspace.cn-north-4.myhuaweicloud.com",
               f"/v2/{PROJECT}/periodic/subscribe/order", body=json_body),
        vector("periodic order, temporary key", "POST", "https://workspace.cn-north-4.myhuaweicloud.com",
               f"/v2/{PROJECT}/periodic/subscribe/order", body=json_body, security_token=token),
        vector("desktop order, UTF-8 body, loopback port", "POST", "http://127.0.0.1:8080",
               f"/v2/{PROJECT}/desktops/orders/subscribe", body=utf8_body),
        vector("app order, appstream host, temporary key", "POST", "https://appstream.cn-east-3.myhuaweicloud.com",
               f"/v1/{PROJECT}/bundles/subscribe/order", body=json_body, security_token=token),
        vector("GET with an unsorted query", "GET", "https://workspace.ap-southeast-1.myhuaweicloud.com",
               f"/v2/{PROJECT}/desktops",
               query=[("offset", 0), ("limit", 10), ("name", "研发 desk+1/a=b~c"), ("tag", ["b", "a"]),
                      ("enabled", True), ("empty", "")],
               headers={"X-Project-Id": PROJECT}),
        vector("GET with a query, temporary key", "GET", "https://workspace.eu-west-101.myhuaweicloud.com",
               f"/v2/{PROJECT}/desktops", query=[("z", "1"), ("a", "2")], headers={"X-Project-Id": PROJECT},
               security_token=token),
        vector("DELETE, encoded path segments, no body", "DELETE", "https://workspace.cn-east-3.myhuaweicloud.com",
               f"/v2/{PROJECT}/desktops/a%20b/c~d/e%2Fsub", headers={"X-Project-Id": PROJECT}),
        vector("PUT with an empty JSON object", "PUT", "https://workspace.la-south-2.myhuaweicloud.com",
               f"/v2/{PROJECT}/desktops/123/", body=b"{}"),
        vector("PATCH: header with '_' and padded value", "PATCH", "https://workspace.tr-west-1.myhuaweicloud.com",
               f"/v2/{PROJECT}/desktops/123",
               headers={**BASE_HEADERS, "X_Custom_Header": "not signed", "X-Custom": "  padded value  "},
               body=json_body, security_token=token),
    ]


def sdk_sign(v: dict[str, Any], access_key: str, secret_key: str) -> tuple[str, dict[str, Any]]:
    """The SDK's Authorization for vector `v`, and the request as the crate gets it."""
    schema, host = v["schema_host"].split("://", 1)
    headers = dict(v["headers"], **{"X-Sdk-Date": SDK_DATE})
    request = SdkRequest(
        method=v["method"],
        schema=schema,
        host=host,
        resource_path=v["path"],
        query_params=copy.deepcopy(v["query"]),
        header_params=headers,
        body=v["body"],
    )
    credentials = BasicCredentials(access_key, secret_key)
    if v["security_token"] is not None:
        credentials.with_security_token(v["security_token"])
    signed = credentials.sign_request(request)
    # The crate holds the query in the caller's order, encoded; its signer sorts it.
    pairs = []
    for key, value in v["query"]:
        for item in value if isinstance(value, list) else [value]:
            text = str(item).lower() if isinstance(item, bool) else str(item)
            pairs.append(f"{quote(key, safe='')}={quote(text, safe='')}")
    url = v["schema_host"] + v["path"] + ("?" + "&".join(pairs) if pairs else "")
    crate_headers = [[k, value] for k, value in v["headers"].items()] + [["X-Sdk-Date", SDK_DATE]]
    if v["security_token"] is not None:
        crate_headers.append(["X-Security-Token", v["security_token"]])
    return signed.header_params["Authorization"], {
        "name": v["name"],
        "method": v["method"],
        "url": url,
        "headers": crate_headers,
        "body": v["body"].decode("utf-8"),
    }


def sdk_canonical_request(item: dict[str, Any], secret_key: str) -> str:
    """The SDK's canonical request for a crate input (for diagnosis only)."""
    schema, rest = item["url"].split("://", 1)
    host, _, path_query = rest.partition("/")
    path, _, query = ("/" + path_query).partition("?")
    request = SdkRequest(
        method=item["method"],
        schema=schema,
        host=item.get("host") or host,
        resource_path=path,
        query_params=parse_qsl(query, keep_blank_values=True),
        header_params={k: v for k, v in item["headers"]},
        body=item["body"].encode("utf-8"),
    )
    signer = Signer(BasicCredentials("diagnosis", secret_key))
    signer._process_header_host(request)
    return signer._process_canonical_request(request, signer._process_signed_headers(request))


def controls(item: dict[str, Any]) -> list[dict[str, Any]]:
    """Variants of a crate input that must not sign like the original."""
    out = []
    later = copy.deepcopy(item)
    for header in later["headers"]:
        if header[0].lower() == "x-sdk-date":
            header[1] = (datetime.strptime(header[1], DATE_FORMAT) + timedelta(seconds=1)).strftime(DATE_FORMAT)
    later["name"] += " [control: X-Sdk-Date + 1 s]"
    out.append(later)
    droppable = [h for h in item["headers"] if h[0].lower() != "x-sdk-date" and "_" not in h[0]]
    if droppable:
        dropped = copy.deepcopy(item)
        dropped["headers"] = [h for h in dropped["headers"] if h[0] != droppable[0][0]]
        dropped["name"] += f" [control: {droppable[0][0]} dropped]"
        out.append(dropped)
    changed = copy.deepcopy(item)
    changed["body"] = changed["body"] + " " if changed["body"] else "{}"
    changed["name"] += " [control: body changed]"
    out.append(changed)
    return out


def crate_sign(command: list[str], items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    result = subprocess.run(command, input=json.dumps(items, ensure_ascii=False), capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"error: the crate's signer ({shlex.join(command)}) failed:\n{result.stderr}")
    signed = json.loads(result.stdout)
    if [s["name"] for s in signed] != [i["name"] for i in items]:
        raise SystemExit("error: the crate's signer answered for other requests than it was given")
    return signed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recorded", type=Path, required=True, help="place_orders.py --record output")
    parser.add_argument("--access-key", required=True)
    parser.add_argument("--secret-key", required=True)
    parser.add_argument("--crate-signer", required=True, help="command running the sign_requests example")
    args = parser.parse_args()

    cases = []  # (sdk authorization, crate input)
    for v in constructed_vectors():
        cases.append(sdk_sign(v, args.access_key, args.secret_key))
    recorded = json.loads(args.recorded.read_text(encoding="utf-8"))
    if not recorded:
        print("error: place_orders.py recorded no signed request", file=sys.stderr)
        return 1
    for r in recorded:
        cases.append((r["authorization"], {k: r[k] for k in ("name", "method", "url", "headers", "body")}))

    items = []
    for _, item in cases:
        item = dict(item, access_key=args.access_key, secret_key=args.secret_key)
        items.append(item)
    control_items = [c for item in items for c in controls(item)]
    signed = crate_sign(shlex.split(args.crate_signer), items + control_items)
    originals, signed_controls = signed[: len(items)], signed[len(items) :]

    failures = []
    for (sdk_authorization, item), crate in zip(cases, originals):
        if crate["authorization"] == sdk_authorization:
            print(f"    identical  {item['name']}")
            continue
        failures.append(
            f"{item['name']}:\n      SDK:   {sdk_authorization}\n      crate: {crate['authorization']}\n"
            f"      SDK canonical request:\n{indent(sdk_canonical_request(item, args.secret_key))}\n"
            f"      crate canonical request:\n{indent(crate['canonical_request'])}"
        )
    by_name = {item["name"]: sdk for sdk, item in cases}
    caught = 0
    for control, crate in zip(control_items, signed_controls):
        original = control["name"].split(" [control: ")[0]
        if crate["authorization"] == by_name[original]:
            failures.append(f"{control['name']}: signs like the original; the comparison could not fail")
        else:
            caught += 1
    if failures:
        print(f"\n{len(failures)} signature mismatch(es) between the official SDK and the crate:", file=sys.stderr)
        for failure in failures:
            print(f"  - {failure}", file=sys.stderr)
        return 1
    print(
        f"    {len(cases)} requests ({len(cases) - len(recorded)} constructed, {len(recorded)} from the orders): "
        f"byte-identical Authorization; {caught} negative controls all differ"
    )
    return 0


def indent(text: str) -> str:
    return "\n".join("        " + line for line in text.split("\n"))


if __name__ == "__main__":
    sys.exit(main())
