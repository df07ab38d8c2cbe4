//! The IVR app: a tiny phone menu that shows a whole call in about 11 seconds, with generated
//! prompts so it needs no files. `fcstream demo` calls it; `fcstream serve --app ivr` serves
//! it. It is also a readable example of the [`Call`] API (`play`, `gather_digits`,
//! `press_dtmf`, `start_play`, `hangup`).
//!
//! 1. Greets: a rising three-note chime (about 2 s).
//! 2. Asks for a key: two short beeps (about 0.6 s), then waits up to 6 s for one key.
//! 3. Answers: key `N` in 1-9 → `N` short beeps, then presses `N` back on the line (DTMF);
//!    any other key → one long low tone; no key → a low buzz.
//! 4. Invites the caller to speak (a short rising sweep) and echoes what they say for 5 s.
//! 5. Says goodbye (a falling three-note chime) and hangs up once it has played.

use std::time::Duration;

use fcstream::{Audio, Call, Event, Result};

/// How long the menu waits for a key.
pub const GATHER: Duration = Duration::from_secs(6);
/// How long the caller's speech is echoed.
pub const ECHO: Duration = Duration::from_secs(5);

/// Notes (Hz, ms) at about -8 dBFS, each with a 10 ms fade, separated by `gap_ms` of silence;
/// a frequency of 0 is a rest.
fn notes(rate: u32, notes: &[(f64, u64)], gap_ms: u64) -> Audio {
    let r = f64::from(rate);
    let mut samples = Vec::new();
    for (i, &(freq, ms)) in notes.iter().enumerate() {
        if i > 0 {
            samples.resize(
                samples.len() + (gap_ms * u64::from(rate) / 1000) as usize,
                0,
            );
        }
        let n = (ms * u64::from(rate) / 1000) as usize;
        let fade = (rate as usize / 100).min(n / 2).max(1);
        samples.extend((0..n).map(|k| {
            let edge = k.min(n - 1 - k);
            let gain = if edge < fade {
                edge as f64 / fade as f64
            } else {
                1.0
            };
            let v = (2.0 * std::f64::consts::PI * freq * k as f64 / r).sin();
            (13000.0 * gain * v) as i16
        }));
    }
    Audio::from_pcm(rate, &samples)
}

/// A sweep from `from` to `to` Hz.
fn sweep(rate: u32, from: f64, to: f64, ms: u64) -> Audio {
    let r = f64::from(rate);
    let n = (ms * u64::from(rate) / 1000) as usize;
    let len = n as f64 / r;
    let fade = (rate as usize / 100).min(n / 2).max(1);
    let samples: Vec<i16> = (0..n)
        .map(|k| {
            let t = k as f64 / r;
            let phase = 2.0 * std::f64::consts::PI * (from * t + (to - from) * t * t / (2.0 * len));
            let edge = k.min(n - 1 - k);
            let gain = if edge < fade {
                edge as f64 / fade as f64
            } else {
                1.0
            };
            (13000.0 * gain * phase.sin()) as i16
        })
        .collect();
    Audio::from_pcm(rate, &samples)
}

/// The greeting: C5, E5, G5.
pub fn greeting(rate: u32) -> Audio {
    notes(rate, &[(523.0, 600), (659.0, 600), (784.0, 700)], 50)
}

/// "Press a key": two short beeps.
pub fn menu(rate: u32) -> Audio {
    notes(rate, &[(880.0, 250), (880.0, 250)], 100)
}

/// The answer to key `digit`.
pub fn answer(rate: u32, digit: Option<char>) -> Audio {
    match digit.and_then(|d| d.to_digit(10)).filter(|n| *n > 0) {
        Some(n) => notes(rate, &vec![(1000.0, 150); n as usize], 100),
        None if digit.is_some() => notes(rate, &[(330.0, 800)], 0),
        None => notes(rate, &[(200.0, 700)], 0),
    }
}

/// "Now say something": a short rising sweep.
pub fn speak_cue(rate: u32) -> Audio {
    sweep(rate, 500.0, 1500.0, 400)
}

/// The goodbye: G5, E5, C5.
pub fn goodbye(rate: u32) -> Audio {
    notes(rate, &[(784.0, 300), (659.0, 300), (523.0, 500)], 50)
}

/// Runs one IVR call (see the module docs).
pub async fn ivr(mut call: Call) -> Result<()> {
    let content_type = call.info().content_type;
    let rate = content_type.sample_rate();
    call.play(greeting(rate)).await?;
    call.play(menu(rate)).await?;
    let digit = call
        .gather_digits(1, GATHER)
        .await?
        .and_then(|d| d.chars().next());
    call.play(answer(rate, digit)).await?;
    if let Some(d) = digit.filter(|d| d.is_ascii_digit() && *d != '0') {
        call.press_dtmf(&d.to_string(), 120, 0).await?;
    }
    call.play(speak_cue(rate)).await?;

    // Forget what the caller said during the prompts, then echo for a while.
    let clock = call.clock().clone();
    while let Ok(Some(_)) = clock.timeout(Duration::ZERO, call.next()).await {}
    let until = clock.now() + ECHO;
    loop {
        match clock.timeout_at(until, call.next()).await {
            Ok(Some(Event::Audio(frame))) => {
                // Queued and paced by the library; the outcome is not needed.
                call.start_play(Audio::from_wire(content_type, frame.data)?)
                    .await?;
            }
            Ok(Some(Event::CallEnded(_))) | Ok(None) => return Ok(()),
            Ok(Some(_)) => {}
            Err(_) => break,
        }
    }
    call.play(goodbye(rate)).await?;
    call.hangup().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prompts_have_the_planned_lengths() {
        let ms = Duration::from_millis;
        assert_eq!(greeting(8000).duration(), ms(2000));
        assert_eq!(menu(16000).duration(), ms(600));
        assert_eq!(answer(8000, Some('3')).duration(), ms(650));
        assert_eq!(answer(8000, Some('#')).duration(), ms(800));
        assert_eq!(answer(8000, None).duration(), ms(700));
        assert_eq!(speak_cue(8000).duration(), ms(400));
        assert_eq!(goodbye(8000).duration(), ms(1200));
    }
}
