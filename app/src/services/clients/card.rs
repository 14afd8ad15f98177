//! Member cards: issued the first time a client's card is shown, replaced when one is lost (the
//! old token is then refused), found at the till by the token a scanner types, and shown to
//! whoever holds the card on its own page with no session. Failed look-ups of that page are
//! counted per address, so tokens cannot be guessed in bulk.

use chrono::Utc;
use rand::Rng;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

use super::lookup::{file_ids, find_in_shop, name_of, touch};
use crate::entities::{client, member_card, shop};
use crate::model::audit::AuditKind;
use crate::model::cards::{
    CardScan, MemberCard, PublicCard, TOKEN_ALPHABET, TOKEN_CHARS, card_in, card_link,
    read_card_address,
};
use crate::model::error::{AppError, FieldProblem};
use crate::services::accounts::throttle::{self, ThrottlePolicy};
use crate::services::audit::{self, Actor, AuditRecord};
use crate::services::db::Db;
use crate::services::programme::rewards::waiting_rewards;
use crate::services::qr::qr_svg;
use crate::services::time::{format_date, shop_zone};
use crate::services::{db_error, shop_check};

/// Unknown card addresses one client address may try in ten minutes: a client who mistypes one
/// a few times is never stopped, a guesser gets nowhere (a token is 100 random bits). A card
/// found is never refused, so a shared address (a shop's Wi-Fi, a carrier's) cannot lock its
/// clients out.
pub const CARD_LOOKUPS_PER_ADDRESS: ThrottlePolicy = ThrottlePolicy {
    max_failures: 20,
    window: chrono::Duration::minutes(10),
};

/// Merges move a file's merged ones along (`merge`), so one step is the rule; a few more cost
/// nothing and keep an older card working whatever happened.
const MERGE_STEPS: usize = 8;

/// A new token: 100 random bits, with at least one digit so no token reads as a name.
fn new_token() -> String {
    let mut random = rand::rng();
    loop {
        let token: String = (0..TOKEN_CHARS)
            .map(|_| char::from(TOKEN_ALPHABET[random.random_range(0..TOKEN_ALPHABET.len())]))
            .collect();
        if token.chars().any(|c| c.is_ascii_digit()) {
            return token;
        }
    }
}

/// The client's card not replaced, if one was issued.
async fn current(
    db: &impl ConnectionTrait,
    shop_id: i64,
    client_id: i64,
) -> Result<Option<member_card::Model>, AppError> {
    member_card::Entity::find()
        .filter(shop_check(db, member_card::Column::ShopId, shop_id))
        .filter(member_card::Column::ClientId.eq(client_id))
        .filter(member_card::Column::ReplacedAt.is_null())
        .order_by_desc(member_card::Column::Id)
        .one(db)
        .await
        .map_err(db_error)
}

