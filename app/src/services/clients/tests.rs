//! The client list's service tests, on the in-memory database with the real migrator.

use super::detail::get_client;
use super::edit::{SharedPhone, create_client, enrol_client, unlink_phone, update_client};
use super::lookup::find_by_contact;
use super::search::{first_page_ids, search_clients};

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

use crate::entities::{client, client_search_term};
use crate::model::audit::AuditKind;
use crate::model::auth::CurrentUser;
use crate::model::client::{
    ClientForm, ClientRow, EnrolForm, SEARCH_COUNT_CAP, SEARCH_PAGE_SIZE, SharedContact,
};
use crate::model::country::Country;
use crate::model::error::{AppError, FieldProblem};

use crate::entities::audit_event;
use crate::services::accounts::auth::set_shop_country;
use crate::services::audit::Actor;
use crate::services::test_support::{TestShop, client_form};

#[tokio::test]
async fn a_new_client_appears_in_the_list_with_zero_points() {
    let shop = TestShop::new().await;
    let row = shop.client("Hélène", "Dupont").await;
    assert_eq!(row.points_balance, 0);
    assert_eq!(row.last_visit, None);
    let page = search_clients(&shop.db, &shop.owner, "")
        .await
        .expect("search");
    assert_eq!(page.total, 1);
    assert_eq!(page.rows, vec![row]);
}

#[tokio::test]
async fn clients_from_abroad_keep_their_own_postal_codes_and_phones() {
    let shop = TestShop::new().await;
    let mut belgian = client_form("Lotte", "Peeters");
    belgian.country = "BE".into();
    belgian.postal_code = "1000".into();
    belgian.city = "Bruxelles".into();
    belgian.phone = "0470 12 34 56".into();
    let row = create_client(&shop.db, &shop.owner, &belgian, SharedPhone::Refuse)
        .await
        .expect("created");
    assert_eq!(row.country, Country::Belgium);
    assert_eq!(row.postal_code.as_deref(), Some("1000"));
    assert_eq!(row.phone.as_deref(), Some("+32 470 12 34 56"));
    let stored = client::Entity::find_by_id(row.id)
        .one(&shop.db)
        .await
        .expect("read")
        .expect("stored");
    assert_eq!(stored.country, "BE");
    assert_eq!(stored.phone.as_deref(), Some("+32470123456"));

    let mut luxembourger = client_form("Jos", "Weber");
    luxembourger.country = "LU".into();
    luxembourger.postal_code = "l 1234".into();
    luxembourger.phone = "+352 621 123 456".into();
    create_client(&shop.db, &shop.owner, &luxembourger, SharedPhone::Refuse)
        .await
        .expect("created");

    // Found by the number as the client gives it at home, in its + form, or by postal code.
    for (query, name) in [
        ("0470 12", "Peeters"),
        ("+32 470 12 34 56", "Peeters"),
        ("0032470", "Peeters"),
        ("1000", "Peeters"),
        ("L-1234", "Weber"),
        ("621 123", "Weber"),
    ] {
        let page = search_clients(&shop.db, &shop.owner, query)
            .await
            .expect("search");
        let names: Vec<&str> = page.rows.iter().map(|row| row.last_name.as_str()).collect();
        assert_eq!(names, vec![name], "{query}");
    }

    // Moving to Switzerland, the edit form showing the phone as stored: a French code is
    // refused and nothing saved changes.
    let mut moved = belgian.clone();
    moved.country = "CH".into();
    moved.phone = "+32 470 12 34 56".into();
    moved.postal_code = "74000".into();
    let refused = update_client(&shop.db, &shop.owner, row.id, &moved)
        .await
        .expect_err("refused");
    assert_eq!(
        refused
            .field_errors()
            .and_then(|errors| errors.get("postal_code")),
        Some(&FieldProblem::InvalidPostalCode {
            country: Country::Switzerland
        })
    );
    moved.postal_code = "1201".into();
    let updated = update_client(&shop.db, &shop.owner, row.id, &moved)
        .await
        .expect("moved");
    assert_eq!(updated.country, Country::Switzerland);
    assert_eq!(updated.phone.as_deref(), Some("+32 470 12 34 56"));
}

