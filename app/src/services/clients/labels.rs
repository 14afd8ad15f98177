//! Tags and groups on clients. A label is found again by its normalised name (`vip` is `VIP`),
//! so typing an existing tag in another case or without its accents reuses it.

use std::collections::HashMap;

use chrono::Utc;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, JoinType,
    QueryFilter, QueryOrder, QuerySelect, RelationDef, Set,
};

use super::lookup::{find_in_shop, touch};
use crate::entities::{client_label, label};
use crate::model::audit::AuditKind;
use crate::model::auth::CurrentUser;
use crate::model::error::{AppError, FieldProblem};
use crate::model::labels::{Label, LabelCount, LabelKind, ShopLabels, valid_label_name};
use crate::model::search::normalize;
use crate::services::audit::{self, Actor, AuditRecord};
use crate::services::db::Db;
use crate::services::{db_error, is_unique_violation, owner_only};

/// The name labels are compared by: `Végétarien`, `vegetarien` and `VEGETARIEN ` are one tag.
fn label_key(name: &str) -> String {
    normalize(name)
}

fn to_label(model: &label::Model) -> Option<Label> {
    Some(Label {
        id: model.id,
        kind: LabelKind::from_code(&model.kind)?,
        name: model.name.clone(),
    })
}

fn labelled_clients() -> RelationDef {
    client_label::Entity::belongs_to(label::Entity)
        .from(client_label::Column::LabelId)
        .to(label::Column::Id)
        .into()
}

#[derive(Debug, FromQueryResult)]
struct Counted {
    label_id: i64,
    clients: i64,
}

/// Every tag and group of the shop with its number of clients, sorted by name.
pub async fn shop_labels(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
) -> Result<ShopLabels, AppError> {
    let labels = label::Entity::find()
        .filter(label::Column::ShopId.eq(user.shop_id))
        .order_by_asc(label::Column::Key)
        .all(db)
        .await
        .map_err(db_error)?;
    let counts: HashMap<i64, u64> = client_label::Entity::find()
        .select_only()
        .column(client_label::Column::LabelId)
        .column_as(Expr::col(client_label::Column::ClientId).count(), "clients")
        .filter(client_label::Column::ShopId.eq(user.shop_id))
        .group_by(client_label::Column::LabelId)
        .into_model::<Counted>()
        .all(db)
        .await
        .map_err(db_error)?
        .into_iter()
        .map(|counted| {
            (
                counted.label_id,
                u64::try_from(counted.clients).unwrap_or(0),
            )
        })
        .collect();
    let mut found = ShopLabels::default();
    for label in labels.iter().filter_map(to_label) {
        let counted = LabelCount {
            clients: counts.get(&label.id).copied().unwrap_or(0),
            label,
        };
        match counted.label.kind {
            LabelKind::Tag => found.tags.push(counted),
            LabelKind::Group => found.groups.push(counted),
        }
    }
    Ok(found)
}

/// The labels of each of these clients, tags and groups sorted by name.
pub async fn labels_of(
    db: &impl ConnectionTrait,
    shop_id: i64,
    client_ids: &[i64],
) -> Result<HashMap<i64, Vec<Label>>, AppError> {
    if client_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = client_label::Entity::find()
        .join(JoinType::InnerJoin, labelled_clients())
        .select_only()
        .column(client_label::Column::ClientId)
        .column_as(label::Column::Id, "id")
        .column_as(label::Column::ShopId, "shop_id")
        .column_as(label::Column::Kind, "kind")
        .column_as(label::Column::Name, "name")
        .column_as(label::Column::Key, "key")
        .column_as(label::Column::CreatedAt, "created_at")
        .filter(client_label::Column::ShopId.eq(shop_id))
        .filter(label::Column::ShopId.eq(shop_id))
        .filter(client_label::Column::ClientId.is_in(client_ids.iter().copied()))
        .order_by_asc(label::Column::Key)
        .into_model::<LabelOfClient>()
        .all(db)
        .await
        .map_err(db_error)?;
    let mut by_client: HashMap<i64, Vec<Label>> = HashMap::new();
    for row in rows {
        if let Some(label) = to_label(&row.label) {
            by_client.entry(row.client_id).or_default().push(label);
        }
    }
    Ok(by_client)
}

