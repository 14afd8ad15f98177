//! What `server serve` does to a migrated database before it listens: the demo shop, with its
//! published password, is loaded only when asked for, never on a production first start.

use app::entities::user;
use app::model::error::AppError;
use app::services::accounts::passwords::PasswordHasher;
use app::services::db::Db;
use app::services::demo::{DEMO_EMAIL, load_demo};
use sea_orm::{ColumnTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter};

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("database: {0}")]
    Database(#[from] DbErr),
    #[error("{0}")]
    App(#[from] AppError),
}

/// Loads the demo shop when `with_demo` (`serve --demo`) and it is missing. Returns whether the
/// demo login works on this database, so the server prints it only then.
pub async fn prepare_to_serve(
    db: &Db,
    hasher: &PasswordHasher,
    with_demo: bool,
) -> Result<bool, StartupError> {
    if with_demo {
        load_demo(db, hasher).await?;
    }
    Ok(user::Entity::find()
        .filter(user::Column::Email.eq(DEMO_EMAIL))
        .count(db)
        .await?
        > 0)
}
