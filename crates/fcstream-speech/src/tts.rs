//! Text-to-speech: what a voice agent says back, as an [`Audio`] clip ready for
//! [`CallControl::play_prompt`](fcstream::CallControl::play_prompt).
//!
//! - [`Synthesizer`] is the one-method trait any engine implements (object safe; a hosted
//!   service, a neural model or a test fake plugs in the same way).
//! - [`EspeakNg`] is the offline default: it runs the `espeak-ng` program with the text on its
//!   standard input (never on the command line, so a text starting with `-` is words, not an
//!   option), bounded in text length and in time, and reads the WAV it writes.
//! - [`Festival`] (with an HTS voice) and [`Flite`] are natural-sounding offline voices, run
//!   the same way; [`natural`] picks the best one installed (Festival HTS, then Flite, then
//!   espeak-ng), cached: the agent's default.
//! - [`CachedTts`] wraps any synthesizer with a bounded least-recently-used cache keyed by the
//!   text, so the prompts an agent repeats ("Sorry, I did not catch that") are synthesized
//!   once; concurrent requests for the same text share one synthesis.
//!
//! The clip keeps the engine's rate (22 050 Hz for espeak-ng) unless
//! [`EspeakNg::sample_rate`] asks for another: [`Audio::convert`] resamples to the call's rate
//! when the clip is played, so setting the call's rate here only moves that work (once, before
//! caching) off the play path.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::OnceCell;

use crate::BoxFuture;
use fcstream::audio::{resample, wav, AudioError};
use fcstream::Audio;

/// Why a text could not be spoken.
#[derive(Debug, thiserror::Error)]
pub enum TtsError {
    /// The synthesizer program is not installed (or not where [`EspeakNg::binary`] says).
    #[error(
        "text-to-speech program {binary:?} not found: install it (`apt-get install espeak-ng`, \
         `brew install espeak-ng`) or set EspeakNg::binary to its path"
    )]
    NotInstalled {
        /// The program that was looked for.
        binary: PathBuf,
    },
    /// The program could not be started or talked to.
    #[error("text-to-speech program {binary:?} could not be run: {source}")]
    Io {
        /// The program.
        binary: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The program ran and failed (an unknown voice, for example).
    #[error("text-to-speech program {binary:?} failed ({status}): {stderr}")]
    Failed {
        /// The program.
        binary: PathBuf,
        /// Its exit status.
        status: String,
        /// What it wrote on its standard error (trimmed, at most 1 KiB).
        stderr: String,
    },
    /// The program did not finish in time (it was killed).
    #[error(
        "text-to-speech took longer than {0:?} (killed); shorten the text or raise the timeout"
    )]
    Timeout(Duration),
    /// The text is longer than the synthesizer accepts.
    #[error("text of {len} characters is longer than the {max} allowed; split it into sentences")]
    TooLong {
        /// Characters given.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// The program's output is not audio fcstream can read.
    #[error("text-to-speech output is not usable audio: {0}")]
    BadOutput(#[from] AudioError),
    /// Any other engine's failure (for synthesizers outside this crate).
    #[error("text-to-speech engine: {0}")]
    Engine(String),
}

/// Text in, a clip out. Implement it for any engine; [`CachedTts`] adds caching to any of them.
pub trait Synthesizer: Send + Sync + 'static {
    /// Speaks `text`. An empty (or all-blank) text gives an empty clip.
    fn synthesize(&self, text: &str) -> BoxFuture<'_, Result<Audio, TtsError>>;
}

impl<S: Synthesizer + ?Sized> Synthesizer for Arc<S> {
    fn synthesize(&self, text: &str) -> BoxFuture<'_, Result<Audio, TtsError>> {
        (**self).synthesize(text)
    }
}

impl<S: Synthesizer + ?Sized> Synthesizer for Box<S> {
    fn synthesize(&self, text: &str) -> BoxFuture<'_, Result<Audio, TtsError>> {
        (**self).synthesize(text)
    }
}

/// The rate espeak-ng writes.
const ESPEAK_RATE: u32 = 22_050;

