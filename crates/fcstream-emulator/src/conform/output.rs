//! The suite's report for people (a table), for machines (JSON) and for CI (JUnit XML).
//!
//! Details can hold text from the server under test (its status messages): the table shows
//! them through [`shown`](fcstream::untrusted::shown) (done where the detail is written), JSON
//! escapes by construction, and the XML writer escapes every character XML gives a meaning
//! to and drops those XML 1.0 cannot carry.

use std::fmt::Write as _;
use std::time::Duration;

use super::{Report, Verdict};

/// Serialises a duration as milliseconds (a number).
pub fn ser_ms<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64((d.as_secs_f64() * 1000.0 * 10.0).round() / 10.0)
}

impl Report {
    /// The table printed by default: one line per case, the failures' reasons, a last line
    /// with the counts.
    pub fn table(&self) -> String {
        let width = self
            .cases
            .iter()
            .map(|c| c.name.len())
            .max()
            .unwrap_or(4)
            .max(4);
        let mut out = String::new();
        let _ = writeln!(
            out,
            "fcstream conform {} (profile {}, platform {})",
            self.target,
            self.profile.as_str(),
            self.platform
        );
        let _ = writeln!(
            out,
            "{:<width$}  {:<6}{:>8}  detail",
            "case", "result", "time"
        );
        for c in &self.cases {
            let _ = writeln!(
                out,
                "{:<width$}  {:<6}{:>7.1}s  {}",
                c.name,
                c.verdict.label(),
                c.elapsed.as_secs_f64(),
                one_line(&c.detail)
            );
        }
        let _ = writeln!(
            out,
            "{} passed, {} failed, {} skipped of {} cases in {:.1} s",
            self.count(Verdict::Pass),
            self.count(Verdict::Fail),
            self.count(Verdict::Skip),
            self.cases.len(),
            self.elapsed.as_secs_f64()
        );
        out
    }

    /// The report as JSON (`--json`).
    pub fn to_json(&self) -> serde_json::Value {
        let mut v = serde_json::to_value(self).unwrap_or(serde_json::Value::Null);
        if let Some(obj) = v.as_object_mut() {
            obj.insert(
                "passed".into(),
                serde_json::json!(self.count(Verdict::Pass)),
            );
            obj.insert("failed".into(), serde_json::json!(self.failed()));
            obj.insert(
                "skipped".into(),
                serde_json::json!(self.count(Verdict::Skip)),
            );
        }
        v
    }

    /// The report as a JUnit XML file (`--junit FILE`): one `<testsuite>` named after the
    /// profile, one `<testcase>` per case (`classname` its group, `name` the case), with
    /// `<failure message=...>` or `<skipped message=...>`.
    pub fn to_junit(&self) -> String {
        let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        let _ = writeln!(
            out,
            "<testsuites name=\"fcstream conform\" tests=\"{}\" failures=\"{}\" skipped=\"{}\" time=\"{:.3}\">",
            self.cases.len(),
            self.failed(),
            self.count(Verdict::Skip),
            self.elapsed.as_secs_f64()
        );
        let _ = writeln!(
            out,
            "  <testsuite name=\"conform.{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\" time=\"{:.3}\">",
            self.profile.as_str(),
            self.cases.len(),
            self.failed(),
            self.count(Verdict::Skip),
            self.elapsed.as_secs_f64()
        );
        let _ = writeln!(out, "    <properties>");
        let _ = writeln!(
            out,
            "      <property name=\"target\" value=\"{}\"/>",
            xml(&self.target)
        );
        let _ = writeln!(
            out,
            "      <property name=\"platform\" value=\"{}\"/>",
            xml(&self.platform)
        );
        let _ = writeln!(out, "    </properties>");
        for c in &self.cases {
            let (group, _) = c.name.split_once('/').unwrap_or((c.name, ""));
            let _ = write!(
                out,
                "    <testcase classname=\"conform.{}\" name=\"{}\" time=\"{:.3}\"",
                xml(group),
                xml(c.name),
                c.elapsed.as_secs_f64()
            );
            match c.verdict {
                Verdict::Pass => {
                    let _ = writeln!(out, ">");
                    let _ = writeln!(
                        out,
                        "      <system-out>{}</system-out>",
                        xml(&format!("{}\n{}", c.description, c.detail))
                    );
                }
                Verdict::Fail => {
                    let _ = writeln!(out, ">");
                    let _ = writeln!(
                        out,
                        "      <failure message=\"{}\" type=\"conformance\">{}</failure>",
                        xml(&c.detail),
                        xml(&format!(
                            "{}\nexpected: {}\nbasis: {}",
                            c.detail, c.description, c.basis
                        ))
                    );
                }
                Verdict::Skip => {
                    let _ = writeln!(out, ">");
                    let _ = writeln!(out, "      <skipped message=\"{}\"/>", xml(&c.detail));
                }
            }
            let _ = writeln!(out, "    </testcase>");
        }
        out.push_str("  </testsuite>\n</testsuites>\n");
        out
    }
}

/// The detail on one table line (control characters shown as spaces).
fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// Text for an XML attribute or element: `& < > " '` escaped, characters XML 1.0 cannot
/// carry (most controls, lone surrogates cannot occur in a `str`, U+FFFE/U+FFFF) replaced
/// by U+FFFD, tabs and newlines kept (as character references in attributes' sense they
/// survive either way).
pub fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\t' => out.push_str("&#9;"),
            '\r' => out.push_str("&#13;"),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escapes_everything_with_a_meaning_and_drops_what_xml_cannot_carry() {
        assert_eq!(
            xml("a<b>&\"c\"'d'\u{0}\u{1b}[31m\nx"),
            "a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;\u{FFFD}\u{FFFD}[31m&#10;x"
        );
        assert_eq!(xml("µ-law ✓"), "µ-law ✓");
    }
}
