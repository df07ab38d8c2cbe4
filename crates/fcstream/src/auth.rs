//! Stream authentication: who may open a call stream on this server. Off by default.
//!
//! Two mechanisms, usable together:
//!
//! 1. **A shared bearer token** in the gRPC request metadata (`authorization: Bearer <token>`),
//!    for a platform or proxy you configure yourself.
//! 2. **A per-call token** carried in the PerCL `AudioStream` metadata, which FreeClimb passes
//!    unchanged into `NotifyCallStartedMessage.metadata` as the entry `fcstream-token=<token>`.
//!    The webhook endpoint issues it when it answers the inbound-call webhook. It is an
//!    HMAC-SHA256 over the call id and an expiry, so a leaked token cannot start another call,
//!    nor the same call after it expires. A server starts **one** stream per call id while the
//!    token that started it is live (a replayed webhook, a replayed token, a second token for
//!    the same call id: all refused), remembering at most [`MAX_LIVE_CALL_TOKENS`] call ids.
//!
//! Every comparison is constant-time. A rejected stream ends with `UNAUTHENTICATED` before any
//! handler runs; secrets are never logged.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// The metadata entry prefix that carries a per-call token.
pub const CALL_TOKEN_PREFIX: &str = "fcstream-token=";

/// The metadata entry prefix with which the webhook endpoint records the call id it saw.
pub const CALL_ID_PREFIX: &str = "callId=";

/// The most call ids a server remembers as started, until their tokens expire: 65,536, about
/// 5 MiB at the limit (a 32-byte digest of the call id and an expiry each, whatever the id's
/// length). Only a valid token adds one, so reaching it takes that many calls started within
/// a token's lifetime; past it, new calls are refused ([`AuthError::TooManyLiveCallTokens`])
/// rather than forgetting a live token, until the oldest expire.
pub const MAX_LIVE_CALL_TOKENS: usize = 65_536;

/// Why a stream was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    /// No `authorization: Bearer …` header while a bearer token is required.
    #[error("missing bearer token (authorization: Bearer …)")]
    MissingBearer,
    /// A bearer token that does not match.
    #[error("wrong bearer token")]
    WrongBearer,
    /// No `fcstream-token=` metadata entry while per-call tokens are required.
    #[error("missing per-call token ({CALL_TOKEN_PREFIX}… in the AudioStream metadata)")]
    MissingCallToken,
    /// A per-call token that is not `v1.<expiry>.<hex>`.
    #[error("malformed per-call token")]
    MalformedCallToken,
    /// A per-call token past its expiry.
    #[error("per-call token expired {0:?} ago")]
    ExpiredCallToken(Duration),
    /// A per-call token not signed for this call id with this server's key.
    #[error("per-call token not valid for this call")]
    BadCallToken,
    /// A call id whose stream already started on this server (with this token or another
    /// one still live): a replay.
    #[error("per-call token already used: a stream for this call id already started")]
    ReusedCallToken,
    /// As many call ids as the server remembers ([`MAX_LIVE_CALL_TOKENS`]) have live tokens.
    #[error(
        "too many live per-call tokens ({0}); new calls are refused until older tokens expire"
    )]
    TooManyLiveCallTokens(usize),
}

/// What a server requires of a stream (default: nothing).
#[derive(Clone, Default)]
pub struct StreamAuth {
    /// The shared bearer token, if required.
    bearer: Option<String>,
    /// The key per-call tokens are signed with, if required.
    call_key: Option<Vec<u8>>,
    /// The call ids whose stream started, until their tokens expire (shared by clones).
    used: Arc<Mutex<Started>>,
}

/// The call ids whose stream started, each until the expiry of the token that started it:
/// bounded, with expired entries swept in amortised constant time.
#[derive(Debug)]
struct Started {
    /// SHA-256 of the call id → the token's expiry (Unix seconds).
    by_call: HashMap<[u8; 32], u64>,
    /// The most entries held.
    limit: usize,
    /// The size at which expired entries are swept next (doubles with the live entries).
    sweep_at: usize,
}

impl Default for Started {
    fn default() -> Self {
        Self::new(MAX_LIVE_CALL_TOKENS)
    }
}

impl Started {
    /// Entries below which no sweep is worth it.
    const FIRST_SWEEP: usize = 1024;

