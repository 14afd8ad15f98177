//! Two files of the same person become one. The ledger is append-only: the merged file's points
//! move by a pair of transfer entries, its entries, notes and consents stay where they are, and
//! the surviving file reads them through `merged_into_id`.

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set};

use super::edit::{as_saved, save_edit};
use super::labels::link;
use super::lookup::{find_in_shop, to_row, touch};
use crate::entities::{client, client_label, client_search_term};
use crate::model::audit::AuditKind;
use crate::model::client::{Civility, ClientRow, ValidClient};
use crate::model::error::{AppError, FieldProblem};
use crate::services::audit::{self, Actor, AuditRecord};
use crate::services::db::Db;
use crate::services::ledger::{transfer_credit, transfer_points};
use crate::services::time::shop_zone;
use crate::services::{db_error, owner_only, shop_check, update_in_shop};

/// The kept file as it is, with what it lacks taken from the merged one: a file made at the
/// till with a phone only gets the name and e-mail of the full one.
fn completed(kept: &client::Model, merged: &client::Model) -> ValidClient {
    let kept_values = as_saved(kept);
    let merged_values = as_saved(merged);
    let text = |kept: String, merged: String| if kept.is_empty() { merged } else { kept };
    let has_name = !kept.first_name.is_empty() || !kept.last_name.is_empty();
    ValidClient {
        civility: if kept_values.civility == Civility::Unspecified {
            merged_values.civility
        } else {
            kept_values.civility
        },
        first_name: if has_name {
            kept_values.first_name
        } else {
            merged_values.first_name
        },
        last_name: if has_name {
            kept_values.last_name
        } else {
            merged_values.last_name
        },
        email: text(kept_values.email, merged_values.email),
        phone: kept_values.phone.or(merged_values.phone),
        address: kept_values.address.or(merged_values.address),
        // The country goes with the postal code it checks.
        country: if kept_values.postal_code.is_none() && merged_values.postal_code.is_some() {
            merged_values.country
        } else {
            kept_values.country
        },
        postal_code: kept_values.postal_code.or(merged_values.postal_code),
        city: kept_values.city.or(merged_values.city),
        birth_date: kept_values.birth_date.or(merged_values.birth_date),
        note: match (kept_values.note, merged_values.note) {
            (Some(kept), Some(merged)) if kept != merged => Some(format!("{kept}\n{merged}")),
            (kept, merged) => kept.or(merged),
        },
    }
}

