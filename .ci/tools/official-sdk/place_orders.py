"""Huawei's official Python SDK places orders on the mock server with AK/SK.

Two kinds of orders, all of which must be accepted (200) and decoded by the SDK:

- every documented example request of the spec (read from openapi/workspace-orders.yaml),
  with only the ERRATA corrections the SDK agrees with (example-errata.json lists them;
  see `sdk_agrees`): a member the SDK's model does not have is removed, a value whose
  JSON type the SDK declares differently is corrected; a value outside a spec enum is
  corrected only when the SDK declares an enumeration that lacks it (a plain `str` in
  the SDK takes any value). The body the SDK sends must be exactly that JSON: every
  member survives the SDK's models.
- requests built from the SDK's model classes with fields and values only the SDK
  documents (market image, GPSSD2 with iops/throughput, KMS-encrypted hourly volumes,
  agency_urn on the desktop order, a Chinese desktop-pool name, a tag value with `=`,
  autoscale isolation, user reset policy, an ESSD application disk).

Each response is decoded by the SDK; its decoded members (order_id, and job_id where the
SDK's response model has it) must equal the raw JSON the mock answered, and order_id
must be a non-empty string. The documented 200 response examples are decoded the same
way.

Every request the SDK signed is written to --record (method, URL, headers, body and
the SDK's Authorization), for sign_compare.py. Exit status 1 when any order fails, with
one line per failure saying why.
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import yaml
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions import exceptions as sdk_exceptions
from huaweicloudsdkcore.http.http_config import HttpConfig
from huaweicloudsdkcore.signer.signer import Signer
from huaweicloudsdkcore.utils.http_utils import sanitize_for_serialization

import huaweicloudsdkworkspace.v2 as ws
import huaweicloudsdkworkspaceapp.v1 as app

import sdk_models

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "spec"))
import spec_examples  # noqa: E402  (the shared reader of the spec's examples and ERRATA cases)


@dataclass(frozen=True)
class SdkOperation:
    """How the official SDK calls one operation of the spec."""

    module: Any
    client_class: Any
    method: str
    request_class: str
    path: str

    @property
    def body_type(self) -> str:
        return getattr(self.module, self.request_class).openapi_types["body"]

    def http_info(self, request: Any) -> dict[str, Any]:
        return getattr(self.client_class, f"_{self.method}_http_info")(request)


OPERATIONS = {
    "createAppOrder": SdkOperation(
        app, app.WorkspaceAppClient, "create_order", "CreateOrderRequest", "/v1/{project_id}/bundles/subscribe/order"
    ),
    "createPeriodicOrder": SdkOperation(
        ws, ws.WorkspaceClient, "create_order", "CreateOrderRequest", "/v2/{project_id}/periodic/subscribe/order"
    ),
    "createDesktopOrder": SdkOperation(
        ws, ws.WorkspaceClient, "create_desktop_order", "CreateDesktopOrderRequest", "/v2/{project_id}/desktops/orders/subscribe"
    ),
}


class Failed(Exception):
    """One order failed; the message says why."""


# ---------------------------------------------------------------------------
# Recording what the SDK signs.

RECORDED: list[dict[str, Any]] = []
CURRENT_NAME = ["(none)"]
_original_sign = Signer.sign


def _recording_sign(self: Signer, request: Any) -> Any:
    signed = _original_sign(self, request)
    headers = signed.header_params
    body = signed.body if isinstance(signed.body, (bytes, bytearray)) else (signed.body or "").encode("utf-8")
    RECORDED.append(
        {
            "name": CURRENT_NAME[0],
            "method": signed.method,
            "url": f"{signed.schema}://{signed.host}{signed.uri}",
            "headers": [[k, v] for k, v in headers.items() if k.lower() not in ("authorization", "host")],
            "host": next((v for k, v in headers.items() if k.lower() == "host"), None),
            "body": bytes(body).decode("utf-8"),
            "authorization": headers["Authorization"],
        }
    )
    return signed


Signer.sign = _recording_sign


# ---------------------------------------------------------------------------
# Which ERRATA corrections of the examples the SDK agrees with.


def sdk_agrees(operation: SdkOperation, example: Any, failure: spec_examples.Failure) -> tuple[bool, str]:
    """Whether the SDK's models agree that `failure` is an error of the example."""
    parent = sdk_models.declared_at(operation.module, operation.body_type, failure.path[:-1])
    if parent is None:
        raise Failed(f"the SDK has no place {sdk_models.place(failure.path[:-1])} in {operation.body_type}")
    declared = sdk_models.declared_at(operation.module, operation.body_type, failure.path)
    value = spec_examples.value_at(example, failure.path)
    if failure.kind == "unknown-member":
        if declared is None:
            return True, "the SDK model has no such member either"
        return False, f"the SDK model has it ({declared.type_name})"
    if declared is None:
        raise Failed(f"the SDK has no member {failure.dotted}")
    if failure.kind == "wrong-type":
        fixed = failure.fix.get("set")
        if not sdk_models.has_type(value, declared.type_name) and sdk_models.has_type(fixed, declared.type_name):
            return True, f"the SDK declares {declared.type_name}"
        return False, f"the SDK declares {declared.type_name}, which the documented value {value!r} has"
    if failure.kind == "not-in-enum":
        if declared.enum_values is not None and value not in declared.enum_values:
            return True, f"the SDK enumeration {declared.type_name} lacks {value!r}"
        if declared.enum_values is None:
            return False, f"the SDK declares a plain {declared.type_name}, which takes {value!r}"
        return False, f"the SDK enumeration {declared.type_name} has {value!r}"
    raise Failed(f"unknown ERRATA failure kind {failure.kind!r} at {failure.dotted}")


