//! The Comptoir server: the axum router around the Leptos app, shared by the binary and the tests.
#![recursion_limit = "512"]

pub mod assets;
pub mod export;
pub mod health;
pub mod http_client;
pub mod import;
pub mod jobs;
pub mod measure;
pub mod precompress;
pub mod rest;
pub mod router;
pub mod security;
pub mod startup;
pub mod unsubscribe;
