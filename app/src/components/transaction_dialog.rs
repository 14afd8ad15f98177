//! The till's dialogs: points earned and, optionally, the amount spent; or points used. Keyboard
//! first: they open with the points field focused and Enter saves.

use leptos::prelude::*;

use super::modal::Modal;
use super::points_form::PointsForm;
use crate::api::ledger::{record_transaction, redeem_points};
use crate::i18n::*;
use crate::model::client::ClientRow;
use crate::model::ledger::{RecordOutcome, RecordRequest, RedeemRequest};

#[component]
pub fn TransactionDialog(
    client: ClientRow,
    on_close: Callback<()>,
    on_recorded: Callback<RecordOutcome>,
) -> impl IntoView {
    let i18n = use_i18n();
    let client_id = client.id;
    let name = client.full_name();
    view! {
        <Modal
            title_id="transaction-title"
            title=move || {
                let name = name.clone();
                t_string!(i18n, transaction.title, name).to_string()
            }
            on_close
        >
            <PointsForm
                send=move |form, idempotency_key| record_transaction(RecordRequest { client_id, form, idempotency_key })
                on_close
                on_saved=on_recorded
            />
        </Modal>
    }
}

#[component]
pub fn RedeemDialog(
    client: ClientRow,
    on_close: Callback<()>,
    on_redeemed: Callback<RecordOutcome>,
) -> impl IntoView {
    let i18n = use_i18n();
    let client_id = client.id;
    let name = client.full_name();
    let balance = client.points_balance;
    view! {
        <Modal
            title_id="redeem-title"
            title=move || {
                let name = name.clone();
                t_string!(i18n, transaction.redeem_title, name).to_string()
            }
            on_close
        >
            <p>{move || t_string!(i18n, transaction.balance_now, balance).to_string()}</p>
            <PointsForm
                uses_points=true
                send=move |form, idempotency_key| redeem_points(RedeemRequest { client_id, points: form.points, idempotency_key })
                on_close
                on_saved=on_redeemed
            />
        </Modal>
    }
}
