//! CPU time and memory from `/proc`: the generator's own threads (to report what one call
//! costs the generator) and, when given its pid, the server's process (CPU % of one core,
//! RSS). Linux only; elsewhere every reading is `None` and the report says "unknown".

/// CPU time the calling thread has used, ns.
pub fn thread_cpu_ns() -> Option<u64> {
    // schedstat: "<ns on cpu> <ns waiting> <slices>", ns resolution.
    if let Ok(s) = std::fs::read_to_string("/proc/thread-self/schedstat") {
        if let Some(ns) = s.split_whitespace().next().and_then(|v| v.parse().ok()) {
            return Some(ns);
        }
    }
    let s = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    stat_ticks(&s).map(|t| t * (1_000_000_000 / clock_ticks()))
}

/// CPU time process `pid` has used (all threads, user + system), ns.
pub fn process_cpu_ns(pid: u32) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    stat_ticks(&s).map(|t| t * (1_000_000_000 / clock_ticks()))
}

/// Resident set size of process `pid`, KiB.
pub fn process_rss_kib(pid: u32) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    s.lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
}

/// utime + stime of a `stat` line, in clock ticks.
fn stat_ticks(stat: &str) -> Option<u64> {
    // The command name (field 2) may hold spaces and parentheses: fields are counted from
    // the last ')'.
    let rest = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // After ')': state is field 3, so utime (14) and stime (15) are at 11 and 12.
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(utime + stime)
}

fn clock_ticks() -> u64 {
    // SAFETY: sysconf has no preconditions.
    let t = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    if t > 0 {
        t as u64
    } else {
        100
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_stat_with_odd_names() {
        let line = "123 (a b) c)) S 1 2 3 4 5 6 7 8 9 10 111 222 13 14 15";
        assert_eq!(stat_ticks(line), Some(333));
    }

    #[test]
    fn reads_this_process() {
        if cfg!(target_os = "linux") {
            let pid = std::process::id();
            assert!(process_rss_kib(pid).unwrap() > 0);
            assert!(process_cpu_ns(pid).is_some());
            assert!(thread_cpu_ns().is_some());
        }
    }
}
