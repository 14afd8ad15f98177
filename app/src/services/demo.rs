//! A demo shop with French clients and some history, so a first start has something to try.

use chrono::{Duration, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use super::accounts::auth::create_shop_with_owner;
use super::accounts::passwords::PasswordHasher;
use super::audit::Actor;
use super::clients::edit::{SharedPhone, create_client};
use super::clients::lookup::find_in_shop;
use super::db::Db;
use super::ledger::record_transaction;
use super::{db_error, update_in_shop};
use crate::entities::{client, user};
use crate::model::client::ClientForm;
use crate::model::error::AppError;
use crate::model::ledger::{RecordRequest, TransactionForm};

pub const DEMO_SHOP: &str = "Boulangerie du Marché (démo)";
pub const DEMO_EMAIL: &str = "demo@comptoir.localhost";
pub const DEMO_PASSWORD: &str = "Baguette-2026";

pub const FIRST_NAMES: &[&str] = &[
    "Hélène",
    "Jean-Pierre",
    "Marie",
    "Léa",
    "Chloé",
    "Gaëlle",
    "François",
    "Noël",
    "Zoé",
    "Éloïse",
    "Paul",
    "Camille",
    "Lucas",
    "Inès",
    "Théo",
    "Manon",
    "Hugo",
    "Jade",
    "Louis",
    "Anaïs",
    "Raphaël",
    "Sébastien",
    "Céline",
    "Jérôme",
    "Aurélie",
    "Mathéo",
    "Maëlys",
    "Benoît",
    "Agnès",
    "Loïc",
];
pub const LAST_NAMES: &[&str] = &[
    "Dupont",
    "Durand",
    "Dubois",
    "Dumas",
    "Dupuis",
    "Martin",
    "Bernard",
    "Thomas",
    "Petit",
    "Robert",
    "Richard",
    "Moreau",
    "Laurent",
    "Lefèvre",
    "Roux",
    "Fournier",
    "Girard",
    "Bonnet",
    "Lambert",
    "Fontaine",
    "Rousseau",
    "Vincent",
    "Muller",
    "Lefebvre",
    "Faure",
    "André",
    "Mercier",
    "Blanc",
    "Guérin",
    "Boyer",
    "Garnier",
    "Chevalier",
    "François",
    "Legrand",
    "Gauthier",
    "Garcia",
    "Perrin",
    "Robin",
    "Clément",
    "Morin",
    "Nicolas",
    "Henry",
    "Roussel",
    "Mathieu",
    "Gautier",
    "Masson",
    "Marchand",
    "Duval",
    "Denis",
    "Lemaire",
    "L'Hôte",
    "Le Gall",
    "Cœurderoy",
];
pub const CITIES: &[(&str, &str)] = &[
    ("Paris", "75011"),
    ("Lyon", "69003"),
    ("Marseille", "13001"),
    ("Toulouse", "31000"),
    ("Nice", "06000"),
    ("Nantes", "44000"),
    ("Strasbourg", "67000"),
    ("Montpellier", "34000"),
    ("Bordeaux", "33000"),
    ("Lille", "59000"),
    ("Rennes", "35000"),
    ("Bourg-en-Bresse", "01000"),
    ("Ajaccio", "20000"),
    ("Saint-Denis", "97400"),
    ("Saint-Étienne", "42000"),
];

/// A deterministic French client for `index`: the same index always gives the same person.
pub fn generated_client(index: u64) -> ClientForm {
    // A multiplicative hash spreads consecutive indexes over the name lists.
    let mix = index.wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(17);
    let pick = |list_len: usize, salt: u64| {
        ((mix ^ salt.wrapping_mul(0xA24B_AED4_963E_E407)) % list_len as u64) as usize
    };
    let first_name = FIRST_NAMES[pick(FIRST_NAMES.len(), 1)];
    let last_name = LAST_NAMES[pick(LAST_NAMES.len(), 2)];
    let (city, postal_code) = CITIES[pick(CITIES.len(), 3)];
    let mobile_prefix = if mix.is_multiple_of(3) { "07" } else { "06" };
    let subscriber = (mix >> 8) % 100_000_000;
    let ascii = |text: &str| {
        deunicode::deunicode(text)
            .to_lowercase()
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect::<String>()
    };
    ClientForm {
        civility: ["mme", "m", "nc"][pick(3, 4)].into(),
        first_name: first_name.into(),
        last_name: last_name.into(),
        email: format!(
            "{}.{}{}@exemple.fr",
            ascii(first_name),
            ascii(last_name),
            index
        ),
        phone: format!("{mobile_prefix}{subscriber:08}"),
        address: format!("{} rue de la République", 1 + mix % 120),
        postal_code: postal_code.into(),
        city: city.into(),
        country: String::new(),
        birth_date: String::new(),
        note: String::new(),
    }
}

/// Creates the demo shop unless its owner already exists. Returns whether it was created.
pub async fn load_demo(db: &Db, hasher: &PasswordHasher) -> Result<bool, AppError> {
    let exists = user::Entity::find()
        .filter(user::Column::Email.eq(DEMO_EMAIL))
        .one(db)
        .await
        .map_err(db_error)?;
    if exists.is_some() {
        return Ok(false);
    }
    let owner = Actor::cli(
        create_shop_with_owner(
            db,
            hasher,
            DEMO_SHOP,
            "Camille Boulanger",
            DEMO_EMAIL,
            DEMO_PASSWORD,
        )
        .await?,
    );
    for index in 0..40 {
        let client =
            create_client(db, &owner, &generated_client(index), SharedPhone::Refuse).await?;
        for visit in 0..(index % 4) {
            let request = RecordRequest {
                client_id: client.id,
                form: TransactionForm {
                    points: (3 + (index + visit) % 9).to_string(),
                    amount: format!("{},{:02}", 3 + index % 20, (index * 7) % 100),
                    items: String::new(),
                },
                idempotency_key: Uuid::new_v4(),
            };
            record_transaction(db, &owner, &request).await?;
        }
    }
    for (first_name, last_name, email) in FORMER_CLIENTS {
        let mut form = generated_client(0);
        form.first_name = (*first_name).to_owned();
        form.last_name = (*last_name).to_owned();
        form.email = (*email).to_owned();
        form.phone = String::new();
        let created = create_client(db, &owner, &form, SharedPhone::Refuse).await?;
        backdate(db, owner.shop_id, created.id).await?;
    }
    Ok(true)
}

/// Files brought from the shop's previous till whose clients never came since: the inactive
/// clients page has someone to show.
pub const FORMER_CLIENTS: &[(&str, &str, &str)] = &[
    ("Gisèle", "Vasseur", "gisele.vasseur@exemple.fr"),
    ("Roland", "Peyrac", "roland.peyrac@exemple.fr"),
    ("Odette", "Marchal", "odette.marchal@exemple.fr"),
    ("Lucien", "Brès", "lucien.bres@exemple.fr"),
];

async fn backdate(db: &Db, shop_id: i64, client_id: i64) -> Result<(), AppError> {
    let found = find_in_shop(db, shop_id, client_id).await?;
    let years_ago = Utc::now() - Duration::days(4 * 365);
    let mut older: client::ActiveModel = found.into();
    older.created_at = Set(years_ago);
    older.updated_at = Set(years_ago);
    update_in_shop(db, older, client::Column::ShopId, shop_id).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_clients_pass_the_form_rules() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default();
        for index in 0..2000 {
            assert!(
                generated_client(index)
                    .validate(today, crate::model::country::Country::France)
                    .is_ok(),
                "{:?}",
                generated_client(index)
            );
        }
    }

    #[tokio::test]
    async fn the_demo_loads_once() {
        let db = crate::services::db::connect_for_tests().await.expect("db");
        let hasher = PasswordHasher::with_concurrency(2);
        assert!(load_demo(&db, &hasher).await.expect("first load"));
        assert!(!load_demo(&db, &hasher).await.expect("second load"));
    }

    #[tokio::test]
    async fn the_demo_has_former_clients_for_the_inactive_list() {
        let db = crate::services::db::connect_for_tests().await.expect("db");
        let hasher = PasswordHasher::with_concurrency(2);
        load_demo(&db, &hasher).await.expect("load");
        let three_years_ago = Utc::now() - Duration::days(3 * 366);
        let former = client::Entity::find()
            .filter(client::Column::CreatedAt.lt(three_years_ago))
            .filter(client::Column::LastVisitAt.is_null())
            .all(&db)
            .await
            .expect("read");
        assert_eq!(former.len(), FORMER_CLIENTS.len());
    }
}
