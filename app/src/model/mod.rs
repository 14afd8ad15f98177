//! Types and rules shared by the server and the browser.

/// `ALL`, `code()` and `from_code()` for an enum stored by its code: the codes never change once
/// released.
macro_rules! coded {
    ($type:ty { $($variant:ident => $code:literal),+ $(,)? }) => {
        impl $type {
            pub const ALL: &'static [$type] = &[$(<$type>::$variant),+];

            pub fn code(self) -> &'static str {
                match self {
                    $(<$type>::$variant => $code),+
                }
            }

            pub fn from_code(code: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|value| value.code() == code)
            }
        }
    };
}

pub mod api_keys;
pub mod audit;
pub mod auth;
pub mod campaigns;
pub mod cards;
pub mod client;
pub mod client_file;
pub mod country;
pub mod credit;
pub mod dashboard;
pub mod error;
pub mod exports;
pub mod fields;
pub mod gift_cards;
pub mod imports;
pub mod labels;
pub mod ledger;
pub mod money;
pub mod offline;
pub mod password;
pub mod phone;
pub mod programme;
pub mod retention;
pub mod rewards;
pub mod routes;
pub mod search;
pub mod sheets;
pub mod support;
pub mod team;
pub mod terms;
pub mod tickets;
