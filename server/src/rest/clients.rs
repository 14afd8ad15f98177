//! The API's operations on a shop's clients: find, enrol, read, and the till's ledger changes.
//! Each one reads its input into the app's own form and calls the app's service.

use app::api::state::AppState;
use app::entities::client;
use app::model::api_keys::ApiRefusal;
use app::model::client::{Civility, ClientForm, WaitingReward};
use app::model::ledger::{RecordOutcome, RecordRequest, RedeemRequest, TransactionForm};
use app::model::rewards::{ClaimRequest, EarnedReward};
use app::services::clients::detail::{ClientKey, read_for_api};
use app::services::clients::edit::{SharedPhone, create_client as create};
use app::services::ledger;
use app::services::programme::rewards::client_rewards as rewards_of;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{ApiError, ApiErrorBody, ApiJson, ApiPath, ApiQuery, ApiRequest, IdempotencyKey};

/// A client as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiClient {
    pub id: i64,
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    /// International form: `+33612345678`.
    pub phone: Option<String>,
    pub postal_code: Option<String>,
    pub city: Option<String>,
    /// ISO 3166 code: `FR`, `BE`…
    pub country: String,
    pub birth_date: Option<NaiveDate>,
    pub points_balance: i64,
    pub visit_count: i64,
    pub last_visit_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl From<client::Model> for ApiClient {
    fn from(model: client::Model) -> Self {
        Self {
            id: model.id,
            first_name: model.first_name,
            last_name: model.last_name,
            email: Some(model.email).filter(|email| !email.is_empty()),
            phone: model.phone,
            postal_code: model.postal_code,
            city: model.city,
            country: model.country,
            birth_date: model.birth_date,
            points_balance: model.points_balance,
            visit_count: model.visit_count,
            last_visit_at: model.last_visit_at,
            created_at: model.created_at,
        }
    }
}

/// Which client: by member card, phone or e-mail (one of them).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FindClientQuery {
    /// A phone number in any usual form: `06 12 34 56 78`, `+33612345678`.
    pub phone: Option<String>,
    pub email: Option<String>,
    /// A member card's code as printed or scanned: the token, or the card's address.
    pub card: Option<String>,
}

/// A client to enrol: a last name, a first name, and an e-mail or a phone.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewClient {
    /// `mme`, `m`, or `nc` (not said, the default).
    pub civility: Option<String>,
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub postal_code: Option<String>,
    pub city: Option<String>,
    /// ISO 3166 code; the shop's country when left out.
    pub country: Option<String>,
    /// `YYYY-MM-DD`.
    pub birth_date: Option<String>,
}

/// A purchase, read by the shop's programme: an amount for points per euro, items for a stamp
/// card counting items, points for a manual programme.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct Purchase {
    /// In cents: `1250` for 12,50 €.
    pub amount_cents: Option<i64>,
    pub items: Option<i64>,
    pub points: Option<i64>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PointsToUse {
    pub points: i64,
}

/// A ledger entry just written (or, for a retry, the one written the first time).
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiTransaction {
    pub id: i64,
    pub client_id: i64,
    /// `earn`, `redeem`…
    pub kind: String,
    /// Negative when points were used.
    pub points: i64,
    pub amount_cents: Option<i64>,
    /// The client's balance after it.
    pub points_balance: i64,
    /// The reward the client can claim first, if any.
    pub reward_to_claim: Option<ApiWaitingReward>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApiWaitingReward {
    /// The id to claim it with: `POST /api/v1/rewards/{earned_id}/claim`.
    pub earned_id: i64,
    pub name: String,
    /// How many rewards wait, this one included.
    pub waiting: u32,
}

impl From<WaitingReward> for ApiWaitingReward {
    fn from(reward: WaitingReward) -> Self {
        Self {
            earned_id: reward.earned_id,
            name: reward.name,
            waiting: reward.waiting,
        }
    }
}

impl From<RecordOutcome> for ApiTransaction {
    fn from(outcome: RecordOutcome) -> Self {
        Self {
            id: outcome.transaction.id,
            client_id: outcome.client.id,
            kind: outcome.transaction.kind.code().to_owned(),
            points: outcome.transaction.points,
            amount_cents: outcome.transaction.amount_cents,
            points_balance: outcome.client.points_balance,
            reward_to_claim: outcome.client.waiting_reward.map(Into::into),
        }
    }
}

/// A reward a client earned.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiEarnedReward {
    /// The id to claim it with, while its status is `earned`.
    pub earned_id: i64,
    pub name: String,
    /// `euros_off`, `percent_off`, `free_product`, `free_text`.
    pub kind: String,
    /// Cents for `euros_off`, a percentage for `percent_off`.
    pub value: Option<i64>,
    /// Points it takes when claimed.
    pub cost: i64,
    /// `earned`, `claimed`, `expired`, `revoked`.
    pub status: String,
    /// Days in the shop's time zone.
    pub earned_on: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    pub claimed_on: Option<NaiveDate>,
}

