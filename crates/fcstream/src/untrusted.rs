//! Text that came over the wire, made safe to show: in a log line, an error message, a gRPC
//! status.
//!
//! It exists because a peer controls every byte of a call id, a content type or an error id:
//! written raw into a text log, a `"\n… INFO …"` forges a log line and an ESC sequence drives
//! the operator's terminal; echoed whole into an error, a 60 KB value overflows the peer's
//! metadata limit and hides the real reason. [`Untrusted`] escapes control characters (as
//! Rust's `escape_debug` does, without the quotes) and shows at most [`MAX_SHOWN`] characters.

use std::fmt;

/// Characters of a wire value shown at most; the rest is summarised as a count.
pub const MAX_SHOWN: usize = 128;

/// A wire value for display: control characters escaped, long values cut. Cheap: formats
/// straight into the writer, allocating nothing.
#[derive(Clone, Copy)]
pub struct Untrusted<'a>(pub &'a str);

impl fmt::Display for Untrusted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (shown, (i, c)) in self.0.char_indices().enumerate() {
            if shown == MAX_SHOWN {
                return write!(f, "…({} more bytes)", self.0.len() - i);
            }
            if c.is_control() || c == '\\' {
                write!(f, "{}", c.escape_debug())?;
            } else {
                f.write_fmt(format_args!("{c}"))?;
            }
        }
        Ok(())
    }
}

impl fmt::Debug for Untrusted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{self}\"")
    }
}

/// `s` for display (see [`Untrusted`]).
pub fn shown(s: &str) -> Untrusted<'_> {
    Untrusted(s)
}

/// A budget of log lines per second for one kind of warning, shared by every task (a few
/// atomics, no lock): the first `per_second` in each second are written, the rest counted and
/// reported with the next line written. For warnings a peer can trigger at will.
#[derive(Debug)]
pub struct LogBudget {
    /// Lines allowed per second.
    per_second: u64,
    /// The second (since the Unix epoch) being counted.
    second: std::sync::atomic::AtomicU64,
    /// Lines written in that second.
    written: std::sync::atomic::AtomicU64,
    /// Lines suppressed since the last one written.
    suppressed: std::sync::atomic::AtomicU64,
}

impl LogBudget {
    /// A budget of `per_second` lines a second.
    pub const fn new(per_second: u64) -> Self {
        use std::sync::atomic::AtomicU64;
        Self {
            per_second,
            second: AtomicU64::new(0),
            written: AtomicU64::new(0),
            suppressed: AtomicU64::new(0),
        }
    }

    /// Writes the line (`log(suppressed)`, told how many were suppressed before it) if the
    /// budget allows, else counts it.
    pub fn warn(&self, log: impl FnOnce(u64)) {
        use std::sync::atomic::Ordering::Relaxed;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        if self.second.swap(now, Relaxed) != now {
            self.written.store(0, Relaxed);
        }
        if self.written.fetch_add(1, Relaxed) < self.per_second {
            log(self.suppressed.swap(0, Relaxed));
        } else {
            self.suppressed.fetch_add(1, Relaxed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_cannot_forge_a_line_or_drive_a_terminal() {
        let s = shown("CA1\n2026-12-01T00:00:00Z  INFO forged\u{1b}[31m\\").to_string();
        assert!(!s.contains('\n') && !s.contains('\u{1b}'), "{s}");
        assert_eq!(s, "CA1\\n2026-12-01T00:00:00Z  INFO forged\\u{1b}[31m\\\\");
        assert_eq!(format!("{:?}", shown("a\"b")), "\"a\"b\"");
    }

    #[test]
    fn a_log_budget_writes_a_few_lines_and_counts_the_rest() {
        let budget = LogBudget::new(5);
        let mut written = 0;
        for _ in 0..10_000 {
            budget.warn(|_| written += 1);
        }
        // Within one second (or two, if the test straddles a second boundary).
        assert!((5..=10).contains(&written), "{written}");
    }

    #[test]
    fn long_values_are_cut_with_a_count() {
        let long = "x".repeat(60_000);
        let s = shown(&long).to_string();
        assert!(s.len() < 200, "{}", s.len());
        assert!(s.ends_with("…(59872 more bytes)"), "{s}");
        assert_eq!(shown("short").to_string(), "short");
        // Multi-byte characters count as one and are never split.
        let s = shown(&"é".repeat(200)).to_string();
        assert!(s.starts_with(&"é".repeat(128)));
        assert!(s.ends_with("…(144 more bytes)"), "{s}");
    }
}
