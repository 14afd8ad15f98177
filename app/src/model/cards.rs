//! The member card: a token printed as a QR code that opens the client's card page on a phone
//! and, typed by a till's scanner into the search box, finds the client. The token is random,
//! not the client's id nor phone; it is replaced when a card is lost, and the old one is refused.

use serde::{Deserialize, Serialize};

/// Where a card's page is: `/carte/{token}`, with no session.
pub const CARD_PATH: &str = "/carte";
/// Characters of a token: 100 random bits in Crockford's base 32.
pub const TOKEN_CHARS: usize = 20;
/// Crockford's base 32: no I, L, O or U, so a token read aloud or copied by hand stays right.
pub const TOKEN_ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";

/// The card's page, which its QR code holds.
pub fn card_link(public_url: &str, token: &str) -> String {
    format!("{public_url}{CARD_PATH}/{token}")
}

/// The token as printed under the QR code, in groups of five: `ab3de 5fgh6 …`.
pub fn printed_token(token: &str) -> String {
    token
        .as_bytes()
        .chunks(5)
        .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The token in what a scanner typed or a person copied: the card's address, or the token alone
/// with or without its spaces, in either case; I and L read as 1, O as 0, as Crockford's base 32
/// reads them. `None` when the text is not a card's.
pub fn card_token_in(text: &str) -> Option<String> {
    let text = text.trim();
    let candidate = match text.rfind(&format!("{CARD_PATH}/")) {
        Some(at) => {
            let rest = &text[at + CARD_PATH.len() + 1..];
            rest.split(['?', '#', '/']).next().unwrap_or_default()
        }
        None => text,
    };
    let mut token = String::with_capacity(TOKEN_CHARS);
    for c in candidate.chars() {
        let c = match c.to_ascii_lowercase() {
            ' ' | '-' => continue,
            'i' | 'l' => '1',
            'o' => '0',
            c => c,
        };
        if !c.is_ascii() || !TOKEN_ALPHABET.contains(&(c as u8)) {
            return None;
        }
        token.push(c);
    }
    // A word of twenty letters is a name, not a card: every token has a digit (`services`).
    let is_token = token.len() == TOKEN_CHARS && token.chars().any(|c| c.is_ascii_digit());
    is_token.then_some(token)
}

/// What the till's search found for a card's token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CardScan {
    /// The client's card: the search's only row.
    Found,
    /// A card replaced since (lost, stolen): the client has a newer one.
    Replaced,
    /// No card of this shop has this token.
    Unknown,
}

/// A client's current card, for the client's page and the printed card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberCard {
    pub token: String,
    /// The card's page, which the QR code holds.
    pub link: String,
    /// The QR code of `link`, as an SVG document made on the server.
    pub qr_svg: String,
    pub shop_name: String,
    pub client_name: String,
    /// In the shop's time zone, `23/11/2026`.
    pub issued_on: String,
}

/// What a card's page shows to whoever holds the card, with no session: nothing else.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicCard {
    pub shop_name: String,
    pub first_name: String,
    pub points: i64,
    /// The reward to claim first, and how many wait in all.
    pub reward: Option<String>,
    pub rewards_waiting: u32,
    pub qr_svg: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "ab3de5fgh6jk7mn8pq9r";

    #[test]
    fn a_scanned_address_a_bare_token_and_a_printed_one_give_the_token() {
        for typed in [
            TOKEN,
            "https://boulangerie.example/carte/ab3de5fgh6jk7mn8pq9r",
            "http://127.0.0.1:3000/carte/ab3de5fgh6jk7mn8pq9r?x=1",
            " AB3DE 5FGH6 JK7MN 8PQ9R ",
            "ab3de-5fgh6-jk7mn-8pq9r",
        ] {
            assert_eq!(card_token_in(typed).as_deref(), Some(TOKEN), "{typed}");
        }
        assert_eq!(
            card_token_in("ab3de5fgh6jk7mn8pq9r").map(|token| printed_token(&token)),
            Some("ab3de 5fgh6 jk7mn 8pq9r".to_owned())
        );
    }

    #[test]
    fn letters_misread_by_hand_are_read_as_crockford_reads_them() {
        assert_eq!(
            card_token_in("ab3de5fgh6jk7mn8pq9I").as_deref(),
            Some("ab3de5fgh6jk7mn8pq91")
        );
        assert_eq!(
            card_token_in("Ob3de5fgh6jk7mn8pq9r").as_deref(),
            Some("0b3de5fgh6jk7mn8pq9r")
        );
    }

    #[test]
    fn names_phones_and_other_addresses_are_not_cards() {
        for typed in [
            "dupont",
            "06 12 34 56 78",
            "abcdefghjkmnpqrstvwx",
            "ab3de5fgh6jk7mn8pq9",
            "ab3de5fgh6jk7mn8pq9r5",
            "ab3de5fgh6jk7mn8pq9u",
            "hélène3de5fgh6jk7mn8",
            "https://example.com/clients/12",
            "",
        ] {
            assert_eq!(card_token_in(typed), None, "{typed}");
        }
    }
}
