//! SeaORM entities, one per table; the rules live in `services`, not here.

pub mod api_key;
pub mod audit_event;
pub mod client;
pub mod client_import;
pub mod client_import_refusal;
pub mod client_label;
pub mod client_note;
pub mod client_search_term;
pub mod consent_change;
pub mod earned_reward;
pub mod invitation;
pub mod label;
pub mod ledger_entry;
pub mod login_failure;
pub mod mail_automation;
pub mod mail_campaign;
pub mod member_card;
pub mod outgoing_mail;
pub mod password_reset_token;
pub mod programme;
pub mod reward;
pub mod session;
pub mod shop;
pub mod shop_best_client;
pub mod shop_day;
pub mod user;