#[tokio::test]
async fn a_shop_abroad_enrols_its_clients_in_its_own_country() {
    let shop = TestShop::new().await;
    set_shop_country(&shop.db, shop.owner.shop_id, Country::Belgium)
        .await
        .expect("country");
    let owner = Actor::new(
        CurrentUser {
            country: Country::Belgium,
            ..shop.owner.user.clone()
        },
        "198.51.100.7",
    );
    let enrolled = enrol_client(
        &shop.db,
        &owner,
        &EnrolForm {
            phone: "0470 12 34 56".into(),
            first_name: "Lotte".into(),
        },
        SharedPhone::Refuse,
    )
    .await
    .expect("enrolled");
    assert_eq!(enrolled.country, Country::Belgium);
    assert_eq!(enrolled.phone.as_deref(), Some("+32 470 12 34 56"));
    let mut form = client_form("Anne", "Dubois");
    form.postal_code = "4000".into();
    let created = create_client(&shop.db, &owner, &form, SharedPhone::Refuse)
        .await
        .expect("created");
    assert_eq!(created.country, Country::Belgium);
}

#[tokio::test]
async fn search_ignores_case_and_accents_both_ways() {
    let shop = TestShop::new().await;
    shop.client("Hélène", "Dupont").await;
    shop.client("Œdipe", "Cœurdelion").await;
    for (query, expected) in [
        ("helene", "Hélène"),
        ("HÉLÈ", "Hélène"),
        ("oedi", "Œdipe"),
        ("coeur", "Œdipe"),
        ("dup hel", "Hélène"),
    ] {
        let page = search_clients(&shop.db, &shop.owner, query)
            .await
            .expect("search");
        assert_eq!(
            page.rows
                .iter()
                .map(|row| row.first_name.as_str())
                .collect::<Vec<_>>(),
            vec![expected],
            "{query}"
        );
    }
}

#[tokio::test]
async fn search_finds_phone_by_digits_in_any_format() {
    let shop = TestShop::new().await;
    let mut form = client_form("Jean-Pierre", "Martin");
    form.phone = "06 12 34 56 78".into();
    create_client(&shop.db, &shop.owner, &form, SharedPhone::Refuse)
        .await
        .expect("created");
    let mut other = client_form("Anne", "Petit");
    other.phone = "07 98 76 54 32".into();
    create_client(&shop.db, &shop.owner, &other, SharedPhone::Refuse)
        .await
        .expect("created");
    for query in [
        "06",
        "06 12",
        "+33 6 12",
        "06.12",
        "0612345678",
        "+33612345678",
    ] {
        let page = search_clients(&shop.db, &shop.owner, query)
            .await
            .expect("search");
        assert_eq!(page.rows.len(), 1, "{query}");
        assert_eq!(page.rows[0].phone.as_deref(), Some("06 12 34 56 78"));
    }
    assert_eq!(
        search_clients(&shop.db, &shop.owner, "06 13")
            .await
            .expect("search")
            .total,
        0
    );
}

#[tokio::test]
async fn search_matches_city_postal_code_email_and_hyphenated_names() {
    let shop = TestShop::new().await;
    let mut form = client_form("Jean-Pierre", "L'Hôte");
    form.city = "Lyon".into();
    form.postal_code = "69003".into();
    form.email = "jp.lhote@exemple.fr".into();
    create_client(&shop.db, &shop.owner, &form, SharedPhone::Refuse)
        .await
        .expect("created");
    for query in [
        "lyon",
        "6900",
        "69003",
        "jp.lhote",
        "exemple",
        "pierre",
        "jean pierre",
        "hote",
        "lhote",
    ] {
        assert_eq!(
            search_clients(&shop.db, &shop.owner, query)
                .await
                .expect("search")
                .total,
            1,
            "{query}"
        );
    }
    assert_eq!(
        search_clients(&shop.db, &shop.owner, "paris")
            .await
            .expect("search")
            .total,
        0
    );
}

