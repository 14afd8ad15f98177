//! The points and amount form shared by the till's dialog and the modification dialog: checked
//! in the browser first, sent once per idempotency key, errors next to each field.

use std::future::Future;

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use uuid::Uuid;

use super::errors::FormError;
use super::field::{Field, field_problem};
use super::form_state::{FormState, OperationKey};
use super::modal::DialogActions;
use crate::i18n::*;
use crate::model::error::AppError;
use crate::model::ledger::{RecordOutcome, TransactionForm};

#[component]
pub fn PointsForm<Submit, Answer>(
    #[prop(optional)] initial_points: String,
    #[prop(optional)] initial_amount: String,
    /// Points the client uses: no amount is asked.
    #[prop(optional)]
    uses_points: bool,
    /// Sends the form with its idempotency key to the server.
    send: Submit,
    on_close: Callback<()>,
    on_saved: Callback<RecordOutcome>,
) -> impl IntoView
where
    Submit: Fn(TransactionForm, Uuid) -> Answer + Copy + 'static,
    Answer: Future<Output = Result<RecordOutcome, AppError>> + 'static,
{
    let i18n = use_i18n();
    let points = RwSignal::new(initial_points);
    let amount = RwSignal::new(initial_amount);
    let state = FormState::new();
    let (error, saving) = (state.error, state.saving);
    // Made when the dialog opens.
    let key = OperationKey::new();
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        let form = TransactionForm {
            points: points.get_untracked(),
            amount: amount.get_untracked(),
        };
        if let Err(invalid) = form.validate() {
            error.set(Some(invalid));
            return;
        }
        state.send_or(
            move || send(form, key.current()),
            move |outcome| on_saved.run(outcome),
            move |failure| key.after_failure(failure),
        );
    };
    let error_signal: Signal<Option<AppError>> = error.into();
    view! {
        <form on:submit=submit novalidate>
            <Field
                id="points"
                label=move || {
                    if uses_points {
                        t_string!(i18n, transaction.points_used).to_string()
                    } else {
                        t_string!(i18n, transaction.points).to_string()
                    }
                }
                value=points
                problem=field_problem(error_signal, "points")
                input_type="number"
                inputmode="numeric"
                required=true
                autofocus=true
            />
            {(!uses_points)
                .then(|| {
                    view! {
                        <Field
                            id="amount"
                            label=move || t!(i18n, transaction.amount)
                            value=amount
                            problem=field_problem(error_signal, "amount")
                            inputmode="decimal"
                        />
                    }
                })}
            <FormError error=Signal::derive(move || error.get().filter(|e| e.field_errors().is_none())) />
            <DialogActions on_close saving />
        </form>
    }
}
