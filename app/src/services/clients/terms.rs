//! A client's acceptance of the programme's terms: which version, when, how and who recorded
//! it. The latest acceptance among the client's files counts; a newer version is asked again.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

use super::lookup::{file_ids, find_in_shop};
use crate::entities::terms_acceptance;
use crate::model::audit::AuditKind;
use crate::model::error::{AppError, FieldProblem};
use crate::model::terms::{AcceptanceRequest, AcceptanceSource, ClientTerms, TermsAcceptance};
use crate::services::audit::{self, Actor, AuditRecord};
use crate::services::db::Db;
use crate::services::programme::terms::latest;
use crate::services::time::{format_date_time, shop_zone};
use crate::services::{db_error, display_names, shop_check};

/// The latest acceptance among these files of one client.
async fn latest_acceptance(
    db: &impl ConnectionTrait,
    shop_id: i64,
    file_ids: &[i64],
) -> Result<Option<terms_acceptance::Model>, AppError> {
    terms_acceptance::Entity::find()
        .filter(shop_check(db, terms_acceptance::Column::ShopId, shop_id))
        .filter(terms_acceptance::Column::ClientId.is_in(file_ids.iter().copied()))
        .order_by_desc(terms_acceptance::Column::Id)
        .one(db)
        .await
        .map_err(db_error)
}

async fn standing(
    db: &impl ConnectionTrait,
    actor: &Actor,
    client_id: i64,
) -> Result<ClientTerms, AppError> {
    let ids = file_ids(db, actor.shop_id, client_id).await?;
    let current_version = latest(db, actor.shop_id).await?.map(|terms| terms.version);
    let accepted = match latest_acceptance(db, actor.shop_id, &ids).await? {
        Some(row) => {
            let names = display_names(db, [row.author_user_id]).await?;
            Some(TermsAcceptance {
                version: row.version,
                accepted_at: format_date_time(row.accepted_at, shop_zone(&actor.time_zone)),
                source: AcceptanceSource::from_code(&row.source).unwrap_or(AcceptanceSource::Till),
                author_name: names.get(&row.author_user_id).cloned().unwrap_or_default(),
            })
        }
        None => None,
    };
    Ok(ClientTerms {
        current_version,
        accepted,
    })
}

/// Where the client stands with the shop's terms.
pub async fn client_terms(
    db: &impl ConnectionTrait,
    actor: &Actor,
    client_id: i64,
) -> Result<ClientTerms, AppError> {
    find_in_shop(db, actor.shop_id, client_id).await?;
    standing(db, actor, client_id).await
}

/// Records, inside the caller's transaction, that the client accepts `version`, which must be
/// the one in force. Accepting the version already accepted writes nothing.
pub(crate) async fn accept_in_transaction(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    client_id: i64,
    version: i32,
    source: AcceptanceSource,
) -> Result<(), AppError> {
    let current = latest(txn, actor.shop_id).await?.map(|terms| terms.version);
    if current != Some(version) {
        return Err(AppError::invalid("version", FieldProblem::TermsChanged));
    }
    let ids = file_ids(txn, actor.shop_id, client_id).await?;
    if let Some(accepted) = latest_acceptance(txn, actor.shop_id, &ids).await?
        && accepted.version == version
    {
        return Ok(());
    }
    terms_acceptance::ActiveModel {
        shop_id: Set(actor.shop_id),
        client_id: Set(client_id),
        version: Set(version),
        source: Set(source.code().to_owned()),
        accepted_at: Set(Utc::now()),
        author_user_id: Set(actor.user_id),
        ..Default::default()
    }
    .insert(txn)
    .await
    .map_err(db_error)?;
    audit::write(
        txn,
        AuditRecord::by(actor, AuditKind::TermsAccepted)
            .client(client_id)
            .detail(format!("version {version} ({})", source.code())),
    )
    .await
}

