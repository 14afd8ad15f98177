use leptos::prelude::*;

use crate::model::audit::{AuditFilter, AuditPage};
use crate::model::error::AppError;

/// The shop's audit log; owners only.
#[server(endpoint = "audit-log", input = server_fn::codec::Json)]
pub async fn audit_log(filter: AuditFilter) -> Result<AuditPage, AppError> {
    use super::support::require_user;
    let (state, user) = require_user().await?;
    crate::services::audit::list(&state.db, &user, &filter).await
}
