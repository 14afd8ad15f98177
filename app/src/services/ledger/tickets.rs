//! Tickets on purchases: written on a purchase of the ledger (once), listed with the client's
//! visits, and counted into a client's favourite services and products and the shop's best
//! sellers of a period.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Expr, Func};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use super::current_file;
use crate::entities::{ledger_entry, ticket, ticket_line};
use crate::model::audit::AuditKind;
use crate::model::auth::CurrentUser;
use crate::model::error::AppError;
use crate::model::ledger::EntryKind;
use crate::model::search::normalize;
use crate::model::tickets::{
    CLIENT_TOP_ITEMS, ClientVisits, LineKind, TicketForm, TicketLine, TicketView, TopItem,
    VISITS_SHOWN, VisitView,
};
use crate::services::audit::{self, Actor, AuditRecord};
use crate::services::clients::lookup::{file_ids, find_in_shop};
use crate::services::db::Db;
use crate::services::time::{format_date_time, shop_zone};
use crate::services::{db_error, display_names, shop_check, unique_or_db_error};

/// A purchase: an earn, or the correction that replaced one (its points are not negative).
fn is_purchase(entry: &ledger_entry::Model) -> bool {
    entry.kind == EntryKind::Earn.code()
        || (entry.kind == EntryKind::Correction.code() && entry.points >= 0)
}

/// Writes the ticket of a purchase; a purchase has one ticket. Answers the client's visits as
/// they are then.
pub async fn write_ticket(
    db: &Db,
    actor: &Actor,
    form: &TicketForm,
) -> Result<ClientVisits, AppError> {
    let content = form.validate()?;
    let txn = db.begin_write().await?;
    let entry = ledger_entry::Entity::find_by_id(form.entry_id)
        .filter(shop_check(
            &txn,
            ledger_entry::Column::ShopId,
            actor.shop_id,
        ))
        .one(&txn)
        .await
        .map_err(db_error)?
        .ok_or(AppError::NotFound)?;
    if !is_purchase(&entry) {
        return Err(AppError::Forbidden);
    }
    let written = ticket::ActiveModel {
        shop_id: Set(actor.shop_id),
        ledger_entry_id: Set(entry.id),
        client_id: Set(entry.client_id),
        reference: Set(content.reference),
        author_user_id: Set(actor.user_id),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|error| unique_or_db_error(error, AppError::AlreadyModified))?;
    if !content.lines.is_empty() {
        let lines = content.lines.iter().map(|line| ticket_line::ActiveModel {
            shop_id: Set(actor.shop_id),
            ticket_id: Set(written.id),
            client_id: Set(entry.client_id),
            kind: Set(line.kind.code().to_owned()),
            label: Set(line.label.clone()),
            label_key: Set(normalize(&line.label)),
            quantity: Set(i32::try_from(line.quantity).unwrap_or(i32::MAX)),
            unit_cents: Set(line.unit_cents),
            created_at: Set(entry.created_at),
            ..Default::default()
        });
        ticket_line::Entity::insert_many(lines)
            .exec_without_returning(&txn)
            .await
            .map_err(db_error)?;
    }
    audit::write(
        &txn,
        AuditRecord::by(actor, AuditKind::TicketWritten)
            .client(entry.client_id)
            .entry(entry.id)
            .detail(format!("{} lines", content.lines.len())),
    )
    .await?;
    txn.commit().await.map_err(db_error)?;
    // The page asked is the client's; a purchase of a file merged since shows on the kept one.
    let holder = current_file(db.connection(), actor, entry.client_id).await?;
    client_visits(db.connection(), actor, holder).await
}