async fn issue(
    db: &impl ConnectionTrait,
    actor: &Actor,
    client_id: i64,
    kind: AuditKind,
) -> Result<member_card::Model, AppError> {
    let card = member_card::ActiveModel {
        shop_id: Set(actor.shop_id),
        client_id: Set(client_id),
        token: Set(new_token()),
        issued_at: Set(Utc::now()),
        issued_by_user_id: Set(actor.user_id),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(db_error)?;
    touch(db, actor.shop_id, [client_id]).await?;
    audit::write(db, AuditRecord::by(actor, kind).client(client_id)).await?;
    Ok(card)
}

fn view_of(
    card: member_card::Model,
    client: &client::Model,
    actor: &Actor,
    public_url: &str,
) -> Result<MemberCard, AppError> {
    let link = card_link(public_url, card.shop_id, &card.token);
    Ok(MemberCard {
        qr_svg: qr_svg(&link)?,
        link,
        token: card.token,
        shop_name: actor.shop_name.clone(),
        client_name: name_of(client),
        issued_on: format_date(card.issued_at, shop_zone(&actor.time_zone)),
    })
}

/// The client's card, issued now if the client has none yet.
pub async fn member_card(
    db: &Db,
    actor: &Actor,
    public_url: &str,
    client_id: i64,
) -> Result<MemberCard, AppError> {
    let client = find_in_shop(db, actor.shop_id, client_id).await?;
    if let Some(card) = current(db, actor.shop_id, client_id).await? {
        return view_of(card, &client, actor, public_url);
    }
    let issued = async {
        let txn = db.begin_write().await?;
        let card = match current(&txn, actor.shop_id, client_id).await? {
            Some(card) => card,
            None => issue(&txn, actor, client_id, AuditKind::MemberCardIssued).await?,
        };
        txn.commit().await.map_err(db_error)?;
        Ok(card)
    }
    .await;
    let card = settled(db, actor.shop_id, client_id, issued).await?;
    view_of(card, &client, actor, public_url)
}

/// A write that issued a card, or the card another request issued at the same moment: on
/// PostgreSQL both may find no card, and the one-card-per-client index refuses the second.
async fn settled(
    db: &Db,
    shop_id: i64,
    client_id: i64,
    written: Result<member_card::Model, AppError>,
) -> Result<member_card::Model, AppError> {
    match written {
        Ok(card) => Ok(card),
        Err(error) => current(db, shop_id, client_id).await?.ok_or(error),
    }
}

/// A lost or stolen card: the client gets a new token, and the old one is refused from now on,
/// as are the cards of the files merged into this client.
pub async fn replace_card(
    db: &Db,
    actor: &Actor,
    public_url: &str,
    client_id: i64,
) -> Result<MemberCard, AppError> {
    let client = find_in_shop(db, actor.shop_id, client_id).await?;
    let replaced = async {
        let txn = db.begin_write().await?;
        let files = file_ids(&txn, actor.shop_id, client_id).await?;
        member_card::Entity::update_many()
            .col_expr(member_card::Column::ReplacedAt, Expr::value(Utc::now()))
            .col_expr(
                member_card::Column::ReplacedByUserId,
                Expr::value(actor.user_id),
            )
            .filter(shop_check(&txn, member_card::Column::ShopId, actor.shop_id))
            .filter(member_card::Column::ClientId.is_in(files))
            .filter(member_card::Column::ReplacedAt.is_null())
            .exec(&txn)
            .await
            .map_err(db_error)?;
        let card = issue(&txn, actor, client_id, AuditKind::MemberCardReplaced).await?;
        txn.commit().await.map_err(db_error)?;
        Ok(card)
    }
    .await;
    let card = settled(db, actor.shop_id, client_id, replaced).await?;
    view_of(card, &client, actor, public_url)
}

/// The live client a card leads to: its own, or the file it was merged into.
async fn holder(
    db: &impl ConnectionTrait,
    shop_id: i64,
    client_id: i64,
) -> Result<Option<client::Model>, AppError> {
    let mut id = client_id;
    for _ in 0..MERGE_STEPS {
        let Some(found) = client::Entity::find_by_id(id)
            .filter(shop_check(db, client::Column::ShopId, shop_id))
            .one(db)
            .await
            .map_err(db_error)?
        else {
            return Ok(None);
        };
        match found.merged_into_id {
            Some(kept) => id = kept,
            None if found.erased_at.is_none() => return Ok(Some(found)),
            None => return Ok(None),
        }
    }
    Ok(None)
}

/// What a token typed at the till is in the shop: a client's card, a replaced one, or nothing.
pub async fn scan(
    db: &impl ConnectionTrait,
    shop_id: i64,
    token: &str,
) -> Result<(CardScan, Option<client::Model>), AppError> {
    let Some(card) = member_card::Entity::find()
        .filter(member_card::Column::Token.eq(token))
        .filter(shop_check(db, member_card::Column::ShopId, shop_id))
        .one(db)
        .await
        .map_err(db_error)?
    else {
        return Ok((CardScan::Unknown, None));
    };
    if card.replaced_at.is_some() {
        return Ok((CardScan::Replaced, None));
    }
    Ok(match holder(db, shop_id, card.client_id).await? {
        Some(client) => (CardScan::Found, Some(client)),
        None => (CardScan::Unknown, None),
    })
}

/// The client whose card has this token, for the REST API: a replaced or unknown card is a
/// refusal naming the `card` field.
pub async fn client_of_card(
    db: &impl ConnectionTrait,
    shop_id: i64,
    typed: &str,
) -> Result<client::Model, AppError> {
    let unknown = || AppError::invalid("card", FieldProblem::UnknownCard);
    let typed = card_in(typed).ok_or_else(unknown)?;
    match scan(db, shop_id, &typed.token).await? {
        (CardScan::Found, Some(client)) => Ok(client),
        (CardScan::Replaced, _) => Err(AppError::invalid("card", FieldProblem::CardReplaced)),
        _ => Err(unknown()),
    }
}

/// The card's page for whoever holds it: the shop, the first name, the points and the rewards
/// waiting. A card found costs no write; an address that tried `CARD_LOOKUPS_PER_ADDRESS`
/// unknown or replaced ones in the window is told to wait for the next unknown one.
pub async fn public_card(
    db: &Db,
    public_url: &str,
    address_segment: &str,
    address: &str,
) -> Result<PublicCard, AppError> {
    let found = match read_card_address(address_segment) {
        Some((shop_id, token)) => member_card::Entity::find()
            .filter(member_card::Column::Token.eq(token))
            .filter(shop_check(db, member_card::Column::ShopId, shop_id))
            .filter(member_card::Column::ReplacedAt.is_null())
            .one(db)
            .await
            .map_err(db_error)?,
        None => None,
    };
    let client = match &found {
        Some(card) => holder(db, card.shop_id, card.client_id).await?,
        None => None,
    };
    let shop = match &found {
        Some(card) => shop::Entity::find_by_id(card.shop_id)
            .one(db)
            .await
            .map_err(db_error)?,
        None => None,
    };
    let (Some(card), Some(client), Some(shop)) = (found, client, shop) else {
        let address_key = format!("card-{}", throttle::address_key(address));
        throttle::admit(
            db,
            &[(address_key.as_str(), CARD_LOOKUPS_PER_ADDRESS)],
            Utc::now(),
        )
        .await?;
        return Err(AppError::NotFound);
    };
    let waiting = waiting_rewards(db, shop.id, &[client.id])
        .await?
        .remove(&client.id);
    Ok(PublicCard {
        shop_name: shop.name,
        first_name: client.first_name,
        points: client.points_balance,
        rewards_waiting: waiting.as_ref().map_or(0, |reward| reward.waiting),
        reward: waiting.map(|reward| reward.name),
        qr_svg: qr_svg(&card_link(public_url, card.shop_id, &card.token))?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::cards::printed_token;
    use crate::model::client::{ClientQuery, ClientRow};
    use crate::model::support::{ErasureReason, ErasureRequest};
    use crate::services::clients::merge::merge_clients;
    use crate::services::clients::search::list_clients;
    use crate::services::support::erase_client;
    use crate::services::test_support::TestShop;

    const URL: &str = "https://boulangerie.example";

    async fn till_search(
        shop: &TestShop,
        actor: &Actor,
        typed: &str,
    ) -> (Option<CardScan>, Vec<i64>) {
        let query = ClientQuery {
            text: typed.to_owned(),
            ..ClientQuery::default()
        };
        let page = list_clients(&shop.db, actor, &query).await.expect("search");
        (page.card, page.rows.iter().map(|row| row.id).collect())
    }

    /// What follows `/carte/` in the card's address.
    fn segment(card: &MemberCard) -> &str {
        card.link.rsplit('/').next().unwrap_or_default()
    }

    async fn lea_with_card(shop: &TestShop) -> (ClientRow, MemberCard) {
        let lea = shop.client("Léa", "Morel").await;
        let card = member_card(&shop.db, &shop.owner, URL, lea.id)
            .await
            .expect("card");
        (lea, card)
    }

    #[tokio::test]
    async fn a_card_is_issued_once_and_found_at_the_till_by_what_the_scanner_types() {
        let shop = TestShop::new().await;
        let (lea, card) = lea_with_card(&shop).await;
        assert_eq!(
            card.link,
            format!("{URL}/carte/{}-{}", shop.owner.shop_id, card.token)
        );
        assert!(card.qr_svg.starts_with("<svg"));
        assert_eq!(card.client_name, "Léa Morel");
        let again = member_card(&shop.db, &shop.staff(), URL, lea.id)
            .await
            .expect("card");
        assert_eq!(again.token, card.token, "one card per client");

        for typed in [
            card.link.clone(),
            card.token.to_uppercase(),
            printed_token(&card.token),
        ] {
            assert_eq!(
                till_search(&shop, &shop.staff(), &typed).await,
                (Some(CardScan::Found), vec![lea.id]),
                "{typed}"
            );
        }
        // A name is searched as a name.
        assert_eq!(
            till_search(&shop, &shop.owner, "morel").await,
            (None, vec![lea.id])
        );
    }

    #[tokio::test]
    async fn a_replaced_card_is_refused_and_the_new_one_works() {
        let shop = TestShop::new().await;
        let (lea, lost) = lea_with_card(&shop).await;
        let new = replace_card(&shop.db, &shop.staff(), URL, lea.id)
            .await
            .expect("replaced");
        assert_ne!(new.token, lost.token);
        assert_eq!(
            till_search(&shop, &shop.owner, &lost.token).await,
            (Some(CardScan::Replaced), vec![])
        );
        assert_eq!(
            till_search(&shop, &shop.owner, &new.token).await,
            (Some(CardScan::Found), vec![lea.id])
        );
        assert_eq!(
            member_card(&shop.db, &shop.owner, URL, lea.id)
                .await
                .map(|card| card.token),
            Ok(new.token.clone())
        );
        assert_eq!(
            client_of_card(&shop.db, shop.owner.shop_id, &lost.link)
                .await
                .map(|client| client.id),
            Err(AppError::invalid("card", FieldProblem::CardReplaced))
        );
        assert_eq!(
            public_card(&shop.db, URL, segment(&lost), "203.0.113.9").await,
            Err(AppError::NotFound)
        );
        // The client's data report lists both cards, the lost one as replaced.
        let report = crate::services::clients::report::client_report(&shop.db, &shop.owner, lea.id)
            .await
            .expect("report");
        let cards: Vec<(String, bool)> = report
            .member_cards
            .iter()
            .map(|card| (card.code.clone(), card.replaced_at.is_some()))
            .collect();
        assert_eq!(
            cards,
            [
                (printed_token(&lost.token), true),
                (printed_token(&new.token), false)
            ]
        );
    }

    #[tokio::test]
    async fn another_shops_card_and_client_are_not_found() {
        let shop = TestShop::new().await;
        let (lea, card) = lea_with_card(&shop).await;
        let other = shop.other_shop().await;
        assert_eq!(
            till_search(&shop, &other, &card.link).await,
            (Some(CardScan::Unknown), vec![])
        );
        // Typed by hand, the code is searched as a word there: it finds nothing either.
        assert_eq!(
            till_search(&shop, &other, &card.token).await,
            (None, vec![])
        );
        assert_eq!(
            member_card(&shop.db, &other, URL, lea.id).await,
            Err(AppError::NotFound)
        );
        assert_eq!(
            replace_card(&shop.db, &other, URL, lea.id).await,
            Err(AppError::NotFound)
        );
        assert_eq!(
            client_of_card(&shop.db, other.shop_id, &card.token)
                .await
                .map(|client| client.id),
            Err(AppError::invalid("card", FieldProblem::UnknownCard))
        );
    }

    #[tokio::test]
    async fn the_card_page_shows_the_first_name_points_and_reward_only() {
        let shop = TestShop::new().await;
        let (_, card) = lea_with_card(&shop).await;
        let page = public_card(&shop.db, URL, segment(&card), "203.0.113.9")
            .await
            .expect("page");
        assert_eq!(
            (
                page.shop_name.as_str(),
                page.first_name.as_str(),
                page.points,
                page.reward,
                page.rewards_waiting
            ),
            ("Boulangerie Test", "Léa", 0, None, 0)
        );
        assert_eq!(page.qr_svg, card.qr_svg);
    }

    #[tokio::test]
    async fn a_merged_clients_card_leads_to_the_file_it_joined_and_an_erased_ones_to_nothing() {
        let shop = TestShop::new().await;
        let kept = shop.client("Léa", "Morel").await;
        let twin = shop.client("Léa", "Morel-Bis").await;
        let card = member_card(&shop.db, &shop.owner, URL, twin.id)
            .await
            .expect("card");
        merge_clients(&shop.db, &shop.owner, kept.id, twin.id)
            .await
            .expect("merge");
        assert_eq!(
            till_search(&shop, &shop.owner, &card.token).await,
            (Some(CardScan::Found), vec![kept.id])
        );
        // The kept client's card lost: every card of its files is refused with it.
        let new = replace_card(&shop.db, &shop.owner, URL, kept.id)
            .await
            .expect("replaced");
        assert_eq!(
            till_search(&shop, &shop.owner, &card.token).await,
            (Some(CardScan::Replaced), vec![])
        );
        assert_eq!(
            till_search(&shop, &shop.owner, &new.token).await,
            (Some(CardScan::Found), vec![kept.id])
        );
        let support = shop.support().await;
        erase_client(
            &shop.db,
            &support,
            &ErasureRequest {
                shop_id: shop.owner.shop_id,
                client_id: kept.id,
                reason: Some(ErasureReason::ClientRequest),
            },
        )
        .await
        .expect("erased");
        assert_eq!(
            till_search(&shop, &shop.owner, &card.link).await,
            (Some(CardScan::Unknown), vec![])
        );
        let left = member_card::Entity::find()
            .all(&shop.db)
            .await
            .expect("cards");
        assert!(left.is_empty(), "the erased client's cards go with it");
    }

    #[tokio::test]
    async fn unknown_cards_from_one_address_are_stopped_after_twenty_and_known_ones_never() {
        let shop = TestShop::new().await;
        let (_, card) = lea_with_card(&shop).await;
        let unknown = || format!("{}-{}", shop.owner.shop_id, new_token());
        for _ in 0..CARD_LOOKUPS_PER_ADDRESS.max_failures {
            assert_eq!(
                public_card(&shop.db, URL, &unknown(), "203.0.113.9").await,
                Err(AppError::NotFound)
            );
        }
        assert!(matches!(
            public_card(&shop.db, URL, &unknown(), "203.0.113.9").await,
            Err(AppError::TooManyAttempts { .. })
        ));
        // A client on the same Wi-Fi still opens a real card, and another address is not held up.
        assert!(
            public_card(&shop.db, URL, segment(&card), "203.0.113.9")
                .await
                .is_ok()
        );
        assert_eq!(
            public_card(&shop.db, URL, &unknown(), "198.51.100.7").await,
            Err(AppError::NotFound)
        );
    }

    #[test]
    fn a_new_token_is_a_card_token_and_never_the_same() {
        let first = new_token();
        assert_eq!(card_in(&first).map(|card| card.token), Some(first.clone()));
        assert_ne!(first, new_token());
    }

    #[test]
    fn the_qr_code_is_an_svg_element() {
        let svg = qr_svg("https://boulangerie.example/carte/ab3de5fgh6jk7mn8pq9r").expect("qr");
        assert!(svg.starts_with("<svg"), "{}", &svg[..40]);
        assert!(svg.contains("#000000"));
    }
}
