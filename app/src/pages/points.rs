//! Adding or using points with only the client's e-mail or phone, without opening the file:
//! what the till does most, in two fields.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::ledger::points_by_contact;
use crate::api::programme::current_programme;
use crate::components::errors::FormError;
use crate::components::field::{Field, field_problem};
use crate::components::form_state::{FormState, OperationKey};
use crate::components::points_form::PurchaseFields;
use crate::i18n::*;
use crate::model::error::AppError;
use crate::model::ledger::{ContactPointsRequest, PointsAction, RecordOutcome};
use crate::model::programme::Earning;
use crate::model::routes;

#[component]
pub fn PointsPage() -> impl IntoView {
    let i18n = use_i18n();
    let programme = Resource::new(|| (), |_| current_programme());
    view! {
        <h1>{t!(i18n, points.title)}</h1>
        <Suspense fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
            {move || {
                programme
                    .get()
                    .map(|answer| {
                        // Unreadable: points typed, and the server applies its rule anyway.
                        let earning = answer.ok().flatten().map_or(Earning::ByHand, |live| live.earning());
                        view! { <PointsByContact earning /> }
                    })
            }}
        </Suspense>
    }
}

#[component]
fn PointsByContact(earning: Earning) -> impl IntoView {
    let i18n = use_i18n();
    let contact = RwSignal::new(String::new());
    let points = RwSignal::new(String::new());
    let amount = RwSignal::new(String::new());
    let items = RwSignal::new(String::new());
    let form = FormState::new();
    let done = RwSignal::new(None::<(PointsAction, RecordOutcome)>);
    let key = OperationKey::new();
    let send = move |action: PointsAction| {
        let request = ContactPointsRequest {
            contact: contact.get_untracked(),
            points: points.get_untracked(),
            amount: amount.get_untracked(),
            items: items.get_untracked(),
            action,
            idempotency_key: key.current(),
        };
        done.set(None);
        form.send_or(
            move || points_by_contact(request),
            move |outcome| {
                key.renew();
                contact.set(String::new());
                points.set(String::new());
                amount.set(String::new());
                items.set(String::new());
                done.set(Some((action, outcome)));
            },
            move |failure| key.after_failure(failure),
        );
    };
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        send(PointsAction::Add);
    };
    let error: Signal<Option<AppError>> = form.error.into();
    let by_hand = earning.asks_points();
    view! {
        <p>{t!(i18n, points.intro)}</p>
        <form class="narrow" on:submit=submit novalidate>
            <Field
                id="contact"
                label=move || t!(i18n, points.contact)
                value=contact
                problem=field_problem(error, "contact")
                autocomplete="off"
                required=true
                autofocus=true
            />
            {(!by_hand).then(|| view! { <PurchaseFields earning items amount error /> })}
            <Field
                id="points"
                label=move || {
                    if by_hand {
                        t_string!(i18n, points.points).to_string()
                    } else {
                        t_string!(i18n, points.points_to_use).to_string()
                    }
                }
                value=points
                problem=field_problem(error, "points")
                input_type="number"
                inputmode="numeric"
                required=by_hand
            />
            <FormError error=form.form_error() />
            <div class="actions actions-start">
                <button type="submit" disabled=move || form.saving.get()>{t!(i18n, points.add)}</button>
                <button
                    type="button"
                    class="secondary"
                    disabled=move || form.saving.get()
                    on:click=move |_| send(PointsAction::Use)
                >
                    {t!(i18n, points.use_points)}
                </button>
            </div>
        </form>
        <div role="status">
            {move || {
                done.get()
                    .map(|(action, outcome)| {
                        let name = outcome.client.full_name();
                        let client_id = outcome.client.id;
                        let count = outcome.transaction.points.abs();
                        let balance = outcome.client.points_balance;
                        let message = move || match action {
                            PointsAction::Add => t_string!(i18n, points.added, count, balance).to_string(),
                            PointsAction::Use => t_string!(i18n, points.used, count, balance).to_string(),
                        };
                        view! {
                            <p class="form-notice">
                                <A href=routes::client_file(client_id)>{name}</A>
                                " : "
                                {message}
                            </p>
                        }
                    })
            }}
        </div>
    }
}
