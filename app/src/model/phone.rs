//! Phone numbers as French shops write them: accepted in any common form, stored in E.164,
//! shown in the national form (`06 12 34 56 78`), searched by national digits.

use super::country::Country;

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

/// Parses a number typed for a client living in `country`: the international forms as
/// `normalize_phone`, a national form in that country's plan (`0470 12 34 56` for a Belgian
/// client: `+32470123456`). France keeps its own rules, overseas prefixes included.
pub fn normalize_phone_in(input: &str, country: Country) -> Result<String, PhoneError> {
    let trimmed = input.trim();
    let digits: String = trimmed.chars().filter(char::is_ascii_digit).collect();
    if country == Country::France || trimmed.starts_with('+') || digits.starts_with("00") {
        return normalize_phone(input);
    }
    if trimmed
        .chars()
        .any(|c| !(c.is_ascii_digit() || is_separator(c)))
    {
        return Err(PhoneError::Invalid);
    }
    // Italy keeps its leading 0 in the international form; the others drop their trunk 0.
    let subscriber = match country {
        Country::Italy => digits.as_str(),
        _ => digits.strip_prefix('0').unwrap_or(&digits),
    };
    normalize_phone(&format!("+{}{subscriber}", country.calling_code()))
}

/// The national digits of a number in France's plan (`0612345678`), or `None` for a foreign one.
pub fn national_digits(e164: &str) -> Option<String> {
    let digits = e164.strip_prefix('+')?;
    FRENCH_PLAN_CODES
        .iter()
        .find(|code| digits.starts_with(**code) && digits.len() == code.len() + 9)
        .map(|code| format!("0{}", &digits[code.len()..]))
}

/// Calling codes whose countries dial a trunk `0` before the subscriber number at home.
const TRUNK_ZERO_CODES: &[&str] = &["31", "32", "41", "43", "44", "49"];

/// A foreign number as dialled in its own country (`+32470123456` → `0470123456`,
/// `+352621123456` → `621123456`): a Belgian client's phone is searched as they give it.
/// `None` for a number in France's plan, whose national digits are `national_digits`.
pub fn foreign_national_digits(e164: &str) -> Option<String> {
    let digits = e164.strip_prefix('+')?;
    if national_digits(e164).is_some()
        || digits.len() <= 3
        || !digits.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let (code, subscriber) = split_calling_code(digits);
    Some(if TRUNK_ZERO_CODES.contains(&code) {
        format!("0{subscriber}")
    } else {
        subscriber.to_owned()
    })
}

/// How a stored number is shown: `06 12 34 56 78` in France's plan; a foreign number in
/// international groups, as its country writes them (`+32 470 12 34 56`, `+41 79 123 45 67`).
pub fn display_phone(e164: &str) -> String {
    match national_digits(e164) {
        Some(national) => groups(&national, &[2, 2, 2, 2, 2]),
        None => match e164.strip_prefix('+') {
            Some(digits) if digits.len() > 3 && digits.bytes().all(|b| b.is_ascii_digit()) => {
                let (code, subscriber) = split_calling_code(digits);
                format!(
                    "+{code} {}",
                    groups(subscriber, &group_sizes(code, subscriber))
                )
            }
            _ => e164.to_owned(),
        },
    }
}

/// Two-digit calling codes (ITU-T E.164); `1` and `7` are the one-digit ones, every other code
/// has three digits, so these are enough to find where a number's code ends.
const TWO_DIGIT_CODES: &[&str] = &[
    "20", "27", "30", "31", "32", "33", "34", "36", "39", "40", "41", "43", "44", "45", "46", "47",
    "48", "49", "51", "52", "53", "54", "55", "56", "57", "58", "60", "61", "62", "63", "64", "65",
    "66", "81", "82", "84", "86", "90", "91", "92", "93", "94", "95", "98",
];

fn split_calling_code(digits: &str) -> (&str, &str) {
    let length = if digits.starts_with('1') || digits.starts_with('7') {
        1
    } else if TWO_DIGIT_CODES.contains(&&digits[..2]) {
        2
    } else {
        3
    };
    digits.split_at(length)
}

