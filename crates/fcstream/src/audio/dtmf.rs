//! DTMF digits, tone generation and Goertzel detection (HELPER: implement).

/// A string holding a character that is not a DTMF key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid DTMF digit {digit:?} at position {position} in {digits:?}: use 0-9, *, #, A-D")]
pub struct InvalidDigits {
    /// The whole string.
    pub digits: String,
    /// The offending character.
    pub digit: char,
    /// Its index (in characters).
    pub position: usize,
}

/// Checks that every character is one of the 16 DTMF keys (`0-9 * # A-D`, any case); an
/// empty string is rejected too.
pub fn validate(digits: &str) -> Result<(), InvalidDigits> {
    for (position, digit) in digits.chars().enumerate() {
        if !matches!(digit, '0'..='9' | '*' | '#' | 'a'..='d' | 'A'..='D') {
            return Err(InvalidDigits {
                digits: digits.to_string(),
                digit,
                position,
            });
        }
    }
    if digits.is_empty() {
        return Err(InvalidDigits {
            digits: String::new(),
            digit: ' ',
            position: 0,
        });
    }
    Ok(())
}
