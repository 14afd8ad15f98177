//! Phone numbers as French shops write them: accepted in any common form, stored in E.164,
//! shown in the national form (`06 12 34 56 78`), searched by national digits.

/// Country calling codes that share France's 10-digit national plan (metropolitan and overseas).
const FRENCH_PLAN_CODES: &[&str] = &["33", "262", "590", "594", "596"];

/// National prefixes that belong to an overseas department, with its calling code. A number
/// written `0692…` is Réunion's (+262 692…), not a metropolitan one (+33 692…).
const OVERSEAS_PREFIXES: &[(&str, &str)] = &[
    ("0262", "262"),
    ("0263", "262"),
    ("0692", "262"),
    ("0693", "262"),
    ("0269", "262"),
    ("0639", "262"),
    ("0590", "590"),
    ("0690", "590"),
    ("0691", "590"),
    ("0594", "594"),
    ("0694", "594"),
    ("0596", "596"),
    ("0696", "596"),
    ("0697", "596"),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhoneError {
    Invalid,
}

fn is_separator(c: char) -> bool {
    matches!(c, ' ' | '.' | '-' | '(' | ')' | '/' | '\u{a0}')
}

/// Parses what a user typed into E.164 (`+33612345678`).
pub fn normalize_phone(input: &str) -> Result<String, PhoneError> {
    let trimmed = input.trim();
    if trimmed
        .chars()
        .any(|c| !(c.is_ascii_digit() || c == '+' || is_separator(c)))
    {
        return Err(PhoneError::Invalid);
    }
    let international = trimmed.starts_with('+');
    if trimmed.chars().skip(1).any(|c| c == '+') {
        return Err(PhoneError::Invalid);
    }
    let digits: String = trimmed.chars().filter(char::is_ascii_digit).collect();
    let international_digits = if international {
        Some(digits.clone())
    } else {
        digits.strip_prefix("00").map(str::to_owned)
    };
    match international_digits {
        Some(digits) => {
            if let Some(code) = FRENCH_PLAN_CODES
                .iter()
                .find(|code| digits.starts_with(**code))
            {
                let subscriber = digits[code.len()..].trim_start_matches('0');
                if subscriber.len() != 9 {
                    return Err(PhoneError::Invalid);
                }
                return Ok(format!("+{code}{subscriber}"));
            }
            // E.164 allows at most 15 digits; fewer than 8 is no real subscriber number.
            if !(8..=15).contains(&digits.len()) || digits.starts_with('0') {
                return Err(PhoneError::Invalid);
            }
            Ok(format!("+{digits}"))
        }
        None => {
            if digits.len() != 10 || !digits.starts_with('0') || digits.as_bytes()[1] == b'0' {
                return Err(PhoneError::Invalid);
            }
            let code = OVERSEAS_PREFIXES
                .iter()
                .find(|(prefix, _)| digits.starts_with(prefix))
                .map_or("33", |(_, code)| code);
            Ok(format!("+{code}{}", &digits[1..]))
        }
    }
}

/// The national digits of a number in France's plan (`0612345678`), or `None` for a foreign one.
pub fn national_digits(e164: &str) -> Option<String> {
    let digits = e164.strip_prefix('+')?;
    FRENCH_PLAN_CODES
        .iter()
        .find(|code| digits.starts_with(**code) && digits.len() == code.len() + 9)
        .map(|code| format!("0{}", &digits[code.len()..]))
}

/// How a stored number is shown: `06 12 34 56 78` in France's plan, E.164 otherwise.
pub fn display_phone(e164: &str) -> String {
    match national_digits(e164) {
        Some(national) => national
            .as_bytes()
            .chunks(2)
            .map(|pair| String::from_utf8_lossy(pair).into_owned())
            .collect::<Vec<_>>()
            .join(" "),
        None => e164.to_owned(),
    }
}

/// A search query that looks like the start of a phone number, turned into the digits to match
/// against stored national digits (`+33 6 12` → `0612`), or `+`-prefixed digits for a foreign one.
pub fn phone_query_digits(query: &str) -> Option<String> {
    let trimmed = query.trim();
    if trimmed.is_empty()
        || !trimmed.chars().any(|c| c.is_ascii_digit())
        || trimmed
            .chars()
            .any(|c| !(c.is_ascii_digit() || c == '+' || is_separator(c)))
    {
        return None;
    }
    let digits: String = trimmed.chars().filter(char::is_ascii_digit).collect();
    let international = if trimmed.starts_with('+') {
        Some(digits.clone())
    } else {
        digits
            .strip_prefix("00")
            .filter(|rest| !rest.is_empty())
            .map(str::to_owned)
    };
    match international {
        None => Some(digits),
        Some(international) => {
            match FRENCH_PLAN_CODES
                .iter()
                .find(|code| international.starts_with(**code))
            {
                Some(code) => {
                    let subscriber = international[code.len()..].trim_start_matches('0');
                    Some(format!("0{subscriber}"))
                }
                None => Some(format!("+{international}")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_forms_all_become_e164() {
        for input in [
            "06 12 34 56 78",
            "06.12.34.56.78",
            "0612345678",
            "+33 6 12 34 56 78",
            "0033612345678",
            "+33 (0)6 12 34 56 78",
        ] {
            assert_eq!(normalize_phone(input), Ok("+33612345678".into()), "{input}");
        }
    }

    #[test]
    fn overseas_prefixes_get_their_own_code() {
        assert_eq!(normalize_phone("0692 12 34 56"), Ok("+262692123456".into()));
        assert_eq!(normalize_phone("0696 12 34 56"), Ok("+596696123456".into()));
        assert_eq!(display_phone("+262692123456"), "06 92 12 34 56");
    }

    #[test]
    fn malformed_numbers_are_refused() {
        for input in [
            "06 12",
            "612345678",
            "06-12-34-56-7a",
            "+33 6 12",
            "++33612345678",
            "0012",
        ] {
            assert_eq!(normalize_phone(input), Err(PhoneError::Invalid), "{input}");
        }
    }

    #[test]
    fn foreign_numbers_are_kept_in_e164() {
        assert_eq!(
            normalize_phone("+49 151 1234 5678"),
            Ok("+4915112345678".into())
        );
        assert_eq!(national_digits("+4915112345678"), None);
        assert_eq!(display_phone("+4915112345678"), "+4915112345678");
    }

    #[test]
    fn phone_queries_become_national_prefixes() {
        assert_eq!(phone_query_digits("06"), Some("06".into()));
        assert_eq!(phone_query_digits("06 12"), Some("0612".into()));
        assert_eq!(phone_query_digits("06.12"), Some("0612".into()));
        assert_eq!(phone_query_digits("+33 6 12"), Some("0612".into()));
        assert_eq!(phone_query_digits("0033 6"), Some("06".into()));
        assert_eq!(phone_query_digits("+49 151"), Some("+49151".into()));
        assert_eq!(phone_query_digits("dupont"), None);
        assert_eq!(phone_query_digits("69003"), Some("69003".into()));
    }
}
