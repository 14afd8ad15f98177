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
use crate::model::ledger::TransactionForm;
use crate::model::programme::{Earning, EarningRule};

#[component]
pub fn PointsForm<Submit, Answer, Saved>(
    #[prop(optional)] initial_points: String,
    #[prop(optional)] initial_amount: String,
    /// Points the client uses: no amount is asked.
    #[prop(optional)]
    uses_points: bool,
    /// How an earn counts under the shop's programme: points typed, or given by its rule.
    #[prop(optional)]
    earning: Earning,
    /// Sends the form with its idempotency key to the server (or, at the till's offline page,
    /// to the device's outbox).
    send: Submit,
    on_close: Callback<()>,
    on_saved: Callback<Saved>,
) -> impl IntoView
where
    Submit: Fn(TransactionForm, Uuid) -> Answer + Copy + 'static,
    Answer: Future<Output = Result<Saved, AppError>> + 'static,
    Saved: 'static,
{
    let i18n = use_i18n();
    let points = RwSignal::new(initial_points);
    let amount = RwSignal::new(initial_amount);
    let items = RwSignal::new(String::new());
    let typed = move || TransactionForm {
        points: points.get(),
        amount: amount.get(),
        items: items.get(),
    };
    let state = FormState::new();
    let (error, saving) = (state.error, state.saving);
    // Made when the dialog opens.
    let key = OperationKey::new();
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        let form = untrack(typed);
        let checked = if uses_points {
            form.validate()
        } else {
            earning.values(&form)
        };
        if let Err(invalid) = checked {
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
    // The dialog's own autofocus works when it opens; a form that comes in later (the
    // programme changed meanwhile) takes the focus itself.
    let form_node = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        use wasm_bindgen::JsCast;
        let field = form_node
            .get()
            .and_then(|form| form.query_selector("[autofocus]").ok().flatten())
            .and_then(|field| field.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(field) = field {
            let _ = field.focus();
        }
    });
    view! {
        <form node_ref=form_node on:submit=submit novalidate>
            {(uses_points || earning.asks_points())
                .then(|| {
                    view! {
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
                    }
                })}
            {(!uses_points).then(|| view! { <PurchaseFields earning items amount error=error_signal focus=true /> })}
            {(!uses_points && !earning.asks_points())
                .then(|| view! { <EarnPreview earning form=Signal::derive(typed) /> })}
            <FormError error=Signal::derive(move || error.get().filter(|e| e.field_errors().is_none())) />
            <DialogActions on_close saving />
        </form>
    }
}

/// The purchase as the programme asks it: the items bought when a stamp card counts them, and
/// the amount (needed per euro, noted otherwise).
#[component]
pub fn PurchaseFields(
    earning: Earning,
    items: RwSignal<String>,
    amount: RwSignal<String>,
    error: Signal<Option<AppError>>,
    /// The first of these fields takes the focus when the form opens.
    #[prop(optional)]
    focus: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let needed = earning.needs_amount();
    let asks_items = earning.asks_items();
    view! {
        {asks_items
            .then(|| {
                view! {
                    <Field
                        id="items"
                        label=move || t!(i18n, transaction.items)
                        value=items
                        problem=field_problem(error, "items")
                        input_type="number"
                        inputmode="numeric"
                        required=true
                        autofocus=focus
                    />
                }
            })}
        <Field
            id="amount"
            label=move || {
                if needed {
                    t_string!(i18n, transaction.amount_needed).to_string()
                } else {
                    t_string!(i18n, transaction.amount).to_string()
                }
            }
            value=amount
            problem=field_problem(error, "amount")
            inputmode="decimal"
            required=needed
            autofocus=focus && !asks_items && !earning.asks_points()
        />
    }
}

/// What the purchase will earn, computed as typed by the same rule the server applies.
#[component]
fn EarnPreview(earning: Earning, form: Signal<TransactionForm>) -> impl IntoView {
    let i18n = use_i18n();
    let stamps = matches!(earning, Earning::Rule(EarningRule::StampCard { .. }));
    let text = move || match earning {
        Earning::Paused => t_string!(i18n, transaction.paused).to_string(),
        _ => match earning.values(&form.get()) {
            Ok(values) => {
                let count = values.points;
                if stamps {
                    t_string!(i18n, transaction.preview_stamps, count).to_string()
                } else {
                    t_string!(i18n, transaction.preview_points, count).to_string()
                }
            }
            Err(_) if earning.needs_amount() => {
                t_string!(i18n, transaction.preview_amount).to_string()
            }
            Err(_) => String::new(),
        },
    };
    view! { <p class="earn-preview" role="status">{text}</p> }
}
