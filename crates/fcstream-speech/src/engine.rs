//! Local speech recognition engines, behind two small traits, so that the recognition service
//! (`fcstream stt-serve`, the `service` module of feature `grpc`) can run any decoder, and
//! tests can run a fake one.
//!
//! - [`Engine`]: shared by every stream of a service; hands out one [`Recognizer`] per stream.
//! - [`Recognizer`]: a synchronous, CPU-bound decoder for one stream: 16 kHz PCM in,
//!   [`EngineResult`]s out, utterances cut by the engine's own voice-activity detection. Run it
//!   on a blocking thread, never on an async runtime's worker threads.
//! - `pocketsphinx` (feature `pocketsphinx`): the offline default, CMU PocketSphinx opened at
//!   run time (not linked), so that fcstream builds and runs on machines without it. It is the
//!   only module with `unsafe` code (the FFI calls).
//! - [`whisper`] (feature `whisper`): OpenAI Whisper through CTranslate2, one model shared by
//!   every stream, a bounded pool of decoding threads; the default of `fcstream stt-serve`
//!   when its model is installed.

use std::time::Duration;

use crate::SttError;

/// The sample rate a [`Recognizer`] is fed (the service resamples everything to it).
pub const ENGINE_RATE: u32 = 16_000;

/// One result of a [`Recognizer`].
#[derive(Debug, Clone, PartialEq)]
pub struct EngineResult {
    /// The words recognised (may be empty for an utterance of noise; the service drops those).
    pub text: String,
    /// Final: the utterance ended and this text will not change. Otherwise an interim guess.
    pub is_final: bool,
    /// For interim results, how likely the text is to stay (0..=1); 1 for finals.
    pub stability: f32,
    /// Confidence of a final result (0..=1); 0 when the engine cannot say.
    pub confidence: f32,
    /// Where in the stream's audio this result ends (from the first sample fed).
    pub end_offset: Duration,
}

/// A decoder for one stream. Synchronous and CPU-bound: call it from a blocking thread.
pub trait Recognizer: Send {
    /// Feeds 16 kHz mono PCM ([`ENGINE_RATE`]), any length. Returns the results that formed:
    /// interim results while someone speaks, a final one at each end of utterance the engine
    /// detects.
    fn accept(&mut self, pcm16k: &[i16]) -> Result<Vec<EngineResult>, SttError>;

    /// Ends the stream: returns the final result of an utterance still open, if any. The
    /// recognizer is not fed again afterwards.
    fn finish(&mut self) -> Result<Vec<EngineResult>, SttError>;

    /// Results that completed since the last call, without feeding audio: for engines that
    /// decode elsewhere (a worker pool). Default: none.
    fn poll(&mut self) -> Result<Vec<EngineResult>, SttError> {
        Ok(Vec::new())
    }

    /// Whether results are still being worked on elsewhere (then the service calls
    /// [`poll`](Self::poll) while it waits for audio). Default: false.
    fn pending(&self) -> bool {
        false
    }
}

/// What an engine reports for metrics (`fcstream stt-serve --metrics`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EngineStats {
    /// Decodes waiting for a worker.
    pub queue_depth: usize,
    /// Workers decoding now.
    pub busy_workers: usize,
    /// Workers in the pool.
    pub workers: usize,
    /// Utterances (and interim guesses) decoded.
    pub decodes: u64,
    /// Decoding calls (a call decodes a batch of utterances).
    pub batches: u64,
    /// Audio decoded.
    pub decoded_audio: Duration,
    /// Time the workers spent decoding (`busy / decoded_audio` is the real-time factor).
    pub busy: Duration,
    /// Interim decodes skipped because the pool was busy.
    pub interims_skipped: u64,
    /// Finals whose decode started during the hangover and was used (the answer came
    /// sooner).
    pub speculative_used: u64,
    /// Finals started during the hangover and cancelled because the caller spoke again (a
    /// decode wasted if it had started).
    pub speculative_cancelled: u64,
    /// Audio samples the engine could not decode and dropped (stays 0 by design).
    pub dropped_samples: u64,
}

