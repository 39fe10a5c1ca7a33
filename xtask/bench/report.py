"""Renders xtask/bench/BENCHMARKS.md from the raw results run.sh collects.

Usage: python3 report.py RESULTS_DIR > BENCHMARKS.md

Every number and every "met"/"missed" is computed from the result files; a section
whose results are missing says so instead of showing stale numbers. The hand-written
analysis in ANALYSIS.md (next to this file) is appended as it is.
"""

import json
import os
import platform
import statistics
import sys

import soak_report

# Targets of issue 7.
REGEN_MAX_SECONDS = 0.100
REGEN_MIN_SPEEDUP = 20.0
REQUEST_DESKTOPS = 50
REQUEST_MAX_NS = 50_000.0
REQUEST_MAX_RATIO = 2.0
E2E_MIN_RATIO = 0.9

CLIENT_CRATE = "huaweicloud-workspace-orders"
XTASK = "xtask generate"
OPENAPI_GENERATOR = "openapi-generator-cli generate -g rust"
E2E_AUTHS = (("aksk", "AK/SK"), ("token", "IAM token"))


def read_json(path):
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def read_tsv(path):
    with open(path, encoding="utf-8") as handle:
        return [line.rstrip("\n").split("\t") for line in handle if line.strip()]


def read_text(path):
    with open(path, encoding="utf-8") as handle:
        return handle.read().strip()


def seconds(value):
    if value >= 1.0:
        return f"{value:.2f} s"
    if value >= 1e-3:
        return f"{value * 1e3:.1f} ms"
    return f"{value * 1e6:.1f} µs"


def nanos(value):
    if value >= 1e6:
        return f"{value / 1e6:.2f} ms"
    if value >= 1e3:
        return f"{value / 1e3:.1f} µs"
    return f"{value:.0f} ns"


def verdict(ok):
    return "**met**" if ok else "**missed**"


def when(results, section):
    path = os.path.join(results, f"{section}.when")
    if not os.path.exists(path):
        return []
    (stamp, commit), *_ = read_tsv(path)
    return [f"Measured {stamp} at commit `{commit}`.", ""]


def commands(results, section):
    path = os.path.join(results, f"{section}.commands")
    if not os.path.exists(path):
        return []
    return ["", "Commands (`$TMP` is the run's scratch directory):", "", "```text", read_text(path), "```"]


class Summary:
    """The targets and how each came out, shown at the top."""

    def __init__(self):
        self.rows = []

    def add(self, target, measured, ok):
        self.rows.append((target, measured, verdict(ok)))

    def lines(self):
        if not self.rows:
            return []
        out = ["## Targets", "", "| target (issue 7) | measured | |", "| --- | --- | --- |"]
        out += [f"| {t} | {m} | {v} |" for t, m, v in self.rows]
        return out + [""]