/// The [eSpeak NG](https://github.com/espeak-ng/espeak-ng) speech synthesizer, run as a
/// program: `espeak-ng --stdout -v VOICE -s WPM` with the text on its standard input.
///
/// Robotic but offline, small and fast (a sentence takes a few milliseconds). Build one with
/// struct update syntax:
///
/// ```no_run
/// use fcstream_speech::tts::{EspeakNg, Synthesizer};
/// # async fn demo() -> Result<(), fcstream_speech::tts::TtsError> {
/// let tts = EspeakNg { voice: "en-gb".into(), sample_rate: Some(8000), ..EspeakNg::default() };
/// let clip = tts.synthesize("Thanks for calling.").await?;
/// assert_eq!(clip.sample_rate(), 8000);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EspeakNg {
    /// The voice (`-v`): a language such as `en-us` (default), `en-gb`, `fr`, `de`, optionally
    /// with a variant (`en-us+f3`). `espeak-ng --voices` lists them.
    pub voice: String,
    /// Speaking speed (`-s`), words per minute. Default 160.
    pub words_per_minute: u32,
    /// The program. Default `espeak-ng`, looked up on `PATH`.
    pub binary: PathBuf,
    /// The longest run allowed before the program is killed. Default 10 s.
    pub timeout: Duration,
    /// The longest text accepted, in characters. Default 4000 (several minutes of speech).
    pub max_chars: usize,
    /// Resample the clip to this rate (e.g. the call's 8000) right after synthesis; `None`
    /// (default) keeps espeak-ng's 22 050 Hz and leaves it to play time.
    pub sample_rate: Option<u32>,
}

impl Default for EspeakNg {
    fn default() -> Self {
        Self {
            voice: "en-us".into(),
            words_per_minute: 160,
            binary: PathBuf::from("espeak-ng"),
            timeout: Duration::from_secs(10),
            max_chars: 4000,
            sample_rate: None,
        }
    }
}

impl EspeakNg {
    /// Runs the program on `text` (already checked) and returns its WAV output.
    async fn run(&self, text: &str) -> Result<Vec<u8>, TtsError> {
        let args = [
            "--stdout".to_owned(),
            "-v".to_owned(),
            self.voice.clone(),
            "-s".to_owned(),
            self.words_per_minute.max(1).to_string(),
        ];
        run_program(&self.binary, &args, text, self.timeout).await
    }
}

/// Runs `binary args` with `text` on its standard input, bounded by `timeout`; its standard
/// output (a WAV file for every synthesizer here).
async fn run_program(
    binary: &std::path::Path,
    args: &[String],
    text: &str,
    timeout: Duration,
) -> Result<Vec<u8>, TtsError> {
    let io = |source: std::io::Error| TtsError::Io {
        binary: binary.to_path_buf(),
        source,
    };
    let mut child = tokio::process::Command::new(binary)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|source| {
            if source.kind() == std::io::ErrorKind::NotFound {
                TtsError::NotInstalled {
                    binary: binary.to_path_buf(),
                }
            } else {
                io(source)
            }
        })?;
    let (Some(mut stdin), Some(mut stdout), Some(mut stderr)) =
        (child.stdin.take(), child.stdout.take(), child.stderr.take())
    else {
        return Err(io(std::io::Error::other("no pipe to the program")));
    };
    let text = text.as_bytes().to_vec();
    let work = async {
        // Write, read and wait at once: a long text must not dead-lock on full pipes.
        let write = async {
            let written = stdin.write_all(&text).await;
            drop(stdin); // end of input: the program speaks and exits
            written
        };
        let mut out = Vec::new();
        let mut err = Vec::new();
        let (written, read_out, read_err) = tokio::join!(
            write,
            stdout.read_to_end(&mut out),
            stderr.read_to_end(&mut err)
        );
        let status = child.wait().await.map_err(io)?;
        if !status.success() {
            return Err(TtsError::Failed {
                binary: binary.to_path_buf(),
                status: status.to_string(),
                stderr: stderr_text(&err),
            });
        }
        // A broken pipe on write with a successful exit cannot happen in practice; any
        // other I/O failure is reported.
        written.map_err(io)?;
        read_out.map_err(io)?;
        read_err.map_err(io)?;
        Ok(out)
    };
    match tokio::time::timeout(timeout, work).await {
        Ok(result) => result,
        // `kill_on_drop`: the child is dropped on return, which kills the program.
        Err(_) => Err(TtsError::Timeout(timeout)),
    }
}

