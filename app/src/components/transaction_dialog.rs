//! The till's dialog: points earned and, optionally, the amount spent. Keyboard first: it opens
//! with the points field focused and Enter saves.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

use super::errors::FormError;
use super::field::{Field, field_problem};
use super::modal::Modal;
use crate::api::ledger::record_transaction;
use crate::i18n::*;
use crate::model::client::ClientRow;
use crate::model::error::AppError;
use crate::model::ledger::{RecordOutcome, RecordRequest, TransactionForm};

/// Keeps a request's idempotency key for retries after a network failure, and makes a new one
/// once the server has answered definitively (nothing recorded).
pub fn next_key(key: StoredValue<Uuid>, error: &AppError) {
    if !matches!(error, AppError::Communication(_)) {
        key.set_value(Uuid::new_v4());
    }
}

#[component]
pub fn TransactionDialog(
    client: ClientRow,
    on_close: Callback<()>,
    on_recorded: Callback<RecordOutcome>,
) -> impl IntoView {
    let i18n = use_i18n();
    let points = RwSignal::new(String::new());
    let amount = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let saving = RwSignal::new(false);
    // Made when the dialog opens: a double tap or a retried request is recorded once.
    let key = StoredValue::new(Uuid::new_v4());
    let client_id = client.id;
    let name = client.full_name();
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
        let request = RecordRequest {
            client_id,
            form,
            idempotency_key: key.get_value(),
        };
        spawn_local(async move {
            let answer = record_transaction(request).await;
            saving.set(false);
            match answer {
                Ok(outcome) => on_recorded.run(outcome),
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
            title_id="transaction-title"
            title=move || {
                let name = name.clone();
                t_string!(i18n, transaction.title, name).to_string()
            }
            on_close
        >
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
