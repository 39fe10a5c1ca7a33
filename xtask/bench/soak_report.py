"""Renders the soak section of xtask/bench/BENCHMARKS.md from soak.sh's results.

Usage: python3 soak_report.py RESULTS_DIR BENCHMARKS.md
    Replaces the section between the soak markers in BENCHMARKS.md (or adds it at the
    end) and writes the file atomically.

report.py calls section() too, so a full `run.sh` keeps the soak section: from the
results directory when it holds soak results, else as it stands in BENCHMARKS.md.
"""

import glob
import json
import os
import sys
import tempfile

BEGIN = "<!-- soak: written by xtask/bench/soak.sh; do not edit by hand -->"
END = "<!-- soak: end -->"


def rows(results):
    found = []
    for path in sorted(glob.glob(os.path.join(results, "soak-*.json"))):
        with open(path, encoding="utf-8") as handle:
            found.append(json.load(handle))
    # The current code first, then the comparisons.
    return sorted(found, key=lambda r: (r["label"] != "current", r["label"]))


def render(results):
    measured = rows(results)
    if not measured:
        return None
    lines = [
        BEGIN,
        "## Soak: the mock server under full load",
        "",
        "`bash xtask/bench/soak.sh [--duration 10m]` builds the release mock, drives it at",
        "full load with wrk on loopback (valid createPeriodicOrder `createDesktops` orders",
        "from the spec, `X-Auth-Token`) and samples its RSS every few seconds. It fails when",
        "RSS grows by more than the allowed amount after the warm-up, or when any answer",
        "is not a 2xx. `--binary PATH --label NAME` measures another build for comparison.",
        "Compare the RSS columns: orders/s come from single runs on a shared machine (see the",
        "load averages below) and are not a throughput measurement.",
        "",
        "| build | commit | load | orders/s | RSS start | after warm-up | peak | end | peak ÷ warm | growth after warm-up | growth per order | verdict |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in measured:
        load = r["load"]
        ratio = r["rss_peak_mib"] / r["rss_warm_mib"] if r["rss_warm_mib"] else float("nan")
        lines.append(
            f"| {r['label']} | `{r['commit']}` | {load['requests']:,} orders in {load['seconds']:.0f} s "
            f"| {load['requests_per_second']:,.0f} | {r['rss_start_mib']} MiB | {r['rss_warm_mib']} MiB "
            f"| {r['rss_peak_mib']} MiB | {r['rss_end_mib']} MiB | {ratio:.2f}× "
            f"| {r['growth_after_warmup_mib']} MiB ({r['growth_mib_per_minute']:+.1f} MiB/min) "
            f"| {r['bytes_per_order_after_warmup']:,} B | {r['verdict']} |"
        )
    lines += [""]
    for r in measured:
        lines.append(
            f"- {r['label']}: measured {r['measured']}, warm-up {r['warmup_s']:.0f} s, "
            f"{r['samples']} samples, at most {r['max_growth_mib']:.0f} MiB growth allowed; "
            f"load average {r['load_average_start']} before, {r['load_average_end']} after "
            "(the machine is shared: 2 cores, other builds and tests running, wrk on the same cores)."
        )
    lines += [END]
    return "\n".join(lines)


def existing(text):
    """The soak block of an existing BENCHMARKS.md, or None."""
    if BEGIN in text and END in text:
        start = text.index(BEGIN)
        return text[start : text.index(END, start) + len(END)]
    return None


def section(results, benchmarks_path):
    """The soak section for report.py: fresh results, else the one already written."""
    fresh = render(results)
    if fresh is not None:
        return fresh.split("\n") + [""]
    if os.path.exists(benchmarks_path):
        with open(benchmarks_path, encoding="utf-8") as handle:
            kept = existing(handle.read())
        if kept is not None:
            return kept.split("\n") + [""]
    return []


def splice(results, benchmarks_path):
    fresh = render(results)
    if fresh is None:
        sys.exit(f"soak_report.py: no soak-*.json in {results}")
    with open(benchmarks_path, encoding="utf-8") as handle:
        text = handle.read()
    old = existing(text)
    if old is not None:
        text = text.replace(old, fresh)
    elif "\n## Analysis" in text:
        # Before the hand-written analysis, where report.py puts it.
        at = text.index("\n## Analysis") + 1
        text = text[:at] + fresh + "\n\n" + text[at:]
    else:
        text = text.rstrip("\n") + "\n\n" + fresh + "\n"
    directory = os.path.dirname(os.path.abspath(benchmarks_path))
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=directory, delete=False) as out:
        out.write(text)
    os.replace(out.name, benchmarks_path)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    splice(sys.argv[1], sys.argv[2])


if __name__ == "__main__":
    main()