/// Checks `text`, runs `run` on it unless it is blank, and converts the WAV to `rate` (or
/// keeps the program's rate).
async fn synthesize_wav<F>(
    text: &str,
    max_chars: usize,
    rate: Option<u32>,
    native: u32,
    run: impl FnOnce(String) -> F,
) -> Result<Audio, TtsError>
where
    F: std::future::Future<Output = Result<Vec<u8>, TtsError>>,
{
    let len = text.chars().count();
    if len > max_chars {
        return Err(TtsError::TooLong {
            len,
            max: max_chars,
        });
    }
    if text.trim().is_empty() {
        return Ok(Audio::from_pcm(rate.unwrap_or(native), &[]));
    }
    // A NUL would end the text early for a C program; a space says the same.
    let bytes = run(text.replace('\0', " ")).await?;
    let (from, samples) = wav::read_bytes(&fix_streamed_wav(bytes))?;
    let rate = rate.unwrap_or(from);
    let samples = if from == rate {
        samples
    } else {
        resample::resample(&samples, from, rate)?
    };
    Ok(Audio::from_pcm(rate, &samples))
}

/// [Festival](https://www.cstr.ed.ac.uk/projects/festival/) with an HTS voice (Debian's
/// `festival` and `festvox-us-slt-hts`): a natural-sounding female US English voice, offline.
/// Runs `text2wave -eval (VOICE)` with the text on its standard input.
///
/// Measured: the most intelligible offline voice on telephone audio (Whisper tiny.en word error
/// rate 1.8 % after 8 kHz µ-law, against 36.8 % for espeak-ng), at a real-time factor of 0.17,
/// but each run pays about 2 s of start-up: wrap it in a [`CachedTts`] (the agent's prompts are
/// few and repeat).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Festival {
    /// The voice function evaluated first. Default `voice_cmu_us_slt_arctic_hts`.
    pub voice: String,
    /// The program. Default `text2wave`.
    pub binary: PathBuf,
    /// The longest run allowed. Default 30 s.
    pub timeout: Duration,
    /// The longest text accepted, in characters. Default 4000.
    pub max_chars: usize,
    /// Resample the clip to this rate; `None` keeps Festival's (32 kHz for the HTS voice).
    pub sample_rate: Option<u32>,
}

/// Where Debian's `festvox-us-slt-hts` installs the voice.
pub const FESTIVAL_SLT_HTS_DIR: &str = "/usr/share/festival/voices/us/cmu_us_slt_arctic_hts";

impl Default for Festival {
    fn default() -> Self {
        Self {
            voice: "voice_cmu_us_slt_arctic_hts".into(),
            binary: PathBuf::from("text2wave"),
            timeout: Duration::from_secs(30),
            max_chars: 4000,
            sample_rate: None,
        }
    }
}

impl Festival {
    /// Whether `text2wave` and the default HTS voice are installed.
    pub fn available() -> bool {
        program_on_path("text2wave") && std::path::Path::new(FESTIVAL_SLT_HTS_DIR).is_dir()
    }
}

impl Synthesizer for Festival {
    fn synthesize(&self, text: &str) -> BoxFuture<'_, Result<Audio, TtsError>> {
        let text = text.to_string();
        Box::pin(async move {
            let voice: String = self
                .voice
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            let args = ["-eval".to_owned(), format!("({voice})")];
            synthesize_wav(
                &text,
                self.max_chars,
                self.sample_rate,
                32_000,
                |t| async move { run_program(&self.binary, &args, &t, self.timeout).await },
            )
            .await
        })
    }
}

/// [Flite](http://cmuflite.org/) (Debian's `flite`), CMU's small synthesizer: `flite -voice
/// slt` reads the text from its standard input. Far clearer than espeak-ng on the phone
/// (Whisper tiny.en word error rate 7 % against 37 %), very fast (real-time factor 0.02), 16 kHz.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flite {
    /// The voice (`flite -lv` lists them). Default `slt`.
    pub voice: String,
    /// The program. Default `flite`.
    pub binary: PathBuf,
    /// The longest run allowed. Default 10 s.
    pub timeout: Duration,
    /// The longest text accepted, in characters. Default 4000.
    pub max_chars: usize,
    /// Resample the clip to this rate; `None` keeps Flite's 16 kHz.
    pub sample_rate: Option<u32>,
}

impl Default for Flite {
    fn default() -> Self {
        Self {
            voice: "slt".into(),
            binary: PathBuf::from("flite"),
            timeout: Duration::from_secs(10),
            max_chars: 4000,
            sample_rate: None,
        }
    }
}

impl Flite {
    /// Whether `flite` is installed.
    pub fn available() -> bool {
        program_on_path("flite")
    }
}

