//! CPU time used by a process, to tell which side of a loopback benchmark spends it.
//!
//! Read from Linux's per-thread `/proc/PID/task/TID/schedstat` (nanoseconds on CPU),
//! summed over the threads alive at the time; a thread that ended in between takes
//! its time along, which is why the benchmarks keep their threads alive. Elsewhere
//! the figures are absent rather than wrong.

use std::fs;

/// Nanoseconds on CPU of all threads of `pid` (`"self"` for this process), or `None`
/// where the kernel does not expose it.
pub fn process_cpu_ns(pid: &str) -> Option<u64> {
    let tasks = fs::read_dir(format!("/proc/{pid}/task")).ok()?;
    let mut total = 0u64;
    let mut threads = 0usize;
    for task in tasks.flatten() {
        // A thread may end between listing and reading: skip it, it has no time left.
        let Ok(text) = fs::read_to_string(task.path().join("schedstat")) else {
            continue;
        };
        let on_cpu = text.split_whitespace().next()?.parse::<u64>().ok()?;
        total = total.saturating_add(on_cpu);
        threads += 1;
    }
    (threads > 0).then_some(total)
}