/// How a country groups its subscriber numbers: the neighbours of French border shops as
/// they write them, anything else in threes.
fn group_sizes(code: &str, subscriber: &str) -> Vec<usize> {
    let length = subscriber.len();
    let starts = |prefixes: &[&str]| prefixes.iter().any(|prefix| subscriber.starts_with(prefix));
    let sizes = match (code, length) {
        ("32", 9) => vec![3, 2, 2, 2],
        ("32", 8) if starts(&["2", "3", "4", "9"]) => vec![1, 3, 2, 2],
        ("32", 8) | ("352", 8) | ("377", 8) => vec![2, 2, 2, 2],
        ("41", 9) => vec![2, 3, 2, 2],
        ("352", 9) | ("34", 9) | ("351", 9) => vec![3, 3, 3],
        ("352", 6) => vec![2, 2, 2],
        ("377", 9) => vec![1, 2, 2, 2, 2],
        ("376", 6) => vec![3, 3],
        ("49", _) if starts(&["30", "40", "69", "89"]) => vec![2, length - 2],
        ("49", _) => vec![3, length - 3],
        ("39", 10) if starts(&["3"]) => vec![3, 3, 4],
        ("39", _) if starts(&["02", "06"]) => vec![2, length - 2],
        ("31", 9) if starts(&["6"]) => vec![1, 8],
        ("31", 9) => vec![2, 3, 4],
        ("44", 10) if starts(&["20"]) => vec![2, 4, 4],
        ("44", 10) => vec![4, 6],
        ("1", 10) => vec![3, 3, 4],
        _ => Vec::new(),
    };
    if sizes.iter().sum::<usize>() == length && sizes.iter().all(|size| *size > 0) {
        return sizes;
    }
    // In threes, a last lone digit joining the group before it.
    let mut threes = vec![3; length / 3];
    match (length % 3, threes.last_mut()) {
        (0, _) => {}
        (1, Some(last)) => *last += 1,
        (rest, _) => threes.push(rest),
    }
    threes
}

/// `digits` cut into groups of these sizes, joined by spaces.
fn groups(digits: &str, sizes: &[usize]) -> String {
    let mut parts = Vec::with_capacity(sizes.len());
    let mut rest = digits;
    for size in sizes {
        let (part, after) = rest.split_at((*size).min(rest.len()));
        if !part.is_empty() {
            parts.push(part);
        }
        rest = after;
    }
    if !rest.is_empty() {
        parts.push(rest);
    }
    parts.join(" ")
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
    fn foreign_numbers_are_kept_in_e164_and_shown_in_international_groups() {
        assert_eq!(
            normalize_phone("+49 151 1234 5678"),
            Ok("+4915112345678".into())
        );
        assert_eq!(national_digits("+4915112345678"), None);
        for (stored, shown) in [
            ("+4915112345678", "+49 151 12345678"),
            ("+493012345678", "+49 30 12345678"),
            ("+32470123456", "+32 470 12 34 56"),
            ("+3221234567", "+32 2 123 45 67"),
            ("+41791234567", "+41 79 123 45 67"),
            ("+352621123456", "+352 621 123 456"),
            ("+393471234567", "+39 347 123 4567"),
            ("+390612345678", "+39 06 12345678"),
            ("+34612345678", "+34 612 345 678"),
            ("+37793151515", "+377 93 15 15 15"),
            ("+447700900123", "+44 7700 900123"),
            ("+15145551234", "+1 514 555 1234"),
            // A code these rules do not know: in threes.
            ("+81312345678", "+81 312 345 678"),
            ("+2250707123456", "+225 070 712 3456"),
        ] {
            assert_eq!(display_phone(stored), shown, "{stored}");
            // What is shown is typed back to the same number (the edit form shows it).
            assert_eq!(normalize_phone(shown).as_deref(), Ok(stored), "{shown}");
        }
    }

    #[test]
    fn a_national_form_is_read_in_the_clients_country() {
        for (country, typed, stored) in [
            (Country::Belgium, "0470 12 34 56", "+32470123456"),
            (Country::Switzerland, "079 123 45 67", "+41791234567"),
            (Country::Luxembourg, "621 123 456", "+352621123456"),
            (Country::Germany, "0151 1234 5678", "+4915112345678"),
            (Country::Italy, "06 1234 5678", "+390612345678"),
            (Country::Italy, "347 123 4567", "+393471234567"),
            (Country::Monaco, "93 15 15 15", "+37793151515"),
            // International forms win over the country.
            (Country::Belgium, "+33 6 12 34 56 78", "+33612345678"),
            (Country::Switzerland, "0033 6 12 34 56 78", "+33612345678"),
            // France keeps its plan and its overseas prefixes.
            (Country::France, "06 92 12 34 56", "+262692123456"),
        ] {
            assert_eq!(
                normalize_phone_in(typed, country).as_deref(),
                Ok(stored),
                "{country:?} {typed}"
            );
        }
        assert_eq!(
            normalize_phone_in("0470 12 ab", Country::Belgium),
            Err(PhoneError::Invalid)
        );
        assert_eq!(
            normalize_phone_in("12", Country::Belgium),
            Err(PhoneError::Invalid)
        );
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

    #[test]
    fn a_foreign_number_is_also_known_as_dialled_at_home() {
        assert_eq!(
            foreign_national_digits("+32470123456").as_deref(),
            Some("0470123456")
        );
        assert_eq!(
            foreign_national_digits("+41791234567").as_deref(),
            Some("0791234567")
        );
        assert_eq!(
            foreign_national_digits("+352621123456").as_deref(),
            Some("621123456")
        );
        assert_eq!(
            foreign_national_digits("+390612345678").as_deref(),
            Some("0612345678")
        );
        assert_eq!(foreign_national_digits("+33612345678"), None);
        assert_eq!(foreign_national_digits("+262692123456"), None);
    }
}
