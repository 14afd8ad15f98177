//! Euro amounts as French shops write them (`12,50 €`), kept in cents.

use super::error::FieldProblem;

/// The largest amount one transaction may carry: 1,000,000 €.
pub const MAX_AMOUNT_CENTS: i64 = 100_000_000;

/// Parses `12`, `12,5`, `12,50`, `12.50` or `12,50 €` into cents; empty means no amount.
pub fn parse_euros(input: &str) -> Result<Option<i64>, FieldProblem> {
    let cleaned: String = input
        .trim()
        .trim_end_matches('€')
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if cleaned.is_empty() {
        return Ok(None);
    }
    let (units, fraction) = match cleaned.split_once([',', '.']) {
        Some((units, fraction)) => (units, fraction),
        None => (cleaned.as_str(), ""),
    };
    let all_digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if units.is_empty()
        || units.len() > 9
        || !all_digits(units)
        || fraction.len() > 2
        || !all_digits(fraction)
    {
        return Err(FieldProblem::InvalidAmount);
    }
    let units: i64 = units.parse().map_err(|_| FieldProblem::InvalidAmount)?;
    let fraction: i64 = match fraction.len() {
        0 => 0,
        1 => {
            fraction
                .parse::<i64>()
                .map_err(|_| FieldProblem::InvalidAmount)?
                * 10
        }
        _ => fraction.parse().map_err(|_| FieldProblem::InvalidAmount)?,
    };
    let cents = units * 100 + fraction;
    if cents > MAX_AMOUNT_CENTS {
        return Err(FieldProblem::InvalidAmount);
    }
    Ok(Some(cents))
}

/// `1250` → `12,50 €` (with a narrow no-break space between thousands).
pub fn format_euros(cents: i64) -> String {
    format_euros_in(cents, NumberStyle::French)
}

/// How numbers are written for the reader: `12,50 €` in French, `€12.50` in English.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberStyle {
    French,
    English,
}

/// An amount in the reader's style.
pub fn format_euros_in(cents: i64, style: NumberStyle) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let cents = cents.unsigned_abs();
    let fraction = cents % 100;
    match style {
        NumberStyle::French => {
            let units = group_thousands(cents / 100, '\u{202f}');
            format!("{sign}{units},{fraction:02}\u{a0}€")
        }
        NumberStyle::English => {
            let units = group_thousands(cents / 100, ',');
            format!("{sign}€{units}.{fraction:02}")
        }
    }
}

/// A whole number in the reader's style: `12 345` or `12,345`.
pub fn format_number(number: i64, style: NumberStyle) -> String {
    let sign = if number < 0 { "-" } else { "" };
    let separator = match style {
        NumberStyle::French => '\u{202f}',
        NumberStyle::English => ',',
    };
    format!(
        "{sign}{}",
        group_thousands(number.unsigned_abs(), separator)
    )
}

fn group_thousands(number: u64, separator: char) -> String {
    let digits = number.to_string();
    let mut grouped = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push(separator);
        }
        grouped.push(digit);
    }
    grouped
}

/// `750` → `7,50`: an amount as typed back into a field.
pub fn format_euros_plain(cents: i64) -> String {
    format!("{},{:02}", cents / 100, (cents % 100).abs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_written_in_the_reader_style() {
        assert_eq!(format_euros_in(1250, NumberStyle::French), "12,50\u{a0}€");
        assert_eq!(
            format_euros_in(12_345_678, NumberStyle::English),
            "€123,456.78"
        );
        assert_eq!(format_euros_in(-5, NumberStyle::English), "-€0.05");
        assert_eq!(format_number(12_345, NumberStyle::French), "12\u{202f}345");
        assert_eq!(
            format_number(-1_234_567, NumberStyle::English),
            "-1,234,567"
        );
    }

    #[test]
    fn french_and_english_decimal_marks_are_accepted() {
        assert_eq!(parse_euros("12,50"), Ok(Some(1250)));
        assert_eq!(parse_euros("12.5"), Ok(Some(1250)));
        assert_eq!(parse_euros(" 7 € "), Ok(Some(700)));
        assert_eq!(parse_euros(""), Ok(None));
    }

    #[test]
    fn nonsense_amounts_are_refused() {
        for input in ["abc", "-3", "1,234", ",5", "99999999999", "1e3"] {
            assert_eq!(
                parse_euros(input),
                Err(FieldProblem::InvalidAmount),
                "{input}"
            );
        }
    }

    #[test]
    fn amounts_are_shown_the_french_way() {
        assert_eq!(format_euros(1250), "12,50\u{a0}€");
        assert_eq!(format_euros(123456789), "1\u{202f}234\u{202f}567,89\u{a0}€");
        assert_eq!(format_euros(-5), "-0,05\u{a0}€");
    }
}