    fn new(limit: usize) -> Self {
        Self {
            by_call: HashMap::new(),
            limit: limit.max(1),
            sweep_at: Self::FIRST_SWEEP.min(limit.max(1)),
        }
    }

    /// Records that `call_id`'s stream starts now with a token valid until `expiry`; refused
    /// if a stream for it already started under a token that is still live, or if the set is
    /// full of live entries.
    fn start(&mut self, call_id: &str, expiry: u64, now: u64) -> Result<(), AuthError> {
        let key: [u8; 32] = Sha256::digest(call_id.as_bytes()).into();
        if let Some(live_until) = self.by_call.get(&key) {
            if *live_until >= now {
                return Err(AuthError::ReusedCallToken);
            }
        }
        if self.by_call.len() >= self.sweep_at {
            self.by_call.retain(|_, until| *until >= now);
            self.sweep_at = (self.by_call.len() * 2)
                .max(Self::FIRST_SWEEP)
                .min(self.limit);
        }
        if self.by_call.len() >= self.limit && !self.by_call.contains_key(&key) {
            return Err(AuthError::TooManyLiveCallTokens(self.limit));
        }
        self.by_call.insert(key, expiry);
        Ok(())
    }
}

impl std::fmt::Debug for StreamAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StreamAuth")
            .field("bearer", &self.bearer.as_ref().map(|_| "<redacted>"))
            .field("call_tokens", &self.call_key.is_some())
            .finish()
    }
}

type HmacSha256 = Hmac<Sha256>;

fn mac(key: &[u8], call_id: &str, expiry: u64) -> HmacSha256 {
    // HMAC takes keys of any length; `new_from_slice` cannot fail for it.
    let mut m = HmacSha256::new_from_slice(key).unwrap_or_else(|_| unreachable!());
    m.update(b"fcstream-call-token|v1|");
    m.update(call_id.as_bytes());
    m.update(b"|");
    m.update(expiry.to_string().as_bytes());
    m
}

/// Issues a per-call token for `call_id`, valid until `expiry`.
///
/// ```
/// use fcstream::auth::{issue_call_token, StreamAuth};
/// use std::time::{Duration, SystemTime};
/// let key = b"a long random secret";
/// let token = issue_call_token(key, "CA123", SystemTime::now() + Duration::from_secs(300));
/// let auth = StreamAuth::default().call_tokens(key.to_vec());
/// assert!(auth.check_call_token(&[format!("fcstream-token={token}")], "CA123", SystemTime::now()).is_ok());
/// assert!(auth.check_call_token(&[format!("fcstream-token={token}")], "CA999", SystemTime::now()).is_err());
/// ```
pub fn issue_call_token(key: &[u8], call_id: &str, expiry: SystemTime) -> String {
    let expiry = expiry.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let tag = mac(key, call_id, expiry).finalize().into_bytes();
    format!("v1.{expiry}.{}", hex::encode(tag))
}

impl StreamAuth {
    /// Requires `authorization: Bearer <token>` on every stream.
    pub fn bearer(mut self, token: impl Into<String>) -> Self {
        self.bearer = Some(token.into());
        self
    }

    /// Requires a per-call token signed with `key` in the call's metadata.
    pub fn call_tokens(mut self, key: impl Into<Vec<u8>>) -> Self {
        self.call_key = Some(key.into());
        self
    }

    /// How many started call ids are remembered at most, until their tokens expire (default
    /// [`MAX_LIVE_CALL_TOKENS`]); past it new calls are refused. Forgets those remembered.
    pub fn live_call_token_limit(mut self, limit: usize) -> Self {
        self.used = Arc::new(Mutex::new(Started::new(limit)));
        self
    }

    /// Whether anything is required.
    pub fn is_enabled(&self) -> bool {
        self.bearer.is_some() || self.call_key.is_some()
    }

    /// Whether per-call tokens are required.
    pub fn requires_call_token(&self) -> bool {
        self.call_key.is_some()
    }