def example_orders(spec_path: Path, errata_json: Path, errata_md: Path) -> list[tuple[str, str, Any]]:
    """(name, operationId, body) for every example request, corrected where the SDK agrees."""
    spec = yaml.safe_load(spec_path.read_text(encoding="utf-8"))
    examples = spec_examples.request_examples(spec)
    errata = spec_examples.load_errata(errata_json, errata_md, spec, examples)
    orders = []
    for example in examples:
        if example.operation_id not in OPERATIONS:
            raise Failed(f"{example.label}: no official SDK operation is known for {example.operation_id}")
        body = copy.deepcopy(example.value)
        erratum = errata.get((example.operation_id, example.name))
        for failure in erratum.failures if erratum else ():
            agrees, why = sdk_agrees(OPERATIONS[example.operation_id], example.value, failure)
            verdict = "applied" if agrees else "not applied"
            print(f"    {example.label}: ERRATA {erratum.erratum_id} {failure.kind} at {failure.dotted}: {verdict} ({why})")
            if agrees:
                spec_examples.apply_fix(body, failure)
        orders.append((f"example {example.operation_id}/{example.name}", example.operation_id, body))
    return orders


# ---------------------------------------------------------------------------
# Orders built from the SDK's own model classes, with what only the SDK documents.

SUBNET = "197c1aa4-2611-48bd-a3af-ac4ce2c17c4c"
IMAGE = "4e8aebc3-f4dc-4789-a785-0a1769d44c0d"
KMS_KEY = "0d0466b0-9b7c-4f6e-9e9d-0d4f0d0f2b17"
AGENCY_URN = "iam::0a1b2c3d4e5f60718293a4b5c6d7e8f9:agency:workspace_billing"


def hourly_market_desktop() -> Any:
    return ws.CreateDesktopOrderRequestBody(
        enterprise_project_id="0",
        agency_urn=AGENCY_URN,
        hour_package_resources=[
            ws.HourPackageResource(
                period_type=2,
                period_num=1,
                is_auto_renew=0,
                used_up_policy="SHUTDOWN_OR_HIBERNATE",
                create_desktops=ws.CreateDesktopReq(
                    desktop_type="DEDICATED",
                    product_id="workspace.x86.flexus.xlarge2",
                    hour_package_product_id="workspace.x86.flexus.xlarge2.120hours",
                    image_type="market",
                    image_id=IMAGE,
                    root_volume=ws.Volume(type="GPSSD2", size=80, iops=3000, throughput=125, kms_id=KMS_KEY),
                    data_volumes=[ws.Volume(type="GPSSD2", size=100, iops=5000, throughput=250, kms_id=KMS_KEY)],
                    nics=[ws.Nic(subnet_id=SUBNET)],
                    desktops=[ws.Desktop(user_name="hzh", user_group="administrators")],
                    tags=[ws.Tag(key="owner", value="team=desktops")],
                    email_notification=True,
                ),
            )
        ],
    )


