//! The finished calls whose files the page links to (`heard.wav`, `heard.png`, `caller.wav`,
//! `timeline.jsonl`, `summary.json`): one directory per call under the store's root, at most
//! [`CallStore::keep`] of them (the oldest directory is deleted when a new call is added), and
//! only those files of only those calls are ever served: the id in a URL is looked up, never
//! joined to a path as given.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;

/// The files of a call that may be served, with their media types.
pub const FILES: &[(&str, &str)] = &[
    ("heard.wav", "audio/wav"),
    ("heard.png", "image/png"),
    ("caller.wav", "audio/wav"),
    ("timeline.jsonl", "application/x-ndjson; charset=utf-8"),
    ("summary.json", "application/json"),
];

/// One finished call, as `/api/status` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CallEntry {
    /// Its id.
    pub id: String,
    /// How it ended.
    pub outcome: String,
}

/// The recent calls' directories. See the module docs.
#[derive(Debug)]
pub struct CallStore {
    root: PathBuf,
    keep: usize,
    recent: Mutex<VecDeque<CallEntry>>,
    counter: AtomicU64,
}

impl CallStore {
    /// A store under `root` (created if missing) keeping the last `keep` calls (at least 1).
    pub fn new(root: PathBuf, keep: usize) -> std::io::Result<Self> {
        std::fs::create_dir_all(&root)?;
        Ok(Self {
            root,
            keep: keep.max(1),
            recent: Mutex::new(VecDeque::new()),
            counter: AtomicU64::new(0),
        })
    }

    /// Where the calls are.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// How many calls are kept.
    pub fn keep(&self) -> usize {
        self.keep
    }

    /// A new call id: `PH`, the time in ms and a counter (letters and digits only, unique in
    /// this process).
    pub fn new_id(&self) -> String {
        let ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or(0);
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        format!("PH{ms}N{n}")
    }

    /// The directory of call `id` (a store-made id).
    pub fn dir(&self, id: &str) -> PathBuf {
        self.root.join(id)
    }

    /// Records a finished call whose files are in [`CallStore::dir`]; deletes the oldest
    /// call's directory when more than [`CallStore::keep`] are kept.
    pub fn add(&self, id: &str, outcome: &str) {
        let evicted: Vec<CallEntry> = {
            let mut recent = self.lock();
            recent.push_back(CallEntry {
                id: id.to_string(),
                outcome: outcome.to_string(),
            });
            let over = recent.len().saturating_sub(self.keep);
            recent.drain(..over).collect()
        };
        for old in evicted {
            if let Err(e) = std::fs::remove_dir_all(self.dir(&old.id)) {
                tracing::warn!(call = %old.id, error = %e, "could not delete an old call's files");
            }
        }
    }

    /// The recent calls, newest first.
    pub fn list(&self) -> Vec<CallEntry> {
        self.lock().iter().rev().cloned().collect()
    }

    /// The path and media type of file `name` of call `id`, if both are known.
    pub fn file(&self, id: &str, name: &str) -> Option<(PathBuf, &'static str)> {
        let (file, mime) = FILES.iter().find(|(f, _)| *f == name)?;
        let known = self.lock().iter().any(|c| c.id == id);
        known.then(|| (self.dir(id).join(file), *mime))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<CallEntry>> {
        // A panic while holding the lock leaves a consistent list (every change is one
        // push or drain): keep using it.
        self.recent.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_recent_calls_and_known_files_are_served() {
        let root =
            std::env::temp_dir().join(format!("fcstream-phone-store-{}", std::process::id()));
        let store = CallStore::new(root.clone(), 2).unwrap();
        let ids: Vec<String> = (0..3).map(|_| store.new_id()).collect();
        assert_ne!(ids[0], ids[1]);
        for id in &ids {
            std::fs::create_dir_all(store.dir(id)).unwrap();
            std::fs::write(store.dir(id).join("heard.wav"), b"x").unwrap();
            store.add(id, "caller-hangup");
        }
        // The oldest is gone, from the list and the disk.
        assert!(!store.dir(&ids[0]).exists());
        assert!(store.file(&ids[0], "heard.wav").is_none());
        assert_eq!(
            store
                .list()
                .iter()
                .map(|c| c.id.clone())
                .collect::<Vec<_>>(),
            vec![ids[2].clone(), ids[1].clone()]
        );
        let (path, mime) = store.file(&ids[2], "heard.wav").unwrap();
        assert_eq!(path, store.dir(&ids[2]).join("heard.wav"));
        assert_eq!(mime, "audio/wav");
        // Unknown names and ids, traversal attempts: nothing.
        assert!(store.file(&ids[2], "../../etc/passwd").is_none());
        assert!(store.file(&ids[2], "secret.txt").is_none());
        assert!(store.file("..", "heard.wav").is_none());
        std::fs::remove_dir_all(root).unwrap();
    }
}
