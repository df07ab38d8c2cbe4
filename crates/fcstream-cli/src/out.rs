//! Printing a command's report to stdout without panicking when the reader went away.
//!
//! `println!` panics when stdout is a closed pipe (`fcstream demo --fast | head -1`: exit 101
//! and a panic message). `outln!` and `out!` write through [`write()`] instead: the first
//! failed write (a closed pipe, a full disk) turns stdout off for the rest of the process, so
//! the command finishes its work (the call, its files) and exits with its usual status. The
//! process's SIGPIPE stays ignored, as Rust sets it, so a server's sockets are unaffected.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

/// Set once a write to stdout has failed: nothing more is written.
static CLOSED: AtomicBool = AtomicBool::new(false);

/// Writes `args` to stdout and flushes; after a failed write (once stdout is closed) it does
/// nothing. Returns whether the text was written.
pub fn write(args: std::fmt::Arguments<'_>) -> bool {
    if CLOSED.load(Ordering::Relaxed) {
        return false;
    }
    let mut stdout = std::io::stdout().lock();
    let ok = stdout.write_fmt(args).and_then(|()| stdout.flush()).is_ok();
    if !ok {
        CLOSED.store(true, Ordering::Relaxed);
    }
    ok
}

/// `println!` to stdout through [`write()`]: never panics on a closed pipe.
#[macro_export]
macro_rules! outln {
    () => {
        $crate::out::write(format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::out::write(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// `print!` to stdout through [`write()`]: never panics on a closed pipe.
#[macro_export]
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::out::write(format_args!($($arg)*))
    };
}