#[derive(Debug)]
struct LabelOfClient {
    client_id: i64,
    label: label::Model,
}

impl FromQueryResult for LabelOfClient {
    fn from_query_result(row: &sea_orm::QueryResult, pre: &str) -> Result<Self, sea_orm::DbErr> {
        Ok(Self {
            client_id: row.try_get(pre, "client_id")?,
            label: label::Model::from_query_result(row, pre)?,
        })
    }
}

async fn find_label(
    db: &impl ConnectionTrait,
    shop_id: i64,
    kind: LabelKind,
    key: &str,
) -> Result<Option<label::Model>, AppError> {
    label::Entity::find()
        .filter(label::Column::ShopId.eq(shop_id))
        .filter(label::Column::Kind.eq(kind.code()))
        .filter(label::Column::Key.eq(key))
        .one(db)
        .await
        .map_err(db_error)
}

async fn find_label_by_id(
    db: &impl ConnectionTrait,
    shop_id: i64,
    kind: LabelKind,
    label_id: i64,
) -> Result<label::Model, AppError> {
    label::Entity::find_by_id(label_id)
        .filter(label::Column::ShopId.eq(shop_id))
        .filter(label::Column::Kind.eq(kind.code()))
        .one(db)
        .await
        .map_err(db_error)?
        .ok_or(AppError::NotFound)
}

