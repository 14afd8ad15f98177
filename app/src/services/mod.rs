//! Server-only rules, each module taking a `&DatabaseConnection` and testable without Leptos.

pub mod auth;
pub mod clients;
pub mod config;
pub mod db;
pub mod demo;
pub mod ledger;
pub mod mail;
pub mod passwords;
pub mod state;
pub mod text;
pub mod time;
pub mod tokens;

#[cfg(test)]
pub(crate) mod test_support;

use crate::model::error::AppError;

/// A database failure is the server's fault: log the cause, show the user a generic message.
pub(crate) fn db_error(error: sea_orm::DbErr) -> AppError {
    tracing::error!(%error, "database error");
    AppError::Internal
}