    /// Checks the request's `authorization` header value (None: absent).
    pub fn check_bearer(&self, authorization: Option<&[u8]>) -> Result<(), AuthError> {
        let Some(expected) = &self.bearer else {
            return Ok(());
        };
        let value = authorization.ok_or(AuthError::MissingBearer)?;
        let presented = value
            .strip_prefix(b"Bearer ")
            .or_else(|| value.strip_prefix(b"bearer "))
            .ok_or(AuthError::MissingBearer)?;
        // Compare digests, so the comparison takes the same time whatever the lengths.
        let a = Sha256::digest(presented);
        let b = Sha256::digest(expected.as_bytes());
        if bool::from(a.ct_eq(&b)) {
            Ok(())
        } else {
            Err(AuthError::WrongBearer)
        }
    }

    /// Checks the per-call token among `metadata` for the call at time `now`, and spends it:
    /// a call id starts one stream only (per server process) while the token that started it
    /// is live, so neither a replayed token nor a second token for the same call id starts
    /// another.
    ///
    /// The token is bound to the call id the webhook endpoint saw, which it also records in the
    /// metadata as `callId=<id>`; without that entry, `call_id` (from
    /// `NotifyCallStartedMessage`) is used.
    pub fn check_call_token(
        &self,
        metadata: &[String],
        call_id: &str,
        now: SystemTime,
    ) -> Result<(), AuthError> {
        let Some(key) = &self.call_key else {
            return Ok(());
        };
        let token = metadata
            .iter()
            .find_map(|m| m.strip_prefix(CALL_TOKEN_PREFIX))
            .ok_or(AuthError::MissingCallToken)?;
        let mut parts = token.splitn(3, '.');
        let (Some("v1"), Some(expiry), Some(tag)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(AuthError::MalformedCallToken);
        };
        let expiry: u64 = expiry.parse().map_err(|_| AuthError::MalformedCallToken)?;
        let tag = hex::decode(tag).map_err(|_| AuthError::MalformedCallToken)?;
        let bound_id = metadata
            .iter()
            .find_map(|m| m.strip_prefix(CALL_ID_PREFIX))
            .unwrap_or(call_id);
        mac(key, bound_id, expiry)
            .verify_slice(&tag)
            .map_err(|_| AuthError::BadCallToken)?;
        let now = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        if now > expiry {
            return Err(AuthError::ExpiredCallToken(Duration::from_secs(
                now - expiry,
            )));
        }
        // Once per call start, never per frame: this lock is not on the hot path.
        self.used
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .start(bound_id, expiry, now)
    }
}