/// A recognition engine: loaded once, shared by every stream of a service.
pub trait Engine: Send + Sync + 'static {
    /// A recognizer for one stream, favouring `phrases` (hint words and phrases; empty: open
    /// dictation). May block (loading a decoder takes a fraction of a second): call it from a
    /// blocking thread.
    fn recognizer(&self, phrases: &[String]) -> Result<Box<dyn Recognizer>, SttError>;

    /// Like [`recognizer`](Self::recognizer), for a stream that asked (`interim: true`) or did
    /// not ask for interim results (Google's `interim_results`). An engine whose interim
    /// guesses cost real work (Whisper decodes the whole utterance so far for each) skips that
    /// work when nobody will read them. Default: [`recognizer`](Self::recognizer).
    fn recognizer_for(
        &self,
        phrases: &[String],
        interim: bool,
    ) -> Result<Box<dyn Recognizer>, SttError> {
        let _ = interim;
        self.recognizer(phrases)
    }

    /// A short description for logs, e.g. `pocketsphinx (/usr/share/pocketsphinx/model/en-us)`.
    fn name(&self) -> &str;

    /// Whether a new stream may start now; an `Err` (with code `RESOURCE_EXHAUSTED`) refuses
    /// it, e.g. when the decoding queue is too long. Default: always.
    fn admit(&self) -> Result<(), SttError> {
        Ok(())
    }

    /// The engine's counters, for metrics; `None` when it keeps none.
    fn stats(&self) -> Option<EngineStats> {
        None
    }
}

#[cfg(feature = "whisper")]
pub mod whisper;

#[cfg(feature = "pocketsphinx")]
#[allow(unsafe_code)]
pub mod pocketsphinx {
    //! [CMU PocketSphinx](https://github.com/cmusphinx/pocketsphinx) 5prealpha (Debian's
    //! `libpocketsphinx3`), opened with `dlopen` at run time rather than linked, so that the
    //! crate builds and its other features run where the library is not installed; then
    //! [`PocketSphinx::new`] fails with an [`SttError::Engine`] that names the packages.
    //!
    //! Why PocketSphinx: it is packaged by Debian with an English model (`pocketsphinx-en-us`),
    //! needs no network, no GPU and no model download, decodes telephone speech faster than
    //! real time on one core, and can be restricted to a grammar of expected words (phrase
    //! hints), which is what a voice menu needs.
    //!
    //! Decoders are expensive to create (a few hundred milliseconds and tens of megabytes), so
    //! the engine keeps bounded pools of idle ones and hands them out again; each is used by
    //! one stream at a time. There are two kinds:
    //!
    //! - **dictation** decoders (no hints) load the language model and the whole dictionary:
    //!   about 93 MB each (measured);
    //! - **grammar** decoders (phrase hints) load the acoustic model and a dictionary of just
    //!   the hint words (their pronunciations copied from the model's dictionary), with the hint
    //!   grammar as their only search: a fraction of the memory, and faster to create. They
    //!   are pooled per hint set, so an agent whose calls all give the same hints reuses them.

    use std::ffi::{c_char, c_int, c_void, CStr, CString};
    use std::path::{Path, PathBuf};
    use std::ptr::NonNull;
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    use super::{Engine, EngineResult, Recognizer, ENGINE_RATE};
    use crate::SttError;

    /// The library file opened (the Debian package `libpocketsphinx3`).
    pub const LIBRARY: &str = "libpocketsphinx.so.3";
    /// Where `pocketsphinx-en-us` installs the US English model.
    pub const DEFAULT_MODEL_DIR: &str = "/usr/share/pocketsphinx/model/en-us";
    /// The hint to install what is missing.
    const INSTALL_HINT: &str =
        "install the Debian packages `libpocketsphinx3 pocketsphinx-en-us` (apt-get install libpocketsphinx3 pocketsphinx-en-us)";
    /// Samples fed to the decoder at a time (50 ms): the granularity of end-of-utterance
    /// detection and of result offsets.
    const PIECE: usize = ENGINE_RATE as usize / 20;
    /// Audio between two interim hypotheses (200 ms).
    const INTERIM_EVERY: u64 = ENGINE_RATE as u64 / 5;
    /// The longest first utterance decoded a second time (20 s), see [`SphinxRecognizer`].
    const MAX_REDO: usize = 20 * ENGINE_RATE as usize;
    /// The name the hint grammar is registered under.
    const HINTS_SEARCH: &CStr = c"fcstream_hints";
    /// The longest hint word kept, and the most hint words kept.
    const MAX_WORD_LEN: usize = 64;
    const MAX_WORDS: usize = 500;

