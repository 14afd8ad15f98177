//! What every request can reach: the database, settings, the password hasher and the mailer,
//! beside the Leptos options the server renders with. The server's state, not a rule: services
//! take what they need of it as plain arguments.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;

use crate::services::accounts::passwords::PasswordHasher;
use crate::services::config::AppConfig;
use crate::services::db::Db;
use crate::services::mail::Mailer;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    pub config: Arc<AppConfig>,
    pub hasher: PasswordHasher,
    pub mailer: Mailer,
}