def machine(results):
    lines = ["## Machine", ""]
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    memory = "unknown"
    try:
        with open("/proc/meminfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("MemTotal"):
                    memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                    break
    except OSError:
        pass
    lines.append(
        f"- {model}, {os.cpu_count()} logical CPUs, {memory} RAM, "
        f"{platform.system()} {platform.release()}"
    )
    versions = os.path.join(results, "versions.tsv")
    if os.path.exists(versions):
        for name, value in read_tsv(versions):
            lines.append(f"- {name}: `{value}`")
    lines += [
        "",
        "The machine may be shared with other builds, so absolute times move from run to",
        "run; each comparison runs its sides in the same run, interleaved by hyperfine or",
        "by the bench, so the ratios are the figures to read. Load averages (1, 5, 15 min)",
        "at the start and end of each section; they include the benchmarks' own processes",
        "(about 1 for criterion, 2 to 3 for the end-to-end bench and its mock, 2 for a",
        "`-j2` build):",
        "",
        "| point | load average |",
        "| --- | --- |",
    ]
    load = os.path.join(results, "load.tsv")
    if os.path.exists(load):
        for point, value in read_tsv(load):
            lines.append(f"| {point} | {value} |")
    return lines


def hyperfine_rows(path):
    rows = {}
    for result in read_json(path)["results"]:
        times = result["times"]
        rows[result["command"]] = {
            "median": statistics.median(times),
            "mean": result["mean"],
            "stddev": result.get("stddev") or 0.0,
            "min": result["min"],
            "max": result["max"],
            "runs": len(times),
            "cpu": (result.get("user") or 0.0) + (result.get("system") or 0.0),
        }
    return rows


def regeneration(results, summary):
    lines = ["## 1. Regeneration", ""]
    path = os.path.join(results, "regen.json")
    if not os.path.exists(path):
        return lines + ["Not measured yet (`bash xtask/bench/run.sh regen`)."]
    rows = hyperfine_rows(path)
    ours = rows[XTASK]["median"]
    theirs = rows[OPENAPI_GENERATOR]["median"]
    speedup = theirs / ours
    lines += when(results, "regen")
    lines += [
        "Whole processes timed by hyperfine, each run starting with its outputs deleted so",
        "that every run writes them all:",
        "",
        "- `xtask generate --root COPY`: the release-built binary run directly (no cargo in",
        "  the timing) on a scratch copy of `openapi/`; it loads and checks the YAML spec,",
        "  generates the client with progenitor, renders it with prettyplease, writes",
        "  `generated.rs` and the JSON rendering of the spec. The script first checks that",
        "  these outputs equal the checked-in files.",
        "- `openapi-generator-cli generate -g rust`: the PyPI wheel's launcher and jar on the",
        "  local Java, reading the JSON rendering of the same spec, writing a whole crate.",
        "",
        "| command | median | mean ± σ | min | max | runs |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for name, row in rows.items():
        lines.append(
            f"| `{name}` | {seconds(row['median'])} | {seconds(row['mean'])} ± {seconds(row['stddev'])} "
            f"| {seconds(row['min'])} | {seconds(row['max'])} | {row['runs']} |"
        )
    ours_lines = os.path.join(results, "regen-xtask-rust-lines.txt")
    theirs_lines = os.path.join(results, "regen-openapi-rust-lines.txt")
    lines.append("")
    if os.path.exists(ours_lines) and os.path.exists(theirs_lines):
        lines.append(
            f"Rust written: {read_text(ours_lines)} lines (`generated.rs`) vs "
            f"{read_text(theirs_lines)} lines (openapi-generator's `src/`)."
        )
        lines.append("")
    lines.append(f"Ratio of medians (openapi-generator / xtask): **{speedup:.1f}×**.")
    lines += commands(results, "regen")
    summary.add(f"regeneration < {seconds(REGEN_MAX_SECONDS)}", seconds(ours), ours < REGEN_MAX_SECONDS)
    summary.add(
        f"regeneration ≥ {REGEN_MIN_SPEEDUP:.0f}× faster than openapi-generator",
        f"{speedup:.1f}× ({seconds(ours)} vs {seconds(theirs)})",
        speedup >= REGEN_MIN_SPEEDUP,
    )
    return lines


def criterion_estimate(base, function, count):
    path = os.path.join(base, function, str(count), "new", "estimates.json")
    if not os.path.exists(path):
        return None
    return read_json(path)["median"]["point_estimate"]


def criterion_bytes(base, function, count):
    path = os.path.join(base, function, str(count), "new", "benchmark.json")
    if not os.path.exists(path):
        return None
    throughput = read_json(path).get("throughput") or {}
    return throughput.get("Bytes")


REQUEST_COLUMNS = (
    "typed_build_validate_serialize_sign",
    "value_serialize",
    "value_build_serialize",
    "typed_build_validate",
    "typed_serialize",
    "sign",
    "body_sha256",
)


def request_path(results, summary):
    lines = ["## 2. Request path", ""]
    base = os.path.join(results, "criterion-request_path")
    if not os.path.isdir(base):
        return lines + ["Not measured yet (`bash xtask/bench/run.sh request`)."]
    counts = sorted(
        int(name) for name in os.listdir(os.path.join(base, "value_serialize")) if name.isdigit()
    )
    lines += when(results, "request")
    lines += [
        "Criterion medians (`crates/huaweicloud-workspace-orders/benches/request_path.rs`),",
        "from per-desktop values the caller already holds (user name, e-mail, computer name):",
        "",
        "- **typed total**: build a `createDesktops` `PeriodicOrderRequest` through the",
        "  generated builders, every constrained field checked (name lengths and patterns,",
        "  disk sizes, the 1..=100 desktop count, tags, period type); `serde_json::to_vec`;",
        "  then the client's pre-send hook `ClientContext::prepare` on the request (routing",
        "  and project-id checks, headers, `signer::sign`: `SDK-HMAC-SHA256` over the body).",
        "- **baseline** (the issue's): `serde_json::to_vec` of the same order already held as",
        "  a `serde_json::Value`: identical bytes, nothing built, checked or signed.",
        "- **untyped build**: building that `Value` from the same inputs with `json!`, then",
        "  serializing it: what an untyped caller pays for the same bytes, still unsigned.",
        "- The last four columns split the typed total; *body SHA-256* is the part of",
        "  signing that the protocol fixes (the signature covers the body's hash).",
        "",
        "| desktops | body | typed total | baseline | typed / baseline | untyped build | typed / untyped "
        "| build + validate | serialize | headers + sign | of which body SHA-256 |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    target = None
    for count in counts:
        values = [criterion_estimate(base, name, count) for name in REQUEST_COLUMNS]
        size = criterion_bytes(base, "value_serialize", count)
        if None in values:
            lines.append(f"| {count} | incomplete results | | | | | | | | | |")
            continue
        total, baseline, untyped, build, serialize, sign, sha = values
        if count == REQUEST_DESKTOPS:
            target = (total, total / baseline, untyped)
        lines.append(
            f"| {count} | {size if size is not None else '?'} B | {nanos(total)} | {nanos(baseline)} "
            f"| {total / baseline:.2f}× | {nanos(untyped)} | {total / untyped:.2f}× | {nanos(build)} "
            f"| {nanos(serialize)} | {nanos(sign)} | {nanos(sha)} |"
        )
    lines.append("")
    if target is None:
        lines.append(f"No {REQUEST_DESKTOPS}-desktop result: the targets cannot be judged.")
        return lines + commands(results, "request")
    total, ratio, untyped = target
    summary.add(
        f"{REQUEST_DESKTOPS} desktops built, validated, serialized, signed < {nanos(REQUEST_MAX_NS)}",
        nanos(total),
        total < REQUEST_MAX_NS,
    )
    summary.add(
        f"… within {REQUEST_MAX_RATIO:.0f}× of bare `Value` serialization",
        f"{ratio:.2f}× (untyped build + serialize: {total / untyped:.2f}×)",
        ratio <= REQUEST_MAX_RATIO,
    )
    return lines + commands(results, "request")


def e2e_side(data, side):
    rounds = data[side]
    cpu = [v for v in rounds["client_cpu_us"] if v is not None]
    server = [v for v in rounds["server_cpu_us"] if v is not None]
    return {
        "rps": statistics.median(rounds["rps"]),
        "all": rounds["rps"],
        "cpu": statistics.median(cpu) if cpu else None,
        "server": statistics.median(server) if server else None,
    }


def micros(value):
    return "n/a" if value is None else f"{value:.1f} µs"


def end_to_end(results, summary):
    lines = ["## 3. End to end on loopback", ""]
    found = [(key, label, os.path.join(results, f"e2e-{key}.json")) for key, label in E2E_AUTHS]
    found = [(key, label, path) for key, label, path in found if os.path.exists(path)]
    if not found:
        return lines + ["Not measured yet (`bash xtask/bench/run.sh e2e`)."]
    lines += when(results, "e2e")
    first = read_json(found[0][2])
    lines += [
        "`crates/huaweicloud-workspace-orders/benches/end_to_end.rs` against the mock server",
        "(`workspace-orders-mock`, release build, its own process) on 127.0.0.1. Per side,",
        f"{first['rounds']} rounds of {first['requests_per_round']} `createPeriodicOrder` requests",
        f"with {first['concurrency']} in flight, alternating with the other side, after a warm-up;",
        f"a {first['desktops']}-desktop order ({first['body_bytes']} B body); every answer must be a",
        "200 with an order id.",
        "",
        "- *OrdersClient*: typed orders, made before the round, handed to",
        "  `OrdersClient::create_periodic_order` one per call: serialize, route, headers,",
        "  authenticate, send, buffer and record the response, parse `OrderResponse`.",
        "- *raw reqwest*: a `reqwest::Client` with the same settings posting copies of the",
        "  order's bytes, made before the round, with the",
        "  headers the client produced (authenticated once beforehand), reading the body and",
        "  checking, like the client side, that it is JSON with an `order_id`.",
        "",
        "CPU per request is the CPU time of the bench process (the HTTP client side) and of",
        "the mock over a round, divided by its requests (Linux `schedstat`); both share the",
        "machine's cores, so client-side CPU is taken from the server's.",
        "",
        "| authentication | side | median req/s | client CPU / request | mock CPU / request | rounds (req/s) |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    ratios = []
    for key, label, path in found:
        data = read_json(path)
        client, raw = e2e_side(data, "client"), e2e_side(data, "raw")
        for name, side in (("OrdersClient", client), ("raw reqwest", raw)):
            lines.append(
                f"| {data['auth']} | {name} | {side['rps']:,.0f} | {micros(side['cpu'])} "
                f"| {micros(side['server'])} | {', '.join(f'{v:,.0f}' for v in side['all'])} |"
            )
        ratio = client["rps"] / raw["rps"]
        extra = (
            f"; the client spends {client['cpu'] - raw['cpu']:.1f} µs more CPU per request"
            if client["cpu"] is not None and raw["cpu"] is not None
            else ""
        )
        ratios.append(f"- {label}: OrdersClient / raw = **{ratio:.2f}×**{extra}.")
        summary.add(
            f"end to end ≥ {E2E_MIN_RATIO}× raw reqwest ({label})",
            f"{ratio:.2f}× ({client['rps']:,.0f} vs {raw['rps']:,.0f} req/s)",
            ratio >= E2E_MIN_RATIO,
        )
    return lines + [""] + ratios + commands(results, "e2e")


def footprint(results, summary):
    lines = ["## 4. Consumer footprint", ""]
    deps_path = os.path.join(results, "deps.tsv")
    profiles = [
        (profile, os.path.join(results, f"footprint-{profile}.json"))
        for profile in ("dev", "release")
        if os.path.exists(os.path.join(results, f"footprint-{profile}.json"))
    ]
    if not profiles or not os.path.exists(deps_path):
        return lines + ["Not measured yet (`bash xtask/bench/run.sh footprint`)."]
    deps = dict(read_tsv(deps_path))
    lines += when(results, "footprint")
    lines += [
        "Clean `cargo build --profile PROFILE -j2` into an empty target directory, crates",
        "already downloaded (`--offline`); dependencies are the distinct packages in",
        "`cargo tree -e normal` (the crate itself included). The comparison crate is what",
        "`openapi-generator-cli generate -g rust` writes from `openapi/workspace-orders.json`",
        "(version set to 0.1.0: the spec's version is a date), with a lock file resolved at",
        "the time of the run; it is built with its default TLS (native-tls, the system's",
        "OpenSSL) and with rustls, the TLS this client uses. Wall time is the target's",
        "measure; the CPU time next to it moves less when other work shares the machine.",
        "",
    ]
    header = "| crate | dependencies | " + " | ".join(
        f"clean {p} build: wall (CPU user + sys)" for p, _ in profiles
    ) + " |"
    lines += [header, "| --- | --- |" + " --- |" * len(profiles)]
    timings = {profile: hyperfine_rows(path) for profile, path in profiles}
    names = list(next(iter(timings.values())).keys())
    for name in names:
        cells = []
        for profile, _ in profiles:
            row = timings[profile].get(name)
            cells.append(
                "?"
                if row is None
                else f"{seconds(row['median'])} ({seconds(row['cpu'])}), "
                f"{row['runs']} run{'s' if row['runs'] > 1 else ''}"
            )
        lines.append(f"| {name} | {deps.get(name, '?')} | " + " | ".join(cells) + " |")
    lines.append("")
    for name in names:
        if name == CLIENT_CRATE:
            continue
        ours_deps, their_deps = int(deps.get(CLIENT_CRATE, "0")), int(deps.get(name, "0"))
        # Issue 17: at most as many packages as the generated crate.
        summary.add(
            f"no more dependencies than the {name}",
            f"{ours_deps} vs {their_deps}",
            ours_deps <= their_deps,
        )
        for profile, _ in profiles:
            ours, theirs = timings[profile].get(CLIENT_CRATE), timings[profile].get(name)
            if ours is None or theirs is None:
                continue
            summary.add(
                f"faster clean {profile} build than the {name}",
                f"{seconds(ours['median'])} vs {seconds(theirs['median'])} "
                f"({ours['median'] / theirs['median']:.2f}×; CPU {ours['cpu'] / theirs['cpu']:.2f}×)",
                ours["median"] < theirs["median"],
            )
    for file, title in (
        ("deps-only-ours.txt", f"Packages only in `{CLIENT_CRATE}`'s tree (vs the rustls build of the generated crate)"),
        ("deps-only-openapi.txt", "Packages only in the generated crate's tree (rustls build)"),
    ):
        path = os.path.join(results, file)
        if os.path.exists(path):
            names_text = ", ".join(f"`{n}`" for n in read_text(path).split())
            lines += [f"{title}: {names_text or 'none'}.", ""]
    return lines + commands(results, "footprint")


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: report.py RESULTS_DIR")
    results = sys.argv[1]
    if not os.path.isdir(results):
        sys.exit(f"report.py: {results}: no such results directory")
    summary = Summary()
    body = []
    for section in (regeneration, request_path, end_to_end, footprint):
        body += section(results, summary) + [""]
    out = [
        "# Benchmarks",
        "",
        "Written by `bash xtask/bench/run.sh` (rerun it to refresh this file, or one",
        "section: `bash xtask/bench/run.sh regen|request|e2e|footprint`). Every number and",
        "verdict below comes from that script's measurements; the analysis at the end is",
        "written by hand from profiles (see its date).",
        "",
    ]
    out += summary.lines() + machine(results) + [""] + body
    # Written by first_order.sh, which measures on its own (two clean builds).
    first_order = os.path.join(os.path.dirname(os.path.abspath(__file__)), "first-order.md")
    if os.path.exists(first_order):
        out += [read_text(first_order), ""]
    # soak.sh's section: from its results, or kept as last written (it is not a default section).
    out += soak_report.section(results, os.path.join(os.path.dirname(os.path.abspath(__file__)), "BENCHMARKS.md"))
    analysis = os.path.join(os.path.dirname(os.path.abspath(__file__)), "ANALYSIS.md")
    if os.path.exists(analysis):
        out += [read_text(analysis), ""]
    # Sections end with a blank line and some parts start with one: keep one.
    text = "\n".join(line for i, line in enumerate(out) if line or i == 0 or out[i - 1])
    sys.stdout.write(text + "\n")


if __name__ == "__main__":
    main()