impl Synthesizer for Flite {
    fn synthesize(&self, text: &str) -> BoxFuture<'_, Result<Audio, TtsError>> {
        let text = text.to_string();
        Box::pin(async move {
            synthesize_wav(
                &text,
                self.max_chars,
                self.sample_rate,
                16_000,
                |t| async move {
                    // Flite seeks in its output (and misreads piped input): temporary files.
                    static NEXT: AtomicU64 = AtomicU64::new(0);
                    let n = NEXT.fetch_add(1, Ordering::Relaxed);
                    let base = std::env::temp_dir()
                        .join(format!("fcstream-flite-{}-{n}", std::process::id()));
                    let (txt, wav) = (base.with_extension("txt"), base.with_extension("wav"));
                    let io = |source| TtsError::Io {
                        binary: self.binary.clone(),
                        source,
                    };
                    std::fs::write(&txt, t.as_bytes()).map_err(io)?;
                    let args = [
                        "-voice".to_owned(),
                        self.voice.clone(),
                        "-f".to_owned(),
                        txt.display().to_string(),
                        "-o".to_owned(),
                        wav.display().to_string(),
                    ];
                    let ran = run_program(&self.binary, &args, "", self.timeout).await;
                    let out = match ran {
                        Ok(_) => std::fs::read(&wav).map_err(io),
                        Err(e) => Err(e),
                    };
                    let _ = std::fs::remove_file(&txt);
                    let _ = std::fs::remove_file(&wav);
                    out
                },
            )
            .await
        })
    }
}

/// Whether `name` is an executable file in a `PATH` directory.
fn program_on_path(name: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|path| {
        std::env::split_paths(&path).any(|d| {
            let p = d.join(name);
            p.is_file()
        })
    })
}

/// Which voice [`natural`] picked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VoiceKind {
    /// Festival with the HTS voice.
    Festival,
    /// Flite.
    Flite,
    /// espeak-ng (the fallback).
    EspeakNg,
}

/// The most natural voice installed, cached: Festival HTS, else Flite, else espeak-ng. Clips
/// are converted to `sample_rate` (the call's) before caching, so a play does no resampling.
pub fn natural(sample_rate: Option<u32>) -> (Arc<dyn Synthesizer>, VoiceKind) {
    if Festival::available() {
        let tts = Festival {
            sample_rate,
            ..Festival::default()
        };
        (Arc::new(CachedTts::new(tts)), VoiceKind::Festival)
    } else if Flite::available() {
        let tts = Flite {
            sample_rate,
            ..Flite::default()
        };
        (Arc::new(CachedTts::new(tts)), VoiceKind::Flite)
    } else {
        let tts = EspeakNg {
            sample_rate,
            ..EspeakNg::default()
        };
        (Arc::new(CachedTts::new(tts)), VoiceKind::EspeakNg)
    }
}

impl Synthesizer for EspeakNg {
    fn synthesize(&self, text: &str) -> BoxFuture<'_, Result<Audio, TtsError>> {
        let text = text.to_string();
        Box::pin(async move {
            let rate = Some(self.sample_rate.unwrap_or(ESPEAK_RATE));
            synthesize_wav(&text, self.max_chars, rate, ESPEAK_RATE, |t| async move {
                self.run(&t).await
            })
            .await
        })
    }
}

/// The last KiB of a program's standard error, trimmed, as text.
fn stderr_text(err: &[u8]) -> String {
    let text = String::from_utf8_lossy(err);
    let text = text.trim();
    match text.char_indices().rev().nth(1023) {
        Some((i, _)) => format!("…{}", &text[i..]),
        None if text.is_empty() => "no message".into(),
        None => text.to_string(),
    }
}