/// The metadata without per-call tokens (what the app gets to see).
pub(crate) fn strip_tokens(metadata: &mut Vec<String>) {
    metadata.retain(|m| !m.starts_with(CALL_TOKEN_PREFIX));
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8] = b"test key";

    fn meta(token: &str) -> Vec<String> {
        vec!["tenant=acme".into(), format!("{CALL_TOKEN_PREFIX}{token}")]
    }

    #[test]
    fn bearer() {
        let auth = StreamAuth::default().bearer("s3cret");
        assert_eq!(auth.check_bearer(Some(b"Bearer s3cret")), Ok(()));
        assert_eq!(
            auth.check_bearer(Some(b"Bearer s3cre")),
            Err(AuthError::WrongBearer)
        );
        assert_eq!(
            auth.check_bearer(Some(b"s3cret")),
            Err(AuthError::MissingBearer)
        );
        assert_eq!(auth.check_bearer(None), Err(AuthError::MissingBearer));
        assert_eq!(StreamAuth::default().check_bearer(None), Ok(()));
    }

    #[test]
    fn call_tokens() {
        let auth = StreamAuth::default().call_tokens(KEY);
        let now = SystemTime::now();
        let token = issue_call_token(KEY, "CA1", now + Duration::from_secs(60));
        assert_eq!(
            auth.check_call_token(&meta(&token), "CA2", now),
            Err(AuthError::BadCallToken)
        );
        assert_eq!(auth.check_call_token(&meta(&token), "CA1", now), Ok(()));
        assert_eq!(
            auth.check_call_token(&meta(&token), "CA1", now),
            Err(AuthError::ReusedCallToken)
        );
        // Bound to the webhook's call id when the metadata records it.
        let token = issue_call_token(KEY, "CA-webhook", now + Duration::from_secs(60));
        let mut m = meta(&token);
        m.push(format!("{CALL_ID_PREFIX}CA-webhook"));
        assert_eq!(auth.check_call_token(&m, "sip-call-id@host", now), Ok(()));
        let other_key = issue_call_token(b"other", "CA1", now + Duration::from_secs(60));
        assert_eq!(
            auth.check_call_token(&meta(&other_key), "CA1", now),
            Err(AuthError::BadCallToken)
        );
        let unused = issue_call_token(KEY, "CA1", now + Duration::from_secs(60));
        assert!(matches!(
            auth.check_call_token(&meta(&unused), "CA1", now + Duration::from_secs(120)),
            Err(AuthError::ExpiredCallToken(_))
        ));
        // Moving the expiry forward breaks the signature.
        let token = issue_call_token(KEY, "CA1", now + Duration::from_secs(60));
        let forged = token.replacen(".", ".9", 1);
        assert_eq!(
            auth.check_call_token(&meta(&forged), "CA1", now),
            Err(AuthError::BadCallToken)
        );
        for bad in ["", "v2.1.00", "v1.x.00", "v1.1.zz", "v1.1"] {
            assert_eq!(
                auth.check_call_token(&meta(bad), "CA1", now),
                Err(AuthError::MalformedCallToken),
                "{bad}"
            );
        }
        assert_eq!(
            auth.check_call_token(&[], "CA1", now),
            Err(AuthError::MissingCallToken)
        );
    }

    #[test]
    fn a_call_id_starts_one_stream_whatever_token_it_brings() {
        let auth = StreamAuth::default().call_tokens(KEY);
        let now = SystemTime::now();
        let first = issue_call_token(KEY, "CA1", now + Duration::from_secs(60));
        let second = issue_call_token(KEY, "CA1", now + Duration::from_secs(61));
        assert_ne!(first, second);
        assert_eq!(auth.check_call_token(&meta(&first), "CA1", now), Ok(()));
        assert_eq!(
            auth.check_call_token(&meta(&second), "CA1", now),
            Err(AuthError::ReusedCallToken)
        );
        // Clones share what was started (the server clones its auth per connection).
        assert_eq!(
            auth.clone().check_call_token(&meta(&first), "CA1", now),
            Err(AuthError::ReusedCallToken)
        );
        // Once the token that started it expired, the entry is gone; a new token (a new
        // signed webhook) may start the call id again.
        let later = now + Duration::from_secs(120);
        let fresh = issue_call_token(KEY, "CA1", later + Duration::from_secs(60));
        assert_eq!(auth.check_call_token(&meta(&fresh), "CA1", later), Ok(()));
    }

    #[test]
    fn started_call_ids_are_bounded() {
        let auth = StreamAuth::default()
            .call_tokens(KEY)
            .live_call_token_limit(2);
        let now = SystemTime::now();
        let token =
            |id: &str, secs: u64| issue_call_token(KEY, id, now + Duration::from_secs(secs));
        assert_eq!(
            auth.check_call_token(&meta(&token("CA1", 10)), "CA1", now),
            Ok(())
        );
        assert_eq!(
            auth.check_call_token(&meta(&token("CA2", 60)), "CA2", now),
            Ok(())
        );
        // Full of live entries: refused, not forgotten.
        assert_eq!(
            auth.check_call_token(&meta(&token("CA3", 60)), "CA3", now),
            Err(AuthError::TooManyLiveCallTokens(2))
        );
        assert_eq!(
            auth.check_call_token(&meta(&token("CA2", 60)), "CA2", now),
            Err(AuthError::ReusedCallToken)
        );
        // CA1's token expired: its entry is swept and CA3 fits.
        let later = now + Duration::from_secs(11);
        assert_eq!(
            auth.check_call_token(&meta(&token("CA3", 60)), "CA3", later),
            Ok(())
        );
        assert_eq!(
            auth.check_call_token(&meta(&token("CA2", 60)), "CA2", later),
            Err(AuthError::ReusedCallToken)
        );
        // A long id costs what a short one does.
        let mut started = Started::new(4);
        started.start(&"x".repeat(100_000), 5, 0).unwrap();
        assert_eq!(started.by_call.len(), 1);
    }

    #[test]
    fn tokens_are_stripped_from_what_the_app_sees() {
        let mut m = meta("v1.1.00");
        strip_tokens(&mut m);
        assert_eq!(m, vec!["tenant=acme".to_string()]);
    }
}
