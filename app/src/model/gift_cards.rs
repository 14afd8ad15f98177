//! Gift cards ("cartes-cadeaux", seed 002): sold at the till for an amount, spent in one or
//! several times until used up, found by the code printed on them (typed, or scanned from its
//! QR code into the till's search). Shared by the browser, which checks a sale before sending
//! it and knows a code when one is typed, and the server.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::error::{AppError, FieldErrors, FieldProblem};
use super::fields::{euros_in_range, text_field};

/// Printed before every code, so a code typed or scanned into the till's search is never taken
/// for a name.
pub const GIFT_CODE_PREFIX: &str = "KDO";
/// Characters after the prefix: 60 random bits in Crockford's base 32.
pub const GIFT_CODE_CHARS: usize = 12;
/// Crockford's base 32 in capitals, as printed: no I, L, O or U.
pub const GIFT_CODE_ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// The most one card may carry.
pub const MAX_GIFT_EUROS: i64 = 1_000;
pub const BENEFICIARY_MAX_CHARS: usize = 100;
pub const CANCEL_REASON_MAX_CHARS: usize = 200;
/// A card is valid one year unless the shop says otherwise.
pub const DEFAULT_VALIDITY_DAYS: i64 = 365;
/// Cards the shop's page lists, newest first.
pub const RECENT_GIFT_CARDS: u64 = 50;

/// `KDO-AB12-CD34-EF56`: the code as printed and as the QR code holds it.
pub fn printed_gift_code(code: &str) -> String {
    let groups: Vec<String> = code
        .as_bytes()
        .chunks(4)
        .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
        .collect();
    format!("{GIFT_CODE_PREFIX}-{}", groups.join("-"))
}

/// The code in what a scanner typed or a person copied: the prefix then the twelve characters,
/// with or without dashes or spaces, in either case; I and L read as 1, O as 0. `None` for
/// anything else (a name, a phone, a member card).
pub fn gift_code_in(text: &str) -> Option<String> {
    let text = text.trim();
    let prefix = text.get(..GIFT_CODE_PREFIX.len())?;
    if !prefix.eq_ignore_ascii_case(GIFT_CODE_PREFIX) {
        return None;
    }
    let mut code = String::with_capacity(GIFT_CODE_CHARS);
    for c in text[GIFT_CODE_PREFIX.len()..].chars() {
        let c = match c.to_ascii_uppercase() {
            '-' | ' ' => continue,
            'I' | 'L' => '1',
            'O' => '0',
            c => c,
        };
        if !c.is_ascii() || !GIFT_CODE_ALPHABET.contains(&(c as u8)) {
            return None;
        }
        code.push(c);
    }
    (code.len() == GIFT_CODE_CHARS).then_some(code)
}

/// A sale as typed at the till.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GiftCardForm {
    pub amount: String,
    /// The client who buys it, when it is one.
    #[serde(default)]
    pub buyer_client_id: Option<i64>,
    /// The client it is for, when it is one; else `beneficiary_name` says who.
    #[serde(default)]
    pub beneficiary_client_id: Option<i64>,
    pub beneficiary_name: String,
    /// `YYYY-MM-DD`; empty: one year from today.
    pub valid_until: String,
}

/// A sale that passed the rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GiftCardSale {
    pub amount_cents: i64,
    pub buyer_client_id: Option<i64>,
    pub beneficiary_client_id: Option<i64>,
    pub beneficiary_name: String,
    pub valid_until: NaiveDate,
}

impl GiftCardForm {
    /// Checks the sale on `today`, the shop's day.
    pub fn validate(&self, today: NaiveDate) -> Result<GiftCardSale, AppError> {
        let mut errors = FieldErrors::default();
        let amount_cents = euros_in_range(&mut errors, "amount", &self.amount, MAX_GIFT_EUROS);
        let beneficiary_name = text_field(
            &mut errors,
            "beneficiary_name",
            &self.beneficiary_name,
            self.beneficiary_client_id.is_none(),
            BENEFICIARY_MAX_CHARS,
            false,
        );
        let valid_until = match self.valid_until.trim() {
            "" => Some(today + chrono::Duration::days(DEFAULT_VALIDITY_DAYS)),
            text => match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
                Ok(day) if day < today => {
                    errors.add("valid_until", FieldProblem::DateInPast);
                    None
                }
                Ok(day) => Some(day),
                Err(_) => {
                    errors.add("valid_until", FieldProblem::InvalidDate);
                    None
                }
            },
        };
        errors.into_result()?;
        match (amount_cents, valid_until) {
            (Some(amount_cents), Some(valid_until)) => Ok(GiftCardSale {
                amount_cents,
                buyer_client_id: self.buyer_client_id,
                beneficiary_client_id: self.beneficiary_client_id,
                beneficiary_name: beneficiary_name.unwrap_or_default(),
                valid_until,
            }),
            _ => Err(AppError::invalid("amount", FieldProblem::Malformed)),
        }
    }
}