#[tokio::test]
async fn a_second_file_for_the_same_email_or_phone_offers_the_first() {
    let shop = TestShop::new().await;
    let with_phone = |first_name: &str, phone: &str| ClientForm {
        phone: phone.into(),
        ..client_form(first_name, "Morel")
    };
    let lea = create_client(
        &shop.db,
        &shop.owner,
        &with_phone("Lea", "06 12 34 56 78"),
        SharedPhone::Refuse,
    )
    .await
    .expect("first");
    let duplicate = |answer: Result<ClientRow, AppError>| match answer {
        Err(AppError::DuplicateClient { existing, by }) => Some((existing.id, by)),
        _ => None,
    };
    // Same e-mail (same name, so same address in this fixture), no phone.
    let again = create_client(
        &shop.db,
        &shop.owner,
        &client_form("Lea", "Morel"),
        SharedPhone::Allow,
    )
    .await;
    assert_eq!(duplicate(again), Some((lea.id, SharedContact::Email)));
    // Same phone, another person: offered first, created once confirmed.
    let paul = with_phone("Paul", "+33 6 12 34 56 78");
    let offered = create_client(&shop.db, &shop.owner, &paul, SharedPhone::Refuse).await;
    assert_eq!(duplicate(offered), Some((lea.id, SharedContact::Phone)));
    let paul = create_client(&shop.db, &shop.owner, &paul, SharedPhone::Allow)
        .await
        .expect("confirmed");
    // At the till, a known phone offers the file too.
    let enrol = |phone: &str| EnrolForm {
        phone: phone.into(),
        first_name: String::new(),
    };
    let offered = enrol_client(
        &shop.db,
        &shop.owner,
        &enrol("0612345678"),
        SharedPhone::Refuse,
    )
    .await;
    assert_eq!(duplicate(offered), Some((lea.id, SharedContact::Phone)));
    // A new phone enrols a file named by its number until it is completed.
    let enrolled = enrol_client(
        &shop.db,
        &shop.owner,
        &enrol("07 11 22 33 44"),
        SharedPhone::Refuse,
    )
    .await
    .expect("enrolled");
    assert_eq!(enrolled.full_name(), "07 11 22 33 44");
    assert_eq!(enrolled.email, "");
    let found = search_clients(&shop.db, &shop.owner, "0711")
        .await
        .expect("search");
    assert_eq!(found.total, 1);
    // An edit may not take another client's e-mail.
    let taking_email = ClientForm {
        email: lea.email.clone(),
        ..with_phone("Paul", "06 12 34 56 78")
    };
    let refused = update_client(&shop.db, &shop.owner, paul.id, &taking_email).await;
    assert_eq!(duplicate(refused), Some((lea.id, SharedContact::Email)));
}

#[tokio::test]
async fn an_unlinked_phone_no_longer_finds_the_client() {
    let shop = TestShop::new().await;
    let form = ClientForm {
        phone: "06 12 34 56 78".into(),
        city: "Lyon".into(),
        ..client_form("Marie", "Curie")
    };
    let row = create_client(&shop.db, &shop.owner, &form, SharedPhone::Refuse)
        .await
        .expect("created");
    let search_total = |query: &'static str| {
        let shop = shop.clone();
        async move {
            search_clients(&shop.db, &shop.owner, query)
                .await
                .expect("search")
                .total
        }
    };
    assert_eq!(search_total("0612").await, 1);
    let unlinked = unlink_phone(&shop.db, &shop.owner, row.id)
        .await
        .expect("unlinked");
    assert_eq!(unlinked.phone, None);
    assert_eq!(search_total("0612").await, 0);
    assert_eq!(search_total("lyon").await, 1, "the rest is kept");
    assert_eq!(
        find_by_contact(&shop.db, shop.owner.shop_id, "0612345678").await,
        Err(AppError::invalid(
            "contact",
            FieldProblem::NoClientWithContact
        ))
    );
    let edits = audit_event::Entity::find()
        .filter(audit_event::Column::ClientId.eq(row.id))
        .filter(audit_event::Column::Kind.eq(AuditKind::ClientUpdated.code()))
        .all(&shop.db)
        .await
        .expect("audit");
    assert_eq!(
        edits
            .iter()
            .map(|edit| edit.detail.as_str())
            .collect::<Vec<_>>(),
        ["phone"]
    );
    // Unlinking again changes nothing and writes nothing.
    unlink_phone(&shop.db, &shop.owner, row.id)
        .await
        .expect("again");
    let stranger = shop.other_shop().await;
    assert_eq!(
        unlink_phone(&shop.db, &stranger, row.id).await,
        Err(AppError::NotFound)
    );
}