/// Joins `merged_id` into `kept_id`: points, visits, tags, groups and history go to the kept
/// file, which takes the contact details it lacked; the merged file stops being listed and found
/// by its e-mail or phone, and its page leads to the kept one. The owner's, in one transaction, with an audit entry.
pub async fn merge_clients(
    db: &Db,
    actor: &Actor,
    kept_id: i64,
    merged_id: i64,
) -> Result<ClientRow, AppError> {
    owner_only(actor)?;
    if kept_id == merged_id {
        return Err(AppError::invalid("other", FieldProblem::InvalidChoice));
    }
    let zone = shop_zone(&actor.time_zone);
    let txn = db.begin_write().await?;
    let kept = find_in_shop(&txn, actor.shop_id, kept_id).await?;
    let merged =
        find_in_shop(&txn, actor.shop_id, merged_id)
            .await
            .map_err(|error| match error {
                AppError::NotFound => AppError::invalid("other", FieldProblem::InvalidChoice),
                other => other,
            })?;
    let now = Utc::now();

    transfer_points(&txn, actor, &merged, kept.id).await?;
    transfer_credit(&txn, actor, &merged, kept.id).await?;

    // The merged file keeps its details (the report shows them, erasure clears them) but no
    // search, till lookup or duplicate check finds it again: they read active files only.
    let mut emptied: client::ActiveModel = merged.clone().into();
    emptied.points_balance = Set(0);
    emptied.credit_cents = Set(0);
    emptied.merged_into_id = Set(Some(kept.id));
    emptied.updated_at = Set(now);
    update_in_shop(&txn, emptied, client::Column::ShopId, actor.shop_id).await?;
    client_search_term::Entity::delete_many()
        .filter(shop_check(
            &txn,
            client_search_term::Column::ShopId,
            actor.shop_id,
        ))
        .filter(client_search_term::Column::ClientId.eq(merged.id))
        .exec(&txn)
        .await
        .map_err(db_error)?;
    // Files merged into this one earlier follow it.
    client::Entity::update_many()
        .col_expr(client::Column::MergedIntoId, Expr::value(kept.id))
        .filter(shop_check(&txn, client::Column::ShopId, actor.shop_id))
        .filter(client::Column::MergedIntoId.eq(merged.id))
        .exec(&txn)
        .await
        .map_err(db_error)?;

    let labels = client_label::Entity::find()
        .filter(client_label::Column::ShopId.eq(actor.shop_id))
        .filter(client_label::Column::ClientId.eq(merged.id))
        .all(&txn)
        .await
        .map_err(db_error)?;
    for label in &labels {
        link(&txn, actor.shop_id, kept.id, label.label_id).await?;
    }
    // The kept file's tags and details changed: till devices take it again.
    touch(&txn, actor.shop_id, [kept.id]).await?;
    client_label::Entity::delete_many()
        .filter(client_label::Column::ShopId.eq(actor.shop_id))
        .filter(client_label::Column::ClientId.eq(merged.id))
        .exec(&txn)
        .await
        .map_err(db_error)?;

    // Reread: the transfer changed the kept balance.
    let kept = find_in_shop(&txn, actor.shop_id, kept.id).await?;
    let details = completed(&kept, &merged);
    let mut figures: client::ActiveModel = kept.clone().into();
    figures.visit_count = Set(kept.visit_count + merged.visit_count);
    figures.last_visit_at = Set(kept.last_visit_at.max(merged.last_visit_at));
    figures.created_at = Set(kept.created_at.min(merged.created_at));
    let kept = update_in_shop(&txn, figures, client::Column::ShopId, actor.shop_id).await?;
    let kept = if details == as_saved(&kept) {
        kept
    } else {
        save_edit(&txn, actor, kept, &details).await?
    };
    audit::write(
        &txn,
        AuditRecord::by(actor, AuditKind::ClientsMerged)
            .client(kept.id)
            // The id, not the name: erasing the client later leaves no name in the log.
            .detail(merged.id.to_string()),
    )
    .await?;
    txn.commit().await.map_err(db_error)?;
    Ok(to_row(&kept, zone))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::client::EnrolForm;
    use crate::model::client_file::{ActivityEvent, ActivityFilter, FileEvent};
    use crate::model::ledger::EntryKind;
    use crate::services::clients::file::activity;
    use crate::services::clients::labels::tag_client;
    use crate::services::clients::report::client_report;
    use crate::services::clients::{
        detail::get_client,
        edit::{SharedPhone, enrol_client},
        lookup::find_by_contact,
        search::search_clients,
    };
    use crate::services::ledger::{modify_transaction, record_transaction, redeem_points};
    use crate::services::test_support::{TestShop, change, earn, redeem};

    #[tokio::test]
    async fn a_till_enrolment_merged_into_the_full_file_keeps_everything() {
        let shop = TestShop::new().await;
        let owner = &shop.owner;
        let full = shop.client("Marie", "Curie").await;
        let quick = enrol_client(
            &shop.db,
            owner,
            &EnrolForm {
                phone: "06 12 34 56 78".into(),
                first_name: String::new(),
            },
            SharedPhone::Refuse,
        )
        .await
        .expect("enrolled");
        record_transaction(&shop.db, owner, &earn(full.id, "10", "20"))
            .await
            .expect("earned");
        let on_quick = record_transaction(&shop.db, owner, &earn(quick.id, "7", "14"))
            .await
            .expect("earned");
        redeem_points(&shop.db, owner, &redeem(quick.id, "2"))
            .await
            .expect("used");
        tag_client(&shop.db, owner, quick.id, "VIP")
            .await
            .expect("tagged");

        let kept = merge_clients(&shop.db, owner, full.id, quick.id)
            .await
            .expect("merged");
        assert_eq!(kept.points_balance, 15);
        assert_eq!(kept.phone.as_deref(), Some("06 12 34 56 78"));
        assert_eq!(kept.first_name, "Marie");

        let detail = get_client(&shop.db, owner, full.id).await.expect("file");
        assert_eq!(detail.stats.visits, 2);
        assert_eq!(detail.stats.total_spent_cents, 3400);
        assert_eq!(detail.row.labels.len(), 1);
        // The old file's link leads to the kept one; it is listed no more.
        assert_eq!(
            get_client(&shop.db, owner, quick.id)
                .await
                .expect("file")
                .row
                .id,
            full.id
        );
        let listed = search_clients(&shop.db, owner, "").await.expect("list");
        assert_eq!(listed.total, 1);
        assert_eq!(
            search_clients(&shop.db, owner, "06 12")
                .await
                .expect("search")
                .rows[0]
                .id,
            full.id
        );

        // The data report shows the merged file as it was; the till finds the kept file by
        // that phone.
        let report = client_report(&shop.db, owner, full.id)
            .await
            .expect("report");
        assert_eq!(report.merged_files.len(), 1);
        assert_eq!(report.merged_files[0].details.phone, "06 12 34 56 78");
        assert_eq!(
            find_by_contact(&shop.db, owner.shop_id, "0612345678")
                .await
                .expect("found")
                .id,
            full.id
        );

        // The whole history is on the kept file, with the merge itself.
        let timeline = activity(&shop.db, owner, full.id, ActivityFilter::All, 0)
            .await
            .expect("activity");
        let transfers = timeline
            .items
            .iter()
            .filter(|item| {
                matches!(&item.event, ActivityEvent::Transaction(view) if view.kind == EntryKind::Transfer)
            })
            .count();
        assert_eq!(transfers, 2);
        assert!(
            timeline
                .items
                .iter()
                .any(|item| matches!(&item.event, ActivityEvent::File(FileEvent::Merged { .. })))
        );
        assert!(timeline.items.iter().any(|item| matches!(
            &item.event,
            ActivityEvent::Transaction(view) if view.id == on_quick.transaction.id
        )));

        // A transaction of the merged file is corrected on the kept one.
        let corrected = modify_transaction(&shop.db, owner, &change(on_quick.transaction.id, "9"))
            .await
            .expect("modified");
        assert_eq!(corrected.client.id, full.id);
        assert_eq!(corrected.client.points_balance, 17);
        // Each file's balance is still the sum of its own entries: the merged one at zero.
        shop.assert_balances_are_sums().await;
    }

    #[tokio::test]
    async fn only_the_owner_merges_two_different_files_of_the_shop() {
        let shop = TestShop::new().await;
        let marie = shop.client("Marie", "Curie").await;
        let pierre = shop.client("Pierre", "Curie").await;
        assert_eq!(
            merge_clients(&shop.db, &shop.staff(), marie.id, pierre.id).await,
            Err(AppError::Forbidden)
        );
        assert_eq!(
            merge_clients(&shop.db, &shop.owner, marie.id, marie.id).await,
            Err(AppError::invalid("other", FieldProblem::InvalidChoice))
        );
        let other = shop.other_shop().await;
        assert_eq!(
            merge_clients(&shop.db, &other, marie.id, pierre.id).await,
            Err(AppError::NotFound)
        );
        merge_clients(&shop.db, &shop.owner, marie.id, pierre.id)
            .await
            .expect("merged");
        // Merged once, the file is gone: merging it again is refused.
        assert_eq!(
            merge_clients(&shop.db, &shop.owner, marie.id, pierre.id).await,
            Err(AppError::invalid("other", FieldProblem::InvalidChoice))
        );
    }
}