/// A WAV written to a pipe cannot go back to fill in its sizes, so espeak-ng writes
/// placeholders (`0x7ffff000`) in the RIFF and `data` chunk sizes. This sets both to what
/// actually follows, so the WAV reader stops at the real end. Anything that does not look
/// like a plain RIFF/WAVE stream is returned as it is (and the reader reports it).
fn fix_streamed_wav(mut bytes: Vec<u8>) -> Vec<u8> {
    if bytes.len() < 12 || &bytes[..4] != b"RIFF" || &bytes[8..12] != b"WAVE" {
        return bytes;
    }
    let total = bytes.len();
    let riff = u32::try_from(total - 8).unwrap_or(u32::MAX);
    bytes[4..8].copy_from_slice(&riff.to_le_bytes());
    let mut at = 12;
    while at + 8 <= total {
        let size = u32::from_le_bytes([bytes[at + 4], bytes[at + 5], bytes[at + 6], bytes[at + 7]])
            as usize;
        if &bytes[at..at + 4] == b"data" {
            let real = total - (at + 8);
            // Whole samples only (a killed writer may leave half of one).
            let real = u32::try_from(real - real % 2).unwrap_or(u32::MAX);
            bytes[at + 4..at + 8].copy_from_slice(&real.to_le_bytes());
            break;
        }
        // Chunks are padded to an even size.
        at = match at.checked_add(8 + size + size % 2) {
            Some(next) => next,
            None => break,
        };
    }
    bytes
}

/// How a [`CachedTts`] has been doing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Requests answered from the cache (or by joining a synthesis already under way).
    pub hits: u64,
    /// Requests that ran the inner synthesizer.
    pub misses: u64,
    /// Texts now cached.
    pub entries: usize,
}

/// One cached text: the clip once synthesized, and when it was last asked for.
struct Slot {
    /// Filled by the first request to finish synthesizing; shared by concurrent requests.
    clip: Arc<OnceCell<Audio>>,
    /// The cache's request counter at the last use (for least-recently-used eviction).
    used: u64,
}

/// Any [`Synthesizer`] with a bounded cache of its clips, keyed by the exact text.
///
/// At most `capacity` texts are kept (default 256); the least recently used is dropped first.
/// Concurrent requests for a text not yet cached run one synthesis and all get its clip.
/// Failures are not cached (the next request tries again). Clips are [`Audio`], whose samples
/// are shared, so a hit copies nothing.
///
/// ```
/// use fcstream_speech::tts::{CachedTts, EspeakNg};
/// let tts = CachedTts::new(EspeakNg::default());
/// assert_eq!(tts.stats().entries, 0);
/// ```
pub struct CachedTts<S> {
    /// The synthesizer behind the cache.
    inner: S,
    /// Texts and their clips.
    slots: Mutex<HashMap<String, Slot>>,
    /// Most texts kept.
    capacity: usize,
    /// Requests so far (the clock of the LRU order).
    requests: AtomicU64,
    /// Requests that ran `inner`.
    misses: AtomicU64,
}

impl<S: Synthesizer> CachedTts<S> {
    /// The default number of texts kept.
    pub const DEFAULT_CAPACITY: usize = 256;

    /// Caches up to [`Self::DEFAULT_CAPACITY`] texts of `inner`.
    pub fn new(inner: S) -> Self {
        Self::with_capacity(inner, Self::DEFAULT_CAPACITY)
    }