/// Staff record that the client accepts the terms shown (at the till, or on a signed form).
pub async fn accept_terms(
    db: &Db,
    actor: &Actor,
    request: &AcceptanceRequest,
) -> Result<ClientTerms, AppError> {
    if !request.source.chosen_by_staff() {
        return Err(AppError::invalid("source", FieldProblem::InvalidChoice));
    }
    let txn = db.begin_write().await?;
    find_in_shop(&txn, actor.shop_id, request.client_id).await?;
    accept_in_transaction(
        &txn,
        actor,
        request.client_id,
        request.version,
        request.source,
    )
    .await?;
    txn.commit().await.map_err(db_error)?;
    standing(db, actor, request.client_id).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::terms::TermsForm;
    use crate::services::clients::report::client_report;
    use crate::services::programme::terms::{current_terms, publish_terms};
    use crate::services::test_support::TestShop;

    fn terms(body: &str) -> TermsForm {
        TermsForm { body: body.into() }
    }

    fn at_till(client_id: i64, version: i32) -> AcceptanceRequest {
        AcceptanceRequest {
            client_id,
            version,
            source: AcceptanceSource::Till,
        }
    }

    #[tokio::test]
    async fn a_new_version_of_the_terms_is_asked_again() {
        let shop = TestShop::new().await;
        let lea = shop.client("Léa", "Morel").await;
        let standing = client_terms(&shop.db, &shop.owner, lea.id)
            .await
            .expect("standing");
        assert!(!standing.due(), "no terms, nothing to ask");

        assert_eq!(
            publish_terms(&shop.db, &shop.staff(), &terms("Article 1")).await,
            Err(AppError::Forbidden)
        );
        let first = publish_terms(&shop.db, &shop.owner, &terms("Article 1"))
            .await
            .expect("published");
        assert_eq!(first.version, 1);
        assert!(
            client_terms(&shop.db, &shop.owner, lea.id)
                .await
                .expect("standing")
                .due()
        );

        let staff = shop.staff();
        let accepted = accept_terms(&shop.db, &staff, &at_till(lea.id, 1))
            .await
            .expect("accepted");
        assert!(!accepted.due());
        assert_eq!(
            accepted
                .accepted
                .as_ref()
                .map(|yes| (yes.version, yes.source)),
            Some((1, AcceptanceSource::Till))
        );
        accept_terms(&shop.db, &staff, &at_till(lea.id, 1))
            .await
            .expect("accepted twice");
        let rows = terms_acceptance::Entity::find()
            .all(&shop.db)
            .await
            .expect("read");
        assert_eq!(rows.len(), 1, "the same version is recorded once");

        let second = publish_terms(&shop.db, &shop.owner, &terms("Article 1 bis"))
            .await
            .expect("published");
        assert_eq!(second.version, 2);
        assert_eq!(
            current_terms(&shop.db, &shop.owner)
                .await
                .expect("current")
                .map(|terms| terms.body),
            Some("Article 1 bis".to_owned())
        );
        let standing = client_terms(&shop.db, &shop.owner, lea.id)
            .await
            .expect("standing");
        assert!(standing.due());
        assert_eq!(standing.accepted.map(|yes| yes.version), Some(1));
        // The version shown before the new one was published is no longer the one in force.
        assert_eq!(
            accept_terms(&shop.db, &staff, &at_till(lea.id, 1)).await,
            Err(AppError::invalid("version", FieldProblem::TermsChanged))
        );
        let mut on_form = at_till(lea.id, 2);
        on_form.source = AcceptanceSource::Form;
        let accepted = accept_terms(&shop.db, &staff, &on_form)
            .await
            .expect("accepted");
        assert!(!accepted.due());

        // The client's data report holds both answers, oldest first.
        let report = client_report(&shop.db, &shop.owner, lea.id)
            .await
            .expect("report");
        let answers: Vec<(i32, &str)> = report
            .terms_acceptances
            .iter()
            .map(|yes| (yes.version, yes.source.as_str()))
            .collect();
        assert_eq!(answers, [(1, "till"), (2, "form")]);
    }

    #[tokio::test]
    async fn acceptances_stay_in_their_shop_and_import_is_not_chosen_by_staff() {
        let shop = TestShop::new().await;
        let lea = shop.client("Léa", "Morel").await;
        publish_terms(&shop.db, &shop.owner, &terms("Article 1"))
            .await
            .expect("published");
        let mut imported = at_till(lea.id, 1);
        imported.source = AcceptanceSource::Import;
        assert_eq!(
            accept_terms(&shop.db, &shop.owner, &imported).await,
            Err(AppError::invalid("source", FieldProblem::InvalidChoice))
        );

        let stranger = shop.other_shop().await;
        assert_eq!(
            client_terms(&shop.db, &stranger, lea.id).await,
            Err(AppError::NotFound)
        );
        assert_eq!(
            accept_terms(&shop.db, &stranger, &at_till(lea.id, 1)).await,
            Err(AppError::NotFound)
        );
        // The other shop's own terms are its own: version 1 there too.
        let theirs = publish_terms(&shop.db, &stranger, &terms("Leurs règles"))
            .await
            .expect("published");
        assert_eq!(theirs.version, 1);
        assert_eq!(
            current_terms(&shop.db, &shop.owner)
                .await
                .expect("current")
                .map(|terms| terms.body),
            Some("Article 1".to_owned())
        );
    }
}
