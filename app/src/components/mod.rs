//! Reusable pieces of the pages.

pub mod activity_table;
pub mod chart;
pub mod client_form;
pub mod consent_dialog;
pub mod day_range;
pub mod duplicate_offer;
pub mod earned_rewards;
pub mod enrol_dialog;
pub mod errors;
pub mod field;
pub mod form_state;
pub mod history_table;
pub mod labels;
pub mod latest;
pub mod layout;
pub mod merge_dialog;
pub mod modal;
pub mod modify_dialog;
pub mod pager;
pub mod password_rules;
pub mod points_form;
pub mod programme;
pub mod pwa;
pub mod session;
pub mod transaction_dialog;