    /// Caches up to `capacity` texts (at least 1) of `inner`.
    pub fn with_capacity(inner: S, capacity: usize) -> Self {
        Self {
            inner,
            slots: Mutex::new(HashMap::new()),
            capacity: capacity.max(1),
            requests: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    /// The synthesizer behind the cache.
    pub fn inner(&self) -> &S {
        &self.inner
    }

    /// Hits, misses and size so far.
    pub fn stats(&self) -> CacheStats {
        let requests = self.requests.load(Ordering::Relaxed);
        let misses = self.misses.load(Ordering::Relaxed);
        CacheStats {
            hits: requests.saturating_sub(misses),
            misses,
            entries: self.lock().len(),
        }
    }

    /// Drops every cached clip.
    pub fn clear(&self) {
        self.lock().clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Slot>> {
        // A panic while holding this lock cannot leave the map inconsistent: keep going.
        self.slots.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The cell for `text`, created (and the least recently used evicted) if missing.
    fn slot(&self, text: &str) -> Arc<OnceCell<Audio>> {
        let now = self.requests.fetch_add(1, Ordering::Relaxed) + 1;
        let mut slots = self.lock();
        if let Some(slot) = slots.get_mut(text) {
            slot.used = now;
            return slot.clip.clone();
        }
        if slots.len() >= self.capacity {
            // O(capacity), only on a miss with a full cache: small next to a synthesis.
            let oldest = slots
                .iter()
                .min_by_key(|(_, s)| s.used)
                .map(|(k, _)| k.clone());
            if let Some(oldest) = oldest {
                slots.remove(&oldest);
            }
        }
        let clip = Arc::new(OnceCell::new());
        slots.insert(
            text.to_string(),
            Slot {
                clip: clip.clone(),
                used: now,
            },
        );
        clip
    }
}

impl<S: Synthesizer> Synthesizer for CachedTts<S> {
    fn synthesize(&self, text: &str) -> BoxFuture<'_, Result<Audio, TtsError>> {
        let text = text.to_string();
        Box::pin(async move {
            let cell = self.slot(&text);
            cell.get_or_try_init(|| async {
                self.misses.fetch_add(1, Ordering::Relaxed);
                self.inner.synthesize(&text).await
            })
            .await
            .cloned()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    /// Says every text as a 100 ms tone per character; counts its calls.
    #[derive(Default)]
    struct Counting {
        calls: AtomicUsize,
    }

    impl Synthesizer for Counting {
        fn synthesize(&self, text: &str) -> BoxFuture<'_, Result<Audio, TtsError>> {
            let n = text.len() as u64;
            Box::pin(async move {
                self.calls.fetch_add(1, Ordering::SeqCst);
                // Long enough that concurrent requests overlap.
                tokio::time::sleep(Duration::from_millis(50)).await;
                if n == 0 {
                    return Err(TtsError::Engine("nothing to say".into()));
                }
                Ok(Audio::tone(440.0, Duration::from_millis(100 * n), 8000))
            })
        }
    }

    #[tokio::test(start_paused = true)]
    async fn repeated_texts_are_synthesized_once() {
        let tts = CachedTts::new(Counting::default());
        let a = tts.synthesize("hello").await.unwrap();
        let b = tts.synthesize("hello").await.unwrap();
        assert_eq!(
            a.data().as_ptr(),
            b.data().as_ptr(),
            "a hit shares the clip"
        );
        tts.synthesize("bye").await.unwrap();
        tts.synthesize("hello").await.unwrap();
        assert_eq!(tts.inner().calls.load(Ordering::SeqCst), 2);
        assert_eq!(
            tts.stats(),
            CacheStats {
                hits: 2,
                misses: 2,
                entries: 2
            }
        );
    }

    #[tokio::test(start_paused = true)]
    async fn concurrent_requests_share_one_synthesis() {
        let tts = CachedTts::new(Counting::default());
        let (a, b, c) = tokio::join!(
            tts.synthesize("same"),
            tts.synthesize("same"),
            tts.synthesize("same")
        );
        assert_eq!(a.unwrap(), b.unwrap());
        assert!(c.is_ok());
        assert_eq!(tts.inner().calls.load(Ordering::SeqCst), 1);
        assert_eq!(tts.stats().hits, 2);
    }

    #[tokio::test(start_paused = true)]
    async fn least_recently_used_is_evicted_and_failures_are_not_cached() {
        let tts = CachedTts::with_capacity(Counting::default(), 2);
        tts.synthesize("a").await.unwrap();
        tts.synthesize("b").await.unwrap();
        tts.synthesize("a").await.unwrap(); // "b" is now the least recently used
        tts.synthesize("c").await.unwrap(); // evicts "b"
        assert_eq!(tts.stats().entries, 2);
        tts.synthesize("a").await.unwrap(); // still cached
        assert_eq!(tts.inner().calls.load(Ordering::SeqCst), 3);
        tts.synthesize("b").await.unwrap(); // synthesized again
        assert_eq!(tts.inner().calls.load(Ordering::SeqCst), 4);

        assert!(tts.synthesize("").await.is_err());
        assert!(tts.synthesize("").await.is_err());
        assert_eq!(
            tts.inner().calls.load(Ordering::SeqCst),
            6,
            "errors are retried"
        );
    }

    /// The error, or a panic that does not print a clip's every byte.
    fn expect_err(result: Result<Audio, TtsError>) -> TtsError {
        match result {
            Ok(clip) => panic!("expected an error, got {:?} of audio", clip.duration()),
            Err(e) => e,
        }
    }

    #[test]
    fn streamed_wav_sizes_are_fixed() {
        let mut bytes = wav::write_bytes(22_050, &[1, 2, 3, 4]).unwrap();
        // What espeak-ng writes to a pipe: placeholder sizes.
        bytes[4..8].copy_from_slice(&0x7fff_f024u32.to_le_bytes());
        bytes[40..44].copy_from_slice(&0x7fff_f000u32.to_le_bytes());
        bytes.push(9); // half a sample from a killed writer
        assert!(wav::read_bytes(&bytes).is_err());
        let fixed = fix_streamed_wav(bytes);
        assert_eq!(wav::read_bytes(&fixed).unwrap(), (22_050, vec![1, 2, 3, 4]));
        // Not a WAV: untouched, and never a panic.
        assert_eq!(fix_streamed_wav(b"RIFF".to_vec()), b"RIFF".to_vec());
        let mut odd = b"RIFF\0\0\0\0WAVEjunk\xff\xff\xff\xff".to_vec();
        odd.extend([0; 4]);
        let _ = fix_streamed_wav(odd);
    }

    #[test]
    fn long_texts_are_refused_before_running_anything() {
        let tts = EspeakNg {
            max_chars: 5,
            binary: "/definitely/not/espeak-ng".into(),
            ..EspeakNg::default()
        };
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let err = expect_err(rt.block_on(tts.synthesize("too long")));
        assert!(matches!(err, TtsError::TooLong { len: 8, max: 5 }), "{err}");
        let err = expect_err(rt.block_on(tts.synthesize("hi")));
        assert!(matches!(err, TtsError::NotInstalled { .. }), "{err}");
        assert!(
            err.to_string().contains("apt-get install espeak-ng"),
            "{err}"
        );
        let empty = rt.block_on(tts.synthesize("  ")).unwrap();
        assert!(empty.is_empty());
    }

    /// espeak-ng installed here? Tests that need it skip (with a note) unless
    /// `FCSTREAM_REQUIRE_SPEECH=1`, when its absence is a failure.
    fn espeak_available() -> bool {
        let found = std::process::Command::new("espeak-ng")
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !found {
            assert!(
                std::env::var("FCSTREAM_REQUIRE_SPEECH").as_deref() != Ok("1"),
                "espeak-ng is required (FCSTREAM_REQUIRE_SPEECH=1): apt-get install espeak-ng"
            );
            eprintln!("skipped: espeak-ng not installed (apt-get install espeak-ng)");
        }
        found
    }

    #[tokio::test]
    async fn espeak_ng_speaks_audibly_for_a_plausible_time() {
        if !espeak_available() {
            return;
        }
        let tts = EspeakNg::default();
        // Twelve words at 160 words per minute: about 4.5 s; allow for pauses and pace.
        let text = "-v Thank you for calling. Please tell me how I can help you today.";
        let clip = tts.synthesize(text).await.unwrap();
        assert_eq!(clip.sample_rate(), 22_050);
        let d = clip.duration();
        assert!(
            d > Duration::from_secs(2) && d < Duration::from_secs(9),
            "{d:?}"
        );
        let samples = clip.samples();
        let rms = (samples.iter().map(|&s| f64::from(s).powi(2)).sum::<f64>()
            / samples.len() as f64)
            .sqrt();
        assert!(rms > 500.0, "audible speech, rms {rms}");

        // Faster speech is shorter; a call-rate clip converts without resampling.
        let fast = EspeakNg {
            words_per_minute: 320,
            sample_rate: Some(8000),
            ..EspeakNg::default()
        };
        let quick = fast.synthesize(text).await.unwrap();
        assert_eq!(quick.sample_rate(), 8000);
        assert!(quick.duration() < d, "{:?} vs {d:?}", quick.duration());
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn a_program_that_hangs_is_killed_at_the_timeout() {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("fcstream-tts-hang-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let script = dir.join("hang.sh");
        std::fs::write(&script, "#!/bin/sh\nexec sleep 60\n").unwrap();
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
        let tts = EspeakNg {
            binary: script,
            timeout: Duration::from_millis(300),
            ..EspeakNg::default()
        };
        let started = std::time::Instant::now();
        let err = expect_err(tts.synthesize("hello").await);
        let _ = std::fs::remove_dir_all(&dir);
        assert!(matches!(err, TtsError::Timeout(_)), "{err}");
        // Killed, not waited for: far less than the program's 60 s.
        assert!(started.elapsed() < Duration::from_secs(30));
    }

    #[tokio::test]
    async fn espeak_ng_errors_say_what_went_wrong() {
        if !espeak_available() {
            return;
        }
        let tts = EspeakNg {
            voice: "zzqq".into(),
            ..EspeakNg::default()
        };
        let err = expect_err(tts.synthesize("hello").await);
        assert!(matches!(err, TtsError::Failed { .. }), "{err}");
        assert!(err.to_string().contains("voice"), "{err}");
    }
}