def monthly_market_desktop() -> Any:
    return ws.CreateOrderReq(
        type="createDesktops",
        enterprise_project_id="0",
        resources=[
            ws.Resource(
                period_type=2,
                period_num=1,
                is_auto_renew=1,
                create_desktops=ws.CreateDesktopReq(
                    desktop_type="DEDICATED",
                    product_id="workspace.k.xlarge2.uosv20pro",
                    buy_type="custom",
                    image_type="market",
                    image_id=IMAGE,
                    root_volume=ws.Volume(type="GPSSD2", size=80, iops=3000, throughput=125),
                    data_volumes=[ws.Volume(type="GPSSD2", size=50, iops=4000, throughput=200, kms_id=KMS_KEY)],
                    nics=[ws.Nic(subnet_id=SUBNET)],
                    desktops=[ws.Desktop(user_name="test", user_group="sudo", user_email="test@test.com")],
                    tags=[ws.Tag(key="cost", value="a=b:c_d.e+f-g@h")],
                ),
            )
        ],
    )


def provisioned_volumes() -> Any:
    return ws.CreateOrderReq(
        type="addVolumes",
        enterprise_project_id="0",
        agency_urn=AGENCY_URN,
        resources=[
            ws.Resource(
                add_volumes=ws.AddVolumes(
                    desktop_id="8d049b4e-4f1e-4ed5-b3a9-a7f0f15658a7",
                    volumes=[ws.Volume(type="GPSSD2", size=100, iops=6000, throughput=300, kms_id=KMS_KEY)],
                )
            )
        ],
    )


def chinese_desktop_pool() -> Any:
    return ws.CreateOrderReq(
        type="createDesktopPool",
        enterprise_project_id="0",
        resources=[
            ws.Resource(
                period_type=2,
                period_num=1,
                is_auto_renew=0,
                create_desktop_pool=ws.CreateDesktopPoolReq(
                    name="研发部桌面池-01",
                    type="DYNAMIC",
                    size=2,
                    product_id="workspace.x86.ultimate.large2",
                    image_type="market",
                    image_id=IMAGE,
                    root_volume=ws.VolumeInfo(type="GPSSD2", size=80, iops=3000, throughput=125),
                    subnet_ids=[SUBNET],
                    tags=[ws.Tag(key="pool", value="k=v")],
                    enable_autoscale=True,
                    autoscale_policy=ws.AutoscalePolicy(
                        autoscale_type="AUTO_CREATED",
                        max_auto_created=10,
                        min_idle=1,
                        once_auto_created=2,
                        auto_isolation_enable=True,
                        auto_isolation_max_num=3,
                    ),
                    user_reset_policy=ws.UserResetPolicy(enable=True, reset_count_per_day=2),
                ),
            )
        ],
    )


def essd_application_server() -> Any:
    volume = app.Volume(type=app.VolumeType.ESSD, size=100)
    return app.CreateOrderReq(
        type="createApps",
        resources=[
            app.Resource(
                period_type=2,
                period_num=1,
                subscription_num=1,
                is_auto_renew=0,
                create_services=app.CreateServices(
                    product_id="workspacehost.s.large2.p01",
                    root_volume=volume,
                    data_volumes=[app.Volume(type=app.VolumeType.SATA, size=200)],
                    server_group_id="1",
                    subnet_id=SUBNET,
                    vpc_id="7c0d8f6a-0b1f-4d0e-9d5b-2f1c6a0b9e11",
                    update_access_agent=True,
                ),
            )
        ],
    )


