//! Modifying a transaction: the original is reversed and replaced, never rewritten.

use leptos::prelude::*;

use super::modal::Modal;
use super::points_form::PointsForm;
use crate::api::ledger::modify_transaction;
use crate::i18n::*;
use crate::model::ledger::{ModifyRequest, RecordOutcome, TransactionView};

/// `1250` → `12,50`, as the amount field shows it.
fn amount_input(cents: Option<i64>) -> String {
    cents
        .map(|cents| format!("{},{:02}", cents / 100, cents % 100))
        .unwrap_or_default()
}

#[component]
pub fn ModifyDialog(
    transaction: TransactionView,
    on_close: Callback<()>,
    on_modified: Callback<RecordOutcome>,
) -> impl IntoView {
    let i18n = use_i18n();
    let transaction_id = transaction.id;
    let date = transaction.recorded_at.clone();
    view! {
        <Modal
            title_id="modify-title"
            title=move || {
                let date = date.clone();
                t_string!(i18n, transaction.modify_title, date).to_string()
            }
            on_close
        >
            <p>{t!(i18n, transaction.modify_intro)}</p>
            <PointsForm
                initial_points=transaction.points.abs().to_string()
                uses_points=transaction.uses_points()
                initial_amount=amount_input(transaction.amount_cents)
                send=move |form, idempotency_key| modify_transaction(ModifyRequest { transaction_id, form, idempotency_key })
                on_close
                on_saved=on_modified
            />
        </Modal>
    }
}
