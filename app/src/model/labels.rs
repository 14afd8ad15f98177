//! Tags and groups: named labels on clients. Anyone at the till tags a client; the owner
//! creates the groups and puts clients in them. The list filters by either.

use serde::{Deserialize, Serialize};

use super::error::{AppError, FieldErrors, FieldProblem};
use super::fields::text_field;

pub const MAX_LABEL_CHARS: usize = 40;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum LabelKind {
    Tag,
    Group,
}

coded!(LabelKind {
    Tag => "tag",
    Group => "group",
});

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Label {
    pub id: i64,
    pub kind: LabelKind,
    pub name: String,
}

/// A label of the shop with how many clients carry it, for the filters and the groups page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabelCount {
    pub label: Label,
    pub clients: u64,
}

/// The shop's tags and groups, each sorted by name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShopLabels {
    pub tags: Vec<LabelCount>,
    pub groups: Vec<LabelCount>,
}

/// A label's name as typed, trimmed, checked; the field is called `name`.
pub fn valid_label_name(name: &str) -> Result<String, AppError> {
    let mut errors = FieldErrors::default();
    let name = text_field(&mut errors, "name", name, true, MAX_LABEL_CHARS, false);
    errors.into_result()?;
    let name = name.unwrap_or_default();
    if !name.chars().any(char::is_alphanumeric) {
        return Err(AppError::invalid("name", FieldProblem::LetterOrDigit));
    }
    Ok(name)
}

/// Lower case without the accents of French, for offering existing tags as one types; the
/// server's own comparison (any script) decides what is the same tag.
pub fn folded(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    for c in text.trim().chars().flat_map(char::to_lowercase) {
        match c {
            'à' | 'â' | 'ä' | 'á' => folded.push('a'),
            'é' | 'è' | 'ê' | 'ë' => folded.push('e'),
            'î' | 'ï' | 'í' => folded.push('i'),
            'ô' | 'ö' | 'ó' => folded.push('o'),
            'ù' | 'û' | 'ü' | 'ú' => folded.push('u'),
            'ÿ' => folded.push('y'),
            'ç' => folded.push('c'),
            'œ' => folded.push_str("oe"),
            'æ' => folded.push_str("ae"),
            other => folded.push(other),
        }
    }
    folded
}

/// The existing tags to offer for what is typed: those containing it, at most five.
pub fn tag_suggestions<'a>(tags: &'a [Label], typed: &str) -> Vec<&'a Label> {
    let typed = folded(typed);
    if typed.is_empty() {
        return Vec::new();
    }
    tags.iter()
        .filter(|tag| folded(&tag.name).contains(&typed))
        .take(5)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typing_vip_offers_vip_and_accents_do_not_matter() {
        let tag = |id, name: &str| Label {
            id,
            kind: LabelKind::Tag,
            name: name.to_owned(),
        };
        let tags = vec![tag(1, "VIP"), tag(2, "Végétarien"), tag(3, "Sans gluten")];
        let names = |typed| {
            tag_suggestions(&tags, typed)
                .into_iter()
                .map(|tag| tag.name.as_str())
                .collect::<Vec<_>>()
        };
        assert_eq!(names("vip"), vec!["VIP"]);
        assert_eq!(names("vege"), vec!["Végétarien"]);
        assert_eq!(names(" GLUT"), vec!["Sans gluten"]);
        assert_eq!(names(""), Vec::<&str>::new());
        assert_eq!(names("café"), Vec::<&str>::new());
    }

    #[test]
    fn a_label_needs_a_letter_or_digit_and_fits_the_column() {
        assert_eq!(valid_label_name("  VIP ").as_deref(), Ok("VIP"));
        assert_eq!(valid_label_name("Café ☕").as_deref(), Ok("Café ☕"));
        for (typed, problem) in [
            ("", FieldProblem::Required),
            ("★ ★", FieldProblem::LetterOrDigit),
            ("a\u{7}b", FieldProblem::ControlCharacters),
            (&"x".repeat(41), FieldProblem::TooLong { max: 40 }),
        ] {
            assert_eq!(
                valid_label_name(typed),
                Err(AppError::invalid("name", problem)),
                "{typed:?}"
            );
        }
    }
}
