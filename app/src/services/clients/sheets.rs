//! Technical sheets on a client's file: written at a visit, corrected by their author the day
//! they were written, then kept as they are. A client's page lists them newest first, with those
//! of the files merged into it.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

use super::lookup::{file_ids, find_in_shop};
use crate::entities::technical_sheet;
use crate::model::audit::AuditKind;
use crate::model::error::AppError;
use crate::model::sheets::{SheetForm, TechnicalSheet};
use crate::services::audit::{self, Actor, AuditRecord};
use crate::services::db::Db;
use crate::services::time::{format_date_time, shop_zone};
use crate::services::{db_error, display_names, shop_check, update_in_shop};

/// Its author, on the shop's calendar day it was written.
fn correctable(
    sheet: &technical_sheet::Model,
    actor: &Actor,
    zone: Tz,
    now: DateTime<Utc>,
) -> bool {
    sheet.author_user_id == actor.user_id
        && sheet.created_at.with_timezone(&zone).date_naive()
            == now.with_timezone(&zone).date_naive()
}

fn shown(
    sheet: technical_sheet::Model,
    author_name: String,
    actor: &Actor,
    zone: Tz,
    now: DateTime<Utc>,
) -> TechnicalSheet {
    TechnicalSheet {
        id: sheet.id,
        written_at: format_date_time(sheet.created_at, zone),
        author_name,
        corrected: sheet.updated_at != sheet.created_at,
        editable: correctable(&sheet, actor, zone, now),
        formula: sheet.formula,
        products: sheet.products,
        pose_minutes: sheet.pose_minutes,
        remarks: sheet.remarks,
    }
}

/// The client's sheets and those of the files merged into it, newest first.
pub async fn client_sheets(
    db: &impl ConnectionTrait,
    actor: &Actor,
    client_id: i64,
) -> Result<Vec<TechnicalSheet>, AppError> {
    find_in_shop(db, actor.shop_id, client_id).await?;
    let ids = file_ids(db, actor.shop_id, client_id).await?;
    let sheets = sheets_of(db, actor.shop_id, &ids).await?;
    let names = display_names(db, sheets.iter().map(|sheet| sheet.author_user_id)).await?;
    let zone = shop_zone(&actor.time_zone);
    let now = Utc::now();
    Ok(sheets
        .into_iter()
        .map(|sheet| {
            let name = names
                .get(&sheet.author_user_id)
                .cloned()
                .unwrap_or_default();
            shown(sheet, name, actor, zone, now)
        })
        .collect())
}

/// The sheets of these files of one client, newest first: the page and the data report.
pub(crate) async fn sheets_of(
    db: &impl ConnectionTrait,
    shop_id: i64,
    file_ids: &[i64],
) -> Result<Vec<technical_sheet::Model>, AppError> {
    technical_sheet::Entity::find()
        .filter(shop_check(db, technical_sheet::Column::ShopId, shop_id))
        .filter(technical_sheet::Column::ClientId.is_in(file_ids.iter().copied()))
        .order_by_desc(technical_sheet::Column::Id)
        .all(db)
        .await
        .map_err(db_error)
}