# (name, operationId, body builder, {place: value the sent body must carry})
SDK_BUILT: list[tuple[str, str, Callable[[], Any], dict[tuple[str | int, ...], Any]]] = [
    (
        "SDK-built hourly desktop: market image, encrypted GPSSD2 with iops/throughput, agency_urn, tag value with '='",
        "createDesktopOrder",
        hourly_market_desktop,
        {
            ("agency_urn",): AGENCY_URN,
            ("hour_package_resources", 0, "create_desktops", "image_type"): "market",
            ("hour_package_resources", 0, "create_desktops", "root_volume", "type"): "GPSSD2",
            ("hour_package_resources", 0, "create_desktops", "root_volume", "iops"): 3000,
            ("hour_package_resources", 0, "create_desktops", "data_volumes", 0, "kms_id"): KMS_KEY,
            ("hour_package_resources", 0, "create_desktops", "tags", 0, "value"): "team=desktops",
        },
    ),
    (
        "SDK-built monthly desktop: market image, buy_type, GPSSD2, tag value with _.:=+-@",
        "createPeriodicOrder",
        monthly_market_desktop,
        {
            ("resources", 0, "create_desktops", "image_type"): "market",
            ("resources", 0, "create_desktops", "buy_type"): "custom",
            ("resources", 0, "create_desktops", "data_volumes", 0, "throughput"): 200,
            ("resources", 0, "create_desktops", "tags", 0, "value"): "a=b:c_d.e+f-g@h",
        },
    ),
    (
        "SDK-built added disk: encrypted GPSSD2 with iops/throughput, agency_urn",
        "createPeriodicOrder",
        provisioned_volumes,
        {
            ("resources", 0, "add_volumes", "volumes", 0, "iops"): 6000,
            ("resources", 0, "add_volumes", "volumes", 0, "kms_id"): KMS_KEY,
        },
    ),
    (
        "SDK-built desktop pool: Chinese name, market image, autoscale isolation, user reset policy",
        "createPeriodicOrder",
        chinese_desktop_pool,
        {
            ("resources", 0, "create_desktop_pool", "name"): "研发部桌面池-01",
            ("resources", 0, "create_desktop_pool", "autoscale_policy", "auto_isolation_enable"): True,
            ("resources", 0, "create_desktop_pool", "user_reset_policy", "reset_count_per_day"): 2,
        },
    ),
    (
        "SDK-built application server: ESSD and SATA disks, update_access_agent as a boolean",
        "createAppOrder",
        essd_application_server,
        {
            ("resources", 0, "create_services", "root_volume", "type"): "ESSD",
            ("resources", 0, "create_services", "update_access_agent"): True,
        },
    ),
]


# ---------------------------------------------------------------------------
# Placing and decoding.


def check_decoded(label: str, response: Any, raw: Any) -> str:
    """The SDK's decoded response members equal the raw JSON; returns the order id."""
    if not isinstance(raw, dict):
        raise Failed(f"{label}: the response body is not a JSON object: {raw!r}")
    for attr, member in response.attribute_map.items():
        decoded = getattr(response, attr)
        if decoded != raw.get(member):
            raise Failed(f"{label}: the SDK decoded {member}={decoded!r}, the body has {raw.get(member)!r}")
    unknown = sorted(set(raw) - set(response.attribute_map.values()))
    if unknown:
        raise Failed(f"{label}: the response has members the SDK model does not decode: {unknown}")
    order_id = getattr(response, "order_id", None)
    if not isinstance(order_id, str) or not order_id:
        raise Failed(f"{label}: no order_id decoded (body {raw!r})")
    return order_id


def place(clients: dict[str, Any], project_id: str, name: str, operation_id: str, body: Any, expect: dict) -> str:
    operation = OPERATIONS[operation_id]
    request_class = getattr(operation.module, operation.request_class)
    if isinstance(body, dict):
        try:
            body = sdk_models.build(operation.module, operation.body_type, body)
        except sdk_models.ModelError as e:
            raise Failed(f"{name}: the SDK models cannot carry the body: {e}") from None
    request = request_class(body=body)
    info = operation.http_info(request)
    if (info["method"], info["resource_path"]) != ("POST", operation.path):
        raise Failed(f"{name}: the SDK sends {info['method']} {info['resource_path']}, the spec POST {operation.path}")
    intended = sanitize_for_serialization(body)
    CURRENT_NAME[0] = name
    before = len(RECORDED)
    try:
        response = getattr(clients[operation_id], operation.method)(request)
    except sdk_exceptions.ClientRequestException as e:
        raise Failed(f"{name}: refused: HTTP {e.status_code} {e.error_code}: {e.error_msg}") from None
    except sdk_exceptions.SdkException as e:
        raise Failed(f"{name}: the SDK call failed: {type(e).__name__}: {e}") from None
    if len(RECORDED) != before + 1:
        raise Failed(f"{name}: expected one signed request, the SDK signed {len(RECORDED) - before}")
    sent = json.loads(RECORDED[-1]["body"])
    if not RECORDED[-1]["url"].endswith(operation.path.replace("{project_id}", project_id)):
        raise Failed(f"{name}: sent to {RECORDED[-1]['url']}")
    if sent != intended:
        diff = "; ".join(spec_examples.json_diff(intended, sent)[:5])
        raise Failed(f"{name}: the SDK sent a different body than its models hold: {diff}")
    for path, value in expect.items():
        try:
            actual = spec_examples.value_at(sent, path)
        except (KeyError, IndexError, TypeError):
            actual = "(missing)"
        if actual != value:
            raise Failed(f"{name}: the sent body has {spec_examples.dotted(path)}={actual!r}, not {value!r}")
    if response.status_code != 200:
        raise Failed(f"{name}: HTTP {response.status_code}")
    raw = json.loads(response.raw_content.decode("utf-8"))
    return check_decoded(name, response, raw)


