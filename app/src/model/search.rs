//! The search rules the server's index and the till's device cache both follow: text folded the
//! same way (lower case, accents removed, punctuation as spaces), the words a client is found
//! by, and what a typed query asks for. Written once, so a client found online is found offline.

use std::collections::BTreeSet;

use deunicode::deunicode;

use super::phone::{foreign_national_digits, national_digits, phone_query_digits};

/// Text normalised for search: `Hélène` → `helene`, `œ` → `oe`, `Jean-Pierre` → `jean pierre`.
pub fn normalize(text: &str) -> String {
    let ascii = deunicode(text).to_lowercase();
    let mut normalized = String::with_capacity(ascii.len());
    for word in ascii
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
    {
        if !normalized.is_empty() {
            normalized.push(' ');
        }
        normalized.push_str(word);
    }
    normalized
}

/// The distinct words of `text`, normalised.
pub fn words(text: &str) -> Vec<String> {
    let mut words: Vec<String> = normalize(text)
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect();
    words.sort();
    words.dedup();
    words
}

/// What of a client's file a search looks at.
#[derive(Debug, Clone, Copy)]
pub struct Searched<'a> {
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub email: &'a str,
    /// As stored: `+33612345678`.
    pub phone: Option<&'a str>,
    pub postal_code: Option<&'a str>,
    pub city: Option<&'a str>,
}

/// Every word a search may start with for this client.
pub fn search_terms(client: Searched<'_>) -> BTreeSet<String> {
    let mut terms = BTreeSet::new();
    for text in [
        Some(client.first_name),
        Some(client.last_name),
        client.city,
        // `L-1234` is found as `1234`, `l 1234` or `l1234`; `SW1A 1AA` as `sw1a1aa`.
        client.postal_code,
    ]
    .into_iter()
    .flatten()
    {
        let normalized = normalize(text);
        terms.extend(
            normalized
                .split(' ')
                .filter(|w| !w.is_empty())
                .map(str::to_owned),
        );
        // "Le Gall" is also found as "legall".
        if normalized.contains(' ') {
            terms.insert(normalized.replace(' ', ""));
        }
    }
    terms.extend(words(client.email));
    terms.insert(client.email.to_owned());
    if let Some(phone) = client.phone {
        // National digits make "starts with 06" work; a foreign number is found by its +
        // form and as its country dials it (`0470…` for a Belgian mobile).
        match national_digits(phone) {
            Some(national) => {
                terms.insert(national);
            }
            None => {
                terms.insert(phone.to_owned());
                terms.extend(foreign_national_digits(phone));
            }
        }
    }
    terms.retain(|term| !term.is_empty() && term.len() <= 254);
    terms
}

/// What the search box's text asks for: one phone/postal-code prefix, or word prefixes with the
/// longest (most selective) first.
pub fn search_prefixes(query: &str) -> Vec<String> {
    if let Some(digits) = phone_query_digits(query) {
        return vec![digits];
    }
    let mut prefixes = words(query);
    prefixes.sort_by_key(|prefix| std::cmp::Reverse(prefix.len()));
    prefixes
}

/// Whether a client with these terms (sorted) is found by these prefixes: each prefix starts
/// one of the terms.
pub fn terms_match(terms: &[String], prefixes: &[String]) -> bool {
    prefixes.iter().all(|prefix| {
        let from = terms.partition_point(|term| term.as_str() < prefix.as_str());
        terms
            .get(from)
            .is_some_and(|term| term.starts_with(prefix.as_str()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accents_ligatures_and_punctuation_are_normalised() {
        assert_eq!(normalize("Hélène"), "helene");
        assert_eq!(normalize("Cœur-de-Lion"), "coeur de lion");
        assert_eq!(normalize("L'Hôte  Æsir"), "l hote aesir");
        assert_eq!(normalize("Straße"), "strasse");
    }

    #[test]
    fn a_client_is_found_by_the_start_of_each_word_of_the_query() {
        let terms: Vec<String> = search_terms(Searched {
            first_name: "Anne-Laure",
            last_name: "Le Gall",
            email: "al.legall@exemple.fr",
            phone: Some("+33612345678"),
            postal_code: Some("29200"),
            city: Some("Brest"),
        })
        .into_iter()
        .collect();
        for query in [
            "le gall",
            "legall",
            "anne",
            "laure gall",
            "06 12",
            "+33 6 12 34",
            "292",
            "bre",
        ] {
            assert!(terms_match(&terms, &search_prefixes(query)), "{query}");
        }
        for query in ["gallo", "07", "anne marie", "brest 75"] {
            assert!(!terms_match(&terms, &search_prefixes(query)), "{query}");
        }
    }
}
