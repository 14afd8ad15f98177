//! Fixtures for service tests: a migrated in-memory database with a shop and its owner.

use sea_orm::DatabaseConnection;

use super::auth::create_shop_with_owner;
use super::db::connect_for_tests;
use super::passwords::PasswordHasher;
use crate::model::auth::CurrentUser;
use crate::model::client::ClientForm;

pub const OWNER_PASSWORD: &str = "Croissant-2026";

pub struct TestShop {
    pub db: DatabaseConnection,
    pub hasher: PasswordHasher,
    pub owner: CurrentUser,
}

impl TestShop {
    pub async fn new() -> Self {
        let db = connect_for_tests().await.expect("in-memory database");
        let hasher = PasswordHasher::with_concurrency(2);
        let owner = create_shop_with_owner(
            &db,
            &hasher,
            "Boulangerie Test",
            "Odile Owner",
            "odile@exemple.fr",
            OWNER_PASSWORD,
        )
        .await
        .expect("shop");
        Self { db, hasher, owner }
    }

    /// The owner of a second shop in the same database.
    pub async fn other_shop(&self) -> CurrentUser {
        create_shop_with_owner(
            &self.db,
            &self.hasher,
            "Fleuriste Voisin",
            "Victor Voisin",
            "victor@exemple.fr",
            OWNER_PASSWORD,
        )
        .await
        .expect("other shop")
    }
}

pub fn client_form(first_name: &str, last_name: &str) -> ClientForm {
    ClientForm {
        civility: "mme".into(),
        first_name: first_name.into(),
        last_name: last_name.into(),
        email: format!(
            "{}.{}@exemple.fr",
            first_name.to_lowercase(),
            last_name.to_lowercase()
        )
        .replace(
            |c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '@'),
            "",
        ),
        ..ClientForm::default()
    }
}
