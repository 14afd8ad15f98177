//! The member card: a token printed as a QR code that opens the client's card page on a phone
//! and, typed by a till's scanner into the search box, finds the client. The token is random,
//! not the client's id nor phone; it is replaced when a card is lost, and the old one is refused.

use serde::{Deserialize, Serialize};

/// Where a card's page is: `/carte/{shop}-{token}`, with no session.
pub const CARD_PATH: &str = "/carte";
/// Characters of a token: 100 random bits in Crockford's base 32.
pub const TOKEN_CHARS: usize = 20;
/// Crockford's base 32: no I, L, O or U, so a token read aloud or copied by hand stays right.
pub const TOKEN_ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";

/// The card's page, which its QR code holds: the shop names where to look, the token is the key.
pub fn card_link(public_url: &str, shop_id: i64, token: &str) -> String {
    format!("{public_url}{CARD_PATH}/{shop_id}-{token}")
}

/// The shop and the token of a card page's address segment (`12-ab3de…`), if it is one.
pub fn read_card_address(segment: &str) -> Option<(i64, String)> {
    let (shop, token) = segment.split_once('-')?;
    let shop_id = shop.parse().ok()?;
    Some((shop_id, read_token(token)?))
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

/// A card typed at the till.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypedCard {
    pub token: String,
    /// The card's address, as a scanner types it: surely a card, never a name to search.
    pub scanned: bool,
}

/// The card in what a scanner typed or a person copied: the card's address, the token in one
/// word or in its printed groups of five, in either case; I and L read as 1, O as 0, as
/// Crockford's base 32 reads them. `None` when the text is not a card's: a name, a phone, a
/// city with its postal code.
pub fn card_in(text: &str) -> Option<TypedCard> {
    let text = text.trim();
    if let Some(at) = text.rfind(&format!("{CARD_PATH}/")) {
        let segment = text[at + CARD_PATH.len() + 1..]
            .split(['?', '#', '/'])
            .next()
            .unwrap_or_default();
        let token = match read_card_address(segment) {
            Some((_, token)) => token,
            None => read_token(segment)?,
        };
        return Some(TypedCard {
            token,
            scanned: true,
        });
    }
    let groups: Vec<&str> = text.split([' ', '-']).collect();
    let printed = groups.len() == TOKEN_CHARS / 5 && groups.iter().all(|group| group.len() == 5);
    if groups.len() > 1 && !printed {
        return None;
    }
    Some(TypedCard {
        token: read_token(&groups.concat())?,
        scanned: false,
    })
}

/// A token of `TOKEN_CHARS` characters, read as Crockford's base 32 reads it.
fn read_token(candidate: &str) -> Option<String> {
    let mut token = String::with_capacity(TOKEN_CHARS);
    for c in candidate.chars() {
        let c = match c.to_ascii_lowercase() {
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
        for (typed, scanned) in [
            (TOKEN, false),
            (
                "https://boulangerie.example/carte/12-ab3de5fgh6jk7mn8pq9r",
                true,
            ),
            (
                "http://127.0.0.1:3000/carte/3-ab3de5fgh6jk7mn8pq9r?x=1",
                true,
            ),
            (" AB3DE 5FGH6 JK7MN 8PQ9R ", false),
            ("ab3de-5fgh6-jk7mn-8pq9r", false),
        ] {
            assert_eq!(
                card_in(typed),
                Some(TypedCard {
                    token: TOKEN.to_owned(),
                    scanned
                }),
                "{typed}"
            );
        }
        assert_eq!(printed_token(TOKEN), "ab3de 5fgh6 jk7mn 8pq9r");
        assert_eq!(
            read_card_address(&format!("12-{TOKEN}")),
            Some((12, TOKEN.to_owned()))
        );
        assert_eq!(
            card_link("https://b.example", 12, TOKEN),
            format!("https://b.example/carte/12-{TOKEN}")
        );
    }

    #[test]
    fn letters_misread_by_hand_are_read_as_crockford_reads_them() {
        let read = |typed: &str| card_in(typed).map(|card| card.token);
        assert_eq!(
            read("ab3de5fgh6jk7mn8pq9I").as_deref(),
            Some("ab3de5fgh6jk7mn8pq91")
        );
        assert_eq!(
            read("Ob3de5fgh6jk7mn8pq9r").as_deref(),
            Some("0b3de5fgh6jk7mn8pq9r")
        );
    }

    #[test]
    fn names_phones_and_other_addresses_are_not_cards() {
        for typed in [
            "dupont",
            "06 12 34 56 78",
            "Catherine Martin 75018",
            "Lola Dupont-Moreau 69003",
            "abcdefghjkmnpqrstvwx",
            "ab3de5fgh6jk7mn8pq9",
            "ab3de5fgh6jk7mn8pq9r5",
            "ab3de5fgh6jk7mn8pq9u",
            "ab3de 5fgh6jk7mn 8pq9r",
            "hélène3de5fgh6jk7mn8",
            "https://example.com/clients/12",
            "",
        ] {
            assert_eq!(card_in(typed), None, "{typed}");
        }
        assert_eq!(read_card_address("x-ab3de5fgh6jk7mn8pq9r"), None);
        assert_eq!(read_card_address("ab3de5fgh6jk7mn8pq9r"), None);
    }
}
