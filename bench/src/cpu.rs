//! CPU time from Linux's `/proc`: of the whole process (threads that ended included) and of the
//! calling thread. A benchmark that serves and loads in one process subtracts the load
//! generator's thread from the process to get the server's share.

use std::time::Duration;

/// Clock ticks per second of `/proc/*/stat` (`USER_HZ`): 100 on every Linux architecture
/// Guichet runs on.
const TICKS_PER_SECOND: u64 = 100;

/// User plus system CPU time of this process, every thread included.
pub fn process() -> Option<Duration> {
    from_stat(&std::fs::read_to_string("/proc/self/stat").ok()?)
}

/// User plus system CPU time of another process (a server the benchmark started).
pub fn of_process(pid: u32) -> Option<Duration> {
    from_stat(&std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?)
}

/// User plus system CPU time of the calling thread.
pub fn this_thread() -> Option<Duration> {
    from_stat(&std::fs::read_to_string("/proc/thread-self/stat").ok()?)
}

/// `utime + stime` of a `stat` line: fields 14 and 15, counted after the command name, which
/// is in parentheses and may hold spaces.
fn from_stat(stat: &str) -> Option<Duration> {
    let (_, rest) = stat.rsplit_once(')')?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 1000 / TICKS_PER_SECOND))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_and_system_ticks_are_added() {
        let line = "1234 (a (b) c) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 3 0 100";
        assert_eq!(from_stat(line), Some(Duration::from_millis(3_000)));
    }

    #[test]
    fn this_process_has_used_some_time_or_none() {
        assert!(process().is_some());
        assert!(this_thread().is_some());
    }
}