#[tokio::test]
async fn edits_replace_what_search_finds() {
    let shop = TestShop::new().await;
    let row = shop.client("Marie", "Curie").await;
    let mut form = client_form("Marie", "Sklodowska");
    form.note = "Préfère le pain de seigle".into();
    update_client(&shop.db, &shop.owner, row.id, &form)
        .await
        .expect("updated");
    assert_eq!(
        search_clients(&shop.db, &shop.owner, "curie")
            .await
            .expect("search")
            .total,
        0
    );
    assert_eq!(
        search_clients(&shop.db, &shop.owner, "sklo")
            .await
            .expect("search")
            .total,
        1
    );
    let detail = get_client(&shop.db, &shop.owner, row.id)
        .await
        .expect("detail");
    assert_eq!(detail.form.note, "Préfère le pain de seigle");
}

#[tokio::test]
async fn invalid_forms_save_nothing() {
    let shop = TestShop::new().await;
    let row = shop.client("Marie", "Curie").await;
    let mut bad = client_form("Marie", "Curie");
    bad.email = "nope".into();
    let error = update_client(&shop.db, &shop.owner, row.id, &bad)
        .await
        .expect_err("invalid");
    assert_eq!(
        error.field_errors().and_then(|e| e.get("email")),
        Some(&FieldProblem::InvalidEmail)
    );
    let detail = get_client(&shop.db, &shop.owner, row.id)
        .await
        .expect("detail");
    assert_eq!(detail.row.email, row.email);
    assert!(
        create_client(&shop.db, &shop.owner, &bad, SharedPhone::Refuse)
            .await
            .is_err()
    );
    assert_eq!(
        search_clients(&shop.db, &shop.owner, "")
            .await
            .expect("search")
            .total,
        1
    );
}

#[tokio::test]
async fn another_shops_clients_are_invisible() {
    let shop = TestShop::new().await;
    let other = shop.other_shop().await;
    let row = shop.client("Marie", "Curie").await;
    assert_eq!(
        get_client(&shop.db, &other, row.id).await,
        Err(AppError::NotFound)
    );
    assert_eq!(
        update_client(&shop.db, &other, row.id, &client_form("X", "Y")).await,
        Err(AppError::NotFound)
    );
    assert_eq!(
        search_clients(&shop.db, &other, "curie")
            .await
            .expect("search")
            .total,
        0
    );
    assert_eq!(
        search_clients(&shop.db, &other, "")
            .await
            .expect("search")
            .total,
        0
    );
}

#[tokio::test]
async fn a_client_matching_through_several_words_is_listed_once() {
    let shop = TestShop::new().await;
    let mut form = client_form("Marie", "Martin");
    form.city = "Marseille".into();
    form.email = "marie.martin@marseille.fr".into();
    create_client(&shop.db, &shop.owner, &form, SharedPhone::Refuse)
        .await
        .expect("created");
    shop.client("Marc", "Petit").await;
    let page = search_clients(&shop.db, &shop.owner, "mar")
        .await
        .expect("search");
    assert_eq!(page.total, 2);
    assert!(!page.capped);
    assert_eq!(
        page.rows
            .iter()
            .map(ClientRow::full_name)
            .collect::<Vec<_>>(),
        vec!["Marie Martin".to_owned(), "Marc Petit".to_owned()]
    );
}

#[test]
fn the_first_page_keeps_each_client_once_in_order() {
    assert_eq!(first_page_ids([7, 3, 7, 9, 3]), vec![7, 3, 9]);
    let many = first_page_ids((0..500).flat_map(|id| [id, id]));
    assert_eq!(many.len() as u64, SEARCH_PAGE_SIZE);
}

#[tokio::test]
async fn counts_stop_at_the_cap() {
    let shop = TestShop::new().await;
    for index in 0..(SEARCH_COUNT_CAP + 5) {
        let row = client::ActiveModel {
            shop_id: Set(shop.owner.shop_id),
            civility: Set("nc".into()),
            first_name: Set(format!("Client{index}")),
            last_name: Set("Durand".into()),
            email: Set(format!("c{index}@exemple.fr")),
            points_balance: Set(0),
            visit_count: Set(0),
            created_at: Set(Utc::now()),
            updated_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(&shop.db)
        .await
        .expect("insert");
        client_search_term::ActiveModel {
            shop_id: Set(shop.owner.shop_id),
            term: Set("durand".into()),
            client_id: Set(row.id),
        }
        .insert(&shop.db)
        .await
        .expect("term");
    }
    let page = search_clients(&shop.db, &shop.owner, "dur")
        .await
        .expect("search");
    assert_eq!(page.rows.len() as u64, SEARCH_PAGE_SIZE);
    assert_eq!((page.total, page.capped), (SEARCH_COUNT_CAP, true));
}