fn new_label(shop_id: i64, kind: LabelKind, name: &str, key: &str) -> label::ActiveModel {
    label::ActiveModel {
        shop_id: Set(shop_id),
        kind: Set(kind.code().to_owned()),
        name: Set(name.to_owned()),
        key: Set(key.to_owned()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
}

/// The shop's tag with this key, created with this spelling unless it exists. Two tills
/// creating the same tag at once get the same row: the second insert does nothing.
async fn find_or_create_tag(
    db: &impl ConnectionTrait,
    shop_id: i64,
    name: &str,
    key: &str,
) -> Result<label::Model, AppError> {
    if let Some(tag) = find_label(db, shop_id, LabelKind::Tag, key).await? {
        return Ok(tag);
    }
    label::Entity::insert(new_label(shop_id, LabelKind::Tag, name, key))
        .on_conflict(
            OnConflict::columns([
                label::Column::ShopId,
                label::Column::Kind,
                label::Column::Key,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec_without_returning(db)
        .await
        .map_err(db_error)?;
    find_label(db, shop_id, LabelKind::Tag, key)
        .await?
        .ok_or(AppError::Internal)
}

/// Puts the tag on the client, creating it for the shop the first time; an existing tag
/// written in another case or without accents is reused with its first spelling.
pub async fn tag_client(
    db: &Db,
    actor: &Actor,
    client_id: i64,
    name: &str,
) -> Result<Vec<Label>, AppError> {
    let name = valid_label_name(name)?;
    let key = label_key(&name);
    let txn = db.begin_write().await?;
    find_in_shop(&txn, actor.shop_id, client_id).await?;
    let tag = find_or_create_tag(&txn, actor.shop_id, &name, &key).await?;
    attach(&txn, actor, client_id, &tag).await?;
    let labels = labels_of(&txn, actor.shop_id, &[client_id]).await?;
    txn.commit().await.map_err(db_error)?;
    Ok(labels.get(&client_id).cloned().unwrap_or_default())
}

/// Puts the label on the client; `false` when the client already had it (two tills at once
/// included: the second insert does nothing).
pub(crate) async fn link(
    db: &impl ConnectionTrait,
    shop_id: i64,
    client_id: i64,
    label_id: i64,
) -> Result<bool, AppError> {
    let inserted = client_label::Entity::insert(client_label::ActiveModel {
        client_id: Set(client_id),
        label_id: Set(label_id),
        shop_id: Set(shop_id),
        created_at: Set(Utc::now()),
    })
    .on_conflict(
        OnConflict::columns([
            client_label::Column::ClientId,
            client_label::Column::LabelId,
        ])
        .do_nothing()
        .to_owned(),
    )
    .exec_without_returning(db)
    .await
    .map_err(db_error)?;
    Ok(inserted > 0)
}

/// Writes the link and its trace, unless the client already has this label.
async fn attach(
    db: &impl ConnectionTrait,
    actor: &Actor,
    client_id: i64,
    label: &label::Model,
) -> Result<(), AppError> {
    if !link(db, actor.shop_id, client_id, label.id).await? {
        return Ok(());
    }
    touch(db, actor.shop_id, [client_id]).await?;
    audit::write(
        db,
        AuditRecord::by(actor, AuditKind::ClientLabelled)
            .client(client_id)
            .detail(labelled_detail(label)),
    )
    .await
}

/// `tag:VIP`: the kind and the name as they were when the change was made.
fn labelled_detail(label: &label::Model) -> String {
    format!("{}:{}", label.kind, label.name)
}

/// Reads an audit detail written by `labelled_detail`.
pub(crate) fn parse_labelled_detail(detail: &str) -> Option<(LabelKind, String)> {
    let (kind, name) = detail.split_once(':')?;
    Some((LabelKind::from_code(kind)?, name.to_owned()))
}

async fn detach(
    db: &impl ConnectionTrait,
    actor: &Actor,
    client_id: i64,
    label: &label::Model,
) -> Result<(), AppError> {
    let removed = client_label::Entity::delete_by_id((client_id, label.id))
        .exec(db)
        .await
        .map_err(db_error)?;
    if removed.rows_affected == 0 {
        return Ok(());
    }
    touch(db, actor.shop_id, [client_id]).await?;
    audit::write(
        db,
        AuditRecord::by(actor, AuditKind::ClientUnlabelled)
            .client(client_id)
            .detail(labelled_detail(label)),
    )
    .await
}

/// Takes the tag off the client; the tag stays offered to the shop.
pub async fn untag_client(
    db: &Db,
    actor: &Actor,
    client_id: i64,
    tag_id: i64,
) -> Result<Vec<Label>, AppError> {
    let txn = db.begin_write().await?;
    find_in_shop(&txn, actor.shop_id, client_id).await?;
    let tag = find_label_by_id(&txn, actor.shop_id, LabelKind::Tag, tag_id).await?;
    detach(&txn, actor, client_id, &tag).await?;
    let labels = labels_of(&txn, actor.shop_id, &[client_id]).await?;
    txn.commit().await.map_err(db_error)?;
    Ok(labels.get(&client_id).cloned().unwrap_or_default())
}

/// A new group of the shop; a name that only differs by case or accents from an existing
/// group is refused next to the field.
pub async fn create_group(db: &Db, actor: &Actor, name: &str) -> Result<Label, AppError> {
    owner_only(actor)?;
    let name = valid_label_name(name)?;
    let key = label_key(&name);
    let txn = db.begin_write().await?;
    let group = match new_label(actor.shop_id, LabelKind::Group, &name, &key)
        .insert(&txn)
        .await
    {
        Ok(group) => group,
        Err(error) if is_unique_violation(&error) => {
            return Err(AppError::invalid("name", FieldProblem::NameTaken));
        }
        Err(error) => return Err(db_error(error)),
    };
    audit::write(
        &txn,
        AuditRecord::by(actor, AuditKind::GroupCreated).detail(group.name.clone()),
    )
    .await?;
    txn.commit().await.map_err(db_error)?;
    to_label(&group).ok_or(AppError::Internal)
}

/// Removes the group and its memberships; the clients stay as they are.
pub async fn delete_group(db: &Db, actor: &Actor, group_id: i64) -> Result<(), AppError> {
    owner_only(actor)?;
    let txn = db.begin_write().await?;
    let group = find_label_by_id(&txn, actor.shop_id, LabelKind::Group, group_id).await?;
    let members: Vec<i64> = client_label::Entity::find()
        .select_only()
        .column(client_label::Column::ClientId)
        .filter(client_label::Column::ShopId.eq(actor.shop_id))
        .filter(client_label::Column::LabelId.eq(group.id))
        .into_tuple()
        .all(&txn)
        .await
        .map_err(db_error)?;
    touch(&txn, actor.shop_id, members).await?;
    client_label::Entity::delete_many()
        .filter(client_label::Column::ShopId.eq(actor.shop_id))
        .filter(client_label::Column::LabelId.eq(group.id))
        .exec(&txn)
        .await
        .map_err(db_error)?;
    label::Entity::delete_by_id(group.id)
        .filter(label::Column::ShopId.eq(actor.shop_id))
        .exec(&txn)
        .await
        .map_err(db_error)?;
    audit::write(
        &txn,
        AuditRecord::by(actor, AuditKind::GroupDeleted).detail(group.name),
    )
    .await?;
    txn.commit().await.map_err(db_error)
}

/// Puts the client in exactly these groups of the shop (the owner's checkboxes).
pub async fn set_client_groups(
    db: &Db,
    actor: &Actor,
    client_id: i64,
    group_ids: &[i64],
) -> Result<Vec<Label>, AppError> {
    owner_only(actor)?;
    let txn = db.begin_write().await?;
    find_in_shop(&txn, actor.shop_id, client_id).await?;
    let groups = label::Entity::find()
        .filter(label::Column::ShopId.eq(actor.shop_id))
        .filter(label::Column::Kind.eq(LabelKind::Group.code()))
        .all(&txn)
        .await
        .map_err(db_error)?;
    if group_ids
        .iter()
        .any(|wanted| !groups.iter().any(|group| group.id == *wanted))
    {
        return Err(AppError::invalid("groups", FieldProblem::InvalidChoice));
    }
    for group in &groups {
        if group_ids.contains(&group.id) {
            attach(&txn, actor, client_id, group).await?;
        } else {
            detach(&txn, actor, client_id, group).await?;
        }
    }
    let labels = labels_of(&txn, actor.shop_id, &[client_id]).await?;
    txn.commit().await.map_err(db_error)?;
    Ok(labels.get(&client_id).cloned().unwrap_or_default())
}

/// A label id typed in a filter must be one of the shop's, of the right kind.
pub async fn check_filter(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    kind: LabelKind,
    label_id: Option<i64>,
) -> Result<(), AppError> {
    let Some(label_id) = label_id else {
        return Ok(());
    };
    let field = match kind {
        LabelKind::Tag => "tag",
        LabelKind::Group => "group",
    };
    find_label_by_id(db, user.shop_id, kind, label_id)
        .await
        .map(|_| ())
        .map_err(|_| AppError::invalid(field, FieldProblem::InvalidChoice))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::services::test_support::TestShop;

    fn names(labels: &[Label]) -> Vec<&str> {
        labels.iter().map(|label| label.name.as_str()).collect()
    }

    #[tokio::test]
    async fn typing_a_tag_in_another_case_or_without_accents_reuses_it() {
        let shop = TestShop::new().await;
        let marie = shop.client("Marie", "Curie").await;
        let paul = shop.client("Paul", "Langevin").await;
        let actor = shop.owner.clone();
        tag_client(&shop.db, &actor, marie.id, "VIP")
            .await
            .expect("tagged");
        tag_client(&shop.db, &actor, marie.id, "Végétarien")
            .await
            .expect("tagged");
        let pauls = tag_client(&shop.db, &actor, paul.id, "  vip ")
            .await
            .expect("tagged");
        let pauls_again = tag_client(&shop.db, &actor, paul.id, "VEGETARIEN")
            .await
            .expect("tagged");
        assert_eq!(names(&pauls), vec!["VIP"]);
        assert_eq!(names(&pauls_again), vec!["Végétarien", "VIP"]);
        // Tagging twice changes nothing.
        tag_client(&shop.db, &actor, paul.id, "Vip")
            .await
            .expect("tagged");
        let labels = shop_labels(&shop.db, &shop.owner).await.expect("labels");
        let counts: Vec<(&str, u64)> = labels
            .tags
            .iter()
            .map(|tag| (tag.label.name.as_str(), tag.clients))
            .collect();
        assert_eq!(counts, vec![("Végétarien", 2), ("VIP", 2)]);
        let vip = labels.tags[1].label.id;
        let left = untag_client(&shop.db, &actor, paul.id, vip)
            .await
            .expect("untagged");
        assert_eq!(names(&left), vec!["Végétarien"]);
    }

    #[tokio::test]
    async fn only_the_owner_manages_groups_and_a_near_duplicate_name_is_refused() {
        let shop = TestShop::new().await;
        let marie = shop.client("Marie", "Curie").await;
        let owner = shop.owner.clone();
        let staff = shop.staff();
        assert_eq!(
            create_group(&shop.db, &staff, "Fidèles").await,
            Err(AppError::Forbidden)
        );
        let loyal = create_group(&shop.db, &owner, "Fidèles")
            .await
            .expect("created");
        assert_eq!(
            create_group(&shop.db, &owner, "FIDELES").await,
            Err(AppError::invalid("name", FieldProblem::NameTaken))
        );
        let office = create_group(&shop.db, &owner, "Comité d'entreprise")
            .await
            .expect("created");
        assert_eq!(
            set_client_groups(&shop.db, &staff, marie.id, &[loyal.id]).await,
            Err(AppError::Forbidden)
        );
        let groups = set_client_groups(&shop.db, &owner, marie.id, &[loyal.id, office.id])
            .await
            .expect("set");
        assert_eq!(names(&groups), vec!["Comité d'entreprise", "Fidèles"]);
        let groups = set_client_groups(&shop.db, &owner, marie.id, &[office.id])
            .await
            .expect("set");
        assert_eq!(names(&groups), vec!["Comité d'entreprise"]);
        delete_group(&shop.db, &owner, office.id)
            .await
            .expect("deleted");
        assert_eq!(
            labels_of(&shop.db, owner.shop_id, &[marie.id])
                .await
                .expect("labels")
                .get(&marie.id),
            None
        );
        let labels = shop_labels(&shop.db, &shop.owner).await.expect("labels");
        assert_eq!(labels.groups.len(), 1);
    }

    #[tokio::test]
    async fn another_shop_cannot_use_or_see_the_labels() {
        let shop = TestShop::new().await;
        let marie = shop.client("Marie", "Curie").await;
        let owner = shop.owner.clone();
        let group = create_group(&shop.db, &owner, "Fidèles")
            .await
            .expect("created");
        let other = shop.other_shop().await;
        let stranger = other.clone();
        assert_eq!(
            tag_client(&shop.db, &stranger, marie.id, "VIP").await,
            Err(AppError::NotFound)
        );
        assert_eq!(
            delete_group(&shop.db, &stranger, group.id).await,
            Err(AppError::NotFound)
        );
        assert_eq!(
            shop_labels(&shop.db, &other).await.expect("labels"),
            ShopLabels::default()
        );
        assert_eq!(
            check_filter(&shop.db, &other, LabelKind::Group, Some(group.id)).await,
            Err(AppError::invalid("group", FieldProblem::InvalidChoice))
        );
    }
}
