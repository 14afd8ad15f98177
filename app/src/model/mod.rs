//! Types and rules shared by the server and the browser.

pub mod audit;
pub mod auth;
pub mod client;
pub mod client_file;
pub mod error;
pub mod ledger;
pub mod money;
pub mod password;
pub mod phone;
pub mod team;