/// The service shows days as the shop's pages do (`23/11/2026`); the API writes them ISO.
fn iso_day(shown: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(shown, "%d/%m/%Y").ok()
}

impl From<EarnedReward> for ApiEarnedReward {
    fn from(earned: EarnedReward) -> Self {
        Self {
            earned_id: earned.id,
            name: earned.reward.name,
            kind: earned.reward.kind.code().to_owned(),
            value: earned.reward.value,
            cost: earned.reward.cost,
            status: earned.status.code().to_owned(),
            earned_on: iso_day(&earned.earned_on),
            valid_until: earned.valid_until.as_deref().and_then(iso_day),
            claimed_on: earned.claimed_on.as_deref().and_then(iso_day),
        }
    }
}

#[utoipa::path(
    get,
    path = "/api/v1/clients",
    tag = "clients",
    summary = "Find a client by member card, phone or e-mail",
    params(FindClientQuery),
    responses(
        (status = 200, description = "The client of this card, or the one client with this phone or e-mail", body = ApiClient),
        (status = 400, description = "Unreadable query", body = ApiErrorBody),
        (status = 401, description = "No key, or an unknown or revoked one", body = ApiErrorBody),
        (status = 422, description = "No card, phone nor e-mail; an invalid one, no client with it, or several (`several_clients_with_contact`); a card replaced since (`card_replaced`) or unknown (`unknown_card`)", body = ApiErrorBody),
        (status = 429, description = "Too many requests with this key", body = ApiErrorBody),
    )
)]
pub async fn find_client(
    State(state): State<AppState>,
    api: ApiRequest,
    ApiQuery(query): ApiQuery<FindClientQuery>,
) -> Result<Json<ApiClient>, ApiError> {
    let present = |value: Option<String>| value.filter(|value| !value.trim().is_empty());
    let key = match (present(query.card), present(query.phone.or(query.email))) {
        (Some(card), _) => ClientKey::Card(card),
        (None, Some(contact)) => ClientKey::Contact(contact),
        (None, None) => return Err(ApiRefusal::ContactMissing.into()),
    };
    let client = read_for_api(&state.db, &api.actor, &key).await?;
    Ok(Json(client.into()))
}

#[utoipa::path(
    post,
    path = "/api/v1/clients",
    tag = "clients",
    summary = "Enrol a client",
    request_body = NewClient,
    responses(
        (status = 201, description = "The client's new file", body = ApiClient),
        (status = 400, description = "Unreadable body", body = ApiErrorBody),
        (status = 401, description = "No key, or an unknown or revoked one", body = ApiErrorBody),
        (status = 403, description = "A read-only key", body = ApiErrorBody),
        (status = 409, description = "Another client has this e-mail or phone (`existing_client_id`)", body = ApiErrorBody),
        (status = 422, description = "Fields refused, each with its reason", body = ApiErrorBody),
        (status = 429, description = "Too many requests with this key", body = ApiErrorBody),
    )
)]
pub async fn create_client(
    State(state): State<AppState>,
    api: ApiRequest,
    ApiJson(new): ApiJson<NewClient>,
) -> Result<(StatusCode, Json<ApiClient>), ApiError> {
    api.can_write()?;
    let form = ClientForm {
        civility: new
            .civility
            .unwrap_or_else(|| Civility::Unspecified.code().to_owned()),
        first_name: new.first_name,
        last_name: new.last_name,
        email: new.email.unwrap_or_default(),
        phone: new.phone.unwrap_or_default(),
        address: new.address.unwrap_or_default(),
        postal_code: new.postal_code.unwrap_or_default(),
        city: new.city.unwrap_or_default(),
        country: new.country.unwrap_or_default(),
        birth_date: new.birth_date.unwrap_or_default(),
        note: String::new(),
    };
    let row = create(&state.db, &api.actor, &form, SharedPhone::Refuse).await?;
    let client = read_for_api(&state.db, &api.actor, &ClientKey::Id(row.id)).await?;
    Ok((StatusCode::CREATED, Json(client.into())))
}

#[utoipa::path(
    get,
    path = "/api/v1/clients/{client_id}",
    tag = "clients",
    summary = "Read a client's file and balance",
    params(("client_id" = i64, Path, description = "The client's id")),
    responses(
        (status = 200, description = "The client", body = ApiClient),
        (status = 400, description = "An id that is not a number", body = ApiErrorBody),
        (status = 401, description = "No key, or an unknown or revoked one", body = ApiErrorBody),
        (status = 404, description = "No such client in the key's shop", body = ApiErrorBody),
        (status = 429, description = "Too many requests with this key", body = ApiErrorBody),
    )
)]
pub async fn get_client(
    State(state): State<AppState>,
    api: ApiRequest,
    ApiPath(client_id): ApiPath<i64>,
) -> Result<Json<ApiClient>, ApiError> {
    let client = read_for_api(&state.db, &api.actor, &ClientKey::Id(client_id)).await?;
    Ok(Json(client.into()))
}

