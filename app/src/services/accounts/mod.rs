//! Accounts: signing in and sessions, reset and invitation links, the owner's team; and what
//! they rest on: password hashing, login throttling, secrets.

pub mod api_keys;
pub mod auth;
pub mod passwords;
pub mod team;
pub mod throttle;
pub mod tokens;
