//! The password policy: one set of rules, checked in the browser as the user types and again on
//! the server before any hash is made.

use serde::{Deserialize, Serialize};

/// Longest password accepted: OWASP ASVS asks for at least 64; argon2 does not care beyond that.
pub const MAX_PASSWORD_CHARS: usize = 128;
pub const MIN_PASSWORD_CHARS: usize = 8;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PasswordRule {
    MinLength,
    Digit,
    Uppercase,
    Special,
    MaxLength,
    NotCommon,
}

/// The rules shown to the user, in display order, with whether `password` meets each.
pub fn password_rules(password: &str) -> [(PasswordRule, bool); 4] {
    [
        (
            PasswordRule::MinLength,
            password.chars().count() >= MIN_PASSWORD_CHARS,
        ),
        (
            PasswordRule::Digit,
            password.chars().any(|c| c.is_ascii_digit()),
        ),
        (
            PasswordRule::Uppercase,
            password.chars().any(char::is_uppercase),
        ),
        (PasswordRule::Special, password.chars().any(is_special)),
    ]
}

/// Every rule `password` breaks, including the ones not listed in the checklist
/// (too long, too common).
pub fn unmet_password_rules(password: &str) -> Vec<PasswordRule> {
    let mut unmet: Vec<PasswordRule> = password_rules(password)
        .into_iter()
        .filter(|(_, met)| !met)
        .map(|(rule, _)| rule)
        .collect();
    if password.chars().count() > MAX_PASSWORD_CHARS {
        unmet.push(PasswordRule::MaxLength);
    }
    if is_common(password) {
        unmet.push(PasswordRule::NotCommon);
    }
    unmet
}

fn is_special(c: char) -> bool {
    !c.is_alphanumeric() && !c.is_control()
}

/// Passwords that meet the four rules yet top every leaked-password list, in French shops too.
const COMMON_PASSWORDS: &[&str] = &[
    "password1!",
    "password123!",
    "p@ssw0rd",
    "p@ssword1",
    "passw0rd!",
    "azerty123!",
    "azerty1!",
    "azertyuiop1!",
    "motdepasse1!",
    "m0tdepasse!",
    "bonjour123!",
    "soleil123!",
    "qwerty123!",
    "welcome1!",
    "welcome123!",
    "admin123!",
    "changeme1!",
    "123456789a!",
    "abcd1234!",
    "iloveyou1!",
    "comptoir1!",
    "comptoir123!",
];

fn is_common(password: &str) -> bool {
    let lowered = password.to_lowercase();
    COMMON_PASSWORDS.contains(&lowered.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_meeting_every_rule_is_accepted() {
        assert!(unmet_password_rules("Croissant-2026").is_empty());
    }

    #[test]
    fn each_missing_rule_is_reported() {
        assert_eq!(
            unmet_password_rules("abc"),
            vec![
                PasswordRule::MinLength,
                PasswordRule::Digit,
                PasswordRule::Uppercase,
                PasswordRule::Special
            ]
        );
        assert_eq!(
            unmet_password_rules("Abcdefgh1"),
            vec![PasswordRule::Special]
        );
        assert_eq!(
            unmet_password_rules("abcdefg1!"),
            vec![PasswordRule::Uppercase]
        );
    }

    #[test]
    fn accented_capitals_and_symbols_count() {
        assert!(unmet_password_rules("Éclair€2026").is_empty());
    }

    #[test]
    fn common_and_overlong_passwords_are_refused() {
        assert_eq!(
            unmet_password_rules("Azerty123!"),
            vec![PasswordRule::NotCommon]
        );
        let long = format!("A1!{}", "x".repeat(MAX_PASSWORD_CHARS));
        assert_eq!(unmet_password_rules(&long), vec![PasswordRule::MaxLength]);
    }
}
