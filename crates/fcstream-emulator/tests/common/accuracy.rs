//! What the agent's accuracy tests share (PocketSphinx in `agent_accuracy.rs`, Whisper in
//! `agent_accuracy_whisper.rs`): the word error count, the process's CPU time, and the run of
//! one call per sentence against a served agent, with each call's measures in sentence order.
#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;

use fcstream::ContentType;
use fcstream_apps::agent::{AgentStats, CallMeasures};
use fcstream_emulator::{Hangup, Script, Source, Summary};

use super::*;

/// Word-level edit distance between `reference` and `hypothesis` (words compared without
/// regard to ASCII case).
pub fn word_errors(reference: &str, hypothesis: &str) -> usize {
    let r: Vec<&str> = reference.split_whitespace().collect();
    let h: Vec<&str> = hypothesis.split_whitespace().collect();
    let mut prev: Vec<usize> = (0..=h.len()).collect();
    for (i, rw) in r.iter().enumerate() {
        let mut cur = vec![i + 1; h.len() + 1];
        for (j, hw) in h.iter().enumerate() {
            let sub = prev[j] + usize::from(!rw.eq_ignore_ascii_case(hw));
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[h.len()]
}

/// CPU time of this process so far (user + system).
pub fn cpu_time() -> Duration {
    // SAFETY: getrusage only writes the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(usage.ru_utime) + tv(usage.ru_stime)
}

/// One run of the sentences against an agent.
pub struct Calls {
    /// The agent's measures of each call, in sentence order.
    pub measures: Vec<CallMeasures>,
    /// The emulator's summary of each call, in sentence order.
    pub summaries: Vec<Summary>,
    /// Seconds of calls placed.
    pub audio_s: f64,
    /// CPU time the run took (the whole process: emulator, agent, recogniser).
    pub cpu: Duration,
}

/// Places one call per sentence (`at_once` at a time) on `server`, call ids `{tag}{i}`: the
/// caller speaks 1 s into the greeting and stays on `stay_on` after speaking; then waits for
/// the agent's measures of each call (`stats`).
pub async fn place_calls(
    server: &TestServer,
    stats: &AgentStats,
    caller: &[Arc<Vec<i16>>],
    tag: &str,
    stay_on: Duration,
    at_once: usize,
) -> Calls {
    let cpu = cpu_time();
    let mut calls = Vec::new();
    let mut summaries = Vec::new();
    let mut audio_s = 0.0;
    for (i, samples) in caller.iter().enumerate() {
        let len = ms(samples.len() as u64 / 8);
        let hangup = secs(1) + len + stay_on;
        audio_s += hangup.as_secs_f64();
        let script = Script::new(ContentType::Mulaw8k)
            .call_id(format!("{tag}{i}"))
            .say(
                secs(1),
                Source::Pcm {
                    rate: 8000,
                    samples: samples.clone(),
                },
            )
            .hangup(Hangup::After(hangup));
        let ch = channel(server).await;
        calls.push(tokio::spawn(async move { call(ch, &script).await }));
        if calls.len() == at_once {
            for c in calls.drain(..) {
                summaries.push(c.await.expect("the call task").summary);
            }
        }
    }
    for c in calls {
        summaries.push(c.await.expect("the call task").summary);
    }
    let cpu = cpu_time() - cpu;
    let mut measures = Vec::new();
    for i in 0..caller.len() {
        let id = format!("{tag}{i}");
        let deadline = tokio::time::Instant::now() + SOON;
        loop {
            if let Some((_, m)) = stats.calls().into_iter().find(|(c, _)| *c == id) {
                measures.push(m);
                break;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "no measures for {id}"
            );
            tokio::time::sleep(ms(20)).await;
        }
    }
    Calls {
        measures,
        summaries,
        audio_s,
        cpu,
    }
}
