//! The three audio formats a FreeClimb stream can carry, parsed leniently, written canonically.
//!
//! The call's format arrives once, in `NotifyCallStartedMessage.content_type`, and every frame
//! size, duration and conversion in the library is derived from it.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

/// A call's audio format: one of the three content types FreeClimb supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ContentType {
    /// `audio/mulaw;rate=8000`: G.711 µ-law, 8 kHz, 160 bytes per 20 ms.
    Mulaw8k,
    /// `audio/l16;rate=8000`: 16-bit linear PCM, 8 kHz, 320 bytes per 20 ms.
    L16At8k,
    /// `audio/l16;rate=16000`: 16-bit linear PCM, 16 kHz, 640 bytes per 20 ms.
    L16At16k,
}

/// A content type string that names none of the three formats.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unsupported content type {:?}: expected audio/mulaw;rate=8000, audio/l16;rate=8000 or audio/l16;rate=16000", crate::untrusted::Untrusted(.0))]
pub struct ContentTypeError(pub String);

impl ContentType {
    /// Every supported content type, in a stable order.
    pub const ALL: [ContentType; 3] = [Self::Mulaw8k, Self::L16At8k, Self::L16At16k];

    /// The length of one platform frame.
    pub const FRAME: Duration = Duration::from_millis(20);

    /// Parses a content type leniently: any case, spaces around `;` and `=`, parameters in any
    /// order (unknown ones ignored), `audio/x-mulaw`/`audio/pcmu` as µ-law, a missing rate for
    /// µ-law meaning 8000. A missing rate for l16 is an error (it would be a guess).
    ///
    /// ```
    /// use fcstream::audio::ContentType;
    /// assert_eq!(ContentType::parse(" Audio/L16 ; RATE = 16000 ").unwrap(), ContentType::L16At16k);
    /// assert_eq!(ContentType::parse("audio/mulaw").unwrap().as_str(), "audio/mulaw;rate=8000");
    /// assert!(ContentType::parse("audio/l16;rate=44100").is_err());
    /// ```
    pub fn parse(s: &str) -> Result<Self, ContentTypeError> {
        let err = || ContentTypeError(s.to_string());
        let mut parts = s.split(';');
        let mime = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let mut rate: Option<u32> = None;
        for param in parts {
            let param = param.trim();
            if param.is_empty() {
                continue;
            }
            let (key, value) = param.split_once('=').ok_or_else(err)?;
            if key.trim().eq_ignore_ascii_case("rate") {
                let value = value.trim().trim_matches('"');
                rate = Some(value.parse().map_err(|_| err())?);
            }
        }
        match (mime.as_str(), rate) {
            ("audio/mulaw" | "audio/x-mulaw" | "audio/pcmu" | "audio/basic", None | Some(8000)) => {
                Ok(Self::Mulaw8k)
            }
            ("audio/l16", Some(8000)) => Ok(Self::L16At8k),
            ("audio/l16", Some(16000)) => Ok(Self::L16At16k),
            _ => Err(err()),
        }
    }

    /// The canonical string, exactly as FreeClimb writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Mulaw8k => "audio/mulaw;rate=8000",
            Self::L16At8k => "audio/l16;rate=8000",
            Self::L16At16k => "audio/l16;rate=16000",
        }
    }

    /// Samples per second.
    pub fn sample_rate(self) -> u32 {
        match self {
            Self::Mulaw8k | Self::L16At8k => 8000,
            Self::L16At16k => 16000,
        }
    }

    /// Bytes per sample on the wire (1 for µ-law, 2 for l16).
    pub fn bytes_per_sample(self) -> usize {
        match self {
            Self::Mulaw8k => 1,
            Self::L16At8k | Self::L16At16k => 2,
        }
    }

    /// Whether the payload is µ-law (otherwise it is 16-bit linear PCM).
    pub fn is_mulaw(self) -> bool {
        self == Self::Mulaw8k
    }

    /// Bytes in one 20 ms frame: 160, 320 or 640.
    pub fn frame_bytes(self) -> usize {
        self.bytes_for(Self::FRAME)
    }

    /// Bytes needed for `duration` of audio, rounded down to whole samples.
    pub fn bytes_for(self, duration: Duration) -> usize {
        let samples = duration.as_micros() * u128::from(self.sample_rate()) / 1_000_000;
        usize::try_from(samples).unwrap_or(usize::MAX / 2) * self.bytes_per_sample()
    }

    /// How long `bytes` of audio in this format last.
    pub fn duration_of(self, bytes: usize) -> Duration {
        let samples = (bytes / self.bytes_per_sample()) as u64;
        Duration::from_micros(samples * 1_000_000 / u64::from(self.sample_rate()))
    }
}

impl fmt::Display for ContentType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ContentType {
    type Err = ContentTypeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_strings_round_trip() {
        for ct in ContentType::ALL {
            assert_eq!(ContentType::parse(ct.as_str()).unwrap(), ct);
            assert_eq!(ct.to_string(), ct.as_str());
        }
    }

    #[test]
    fn lenient_forms() {
        let cases = [
            ("audio/mulaw", ContentType::Mulaw8k),
            ("AUDIO/MULAW;RATE=8000", ContentType::Mulaw8k),
            ("audio/mulaw ; rate = 8000", ContentType::Mulaw8k),
            ("audio/x-mulaw;rate=8000", ContentType::Mulaw8k),
            ("audio/l16;channels=1;rate=16000", ContentType::L16At16k),
            ("audio/L16; rate=\"8000\"", ContentType::L16At8k),
            ("audio/l16;rate=8000;", ContentType::L16At8k),
        ];
        for (s, want) in cases {
            assert_eq!(ContentType::parse(s).unwrap(), want, "{s}");
        }
    }

    #[test]
    fn rejects_unknown() {
        for s in [
            "",
            "audio/l16",
            "audio/l16;rate=44100",
            "audio/mulaw;rate=16000",
            "audio/opus",
            "audio/l16;rate=abc",
            "audio/l16;rate",
        ] {
            let e = ContentType::parse(s).unwrap_err();
            assert!(e.to_string().contains("unsupported content type"), "{s}");
        }
    }

    #[test]
    fn frame_sizes() {
        assert_eq!(ContentType::Mulaw8k.frame_bytes(), 160);
        assert_eq!(ContentType::L16At8k.frame_bytes(), 320);
        assert_eq!(ContentType::L16At16k.frame_bytes(), 640);
        for ct in ContentType::ALL {
            assert_eq!(ct.duration_of(ct.frame_bytes()), ContentType::FRAME);
        }
    }
}
