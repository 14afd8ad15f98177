//! The start-up decision of `server serve`: the demo shop only when asked for.

use app::entities::shop;
use app::services::accounts::passwords::PasswordHasher;
use app::services::demo::DEMO_EMAIL;
use sea_orm::{EntityTrait, PaginatorTrait};
use server::startup::prepare_to_serve;

use crate::support::fresh_database;

#[tokio::test]
async fn serving_a_fresh_database_without_demo_creates_no_shop() {
    let db = fresh_database().await;
    let hasher = PasswordHasher::default();
    let demo_login_works = prepare_to_serve(&db, &hasher, false)
        .await
        .expect("prepared");
    assert!(!demo_login_works);
    assert_eq!(shop::Entity::find().count(&db).await.expect("shops"), 0);
}

#[tokio::test]
async fn serving_with_demo_loads_it_once_and_it_stays_without_the_flag() {
    let db = fresh_database().await;
    let hasher = PasswordHasher::default();
    assert!(prepare_to_serve(&db, &hasher, true).await.expect("demo"));
    assert!(prepare_to_serve(&db, &hasher, true).await.expect("again"));
    assert_eq!(shop::Entity::find().count(&db).await.expect("shops"), 1);
    // A later start without the flag keeps the data and still shows the demo login.
    assert!(prepare_to_serve(&db, &hasher, false).await.expect("plain"));
    let owner = app::entities::user::Entity::find()
        .all(&db)
        .await
        .expect("users");
    assert!(owner.iter().any(|user| user.email == DEMO_EMAIL));
}
