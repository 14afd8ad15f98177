//! Text normalised for search: lower case, accents removed (`Hélène` → `helene`, `œ` → `oe`),
//! punctuation as spaces (`Jean-Pierre`, `L'Hôte`).

use deunicode::deunicode;

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

/// The smallest string greater than every string that starts with `prefix` (ASCII only):
/// `term >= prefix AND term < upper` is a prefix match that uses a B-tree index.
pub fn prefix_upper_bound(prefix: &str) -> String {
    let mut bytes = prefix.as_bytes().to_vec();
    while let Some(last) = bytes.pop() {
        if last < 0x7f {
            bytes.push(last + 1);
            return String::from_utf8_lossy(&bytes).into_owned();
        }
    }
    "\u{7f}".to_owned()
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
    fn prefix_bounds_cover_exactly_the_prefix() {
        assert_eq!(prefix_upper_bound("du"), "dv");
        assert_eq!(prefix_upper_bound("06"), "07");
        assert!("dupont" >= "du" && "dupont" < prefix_upper_bound("du").as_str());
        assert!("dv" >= prefix_upper_bound("du").as_str());
    }
}