/// A sale, with the key made at the tap so a retry sells one card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GiftCardSaleRequest {
    pub form: GiftCardForm,
    pub idempotency_key: Uuid,
}

/// Spending part or all of what is left on a card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GiftCardSpendRequest {
    pub code: String,
    pub amount: String,
    pub idempotency_key: Uuid,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum GiftCardState {
    /// Something left to spend, not past its date.
    Valid,
    UsedUp,
    Expired,
    /// Cancelled by the owner, with a reason.
    Cancelled,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum GiftEntryKind {
    Sale,
    Spend,
    /// What was left when the owner cancelled the card (negative).
    Cancel,
}

coded!(GiftEntryKind {
    Sale => "sale",
    Spend => "spend",
    Cancel => "cancel",
});

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GiftEntryView {
    pub kind: GiftEntryKind,
    /// Signed cents.
    pub amount_cents: i64,
    pub author_name: String,
    pub recorded_at: String,
}

/// A card as its page and the printed card show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GiftCardView {
    /// As printed: `KDO-AB12-CD34-EF56`.
    pub code: String,
    pub shop_name: String,
    pub initial_cents: i64,
    pub balance_cents: i64,
    pub state: GiftCardState,
    /// `23/11/2027`.
    pub valid_until: String,
    pub buyer: Option<(i64, String)>,
    pub beneficiary_client_id: Option<i64>,
    /// The beneficiary client's name, or the name typed.
    pub beneficiary_name: String,
    pub sold_at: String,
    pub cancel_reason: Option<String>,
    pub entries: Vec<GiftEntryView>,
    /// The QR code of `code`, as an SVG element made on the server.
    pub qr_svg: String,
}

/// A card in a list: the shop's latest, or a client's bought and received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GiftCardLine {
    pub code: String,
    pub initial_cents: i64,
    pub balance_cents: i64,
    pub state: GiftCardState,
    pub valid_until: String,
    pub beneficiary_name: String,
    /// For a client's page: this client bought it (else received it).
    pub bought: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 4).expect("day")
    }

    #[test]
    fn a_code_is_read_as_printed_scanned_or_copied_by_hand() {
        let code = "AB12CD34EF56";
        assert_eq!(printed_gift_code(code), "KDO-AB12-CD34-EF56");
        for typed in [
            "KDO-AB12-CD34-EF56",
            " kdo ab12 cd34 ef56 ",
            "kdoab12cd34ef56",
            "KDO-AB12-CD34-EF56\n",
        ] {
            assert_eq!(gift_code_in(typed).as_deref(), Some(code), "{typed:?}");
        }
        assert_eq!(
            gift_code_in("KDO-AB12-CD34-EF5O").as_deref(),
            Some("AB12CD34EF50")
        );
        for not_a_code in [
            "Kdolan",
            "KDO-AB12",
            "Dupont",
            "06 12 34 56 78",
            "KDO-AB12-CD34-EF56-7",
            "KDO-ÀB12-CD34-EF56",
        ] {
            assert_eq!(gift_code_in(not_a_code), None, "{not_a_code:?}");
        }
    }

    #[test]
    fn a_sale_needs_an_amount_and_someone_it_is_for() {
        let form = GiftCardForm {
            amount: "50".into(),
            beneficiary_name: " Chloé ".into(),
            ..GiftCardForm::default()
        };
        let sale = form.validate(today()).expect("valid");
        assert_eq!(sale.amount_cents, 5000);
        assert_eq!(sale.beneficiary_name, "Chloé");
        assert_eq!(
            sale.valid_until,
            NaiveDate::from_ymd_opt(2027, 12, 4).expect("day")
        );
        let nobody = GiftCardForm {
            amount: "50".into(),
            ..GiftCardForm::default()
        };
        assert_eq!(
            nobody.validate(today()),
            Err(AppError::invalid(
                "beneficiary_name",
                FieldProblem::Required
            ))
        );
        let a_client = GiftCardForm {
            beneficiary_client_id: Some(3),
            ..nobody
        };
        assert!(a_client.validate(today()).is_ok());
        let too_much = GiftCardForm {
            amount: "1000,01".into(),
            valid_until: "2026-12-03".into(),
            ..form
        };
        assert_eq!(
            too_much
                .validate(today())
                .unwrap_err()
                .field_errors()
                .map(|errors| errors.0.len()),
            Some(2),
            "the amount and a date passed, both told"
        );
    }
}
