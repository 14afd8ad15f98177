//! The countries a client of a French shop lives in, most often a border shop's neighbours:
//! each with how its postal codes are written and checked, and its calling code.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Country {
    #[default]
    France,
    Belgium,
    Switzerland,
    Luxembourg,
    Germany,
    Italy,
    Spain,
    Monaco,
    Andorra,
    Netherlands,
    Portugal,
    UnitedKingdom,
}

coded!(Country {
    France => "FR",
    Belgium => "BE",
    Switzerland => "CH",
    Luxembourg => "LU",
    Germany => "DE",
    Italy => "IT",
    Spain => "ES",
    Monaco => "MC",
    Andorra => "AD",
    Netherlands => "NL",
    Portugal => "PT",
    UnitedKingdom => "GB",
});

impl Country {
    /// The stored code read back; a code this version does not know reads as France rather
    /// than hiding the client.
    pub fn from_stored(code: &str) -> Country {
        Country::from_code(code).unwrap_or_default()
    }

    /// Whether the country's postal codes are typed with digits only, so a phone shows the
    /// number pad (Luxembourg's `L-` is added when missing).
    pub fn postal_code_is_numeric(self) -> bool {
        !matches!(
            self,
            Country::Andorra | Country::Netherlands | Country::UnitedKingdom
        )
    }

    /// The calling code of the country's phone numbers, without `+`.
    pub fn calling_code(self) -> &'static str {
        match self {
            Country::France => "33",
            Country::Belgium => "32",
            Country::Switzerland => "41",
            Country::Luxembourg => "352",
            Country::Germany => "49",
            Country::Italy => "39",
            Country::Spain => "34",
            Country::Monaco => "377",
            Country::Andorra => "376",
            Country::Netherlands => "31",
            Country::Portugal => "351",
            Country::UnitedKingdom => "44",
        }
    }

    /// A postal code of the country, as its post writes it: the example a refusal shows.
    pub fn postal_code_example(self) -> &'static str {
        match self {
            Country::France => "75001",
            Country::Belgium => "1000",
            Country::Switzerland => "1201",
            Country::Luxembourg => "L-1234",
            Country::Germany => "10115",
            Country::Italy => "00184",
            Country::Spain => "28013",
            Country::Monaco => "98000",
            Country::Andorra => "AD500",
            Country::Netherlands => "1012 AB",
            Country::Portugal => "1000-001",
            Country::UnitedKingdom => "SW1A 1AA",
        }
    }

    /// What was typed, in the country's written form (`l 1234` → `L-1234`, `1012ab` →
    /// `1012 AB`), or `None` when it is no postal code of that country.
    pub fn postal_code(self, typed: &str) -> Option<String> {
        let compact: String = typed
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '\u{a0}'))
            .collect::<String>()
            .to_uppercase();
        let digits = |text: &str, count: usize| {
            text.len() == count && text.bytes().all(|b| b.is_ascii_digit())
        };
        match self {
            // Monaco's codes are French ones (980xx); France's are five digits.
            Country::France | Country::Germany | Country::Italy => {
                digits(&compact, 5).then_some(compact)
            }
            Country::Monaco => {
                (digits(&compact, 5) && compact.starts_with("980")).then_some(compact)
            }
            Country::Spain => {
                let province = compact.get(..2).and_then(|p| p.parse::<u8>().ok());
                (digits(&compact, 5) && matches!(province, Some(1..=52))).then_some(compact)
            }
            Country::Belgium | Country::Switzerland => {
                (digits(&compact, 4) && !compact.starts_with('0')).then_some(compact)
            }
            Country::Luxembourg => {
                let number = compact.strip_prefix('L').unwrap_or(&compact);
                digits(number, 4).then(|| format!("L-{number}"))
            }
            Country::Andorra => {
                let number = compact.strip_prefix("AD").unwrap_or(&compact);
                (digits(number, 3) && number.starts_with(['1', '2', '3', '4', '5', '6', '7']))
                    .then(|| format!("AD{number}"))
            }
            Country::Netherlands => {
                let (number, letters) = compact.split_at(compact.len().min(4));
                (digits(number, 4)
                    && !number.starts_with('0')
                    && letters.len() == 2
                    && letters.bytes().all(|b| b.is_ascii_uppercase()))
                .then(|| format!("{number} {letters}"))
            }
            Country::Portugal => {
                digits(&compact, 7).then(|| format!("{}-{}", &compact[..4], &compact[4..]))
            }
            Country::UnitedKingdom => uk_postcode(&compact),
        }
    }
}

