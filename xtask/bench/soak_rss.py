"""Samples a process's resident memory during a soak, then judges the samples.

Usage:
  soak_rss.py sample PID INTERVAL_S SECONDS OUT.tsv
      Writes "elapsed_s<TAB>rss_kib" every INTERVAL_S seconds for at most SECONDS
      seconds, stopping early when the process is gone.
  soak_rss.py summarize SAMPLES.tsv WRK_OUTPUT WARMUP_S MAX_GROWTH_MIB LABEL COMMIT LOAD_START LOAD_END OUT.json
      Prints start/warm/peak/end RSS and orders/s, writes them as JSON, and exits 1
      when RSS grew by more than MAX_GROWTH_MIB after the warm-up, or when wrk saw
      errors or answers other than 2xx. LOAD_START/LOAD_END: /proc/loadavg's first
      three fields before and after, recorded because the machine may be shared.

Only the standard library: it runs with the system python3.
"""

import json
import re
import sys
import time


def rss_kib(pid):
    """VmRSS of PID in KiB, or None once the process is gone."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        return None
    return None


def sample(pid, interval, seconds, out_path):
    start = time.monotonic()
    with open(out_path, "w", encoding="ascii") as out:
        # Bounded by SECONDS whatever the process does.
        while (elapsed := time.monotonic() - start) <= seconds:
            rss = rss_kib(pid)
            if rss is None:
                break
            out.write(f"{elapsed:.1f}\t{rss}\n")
            out.flush()
            time.sleep(interval)


def read_samples(path):
    samples = []
    with open(path, encoding="ascii") as handle:
        for line in handle:
            elapsed, rss = line.split("\t")
            samples.append((float(elapsed), int(rss)))
    return samples


def read_wrk(path):
    """Requests, seconds, requests/s, socket errors and non-2xx answers from wrk's summary."""
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    done = re.search(r"(\d+) requests in ([\d.]+)(\w+),", text)
    rate = re.search(r"Requests/sec:\s+([\d.]+)", text)
    if not done or not rate:
        sys.exit(f"soak_rss.py: no wrk summary in {path}:\n{text}")
    unit = {"ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}[done.group(3)]
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    return {
        "requests": int(done.group(1)),
        "seconds": float(done.group(2)) * unit,
        "requests_per_second": float(rate.group(1)),
        "socket_errors": sum(int(n) for n in errors.groups()) if errors else 0,
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
    }


def mib(kib):
    return kib / 1024.0


def summarize(samples_path, wrk_path, warmup, max_growth_mib, label, commit, loads, out_path):
    samples = read_samples(samples_path)
    load = read_wrk(wrk_path)
    after_warmup = [s for s in samples if s[0] >= warmup]
    if len(after_warmup) < 2:
        sys.exit(f"soak_rss.py: fewer than 2 samples after the {warmup} s warm-up; run longer")
    warm = after_warmup[0][1]
    peak = max(rss for _, rss in after_warmup)
    end = after_warmup[-1][1]
    growth = peak - warm
    # Growth per minute after the warm-up, from the first to the last sample.
    span = after_warmup[-1][0] - after_warmup[0][0]
    slope = (end - warm) / span * 60.0 if span > 0 else 0.0
    result = {
        "label": label,
        "commit": commit,
        "measured": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "warmup_s": warmup,
        "max_growth_mib": max_growth_mib,
        "rss_start_mib": round(mib(samples[0][1]), 1),
        "rss_warm_mib": round(mib(warm), 1),
        "rss_peak_mib": round(mib(peak), 1),
        "rss_end_mib": round(mib(end), 1),
        "growth_after_warmup_mib": round(mib(growth), 1),
        "growth_mib_per_minute": round(mib(slope), 1),
        "samples": len(samples),
        "load_average_start": loads[0],
        "load_average_end": loads[1],
        "load": load,
        "bytes_per_order_after_warmup": round((end - warm) * 1024 / max(1, load["requests_per_second"] * span)),
    }
    problems = []
    if mib(growth) > max_growth_mib:
        problems.append(
            f"RSS grew {mib(growth):.1f} MiB after the warm-up (from {mib(warm):.1f} to a peak of "
            f"{mib(peak):.1f} MiB), more than the {max_growth_mib} MiB allowed"
        )
    if load["socket_errors"] or load["non_2xx"]:
        problems.append(f"wrk saw {load['socket_errors']} socket errors and {load['non_2xx']} answers other than 2xx")
    result["verdict"] = "flat" if not problems else "; ".join(problems)
    with open(out_path, "w", encoding="utf-8") as out:
        json.dump(result, out, indent=2)
        out.write("\n")
    print(
        f"{label}: {load['requests']} orders in {load['seconds']:.0f} s ({load['requests_per_second']:.0f}/s); "
        f"RSS start {result['rss_start_mib']} MiB, after {warmup:.0f} s {result['rss_warm_mib']} MiB, "
        f"peak {result['rss_peak_mib']} MiB, end {result['rss_end_mib']} MiB "
        f"({result['growth_mib_per_minute']:+.1f} MiB/min after the warm-up)"
    )
    if problems:
        print("FAILED: " + "; ".join(problems), file=sys.stderr)
        sys.exit(1)


def main():
    if len(sys.argv) >= 2 and sys.argv[1] == "sample" and len(sys.argv) == 6:
        sample(int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), sys.argv[5])
    elif len(sys.argv) >= 2 and sys.argv[1] == "summarize" and len(sys.argv) == 11:
        _, _, samples, wrk, warmup, max_growth, label, commit, load_start, load_end, out = sys.argv
        summarize(samples, wrk, float(warmup), float(max_growth), label, commit, (load_start, load_end), out)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
