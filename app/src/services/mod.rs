//! Server-only rules, each module taking a `&DatabaseConnection` and testable without Leptos.

pub mod audit;
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
pub mod throttle;
pub mod time;
pub mod tokens;

#[cfg(test)]
mod ledger_invariants;
#[cfg(test)]
pub(crate) mod test_support;

use crate::model::error::AppError;

/// The first row of `page`; a page number no list can reach is bad input, not an overflow.
pub(crate) fn page_offset(page: u64, page_size: u64) -> Result<u64, AppError> {
    const LAST_PAGE: u64 = 1_000_000;
    if page > LAST_PAGE {
        return Err(AppError::invalid(
            "page",
            crate::model::error::FieldProblem::InvalidChoice,
        ));
    }
    Ok(page * page_size)
}

/// A database failure is the server's fault: log the cause, show the user a generic message.
pub(crate) fn db_error(error: sea_orm::DbErr) -> AppError {
    tracing::error!(%error, "database error");
    AppError::Internal
}
