//! What every request can reach: the database, settings, the password hasher and the mailer.

use std::sync::Arc;

use super::db::Db;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;

use super::config::AppConfig;
use super::mail::Mailer;
use super::passwords::PasswordHasher;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    pub config: Arc<AppConfig>,
    pub hasher: PasswordHasher,
    pub mailer: Mailer,
}