def decode_documented_responses(spec_path: Path, client: Any) -> list[str]:
    """Each documented 200 response example decoded by the SDK's response model."""
    spec = yaml.safe_load(spec_path.read_text(encoding="utf-8"))
    failures = []
    by_id = {
        op["operationId"]: op
        for item in spec["paths"].values()
        for op in item.values()
        if isinstance(op, dict) and "operationId" in op
    }
    for operation_id, operation in OPERATIONS.items():
        response_class = getattr(operation.module, operation.http_info(getattr(operation.module, operation.request_class)())["response_type"])
        examples = by_id[operation_id]["responses"]["200"]["content"]["application/json"].get("examples", {})
        if not examples:
            failures.append(f"{operation_id}: the spec documents no 200 response example")
        for name, example in examples.items():
            raw = spec_examples.resolve_example(spec, example)["value"]
            decoded = client._deserialize(raw, response_class)
            try:
                order_id = check_decoded(f"{operation_id} response example {name!r}", decoded, raw)
                print(f"    ok  {operation_id} response example {name!r}: order_id {order_id!r}")
            except Failed as e:
                failures.append(str(e))
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", type=Path, required=True)
    parser.add_argument("--errata-examples", type=Path, required=True, help=".ci/tools/spec/example-errata.json")
    parser.add_argument("--errata", type=Path, required=True, help="openapi/ERRATA.md")
    parser.add_argument("--endpoint", required=True, help="the mock's base URL")
    parser.add_argument("--access-key", required=True)
    parser.add_argument("--secret-key", required=True)
    parser.add_argument("--project-id", required=True)
    parser.add_argument("--record", type=Path, required=True, help="where to write the signed requests")
    args = parser.parse_args()

    config = HttpConfig.get_default_config()
    config.timeout = (10, 30)
    credentials = BasicCredentials(args.access_key, args.secret_key, args.project_id)

    def client(client_class: Any) -> Any:
        return (
            client_class.new_builder()
            .with_http_config(config)
            .with_credentials(credentials)
            .with_endpoints([args.endpoint])
            .build()
        )

    workspace, workspace_app = client(ws.WorkspaceClient), client(app.WorkspaceAppClient)
    clients = {"createAppOrder": workspace_app, "createPeriodicOrder": workspace, "createDesktopOrder": workspace}

    failures: list[str] = []
    try:
        orders = [(name, op, body, {}) for name, op, body in example_orders(args.spec, args.errata_examples, args.errata)]
    except (spec_examples.CheckError, Failed) as e:
        # The SDK-built orders still run: one broken input must not hide other results.
        failures.append(f"the spec's example requests cannot be read: {e}")
        orders = []
    orders += [(name, op, build(), expect) for name, op, build, expect in SDK_BUILT]
    for name, operation_id, body, expect in orders:
        try:
            order_id = place(clients, args.project_id, name, operation_id, body, expect)
            print(f"    ok  {name}: order {order_id}")
        except Failed as e:
            failures.append(str(e))
            print(f"    FAIL {name} (reason below)")
    failures += decode_documented_responses(args.spec, workspace)

    args.record.write_text(json.dumps(RECORDED, ensure_ascii=False, indent=1), encoding="utf-8")
    if failures:
        print(f"\n{len(failures)} failure(s) placing orders with the official SDK:", file=sys.stderr)
        for failure in failures:
            print(f"  - {failure}", file=sys.stderr)
        return 1
    print(f"    {len(orders)} orders placed and decoded by the official SDK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
