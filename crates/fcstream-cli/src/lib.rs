//! The `fcstream` command's subcommands as a library: the binary (`src/main.rs`) is a thin
//! argument parser over it, and the fuzz targets and tests reach the command's own parsers
//! (the `serve` configuration file above all) through it.

pub mod apps;
pub mod cmd;
pub mod fuzzing;
pub mod out;

use std::fmt;

/// What the user should probably try, attached to an error as its outermost context
/// (`Err(e.context(Hint(..)))`): [`report`] prints it on its own `hint:` line after the error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hint(pub String);

impl fmt::Display for Hint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What probably went wrong when a connection to `url` failed as `error` says: TLS spoken
/// to a plaintext server, or plaintext to a TLS one.
pub fn tls_hint(url: &str, error: &anyhow::Error) -> Option<Hint> {
    let text = format!("{error:#}");
    let rest = url
        .strip_prefix("https://")
        .map(|r| ("https", r))
        .or_else(|| url.strip_prefix("http://").map(|r| ("http", r)));
    match rest {
        // rustls read a plaintext HTTP/2 frame where a TLS record should be.
        Some(("https", rest))
            if text.contains("InvalidContentType") || text.contains("corrupt message") =>
        {
            Some(Hint(format!(
                "the server at {url} does not speak TLS: try http://{rest}"
            )))
        }
        // A TLS server answers an HTTP/2 preface with a TLS alert and hangs up: the stream
        // fails at once, as one of these (each seen against `serve --tls-cert`, by timing).
        // A refused connection is not that.
        Some(("http", rest))
            if (text.contains("transport error") && !text.contains("tcp connect error"))
                || text.contains("h2 protocol error")
                || text.contains("operation was canceled") =>
        {
            Some(Hint(format!(
                "if the server at {url} speaks TLS, try https://{rest}"
            )))
        }
        _ => None,
    }
}

/// An error as the `fcstream` command prints it: `error: ` and each cause of the chain once,
/// joined by `: `, then a `hint:` line if the error carries a [`Hint`].
///
/// Many errors write their source into their own text (`"{path}: {source}"`, thiserror's
/// `#[error("WAV file: {0}")]` with `#[from]`), so printing the chain as anyhow's `{:#}` does
/// would say the cause twice; a cause whose text is already in what was printed is left out.
pub fn report(error: &anyhow::Error) -> String {
    let hint = error.downcast_ref::<Hint>();
    let mut text = String::new();
    for cause in error.chain().skip(usize::from(hint.is_some())) {
        let cause = cause.to_string();
        // "message: " with an empty message leaves a dangling colon.
        let cause = cause.trim().trim_end_matches(':').trim_end();
        if cause.is_empty() || text.contains(cause) {
            continue;
        }
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(cause);
    }
    match hint {
        Some(hint) => format!("error: {text}\nhint: {hint}"),
        None => format!("error: {text}"),
    }
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutdown signal received");
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An error that writes its source into its own text, as `AudioError::Io` does.
    #[derive(Debug)]
    struct Twice(std::io::Error);

    impl std::error::Error for Twice {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&self.0)
        }
    }

    impl fmt::Display for Twice {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "hello.wav: {}", self.0)
        }
    }

    #[test]
    fn each_cause_is_printed_once() {
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "No such file or directory");
        let e = anyhow::Error::new(Twice(io)).context("--wav");
        assert_eq!(
            report(&e),
            "error: --wav: hello.wav: No such file or directory"
        );
        let plain = anyhow::anyhow!("inner").context("outer");
        assert_eq!(report(&plain), "error: outer: inner");
    }

    #[test]
    fn a_hint_goes_on_its_own_line() {
        let e = anyhow::anyhow!("corrupt message")
            .context("cannot connect")
            .context(Hint("try http://".into()));
        assert_eq!(
            report(&e),
            "error: cannot connect: corrupt message\nhint: try http://"
        );
    }
}
