//! Modifying a transaction: the original is reversed and replaced, never rewritten.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

use super::errors::FormError;
use super::field::{Field, field_problem};
use super::modal::Modal;
use super::transaction_dialog::next_key;
use crate::api::ledger::modify_transaction;
use crate::i18n::*;
use crate::model::error::AppError;
use crate::model::ledger::{ModifyRequest, RecordOutcome, TransactionForm, TransactionView};

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
    let points = RwSignal::new(transaction.points.to_string());
    let amount = RwSignal::new(amount_input(transaction.amount_cents));
    let error = RwSignal::new(None::<AppError>);
    let saving = RwSignal::new(false);
    let key = StoredValue::new(Uuid::new_v4());
    let transaction_id = transaction.id;
    let date = transaction.recorded_at.clone();
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        if saving.get_untracked() {
            return;
        }
        let form = TransactionForm {
            points: points.get_untracked(),
            amount: amount.get_untracked(),
        };
        if let Err(invalid) = form.validate() {
            error.set(Some(invalid));
            return;
        }
        saving.set(true);
        error.set(None);
        let request = ModifyRequest {
            transaction_id,
            form,
            idempotency_key: key.get_value(),
        };
        spawn_local(async move {
            let answer = modify_transaction(request).await;
            saving.set(false);
            match answer {
                Ok(outcome) => on_modified.run(outcome),
                Err(failure) => {
                    next_key(key, &failure);
                    error.set(Some(failure));
                }
            }
        });
    };
    let error_signal: Signal<Option<AppError>> = error.into();
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
            <form on:submit=submit novalidate>
                <Field
                    id="points"
                    label=move || t!(i18n, transaction.points)
                    value=points
                    problem=field_problem(error_signal, "points")
                    input_type="number"
                    inputmode="numeric"
                    required=true
                    autofocus=true
                />
                <Field
                    id="amount"
                    label=move || t!(i18n, transaction.amount)
                    value=amount
                    problem=field_problem(error_signal, "amount")
                    inputmode="decimal"
                />
                <FormError error=Signal::derive(move || error.get().filter(|e| e.field_errors().is_none())) />
                <div class="actions">
                    <button type="button" class="secondary" on:click=move |_| on_close.run(())>
                        {t!(i18n, common.cancel)}
                    </button>
                    <button type="submit" disabled=move || saving.get()>
                        {t!(i18n, common.save)}
                    </button>
                </div>
            </form>
        </Modal>
    }
}
