//! One page per file.

pub mod account;
pub mod api_keys;
pub mod audit;
pub mod campaigns;
pub mod card;
pub mod client_file;
pub mod clients;
pub mod dashboard;
pub mod forgot_password;
pub mod gift_cards;
pub mod groups;
pub mod imports;
pub mod journal;
pub mod login;
pub mod not_found;
pub mod points;
pub mod programme;
pub mod reset_password;
pub mod retention;
pub mod support;
pub mod team;
pub mod till;
pub mod unsubscribe;