    /// Settings of a [`PocketSphinx`] engine.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct PocketSphinxConfig {
        /// The library to open: a file name looked up by the dynamic loader, or a path.
        /// Default [`LIBRARY`].
        pub library: PathBuf,
        /// The model directory: holds the acoustic model folder `en-us/`, the language model
        /// `en-us.lm.bin` and the dictionary `cmudict-en-us.dict`. Default
        /// [`DEFAULT_MODEL_DIR`].
        pub model_dir: PathBuf,
        /// Idle decoders kept for reuse (default 8); more streams at once still work, their
        /// decoders are freed when they end.
        pub max_idle: usize,
        /// Dictation decoders created up front (default 1, at least 1). One takes about 0.3 s
        /// of CPU and 93 MB to create and creation is serialised, so a service expecting N
        /// streams without hints at once should preload N (up to `max_idle`) rather than make
        /// its first callers wait. Hinted streams use grammar decoders, made on demand.
        pub preload: usize,
    }

    impl Default for PocketSphinxConfig {
        fn default() -> Self {
            Self {
                library: PathBuf::from(LIBRARY),
                model_dir: PathBuf::from(DEFAULT_MODEL_DIR),
                max_idle: 8,
                preload: 1,
            }
        }
    }

    type PsArgs = unsafe extern "C" fn() -> *const c_void;
    type CmdLnParse =
        unsafe extern "C" fn(*mut c_void, *const c_void, i32, *mut *mut c_char, i32) -> *mut c_void;
    type PtrToInt = unsafe extern "C" fn(*mut c_void) -> c_int;
    type PtrToPtr = unsafe extern "C" fn(*mut c_void) -> *mut c_void;
    type ProcessRaw = unsafe extern "C" fn(*mut c_void, *const i16, usize, c_int, c_int) -> c_int;
    type InSpeech = unsafe extern "C" fn(*mut c_void) -> u8;
    type GetHyp = unsafe extern "C" fn(*mut c_void, *mut i32) -> *const c_char;
    type LogmathExp = unsafe extern "C" fn(*mut c_void, i32) -> f64;
    type SetJsgf = unsafe extern "C" fn(*mut c_void, *const c_char, *const c_char) -> c_int;
    type NameArg = unsafe extern "C" fn(*mut c_void, *const c_char) -> c_int;
    type Free = unsafe extern "C" fn(*mut c_void);

    /// The library and the functions used, copied out of it. The function pointers stay valid
    /// while `_ps` and `_base` are loaded, which is as long as this value lives.
    struct Lib {
        ps_args: PsArgs,
        cmd_ln_parse_r: CmdLnParse,
        cmd_ln_free_r: PtrToInt,
        ps_init: PtrToPtr,
        ps_free: PtrToInt,
        ps_start_utt: PtrToInt,
        ps_process_raw: ProcessRaw,
        ps_get_in_speech: InSpeech,
        ps_get_hyp: GetHyp,
        ps_end_utt: PtrToInt,
        ps_get_prob: PtrToInt,
        ps_get_logmath: PtrToPtr,
        logmath_exp: LogmathExp,
        ps_set_jsgf_string: SetJsgf,
        ps_set_search: NameArg,
        _base: libloading::Library,
        _ps: libloading::Library,
    }

    fn engine_err(msg: impl Into<String>) -> SttError {
        SttError::Engine(msg.into())
    }

    impl Lib {
        fn open(path: &Path) -> Result<Self, SttError> {
            // SAFETY: loading a shared library runs its initialisers; libpocketsphinx and
            // libsphinxbase have none with preconditions.
            let ps = unsafe { libloading::Library::new(path) }.map_err(|e| {
                engine_err(format!(
                    "cannot load {}: {e}; {INSTALL_HINT}",
                    path.display()
                ))
            })?;
            // Already loaded as a dependency of libpocketsphinx: this only takes a handle.
            // SAFETY: as above.
            let base = unsafe { libloading::Library::new("libsphinxbase.so.3") }.map_err(|e| {
                engine_err(format!(
                    "cannot load libsphinxbase.so.3: {e}; {INSTALL_HINT}"
                ))
            })?;
            macro_rules! sym {
                ($lib:expr, $name:literal) => {{
                    // SAFETY: the type is the function's C signature in pocketsphinx 5prealpha
                    // (pocketsphinx.h, ps_search.h, sphinxbase/cmd_ln.h, logmath.h, ckd_alloc.h).
                    let s = unsafe { $lib.get(concat!($name, "\0").as_bytes()) }.map_err(|e| {
                        engine_err(format!(
                            "{} lacks {}: {e} (pocketsphinx 5prealpha expected); {INSTALL_HINT}",
                            path.display(),
                            $name
                        ))
                    })?;
                    *s
                }};
            }
            let lib = Self {
                ps_args: sym!(ps, "ps_args"),
                cmd_ln_parse_r: sym!(base, "cmd_ln_parse_r"),
                cmd_ln_free_r: sym!(base, "cmd_ln_free_r"),
                ps_init: sym!(ps, "ps_init"),
                ps_free: sym!(ps, "ps_free"),
                ps_start_utt: sym!(ps, "ps_start_utt"),
                ps_process_raw: sym!(ps, "ps_process_raw"),
                ps_get_in_speech: sym!(ps, "ps_get_in_speech"),
                ps_get_hyp: sym!(ps, "ps_get_hyp"),
                ps_end_utt: sym!(ps, "ps_end_utt"),
                ps_get_prob: sym!(ps, "ps_get_prob"),
                ps_get_logmath: sym!(ps, "ps_get_logmath"),
                logmath_exp: sym!(base, "logmath_exp"),
                ps_set_jsgf_string: sym!(ps, "ps_set_jsgf_string"),
                ps_set_search: sym!(ps, "ps_set_search"),
                _base: base,
                _ps: ps,
            };
            // Silence sphinxbase's logging (it writes its whole configuration and progress to
            // stderr): a NULL stream turns it off for the process. Optional: only quieter.
            // SAFETY: err_set_logfp(FILE *) accepts NULL.
            if let Ok(f) = unsafe { lib._base.get::<Free>(b"err_set_logfp\0") } {
                unsafe { f(std::ptr::null_mut()) };
            }
            Ok(lib)
        }
    }

    /// One pocketsphinx decoder (`ps_decoder_t`).
    struct Decoder {
        lib: Arc<Lib>,
        ps: NonNull<c_void>,
        /// A grammar decoder's hint words as the streams asked for them (its key in the pool;
        /// its grammar has those the dictionary knows); `None` for a dictation decoder (the
        /// language model's search, never changed).
        grammar: Option<Vec<String>>,
    }

    // SAFETY: a decoder is plain heap data with no thread affinity (no thread-local state);
    // it is not thread safe, but a `Decoder` is only ever reached through `&mut` by the one
    // stream (or the pool, behind its mutex) that owns it, so moving it between threads is
    // sound. It is deliberately not `Sync`.
    unsafe impl Send for Decoder {}

    impl Drop for Decoder {
        fn drop(&mut self) {
            // SAFETY: `ps` came from ps_init and is freed once, here.
            unsafe { (self.lib.ps_free)(self.ps.as_ptr()) };
        }
    }

    impl Decoder {
        fn new(lib: &Arc<Lib>, args: &[CString]) -> Result<Self, SttError> {
            let mut argv: Vec<*mut c_char> = args.iter().map(|a| a.as_ptr().cast_mut()).collect();
            let argc = i32::try_from(argv.len()).map_err(|_| engine_err("too many arguments"))?;
            // SAFETY: argv holds `argc` valid C strings that outlive the call (cmd_ln copies
            // them); ps_args() is the decoder's static argument table.
            let config = unsafe {
                (lib.cmd_ln_parse_r)(
                    std::ptr::null_mut(),
                    (lib.ps_args)(),
                    argc,
                    argv.as_mut_ptr(),
                    1,
                )
            };
            if config.is_null() {
                return Err(engine_err(format!(
                    "pocketsphinx refused its arguments {args:?}"
                )));
            }
            // SAFETY: config is valid; ps_init takes its own reference, so ours is released.
            let ps = unsafe {
                let ps = (lib.ps_init)(config);
                (lib.cmd_ln_free_r)(config);
                ps
            };
            let ps = NonNull::new(ps).ok_or_else(|| {
                engine_err(format!(
                    "pocketsphinx could not load its model (arguments {args:?}); {INSTALL_HINT}"
                ))
            })?;
            Ok(Self {
                lib: Arc::clone(lib),
                ps,
                grammar: None,
            })
        }

        /// Makes the grammar of `known` this decoder's only search (a grammar decoder, created
        /// without a language model), serving streams that ask for the hints `words`.
        fn only_grammar(&mut self, words: &[String], known: &[String]) -> Result<(), SttError> {
            let text = CString::new(grammar(known)).map_err(|_| engine_err("grammar has a NUL"))?;
            // SAFETY: valid decoder and C strings (copied by the library).
            let rc = unsafe {
                (self.lib.ps_set_jsgf_string)(self.ptr(), HINTS_SEARCH.as_ptr(), text.as_ptr())
            };
            if rc < 0 {
                return Err(engine_err(format!(
                    "pocketsphinx refused the hint grammar of {known:?}"
                )));
            }
            self.set_search(HINTS_SEARCH)?;
            self.grammar = Some(words.to_vec());
            Ok(())
        }

        fn ptr(&mut self) -> *mut c_void {
            self.ps.as_ptr()
        }

        fn set_search(&mut self, name: &CStr) -> Result<(), SttError> {
            // SAFETY: valid decoder and C string.
            let rc = unsafe { (self.lib.ps_set_search)(self.ptr(), name.as_ptr()) };
            if rc < 0 {
                return Err(engine_err(format!(
                    "pocketsphinx could not select search {name:?}"
                )));
            }
            Ok(())
        }

        fn start_utt(&mut self) -> Result<(), SttError> {
            // SAFETY: valid decoder, no utterance open (the callers keep track).
            if unsafe { (self.lib.ps_start_utt)(self.ptr()) } < 0 {
                return Err(engine_err("pocketsphinx could not start an utterance"));
            }
            Ok(())
        }

        fn end_utt(&mut self) -> Result<(), SttError> {
            // SAFETY: valid decoder with an utterance open.
            if unsafe { (self.lib.ps_end_utt)(self.ptr()) } < 0 {
                return Err(engine_err("pocketsphinx could not end the utterance"));
            }
            Ok(())
        }

        fn process(&mut self, pcm: &[i16]) -> Result<bool, SttError> {
            // SAFETY: valid decoder with an utterance open; pcm is `len` samples.
            let rc =
                unsafe { (self.lib.ps_process_raw)(self.ptr(), pcm.as_ptr(), pcm.len(), 0, 0) };
            if rc < 0 {
                return Err(engine_err("pocketsphinx failed to process audio"));
            }
            // SAFETY: valid decoder.
            Ok(unsafe { (self.lib.ps_get_in_speech)(self.ptr()) } != 0)
        }

        /// The best hypothesis so far (empty when none).
        fn hyp(&mut self) -> String {
            let mut score = 0i32;
            // SAFETY: valid decoder; the string is owned by it and copied at once.
            let p = unsafe { (self.lib.ps_get_hyp)(self.ptr(), &mut score) };
            if p.is_null() {
                return String::new();
            }
            // SAFETY: NUL-terminated, owned by the decoder until its next call.
            unsafe { CStr::from_ptr(p) }
                .to_string_lossy()
                .trim()
                .to_owned()
        }

        /// The posterior probability of the last final hypothesis, 0..=1.
        fn confidence(&mut self) -> f32 {
            // SAFETY: valid decoder; the logmath object is owned by it.
            let p = unsafe {
                let prob = (self.lib.ps_get_prob)(self.ptr());
                let lmath = (self.lib.ps_get_logmath)(self.ptr());
                if lmath.is_null() {
                    return 0.0;
                }
                (self.lib.logmath_exp)(lmath, prob)
            };
            if p.is_finite() {
                p.clamp(0.0, 1.0) as f32
            } else {
                0.0
            }
        }
    }

    /// Lower case, and only `a`-`z`, `'` and spaces: nothing else reaches a grammar.
    fn sanitize(phrase: &str) -> String {
        phrase
            .chars()
            .map(|c| {
                let c = c.to_ascii_lowercase();
                if c.is_ascii_lowercase() || c == '\'' {
                    c
                } else {
                    ' '
                }
            })
            .collect()
    }

    /// A JSGF grammar accepting any sequence of `words` (already sanitized).
    fn grammar(words: &[String]) -> String {
        let items: Vec<String> = words
            .iter()
            .map(|w| {
                if w.contains('\'') {
                    format!("\"{w}\"")
                } else {
                    w.clone()
                }
            })
            .collect();
        format!(
            "#JSGF V1.0;\ngrammar hints;\npublic <utt> = <item>+;\n<item> = {};\n",
            items.join(" | ")
        )
    }

    /// The hint words of `phrases`: sanitized, each once, within the limits, sorted.
    fn hint_words(phrases: &[String]) -> Vec<String> {
        let mut words: Vec<String> = Vec::new();
        for phrase in phrases {
            for word in sanitize(phrase).split_whitespace() {
                if words.len() < MAX_WORDS
                    && word.len() <= MAX_WORD_LEN
                    && !words.iter().any(|w| w == word)
                {
                    words.push(word.to_owned());
                }
            }
        }
        words.sort();
        words
    }

    /// The lines of a pronunciation dictionary (`word PHONES`, alternates as `word(2) PHONES`)
    /// for `words`, and the words it has (in the order of `words`); the others are left out.
    fn dictionary_lines(dict: &str, words: &[String]) -> (String, Vec<String>) {
        let mut out = String::new();
        let mut found = vec![false; words.len()];
        for line in dict.lines() {
            let head = line.split_whitespace().next().unwrap_or("");
            let word = head.split('(').next().unwrap_or(head);
            if let Some(i) = words.iter().position(|w| w == word) {
                found[i] = true;
                out.push_str(line);
                out.push('\n');
            }
        }
        let known = words
            .iter()
            .zip(found)
            .filter(|(_, f)| *f)
            .map(|(w, _)| w.clone())
            .collect();
        (out, known)
    }

    /// What every recognizer of one engine shares: the library, the arguments, idle decoders.
    struct Shared {
        lib: Arc<Lib>,
        args: Vec<CString>,
        /// Arguments of a grammar decoder, but its `-dict`: the acoustic model and the rate.
        grammar_args: Vec<CString>,
        /// The model's full pronunciation dictionary (grammar decoders copy from it).
        dict: PathBuf,
        /// Idle grammar decoders, each for its hint set (at most `max_idle`, oldest dropped).
        hinted: Mutex<Vec<Decoder>>,
        idle: Mutex<Vec<Decoder>>,
        max_idle: usize,
        /// Serialises ps_init: model loading touches process-wide sphinxbase state.
        init: Mutex<()>,
    }

    impl Shared {
        fn take(&self) -> Result<Decoder, SttError> {
            if let Some(d) = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop() {
                return Ok(d);
            }
            let _guard = self.init.lock().unwrap_or_else(|e| e.into_inner());
            Decoder::new(&self.lib, &self.args)
        }

        fn give_back(&self, d: Decoder) {
            if d.grammar.is_some() {
                let mut hinted = self.hinted.lock().unwrap_or_else(|e| e.into_inner());
                if hinted.len() >= self.max_idle.max(1) {
                    hinted.remove(0);
                }
                hinted.push(d);
                return;
            }
            let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
            if idle.len() < self.max_idle {
                idle.push(d);
            }
        }

        /// A grammar decoder for `words` (not empty): an idle one for the same words, or a new
        /// one with a dictionary of just those words. `None` when the model's dictionary knows
        /// none of them.
        fn take_hinted(&self, words: &[String]) -> Result<Option<Decoder>, SttError> {
            {
                let mut hinted = self.hinted.lock().unwrap_or_else(|e| e.into_inner());
                if let Some(pos) = hinted
                    .iter()
                    .position(|d| d.grammar.as_deref() == Some(words))
                {
                    return Ok(Some(hinted.remove(pos)));
                }
            }
            let full = std::fs::read_to_string(&self.dict)
                .map_err(|e| engine_err(format!("reading {}: {e}", self.dict.display())))?;
            let (lines, known) = dictionary_lines(&full, words);
            if known.is_empty() {
                return Ok(None);
            }
            // The decoder reads its dictionary once, at creation: a file that lives just as
            // long as that.
            static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
            let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let path = std::env::temp_dir()
                .join(format!("fcstream-hints-{}-{n}.dict", std::process::id()));
            std::fs::write(&path, lines)
                .map_err(|e| engine_err(format!("writing {}: {e}", path.display())))?;
            let mut args = self.grammar_args.clone();
            args.push(c"-dict".to_owned());
            let made = CString::new(path.display().to_string())
                .map_err(|_| engine_err("temporary path has a NUL byte"))
                .and_then(|p| {
                    args.push(p);
                    let _guard = self.init.lock().unwrap_or_else(|e| e.into_inner());
                    Decoder::new(&self.lib, &args)
                });
            let _ = std::fs::remove_file(&path);
            let mut d = made?;
            d.only_grammar(words, &known)?;
            Ok(Some(d))
        }
    }

    /// The PocketSphinx engine: a loaded library and model, and a pool of idle decoders.
    pub struct PocketSphinx {
        shared: Arc<Shared>,
        name: String,
        init_time: Duration,
    }

    impl std::fmt::Debug for PocketSphinx {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("PocketSphinx")
                .field("name", &self.name)
                .field("max_idle", &self.shared.max_idle)
                .finish_non_exhaustive()
        }
    }

    impl PocketSphinx {
        /// Opens the library and the model, and creates a first decoder (kept in the pool), so
        /// that a missing library or model is reported here. Blocks for a fraction of a
        /// second.
        pub fn new(config: PocketSphinxConfig) -> Result<Self, SttError> {
            let dir = &config.model_dir;
            let hmm = dir.join("en-us");
            let lm = dir.join("en-us.lm.bin");
            let dict = dir.join("cmudict-en-us.dict");
            for p in [&hmm, &lm, &dict] {
                if !p.exists() {
                    return Err(engine_err(format!(
                        "pocketsphinx model file {} is missing; {INSTALL_HINT}, or point the model directory at a folder with en-us/, en-us.lm.bin and cmudict-en-us.dict",
                        p.display()
                    )));
                }
            }
            let lib = Arc::new(Lib::open(&config.library)?);
            let mut args = vec!["fcstream".to_owned()];
            for (k, v) in [
                ("-hmm", hmm.display().to_string()),
                ("-lm", lm.display().to_string()),
                ("-dict", dict.display().to_string()),
                ("-samprate", ENGINE_RATE.to_string()),
            ] {
                args.push(k.to_owned());
                args.push(v);
            }
            let args = args
                .into_iter()
                .map(|a| CString::new(a).map_err(|_| engine_err("model path has a NUL byte")))
                .collect::<Result<Vec<_>, _>>()?;
            let grammar_args = [
                "fcstream".to_owned(),
                "-hmm".to_owned(),
                hmm.display().to_string(),
                "-samprate".to_owned(),
                ENGINE_RATE.to_string(),
            ]
            .into_iter()
            .map(|a| CString::new(a).map_err(|_| engine_err("model path has a NUL byte")))
            .collect::<Result<Vec<_>, _>>()?;
            let shared = Arc::new(Shared {
                lib,
                args,
                grammar_args,
                dict: dict.clone(),
                hinted: Mutex::new(Vec::new()),
                idle: Mutex::new(Vec::new()),
                max_idle: config.max_idle,
                init: Mutex::new(()),
            });
            let started = std::time::Instant::now();
            let first = shared.take()?;
            let init_time = started.elapsed();
            let mut made = vec![first];
            for _ in 1..config.preload.clamp(1, config.max_idle.max(1)) {
                made.push(shared.take()?);
            }
            for d in made {
                shared.give_back(d);
            }
            Ok(Self {
                shared,
                name: format!("pocketsphinx ({})", dir.display()),
                init_time,
            })
        }

        /// How long creating the first decoder took (model loading).
        pub fn decoder_init_time(&self) -> Duration {
            self.init_time
        }

        /// Idle grammar decoders (for hinted streams) in their pool now.
        pub fn grammar_decoders(&self) -> usize {
            self.shared
                .hinted
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .len()
        }

        /// Idle dictation decoders in the pool now.
        pub fn idle_decoders(&self) -> usize {
            self.shared
                .idle
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .len()
        }
    }

    impl Engine for PocketSphinx {
        fn recognizer(&self, phrases: &[String]) -> Result<Box<dyn Recognizer>, SttError> {
            let words = hint_words(phrases);
            let hinted = if words.is_empty() {
                None
            } else {
                self.shared.take_hinted(&words)?
            };
            let mut decoder = match hinted {
                Some(d) => d,
                None => {
                    if !words.is_empty() {
                        tracing::debug!(
                            ?phrases,
                            "no hint word is in the dictionary: dictation search"
                        );
                    }
                    self.shared.take()?
                }
            };
            decoder.start_utt()?;
            Ok(Box::new(SphinxRecognizer {
                decoder: Some(decoder),
                shared: Arc::clone(&self.shared),
                fed: 0,
                in_speech: false,
                last_interim_at: 0,
                last_interim: String::new(),
                broken: false,
                first: Some(Vec::new()),
            }))
        }

        fn name(&self) -> &str {
            &self.name
        }
    }

    /// One stream's use of a pooled decoder; the decoder goes back to the pool when dropped.
    ///
    /// The first utterance of each stream is decoded twice: PocketSphinx normalises features
    /// with a running cepstral mean that it only updates at the end of an utterance, so the
    /// first one is decoded against the model's initial mean (or the previous caller's) and
    /// is often wrong (measured: a fresh decoder hears the synthesized word "goodbye" as
    /// "operator", and "hours" as nothing; decoded again, both are right). Later utterances
    /// are decoded once.
    struct SphinxRecognizer {
        /// `Some` until dropped; an utterance is always open on it while here.
        decoder: Option<Decoder>,
        shared: Arc<Shared>,
        /// Samples fed so far.
        fed: u64,
        /// Whether the last piece was speech.
        in_speech: bool,
        /// `fed` at the last interim hypothesis.
        last_interim_at: u64,
        last_interim: String,
        /// A decoder call failed: the decoder is not reused.
        broken: bool,
        /// The audio of the stream's first utterance so far (`None` once it is over, or too
        /// long to decode again).
        first: Option<Vec<i16>>,
    }

    impl SphinxRecognizer {
        fn offset(&self) -> Duration {
            Duration::from_secs_f64(self.fed as f64 / f64::from(ENGINE_RATE))
        }

        fn decoder(&mut self) -> Result<&mut Decoder, SttError> {
            self.decoder
                .as_mut()
                .ok_or_else(|| engine_err("recognizer already finished"))
        }

        /// Ends the open utterance; its final result if it has words.
        fn end_utterance(&mut self) -> Result<Option<EngineResult>, SttError> {
            let end_offset = self.offset();
            let redo = self.first.take();
            let d = self.decoder()?;
            d.end_utt()?;
            if let Some(audio) = redo.filter(|a| !a.is_empty()) {
                // The cepstral mean now reflects this stream: decode the utterance again.
                d.start_utt()?;
                d.process(&audio)?;
                d.end_utt()?;
            }
            let text = d.hyp();
            let confidence = d.confidence();
            self.in_speech = false;
            self.last_interim.clear();
            Ok((!text.is_empty()).then_some(EngineResult {
                text,
                is_final: true,
                stability: 1.0,
                confidence,
                end_offset,
            }))
        }

        fn accept_inner(&mut self, pcm: &[i16]) -> Result<Vec<EngineResult>, SttError> {
            let mut out = Vec::new();
            for piece in pcm.chunks(PIECE) {
                if let Some(first) = &mut self.first {
                    if first.len() + piece.len() > MAX_REDO {
                        self.first = None;
                    } else {
                        first.extend_from_slice(piece);
                    }
                }
                let speech = self.decoder()?.process(piece)?;
                self.fed += piece.len() as u64;
                if self.in_speech && !speech {
                    out.extend(self.end_utterance()?);
                    self.decoder()?.start_utt()?;
                } else if speech {
                    if !self.in_speech {
                        self.last_interim_at = self.fed;
                    }
                    self.in_speech = true;
                    if self.fed - self.last_interim_at >= INTERIM_EVERY {
                        self.last_interim_at = self.fed;
                        let text = self.decoder()?.hyp();
                        if !text.is_empty() && text != self.last_interim {
                            self.last_interim.clone_from(&text);
                            out.push(EngineResult {
                                text,
                                is_final: false,
                                stability: 0.5,
                                confidence: 0.0,
                                end_offset: self.offset(),
                            });
                        }
                    }
                }
            }
            Ok(out)
        }
    }

    impl Recognizer for SphinxRecognizer {
        fn accept(&mut self, pcm16k: &[i16]) -> Result<Vec<EngineResult>, SttError> {
            let r = self.accept_inner(pcm16k);
            self.broken |= r.is_err();
            r
        }

        fn finish(&mut self) -> Result<Vec<EngineResult>, SttError> {
            let r = self.end_utterance();
            self.broken |= r.is_err();
            // The decoder goes back to the pool with no utterance open.
            if let Some(d) = self.decoder.take() {
                if !self.broken {
                    self.shared.give_back(d);
                }
            }
            Ok(r?.into_iter().collect())
        }
    }

    impl Drop for SphinxRecognizer {
        fn drop(&mut self) {
            if let Some(mut d) = self.decoder.take() {
                if !self.broken && d.end_utt().is_ok() {
                    self.shared.give_back(d);
                }
            }
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn grammar_decoders_get_the_hint_words_pronunciations_only() {
            let words = hint_words(&["Goodbye!".into(), "hours, help".into(), "hours".into()]);
            assert_eq!(words, ["goodbye", "help", "hours"]);
            let dict = "good G UH D\ngoodbye G UH D B AY\nhours AW ER Z\nhours(2) AW R Z\nhourly AW ER L IY\n";
            assert_eq!(
                dictionary_lines(dict, &words),
                (
                    "goodbye G UH D B AY\nhours AW ER Z\nhours(2) AW R Z\n".to_owned(),
                    vec!["goodbye".to_owned(), "hours".to_owned()]
                )
            );
            assert_eq!(
                dictionary_lines(dict, &["zebra".into()]),
                (String::new(), Vec::new())
            );
        }

        #[test]
        fn sanitize_keeps_only_letters_and_apostrophes() {
            assert_eq!(sanitize("Hours; DROP <x>|y"), "hours  drop  x  y");
            assert_eq!(sanitize("don't"), "don't");
        }

        #[test]
        fn grammar_lists_words() {
            let g = grammar(&["goodbye".into(), "hours".into(), "don't".into()]);
            assert!(g.contains("<item> = goodbye | hours | \"don't\";"));
            assert!(g.starts_with("#JSGF V1.0;"));
        }

        #[test]
        fn missing_model_names_packages() {
            let err = PocketSphinx::new(PocketSphinxConfig {
                model_dir: "/nonexistent".into(),
                ..PocketSphinxConfig::default()
            })
            .unwrap_err();
            assert!(
                err.to_string()
                    .contains("libpocketsphinx3 pocketsphinx-en-us"),
                "{err}"
            );
        }

        #[test]
        fn missing_library_names_packages() {
            let err = Lib::open(Path::new("libdoes-not-exist.so.9"))
                .err()
                .unwrap();
            assert!(
                err.to_string()
                    .contains("libpocketsphinx3 pocketsphinx-en-us"),
                "{err}"
            );
        }
    }
}
