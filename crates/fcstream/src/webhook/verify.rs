//! The `FreeClimb-Signature` header: proof that a webhook came from FreeClimb, recently.
//!
//! Anyone can POST to an app's public voice URL. FreeClimb signs every webhook with the
//! account's signing secret:
//!
//! ```text
//! FreeClimb-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>…]
//! v1 = lowercase hex of HMAC-SHA256(key = UTF-8 bytes of the secret, msg = "<t>.<raw body>")
//! ```
//!
//! A request verifies when any `v1` matches (several appear while a secret is rotated) and `t`
//! is within the tolerance of now. FreeClimb's own SDK verifiers compare with `==` and, through a
//! units mix-up, accept signatures days old and any future `t`; this verifier instead:
//!
//! - compares in constant time: the expected tag is compared with *every* `v1`, each comparison
//!   with [`subtle`], results combined without branching, so the time taken does not depend on
//!   how many bytes of a guess were right nor on which `v1` matched;
//! - checks the MAC first and the time second, so [`SignatureError::Stale`] and
//!   [`SignatureError::FromFuture`] are only ever reported for authentic requests (a replay or a
//!   clock problem), and a forgery is always [`SignatureError::Mismatch`];
//! - bounds `t` in both directions (default ±300 s, configurable);
//! - reports every failure as its own [`SignatureError`] variant.
//!
//! [`sign`] produces the header, for tests and for the emulator playing FreeClimb.

use std::fmt;
use std::str::FromStr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::{Choice, ConstantTimeEq};

/// The header's name (HTTP header names are case-insensitive).
pub const SIGNATURE_HEADER: &str = "FreeClimb-Signature";

/// How far `t` may be from now, either way, by default: 5 minutes.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

/// The most `v1` entries one header may carry (rotation needs two; this bounds the work).
const MAX_SIGNATURES: usize = 16;

/// Bytes of an HMAC-SHA256 tag.
const TAG_LEN: usize = 32;

type HmacSha256 = Hmac<Sha256>;

/// Why a webhook's signature was refused. Each failure has its own variant.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignatureError {
    /// No `FreeClimb-Signature` header.
    #[error("missing {SIGNATURE_HEADER} header")]
    MissingHeader,
    /// The header is not `t=<unix seconds>,v1=<hex>[,v1=<hex>…]`; the text says what is wrong.
    #[error("malformed {SIGNATURE_HEADER} header: {0}")]
    Malformed(&'static str),
    /// A `v1` value is not hexadecimal.
    #[error("{SIGNATURE_HEADER} v1 is not hex")]
    NonHexSignature,
    /// Authentic, but signed longer ago than the tolerance (a replay, or a slow clock here).
    #[error("signature is {}s old, beyond the tolerance (replayed request or clock skew)", .age.as_secs())]
    Stale {
        /// How long ago it was signed.
        age: Duration,
    },
    /// Authentic, but signed further in the future than the tolerance (a clock problem).
    #[error("signature is dated {}s in the future, beyond the tolerance (clock skew)", .skew.as_secs())]
    FromFuture {
        /// How far ahead of this clock it is dated.
        skew: Duration,
    },
    /// No `v1` matches the body: a wrong signing secret, or a body altered on the way.
    #[error("no signature matches (wrong signing secret or altered body)")]
    Mismatch,
}

/// A parsed `FreeClimb-Signature` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureHeader {
    /// `t`: when the request was signed, in Unix seconds.
    pub timestamp: u64,
    /// Every `v1` tag, decoded (32 bytes each). Other schemes (`v0=`, …) are ignored.
    pub signatures: Vec<[u8; TAG_LEN]>,
}

impl SignatureHeader {
    /// Parses a header value. Entries are comma-separated `key=value` pairs, spaces around them
    /// ignored; exactly one `t` (decimal, no sign, no leading zeros) and one or more `v1`
    /// (64 hex digits, any case) are required; unknown keys are ignored.
    ///
    /// ```
    /// use fcstream::webhook::{SignatureError, SignatureHeader};
    /// let h = SignatureHeader::parse(&format!("t=1700000000,v1={}", "ab".repeat(32))).unwrap();
    /// assert_eq!(h.timestamp, 1_700_000_000);
    /// assert_eq!(SignatureHeader::parse("t=1,v1=zz"), Err(SignatureError::NonHexSignature));
    /// ```
    pub fn parse(value: &str) -> Result<Self, SignatureError> {
        let mut timestamp = None;
        let mut signatures = Vec::new();
        for entry in value.split(',') {
            let entry = entry.trim();
            if entry.is_empty() {
                continue;
            }
            let (key, val) = entry
                .split_once('=')
                .ok_or(SignatureError::Malformed("expected key=value entries"))?;
            match key.trim() {
                "t" => {
                    if timestamp.is_some() {
                        return Err(SignatureError::Malformed("more than one t"));
                    }
                    timestamp = Some(parse_timestamp(val.trim())?);
                }
                "v1" => {
                    if signatures.len() == MAX_SIGNATURES {
                        return Err(SignatureError::Malformed("too many v1 signatures"));
                    }
                    signatures.push(parse_tag(val.trim())?);
                }
                "" => return Err(SignatureError::Malformed("empty key")),
                _ => {} // another scheme: not ours to judge
            }
        }
        let timestamp = timestamp.ok_or(SignatureError::Malformed("no t (timestamp)"))?;
        if signatures.is_empty() {
            return Err(SignatureError::Malformed("no v1 signature"));
        }
        Ok(Self {
            timestamp,
            signatures,
        })
    }
}