/// A UK postcode: an outward code (`SW1A`, `M1`, `B33`) and an inward one (`1AA`: a digit, two
/// letters), written with one space between them.
fn uk_postcode(compact: &str) -> Option<String> {
    if !(5..=7).contains(&compact.len()) || !compact.is_ascii() {
        return None;
    }
    let (outward, inward) = compact.split_at(compact.len() - 3);
    let inward_ok = inward.as_bytes()[0].is_ascii_digit()
        && inward.as_bytes()[1..].iter().all(u8::is_ascii_uppercase);
    let outward = outward.as_bytes();
    let outward_ok = outward[0].is_ascii_uppercase()
        && outward.iter().all(u8::is_ascii_alphanumeric)
        && outward[1..].iter().any(u8::is_ascii_digit);
    (inward_ok && outward_ok).then(|| format!("{} {inward}", String::from_utf8_lossy(outward)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_country_accepts_its_own_postal_codes_in_its_written_form() {
        for (country, typed, written) in [
            (Country::France, "01000", "01000"),
            (Country::France, " 97400 ", "97400"),
            (Country::Belgium, "1000", "1000"),
            (Country::Switzerland, "1201", "1201"),
            (Country::Luxembourg, "L-1234", "L-1234"),
            (Country::Luxembourg, "l 1234", "L-1234"),
            (Country::Luxembourg, "1234", "L-1234"),
            (Country::Germany, "10115", "10115"),
            (Country::Italy, "00184", "00184"),
            (Country::Spain, "28013", "28013"),
            (Country::Monaco, "98000", "98000"),
            (Country::Andorra, "ad500", "AD500"),
            (Country::Netherlands, "1012ab", "1012 AB"),
            (Country::Portugal, "1000001", "1000-001"),
            (Country::Portugal, "1000-001", "1000-001"),
            (Country::UnitedKingdom, "sw1a1aa", "SW1A 1AA"),
            (Country::UnitedKingdom, "M1 1AE", "M1 1AE"),
        ] {
            assert_eq!(
                country.postal_code(typed).as_deref(),
                Some(written),
                "{country:?} {typed}"
            );
        }
    }

    #[test]
    fn a_code_of_another_country_or_shape_is_refused() {
        for (country, typed) in [
            (Country::France, "1000"),
            (Country::France, "750001"),
            (Country::Belgium, "75001"),
            (Country::Belgium, "0999"),
            (Country::Switzerland, "12011"),
            (Country::Luxembourg, "L-123"),
            (Country::Spain, "53000"),
            (Country::Spain, "00100"),
            (Country::Monaco, "06000"),
            (Country::Andorra, "AD900"),
            (Country::Netherlands, "1012"),
            (Country::Netherlands, "0123 AB"),
            (Country::Portugal, "1000"),
            (Country::UnitedKingdom, "12345"),
            (Country::UnitedKingdom, "SW1A"),
        ] {
            assert_eq!(country.postal_code(typed), None, "{country:?} {typed}");
        }
    }

    #[test]
    fn every_example_is_accepted_as_written() {
        for country in Country::ALL {
            let example = country.postal_code_example();
            assert_eq!(
                country.postal_code(example).as_deref(),
                Some(example),
                "{country:?}"
            );
        }
    }

    #[test]
    fn codes_round_trip() {
        for country in Country::ALL {
            assert_eq!(Country::from_code(country.code()), Some(*country));
        }
        assert_eq!(Country::from_code("XX"), None);
    }
}