#[utoipa::path(
    get,
    path = "/api/v1/clients/{client_id}/rewards",
    tag = "clients",
    summary = "The rewards a client earned",
    description = "Waiting ones first (soonest to expire first), then the others, newest first.",
    params(("client_id" = i64, Path, description = "The client's id")),
    responses(
        (status = 200, description = "The client's rewards", body = Vec<ApiEarnedReward>),
        (status = 400, description = "An id that is not a number", body = ApiErrorBody),
        (status = 401, description = "No key, or an unknown or revoked one", body = ApiErrorBody),
        (status = 404, description = "No such client in the key's shop", body = ApiErrorBody),
        (status = 429, description = "Too many requests with this key", body = ApiErrorBody),
    )
)]
pub async fn client_rewards(
    State(state): State<AppState>,
    api: ApiRequest,
    ApiPath(client_id): ApiPath<i64>,
) -> Result<Json<Vec<ApiEarnedReward>>, ApiError> {
    let client = read_for_api(&state.db, &api.actor, &ClientKey::Id(client_id)).await?;
    let rewards = rewards_of(&state.db, &api.actor, client.id).await?;
    Ok(Json(rewards.earned.into_iter().map(Into::into).collect()))
}

#[utoipa::path(
    post,
    path = "/api/v1/clients/{client_id}/purchases",
    tag = "clients",
    summary = "Record a purchase: the shop's programme turns it into points",
    params(
        ("client_id" = i64, Path, description = "The client's id"),
        ("Idempotency-Key" = String, Header, description = "Made by the caller for this purchase (a UUID, a ticket number): a retry with the same key is recorded once and gets the first answer"),
    ),
    request_body = Purchase,
    responses(
        (status = 201, description = "Recorded (or recorded already, for a retry)", body = ApiTransaction),
        (status = 400, description = "Unreadable body, or no `Idempotency-Key`", body = ApiErrorBody),
        (status = 401, description = "No key, or an unknown or revoked one", body = ApiErrorBody),
        (status = 403, description = "A read-only key", body = ApiErrorBody),
        (status = 404, description = "No such client in the key's shop", body = ApiErrorBody),
        (status = 409, description = "The `Idempotency-Key` was used for another request, or the visit is counted already today", body = ApiErrorBody),
        (status = 422, description = "Amount, items or points refused, with the reason", body = ApiErrorBody),
        (status = 429, description = "Too many requests with this key", body = ApiErrorBody),
    )
)]
pub async fn record_purchase(
    State(state): State<AppState>,
    api: ApiRequest,
    IdempotencyKey(key): IdempotencyKey,
    ApiPath(client_id): ApiPath<i64>,
    ApiJson(purchase): ApiJson<Purchase>,
) -> Result<(StatusCode, Json<ApiTransaction>), ApiError> {
    api.can_write()?;
    earn(&state, &api, client_id, key, &purchase).await
}

#[utoipa::path(
    post,
    path = "/api/v1/clients/{client_id}/visits",
    tag = "clients",
    summary = "Record a visit (points per visit, or a stamp)",
    params(
        ("client_id" = i64, Path, description = "The client's id"),
        ("Idempotency-Key" = String, Header, description = "Made by the caller for this visit: a retry with the same key is recorded once and gets the first answer"),
    ),
    responses(
        (status = 201, description = "Recorded (or recorded already, for a retry)", body = ApiTransaction),
        (status = 400, description = "No `Idempotency-Key`", body = ApiErrorBody),
        (status = 401, description = "No key, or an unknown or revoked one", body = ApiErrorBody),
        (status = 403, description = "A read-only key", body = ApiErrorBody),
        (status = 404, description = "No such client in the key's shop", body = ApiErrorBody),
        (status = 409, description = "The `Idempotency-Key` was used for another request, or the visit is counted already today", body = ApiErrorBody),
        (status = 422, description = "The shop's programme needs an amount or points: record a purchase", body = ApiErrorBody),
        (status = 429, description = "Too many requests with this key", body = ApiErrorBody),
    )
)]
pub async fn record_visit(
    State(state): State<AppState>,
    api: ApiRequest,
    IdempotencyKey(key): IdempotencyKey,
    ApiPath(client_id): ApiPath<i64>,
) -> Result<(StatusCode, Json<ApiTransaction>), ApiError> {
    api.can_write()?;
    earn(&state, &api, client_id, key, &Purchase::default()).await
}