impl FromStr for SignatureHeader {
    type Err = SignatureError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

fn parse_timestamp(t: &str) -> Result<u64, SignatureError> {
    let canonical = !t.is_empty()
        && t.bytes().all(|b| b.is_ascii_digit())
        && !(t.len() > 1 && t.starts_with('0'));
    if !canonical {
        return Err(SignatureError::Malformed(
            "t is not a number of seconds (decimal digits, no leading zeros)",
        ));
    }
    t.parse()
        .map_err(|_| SignatureError::Malformed("t is out of range"))
}

fn parse_tag(v1: &str) -> Result<[u8; TAG_LEN], SignatureError> {
    let bytes = hex::decode(v1).map_err(|_| SignatureError::NonHexSignature)?;
    <[u8; TAG_LEN]>::try_from(bytes.as_slice())
        .map_err(|_| SignatureError::Malformed("v1 is not 64 hex digits (an HMAC-SHA256)"))
}

/// The HMAC-SHA256 of `"<t>.<body>"` under `secret`.
fn tag(secret: &[u8], t: u64, body: &[u8]) -> [u8; TAG_LEN] {
    let mut mac = match HmacSha256::new_from_slice(secret) {
        Ok(mac) => mac,
        // HMAC accepts keys of any length.
        Err(_) => unreachable!("HMAC-SHA256 takes keys of any length"),
    };
    mac.update(t.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac.finalize().into_bytes().into()
}

/// The `FreeClimb-Signature` header value for `body` signed at `t` (Unix seconds) with
/// `secret`, exactly as FreeClimb writes it: `t=<t>,v1=<lowercase hex>`.
///
/// ```
/// use fcstream::webhook::{sign, Verifier};
/// let header = sign("whsec", br#"{"callId":"CA1"}"#, 1_700_000_000);
/// assert!(header.starts_with("t=1700000000,v1="));
/// assert!(Verifier::new("whsec").verify_at(Some(&header), br#"{"callId":"CA1"}"#, 1_700_000_060).is_ok());
/// ```
pub fn sign(secret: impl AsRef<[u8]>, body: &[u8], t: u64) -> String {
    format!("t={t},v1={}", hex::encode(tag(secret.as_ref(), t, body)))
}

/// Seconds since the Unix epoch, now (0 if the clock is before 1970).
pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Checks `FreeClimb-Signature` headers against a signing secret.
///
/// ```
/// use fcstream::webhook::{sign, SignatureError, Verifier};
/// use std::time::Duration;
///
/// let verifier = Verifier::new("whsec").tolerance(Duration::from_secs(60));
/// let body = br#"{"callId":"CA1"}"#;
/// let header = sign("whsec", body, 1_000);
/// assert_eq!(verifier.verify_at(Some(&header), body, 1_030), Ok(()));
/// assert!(matches!(verifier.verify_at(Some(&header), body, 2_000), Err(SignatureError::Stale { .. })));
/// assert_eq!(verifier.verify_at(Some(&header), b"{}", 1_030), Err(SignatureError::Mismatch));
/// assert_eq!(verifier.verify_at(None, body, 1_030), Err(SignatureError::MissingHeader));
/// ```
#[derive(Clone)]
pub struct Verifier {
    /// The signing secret's UTF-8 bytes, the HMAC key.
    secret: Vec<u8>,
    /// How far `t` may be from now, either way.
    tolerance: Duration,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("secret", &"<redacted>")
            .field("tolerance", &self.tolerance)
            .finish()
    }
}

impl Verifier {
    /// A verifier for the account's signing secret, with the default tolerance (±300 s).
    pub fn new(secret: impl AsRef<[u8]>) -> Self {
        Self {
            secret: secret.as_ref().to_vec(),
            tolerance: DEFAULT_TOLERANCE,
        }
    }

    /// How far `t` may be from now, in either direction (whole seconds count).
    pub fn tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// The tolerance in use.
    pub fn current_tolerance(&self) -> Duration {
        self.tolerance
    }

    /// Verifies a request now: `header` is the `FreeClimb-Signature` value (`None`: absent),
    /// `body` the raw request body, byte for byte as received.
    pub fn verify(&self, header: Option<&str>, body: &[u8]) -> Result<(), SignatureError> {
        self.verify_at(header, body, unix_now())
    }