/// The client's latest purchases with their tickets, merged files' included, and the services
/// and products they took most.
pub async fn client_visits(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    client_id: i64,
) -> Result<ClientVisits, AppError> {
    find_in_shop(db, user.shop_id, client_id).await?;
    let ids = file_ids(db, user.shop_id, client_id).await?;
    let entries: Vec<ledger_entry::Model> = ledger_entry::Entity::find()
        .filter(shop_check(db, ledger_entry::Column::ShopId, user.shop_id))
        .filter(ledger_entry::Column::ClientId.is_in(ids.clone()))
        .filter(
            ledger_entry::Column::Kind
                .is_in([EntryKind::Earn.code(), EntryKind::Correction.code()]),
        )
        .filter(ledger_entry::Column::Points.gte(0))
        .order_by_desc(ledger_entry::Column::Id)
        .limit(VISITS_SHOWN)
        .all(db)
        .await
        .map_err(db_error)?;
    let tickets: Vec<ticket::Model> = ticket::Entity::find()
        .filter(shop_check(db, ticket::Column::ShopId, user.shop_id))
        .filter(ticket::Column::LedgerEntryId.is_in(entries.iter().map(|entry| entry.id)))
        .all(db)
        .await
        .map_err(db_error)?;
    let mut lines: HashMap<i64, Vec<TicketLine>> = HashMap::new();
    for line in ticket_line::Entity::find()
        .filter(shop_check(db, ticket_line::Column::ShopId, user.shop_id))
        .filter(ticket_line::Column::TicketId.is_in(tickets.iter().map(|ticket| ticket.id)))
        .order_by_asc(ticket_line::Column::Id)
        .all(db)
        .await
        .map_err(db_error)?
    {
        lines
            .entry(line.ticket_id)
            .or_default()
            .push(shown_line(&line));
    }
    let authors = display_names(db, tickets.iter().map(|ticket| ticket.author_user_id)).await?;
    let mut by_entry: HashMap<i64, TicketView> = tickets
        .into_iter()
        .map(|ticket| {
            let view = TicketView {
                reference: ticket.reference,
                lines: lines.remove(&ticket.id).unwrap_or_default(),
                author_name: authors
                    .get(&ticket.author_user_id)
                    .cloned()
                    .unwrap_or_default(),
            };
            (ticket.ledger_entry_id, view)
        })
        .collect();
    let zone = shop_zone(&user.time_zone);
    let (top_services, top_products) = client_favourites(db, user.shop_id, &ids).await?;
    Ok(ClientVisits {
        visits: entries
            .into_iter()
            .filter(is_purchase)
            .map(|entry| VisitView {
                entry_id: entry.id,
                recorded_at: format_date_time(entry.created_at, zone),
                amount_cents: entry.amount_cents,
                points: entry.points,
                ticket: by_entry.remove(&entry.id),
            })
            .collect(),
        top_services,
        top_products,
    })
}

fn shown_line(line: &ticket_line::Model) -> TicketLine {
    TicketLine {
        kind: LineKind::from_code(&line.kind).unwrap_or_default(),
        label: line.label.clone(),
        quantity: i64::from(line.quantity),
        unit_cents: line.unit_cents,
    }
}

/// A client's three services and three products taken most, the latest label of each.
async fn client_favourites(
    db: &impl ConnectionTrait,
    shop_id: i64,
    file_ids: &[i64],
) -> Result<(Vec<TopItem>, Vec<TopItem>), AppError> {
    let lines = ticket_line::Entity::find()
        .filter(shop_check(db, ticket_line::Column::ShopId, shop_id))
        .filter(ticket_line::Column::ClientId.is_in(file_ids.iter().copied()))
        .order_by_asc(ticket_line::Column::Id)
        .all(db)
        .await
        .map_err(db_error)?;
    let mut counted: HashMap<(String, String), (String, i64)> = HashMap::new();
    for line in lines {
        let item = counted
            .entry((line.kind.clone(), line.label_key.clone()))
            .or_insert_with(|| (String::new(), 0));
        item.0 = line.label;
        item.1 += i64::from(line.quantity);
    }
    let top = |kind: LineKind| {
        best(
            counted
                .iter()
                .filter(|((code, _), _)| code == kind.code())
                .map(|(_, (label, quantity))| TopItem {
                    label: label.clone(),
                    quantity: *quantity,
                })
                .collect(),
            CLIENT_TOP_ITEMS,
        )
    };
    Ok((top(LineKind::Service), top(LineKind::Product)))
}

/// The `count` items taken most, ties by label so the order never changes between reloads.
fn best(mut items: Vec<TopItem>, count: usize) -> Vec<TopItem> {
    items.sort_by(|a, b| {
        b.quantity
            .cmp(&a.quantity)
            .then_with(|| a.label.cmp(&b.label))
    });
    items.truncate(count);
    items
}

