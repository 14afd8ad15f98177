//! SeaORM entities, one per table; the rules live in `services`, not here.

pub mod client;
pub mod client_search_term;
pub mod ledger_entry;
pub mod password_reset_token;
pub mod session;
pub mod shop;
pub mod user;