    /// Verifies a request as of `now` (Unix seconds).
    pub fn verify_at(
        &self,
        header: Option<&str>,
        body: &[u8],
        now: u64,
    ) -> Result<(), SignatureError> {
        self.signed_time_at(header, body, now).map(|_| ())
    }

    /// Verifies a request now, as [`Verifier::verify`] does, and returns the time it was
    /// signed (`t`, Unix seconds): authentic, so a replay of the same request gives the same
    /// time, and anything derived from it (the webhook endpoint's per-call token) is the same.
    pub fn signed_time(&self, header: Option<&str>, body: &[u8]) -> Result<u64, SignatureError> {
        self.signed_time_at(header, body, unix_now())
    }

    /// [`Verifier::signed_time`] as of `now` (Unix seconds).
    ///
    /// ```
    /// use fcstream::webhook::{sign, Verifier};
    /// let header = sign("whsec", b"{}", 1_000);
    /// assert_eq!(Verifier::new("whsec").signed_time_at(Some(&header), b"{}", 1_010), Ok(1_000));
    /// ```
    pub fn signed_time_at(
        &self,
        header: Option<&str>,
        body: &[u8],
        now: u64,
    ) -> Result<u64, SignatureError> {
        let header = SignatureHeader::parse(header.ok_or(SignatureError::MissingHeader)?)?;
        let expected = tag(&self.secret, header.timestamp, body);
        // Every candidate is compared, in constant time, and the results are OR-ed without a
        // branch: neither the time nor the path depends on where or whether a match is.
        let matched = header
            .signatures
            .iter()
            .fold(Choice::from(0), |acc, candidate| {
                acc | expected.ct_eq(candidate)
            });
        if !bool::from(matched) {
            return Err(SignatureError::Mismatch);
        }
        let t = header.timestamp;
        if now >= t {
            let age = Duration::from_secs(now - t);
            if age > self.tolerance {
                return Err(SignatureError::Stale { age });
            }
        } else {
            let skew = Duration::from_secs(t - now);
            if skew > self.tolerance {
                return Err(SignatureError::FromFuture { skew });
            }
        }
        Ok(t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_is_tolerant_of_spacing_and_other_schemes() {
        let v = "ab".repeat(32);
        let h =
            SignatureHeader::parse(&format!(" t=5 , v0=xyz ,, v1={} ", v.to_uppercase())).unwrap();
        assert_eq!(h.timestamp, 5);
        assert_eq!(h.signatures, vec![[0xab; 32]]);
    }

    #[test]
    fn parse_errors() {
        let v = "ab".repeat(32);
        let cases: Vec<(String, SignatureError)> = vec![
            ("".into(), SignatureError::Malformed("no t (timestamp)")),
            (
                "garbage".into(),
                SignatureError::Malformed("expected key=value entries"),
            ),
            (
                format!("v1={v}"),
                SignatureError::Malformed("no t (timestamp)"),
            ),
            ("t=12".into(), SignatureError::Malformed("no v1 signature")),
            (
                format!("t=1,t=2,v1={v}"),
                SignatureError::Malformed("more than one t"),
            ),
            (format!("=1,v1={v}"), SignatureError::Malformed("empty key")),
            ("t=1,v1=abc".into(), SignatureError::NonHexSignature),
            (
                "t=1,v1=abcd".into(),
                SignatureError::Malformed("v1 is not 64 hex digits (an HMAC-SHA256)"),
            ),
        ];
        for (header, want) in cases {
            assert_eq!(SignatureHeader::parse(&header), Err(want), "{header:?}");
        }
        for t in [
            "-1",
            "+1",
            "01",
            "1.5",
            "1e3",
            "",
            "99999999999999999999999",
        ] {
            assert!(
                matches!(
                    SignatureHeader::parse(&format!("t={t},v1={v}")),
                    Err(SignatureError::Malformed(_))
                ),
                "{t:?}"
            );
        }
    }

    #[test]
    fn at_most_sixteen_signatures() {
        let v = "ab".repeat(32);
        let many = format!("t=1{}", format!(",v1={v}").repeat(17));
        assert_eq!(
            SignatureHeader::parse(&many),
            Err(SignatureError::Malformed("too many v1 signatures"))
        );
    }

    #[test]
    fn tolerance_edges_are_inclusive() {
        let v = Verifier::new("k").tolerance(Duration::from_secs(10));
        let h = sign("k", b"x", 100);
        assert_eq!(v.verify_at(Some(&h), b"x", 110), Ok(()));
        assert_eq!(v.verify_at(Some(&h), b"x", 90), Ok(()));
        assert_eq!(
            v.verify_at(Some(&h), b"x", 111),
            Err(SignatureError::Stale {
                age: Duration::from_secs(11)
            })
        );
        assert_eq!(
            v.verify_at(Some(&h), b"x", 89),
            Err(SignatureError::FromFuture {
                skew: Duration::from_secs(11)
            })
        );
    }

    #[test]
    fn debug_hides_the_secret() {
        assert!(!format!("{:?}", Verifier::new("hunter2")).contains("hunter2"));
    }
}