/// The shop's services and products sold most between two moments, for the dashboard.
pub(crate) async fn best_sellers(
    db: &impl ConnectionTrait,
    shop_id: i64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    count: usize,
) -> Result<(Vec<TopItem>, Vec<TopItem>), AppError> {
    let rows: Vec<(String, String, i64)> = ticket_line::Entity::find()
        .select_only()
        .column(ticket_line::Column::Kind)
        .expr(Func::max(Expr::col(ticket_line::Column::Label)))
        .expr(Func::cast_as(
            Func::sum(Expr::col(ticket_line::Column::Quantity)),
            Alias::new("BIGINT"),
        ))
        .filter(ticket_line::Column::ShopId.eq(shop_id))
        .filter(ticket_line::Column::CreatedAt.gte(from))
        .filter(ticket_line::Column::CreatedAt.lt(to))
        .group_by(ticket_line::Column::Kind)
        .group_by(ticket_line::Column::LabelKey)
        .into_tuple()
        .all(db)
        .await
        .map_err(db_error)?;
    let of_kind = |kind: LineKind| {
        best(
            rows.iter()
                .filter(|(code, _, _)| code == kind.code())
                .map(|(_, label, quantity)| TopItem {
                    label: label.clone(),
                    quantity: *quantity,
                })
                .collect(),
            count,
        )
    };
    Ok((of_kind(LineKind::Service), of_kind(LineKind::Product)))
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;
    use crate::model::dashboard::{DashboardQuery, PeriodChoice};
    use crate::model::error::FieldProblem;
    use crate::model::tickets::TicketLineForm;
    use crate::services::dashboard::dashboard;
    use crate::services::ledger::{record_transaction, redeem_points};
    use crate::services::test_support::{TestShop, earn, redeem};

    fn line(kind: LineKind, label: &str, quantity: &str, price: &str) -> TicketLineForm {
        TicketLineForm {
            kind,
            label: label.into(),
            quantity: quantity.into(),
            price: price.into(),
        }
    }

    fn ticket(entry_id: i64, reference: &str, lines: Vec<TicketLineForm>) -> TicketForm {
        TicketForm {
            entry_id,
            reference: reference.into(),
            lines,
        }
    }

    async fn purchase(shop: &TestShop, client_id: i64, amount: &str) -> i64 {
        record_transaction(&shop.db, &shop.owner, &earn(client_id, "10", amount))
            .await
            .expect("purchase")
            .transaction
            .id
    }

    #[tokio::test]
    async fn a_purchase_carries_one_ticket_and_the_favourites_count_its_lines() {
        let shop = TestShop::new().await;
        let lea = shop.client("Léa", "Morel").await;
        let first = purchase(&shop, lea.id, "45").await;
        let second = purchase(&shop, lea.id, "30").await;
        let staff = shop.staff();
        let visits = write_ticket(
            &shop.db,
            &staff,
            &ticket(
                first,
                "T-001",
                vec![
                    line(LineKind::Service, "Coupe", "", "25"),
                    line(LineKind::Service, "Couleur", "", "20"),
                    line(LineKind::Product, "Shampooing doux", "2", "9,50"),
                ],
            ),
        )
        .await
        .expect("written");
        assert_eq!(visits.visits.len(), 2, "newest first, both purchases");
        assert_eq!(visits.visits[1].entry_id, first);
        let written = visits.visits[1].ticket.as_ref().expect("its ticket");
        assert_eq!(
            (written.reference.as_str(), written.lines.len()),
            ("T-001", 3)
        );
        assert!(visits.visits[0].ticket.is_none());

        assert_eq!(
            write_ticket(&shop.db, &staff, &ticket(first, "T-002", Vec::new())).await,
            Err(AppError::AlreadyModified),
            "one ticket per purchase"
        );
        let visits = write_ticket(
            &shop.db,
            &staff,
            &ticket(second, "", vec![line(LineKind::Service, "coupe", "2", "")]),
        )
        .await
        .expect("written");
        let services: Vec<(&str, i64)> = visits
            .top_services
            .iter()
            .map(|item| (item.label.as_str(), item.quantity))
            .collect();
        assert_eq!(
            services,
            [("coupe", 3), ("Couleur", 1)],
            "'Coupe' and 'coupe' count together"
        );
        assert_eq!(visits.top_products[0].label, "Shampooing doux");
        assert_eq!(visits.top_products[0].quantity, 2);

        let used = redeem_points(&shop.db, &shop.owner, &redeem(lea.id, "5"))
            .await
            .expect("used");
        assert_eq!(
            write_ticket(
                &shop.db,
                &staff,
                &ticket(used.transaction.id, "T-9", Vec::new())
            )
            .await,
            Err(AppError::Forbidden),
            "points used are no purchase"
        );
        assert_eq!(
            write_ticket(&shop.db, &staff, &ticket(second, "", Vec::new())).await,
            Err(AppError::invalid("reference", FieldProblem::EmptyTicket))
        );

        let other = shop.other_shop().await;
        assert_eq!(
            write_ticket(&shop.db, &other, &ticket(second, "T-X", Vec::new())).await,
            Err(AppError::NotFound)
        );
        assert_eq!(
            client_visits(&shop.db, &other, lea.id).await,
            Err(AppError::NotFound)
        );

        // The dashboard of this week names the shop's best sellers.
        let week = DashboardQuery {
            period: PeriodChoice::Week,
            ..DashboardQuery::default()
        };
        let figures = dashboard(&shop.db, &shop.owner, &week, Utc::now())
            .await
            .expect("dashboard");
        assert_eq!(figures.top_services[0].quantity, 3);
        assert_eq!(figures.top_products.len(), 1);
        let (services, _) = best_sellers(
            &shop.db,
            shop.owner.shop_id,
            Utc::now() + Duration::days(1),
            Utc::now() + Duration::days(2),
            5,
        )
        .await
        .expect("an empty period");
        assert!(services.is_empty());
        let theirs = dashboard(&shop.db, &other, &week, Utc::now())
            .await
            .expect("their dashboard");
        assert!(
            theirs.top_services.is_empty(),
            "another shop's sales are not theirs"
        );
    }
}