pub async fn write_sheet(
    db: &Db,
    actor: &Actor,
    form: &SheetForm,
) -> Result<TechnicalSheet, AppError> {
    let content = form.validate()?;
    let now = Utc::now();
    let txn = db.begin_write().await?;
    find_in_shop(&txn, actor.shop_id, form.client_id).await?;
    let sheet = technical_sheet::ActiveModel {
        shop_id: Set(actor.shop_id),
        client_id: Set(form.client_id),
        author_user_id: Set(actor.user_id),
        formula: Set(content.formula),
        products: Set(content.products),
        pose_minutes: Set(content.pose_minutes),
        remarks: Set(content.remarks),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(db_error)?;
    audit::write(
        &txn,
        AuditRecord::by(actor, AuditKind::SheetWritten)
            .client(form.client_id)
            .detail(format!("sheet {}", sheet.id)),
    )
    .await?;
    txn.commit().await.map_err(db_error)?;
    Ok(shown(
        sheet,
        actor.display_name.clone(),
        actor,
        shop_zone(&actor.time_zone),
        now,
    ))
}

/// Corrects a sheet: only its author, only the day it was written; after that it is kept.
pub async fn correct_sheet(
    db: &Db,
    actor: &Actor,
    sheet_id: i64,
    form: &SheetForm,
) -> Result<TechnicalSheet, AppError> {
    let content = form.validate()?;
    let zone = shop_zone(&actor.time_zone);
    let now = Utc::now();
    let txn = db.begin_write().await?;
    let sheet = technical_sheet::Entity::find_by_id(sheet_id)
        .filter(shop_check(
            &txn,
            technical_sheet::Column::ShopId,
            actor.shop_id,
        ))
        .one(&txn)
        .await
        .map_err(db_error)?
        .ok_or(AppError::NotFound)?;
    if !correctable(&sheet, actor, zone, now) {
        return Err(AppError::SheetKept);
    }
    let client_id = sheet.client_id;
    let mut corrected: technical_sheet::ActiveModel = sheet.into();
    corrected.formula = Set(content.formula);
    corrected.products = Set(content.products);
    corrected.pose_minutes = Set(content.pose_minutes);
    corrected.remarks = Set(content.remarks);
    corrected.updated_at = Set(now);
    let sheet = update_in_shop(
        &txn,
        corrected,
        technical_sheet::Column::ShopId,
        actor.shop_id,
    )
    .await?;
    audit::write(
        &txn,
        AuditRecord::by(actor, AuditKind::SheetCorrected)
            .client(client_id)
            .detail(format!("sheet {}", sheet.id)),
    )
    .await?;
    txn.commit().await.map_err(db_error)?;
    Ok(shown(sheet, actor.display_name.clone(), actor, zone, now))
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;
    use crate::services::clients::erase::erase_in_transaction;
    use crate::services::clients::merge::merge_clients;
    use crate::services::test_support::TestShop;

    fn sheet(client_id: i64, formula: &str) -> SheetForm {
        SheetForm {
            client_id,
            formula: formula.to_owned(),
            remarks: "Cuir chevelu sensible".into(),
            ..SheetForm::default()
        }
    }

    #[tokio::test]
    async fn a_clients_sheets_come_newest_first_with_those_of_merged_files() {
        let shop = TestShop::new().await;
        let lea = shop.client("Léa", "Morel").await;
        let other_file = shop.client("Lea", "Morel").await;
        write_sheet(&shop.db, &shop.owner, &sheet(other_file.id, "5.0"))
            .await
            .expect("first sheet");
        let written = write_sheet(&shop.db, &shop.owner, &sheet(lea.id, "6.3 + 7.43"))
            .await
            .expect("second sheet");
        assert!(written.editable);
        assert!(!written.corrected);
        assert_eq!(written.author_name, shop.owner.display_name);
        merge_clients(&shop.db, &shop.owner, lea.id, other_file.id)
            .await
            .expect("merged");

        let sheets = client_sheets(&shop.db, &shop.owner, lea.id)
            .await
            .expect("sheets");
        let formulas: Vec<&str> = sheets.iter().map(|sheet| sheet.formula.as_str()).collect();
        assert_eq!(formulas, ["6.3 + 7.43", "5.0"]);
    }

    #[tokio::test]
    async fn only_its_author_corrects_a_sheet_and_only_the_day_it_was_written() {
        let shop = TestShop::new().await;
        let lea = shop.client("Léa", "Morel").await;
        let written = write_sheet(&shop.db, &shop.owner, &sheet(lea.id, "6.3"))
            .await
            .expect("written");

        let corrected = correct_sheet(&shop.db, &shop.owner, written.id, &sheet(lea.id, "6.34"))
            .await
            .expect("corrected by its author");
        assert_eq!(corrected.formula, "6.34");
        assert!(corrected.corrected);

        let mut colleague = shop.staff();
        colleague.user.user_id += 1_000;
        assert_eq!(
            correct_sheet(&shop.db, &colleague, written.id, &sheet(lea.id, "7.0")).await,
            Err(AppError::SheetKept)
        );

        let mut yesterday: technical_sheet::ActiveModel =
            technical_sheet::Entity::find_by_id(written.id)
                .one(&shop.db)
                .await
                .expect("read")
                .expect("sheet")
                .into();
        yesterday.created_at = Set(Utc::now() - Duration::days(1));
        yesterday
            .update(&shop.db)
            .await
            .expect("moved to yesterday");
        assert_eq!(
            correct_sheet(&shop.db, &shop.owner, written.id, &sheet(lea.id, "7.0")).await,
            Err(AppError::SheetKept)
        );
        let kept = client_sheets(&shop.db, &shop.owner, lea.id)
            .await
            .expect("sheets");
        assert_eq!(
            kept[0].formula, "6.34",
            "a refused correction changes nothing"
        );
        assert!(!kept[0].editable);
    }

    #[tokio::test]
    async fn bad_sheets_and_other_shops_are_refused() {
        let shop = TestShop::new().await;
        let lea = shop.client("Léa", "Morel").await;
        let written = write_sheet(&shop.db, &shop.owner, &sheet(lea.id, "6.3"))
            .await
            .expect("written");
        assert!(matches!(
            write_sheet(
                &shop.db,
                &shop.owner,
                &SheetForm {
                    client_id: lea.id,
                    ..SheetForm::default()
                }
            )
            .await,
            Err(AppError::Invalid(_))
        ));

        let stranger = shop.other_shop().await;
        assert_eq!(
            client_sheets(&shop.db, &stranger, lea.id).await,
            Err(AppError::NotFound)
        );
        assert_eq!(
            write_sheet(&shop.db, &stranger, &sheet(lea.id, "1.0")).await,
            Err(AppError::NotFound)
        );
        assert_eq!(
            correct_sheet(&shop.db, &stranger, written.id, &sheet(lea.id, "1.0")).await,
            Err(AppError::NotFound)
        );
        let sheets = client_sheets(&shop.db, &shop.owner, lea.id)
            .await
            .expect("sheets");
        assert_eq!(sheets.len(), 1);
        assert_eq!(sheets[0].formula, "6.3");
    }

    #[tokio::test]
    async fn erasing_a_client_takes_its_sheets() {
        let shop = TestShop::new().await;
        let lea = shop.client("Léa", "Morel").await;
        let other = shop.client("Paul", "Durand").await;
        write_sheet(&shop.db, &shop.owner, &sheet(lea.id, "6.3"))
            .await
            .expect("written");
        write_sheet(&shop.db, &shop.owner, &sheet(other.id, "4.0"))
            .await
            .expect("written");
        let txn = shop.db.begin_write().await.expect("turn");
        erase_in_transaction(
            &txn,
            shop.owner.shop_id,
            lea.id,
            AuditRecord::by(&shop.owner, AuditKind::ClientErased).detail("client_request"),
        )
        .await
        .expect("erased");
        txn.commit().await.expect("committed");

        let left = technical_sheet::Entity::find()
            .all(&shop.db)
            .await
            .expect("read");
        let clients: Vec<i64> = left.iter().map(|sheet| sheet.client_id).collect();
        assert_eq!(clients, [other.id]);
    }
}