async fn earn(
    state: &AppState,
    api: &ApiRequest,
    client_id: i64,
    key: uuid::Uuid,
    purchase: &Purchase,
) -> Result<(StatusCode, Json<ApiTransaction>), ApiError> {
    let text = |value: Option<i64>| value.map(|value| value.to_string()).unwrap_or_default();
    let request = RecordRequest {
        client_id,
        form: TransactionForm {
            points: text(purchase.points),
            amount: purchase.amount_cents.map(euros).unwrap_or_default(),
            items: text(purchase.items),
        },
        idempotency_key: key,
    };
    let outcome = ledger::record_transaction(&state.db, &api.actor, &request).await?;
    Ok((StatusCode::CREATED, Json(outcome.into())))
}

/// Cents as the till types euros (`1250` → `12.50`), so the amount meets the form's own rules.
fn euros(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let cents = cents.unsigned_abs();
    format!("{sign}{}.{:02}", cents / 100, cents % 100)
}

#[utoipa::path(
    post,
    path = "/api/v1/clients/{client_id}/redemptions",
    tag = "clients",
    summary = "Use points from the client's balance",
    description = "Never below zero, even with two tills at the same second.",
    params(
        ("client_id" = i64, Path, description = "The client's id"),
        ("Idempotency-Key" = String, Header, description = "Made by the caller for this use: a retry with the same key is recorded once and gets the first answer"),
    ),
    request_body = PointsToUse,
    responses(
        (status = 201, description = "Recorded (or recorded already, for a retry)", body = ApiTransaction),
        (status = 400, description = "Unreadable body, or no `Idempotency-Key`", body = ApiErrorBody),
        (status = 401, description = "No key, or an unknown or revoked one", body = ApiErrorBody),
        (status = 403, description = "A read-only key", body = ApiErrorBody),
        (status = 404, description = "No such client in the key's shop", body = ApiErrorBody),
        (status = 409, description = "The `Idempotency-Key` was used for another request", body = ApiErrorBody),
        (status = 422, description = "Points refused: fewer than 1, or more than the balance (`not_enough_points`)", body = ApiErrorBody),
        (status = 429, description = "Too many requests with this key", body = ApiErrorBody),
    )
)]
pub async fn use_points(
    State(state): State<AppState>,
    api: ApiRequest,
    IdempotencyKey(key): IdempotencyKey,
    ApiPath(client_id): ApiPath<i64>,
    ApiJson(body): ApiJson<PointsToUse>,
) -> Result<(StatusCode, Json<ApiTransaction>), ApiError> {
    api.can_write()?;
    let request = RedeemRequest {
        client_id,
        points: body.points.to_string(),
        idempotency_key: key,
    };
    let outcome = ledger::redeem_points(&state.db, &api.actor, &request).await?;
    Ok((StatusCode::CREATED, Json(outcome.into())))
}

#[utoipa::path(
    post,
    path = "/api/v1/rewards/{earned_id}/claim",
    tag = "clients",
    summary = "Claim a reward the client earned: its cost is taken from the balance",
    params(
        ("earned_id" = i64, Path, description = "The earned reward's id (`earned_id`)"),
        ("Idempotency-Key" = String, Header, description = "Made by the caller for this claim: a retry with the same key gets the first answer"),
    ),
    responses(
        (status = 201, description = "Claimed (or claimed already by this request, for a retry)", body = ApiTransaction),
        (status = 400, description = "No `Idempotency-Key`", body = ApiErrorBody),
        (status = 401, description = "No key, or an unknown or revoked one", body = ApiErrorBody),
        (status = 403, description = "A read-only key", body = ApiErrorBody),
        (status = 404, description = "No such reward in the key's shop", body = ApiErrorBody),
        (status = 409, description = "Claimed, expired or revoked already (`reward_not_claimable`), or the `Idempotency-Key` was used for another request", body = ApiErrorBody),
        (status = 422, description = "The balance no longer covers its cost", body = ApiErrorBody),
        (status = 429, description = "Too many requests with this key", body = ApiErrorBody),
    )
)]
pub async fn claim_reward(
    State(state): State<AppState>,
    api: ApiRequest,
    IdempotencyKey(key): IdempotencyKey,
    ApiPath(earned_id): ApiPath<i64>,
) -> Result<(StatusCode, Json<ApiTransaction>), ApiError> {
    api.can_write()?;
    let request = ClaimRequest {
        earned_id,
        idempotency_key: key,
    };
    let outcome = ledger::claim_reward(&state.db, &api.actor, &request).await?;
    Ok((StatusCode::CREATED, Json(outcome.into())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cents_read_as_the_till_types_euros() {
        assert_eq!(euros(1250), "12.50");
        assert_eq!(euros(5), "0.05");
        assert_eq!(euros(-100), "-1.00");
        assert_eq!(euros(i64::MIN), "-92233720368547758.08");
    }
}
