//! Tickets on the client's page: the latest purchases with their tickets, a ticket written on a
//! purchase (reference, lines of services and products), and the client's favourites; the
//! favourites' list is the dashboard's best sellers' too.

use leptos::prelude::*;
use leptos::web_sys::SubmitEvent;

use crate::api::tickets::{visits_of_client, write_ticket};
use crate::components::browser_data::load_in_browser;
use crate::components::errors::{FormError, error_text, problem_text};
use crate::components::field::{Field, field_problem};
use crate::components::form_state::FormState;
use crate::components::modal::{DialogActions, Modal};
use crate::i18n::*;
use crate::model::error::AppError;
use crate::model::money::format_euros;
use crate::model::tickets::{
    ClientVisits, LineKind, TicketForm, TicketLineForm, TopItem, VisitView, line_field,
};

/// Services or products with how many were taken, most first.
#[component]
pub fn TopItems(#[prop(into)] title: ViewFn, items: Vec<TopItem>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="top-list">
            <h3>{move || title.run()}</h3>
            {if items.is_empty() {
                view! { <p class="hint">{t!(i18n, tickets.none_yet)}</p> }.into_any()
            } else {
                view! {
                    <ol>
                        {items
                            .into_iter()
                            .map(|item| {
                                let quantity = item.quantity;
                                view! { <li>{item.label} " · " {move || t_string!(i18n, tickets.times, quantity).to_string()}</li> }
                            })
                            .collect_view()}
                    </ol>
                }
                .into_any()
            }}
        </div>
    }
}

#[component]
pub fn ClientVisitsSection(client_id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let (visits, reload) = load_in_browser(move || visits_of_client(client_id));
    let writing = RwSignal::new(None::<i64>);
    let close = Callback::new(move |()| writing.set(None));
    let saved = Callback::new(move |()| {
        writing.set(None);
        reload.run(());
    });
    view! {
        <section class="client-visits no-print" aria-labelledby="visits-title">
            <h2 id="visits-title">{t!(i18n, tickets.title)}</h2>
            {move || match visits.get() {
                None => view! { <p class="loading">{t!(i18n, common.loading)}</p> }.into_any(),
                Some(Err(failure)) => view! { <p class="form-error" role="alert">{error_text(i18n, &failure)}</p> }.into_any(),
                Some(Ok(found)) => view! { <VisitsAndFavourites found writing /> }.into_any(),
            }}
            {move || writing.get().map(|entry_id| view! { <TicketDialog entry_id on_close=close on_saved=saved /> })}
        </section>
    }
}

#[component]
fn VisitsAndFavourites(found: ClientVisits, writing: RwSignal<Option<i64>>) -> impl IntoView {
    let i18n = use_i18n();
    let visits = found.visits;
    view! {
        <div class="top-items">
            <TopItems title=move || t!(i18n, tickets.top_services) items=found.top_services />
            <TopItems title=move || t!(i18n, tickets.top_products) items=found.top_products />
        </div>
        {if visits.is_empty() {
            view! { <p class="hint">{t!(i18n, tickets.no_visits)}</p> }.into_any()
        } else {
            view! {
                <ul class="visits">
                    {visits.into_iter().map(|visit| view! { <Visit visit writing /> }).collect_view()}
                </ul>
            }
            .into_any()
        }}
    }
}

#[component]
fn Visit(visit: VisitView, writing: RwSignal<Option<i64>>) -> impl IntoView {
    let i18n = use_i18n();
    let entry_id = visit.entry_id;
    let when = visit.recorded_at.clone();
    let amount = visit.amount_cents.map(format_euros);
    let add_label = {
        let when = when.clone();
        move || t_string!(i18n, tickets.add_label, date = when.clone()).to_string()
    };
    view! {
        <li class="visit">
            <p>
                <strong>{when.clone()}</strong>
                {amount.map(|amount| view! { " · " {amount} })}
                {visit.ticket.as_ref().filter(|ticket| !ticket.reference.is_empty()).map(|ticket| {
                    let reference = ticket.reference.clone();
                    view! { " · " {move || t_string!(i18n, tickets.reference_shown, reference = reference.clone()).to_string()} }
                })}
            </p>
            {match visit.ticket {
                Some(ticket) => view! {
                    <ul class="ticket-lines">
                        {ticket.lines.into_iter().map(|line| {
                            let quantity = line.quantity;
                            let price = line.unit_cents.map(format_euros);
                            let kind = line.kind;
                            let kind = move || match kind {
                                LineKind::Service => t_string!(i18n, tickets.service),
                                LineKind::Product => t_string!(i18n, tickets.product),
                            };
                            view! {
                                <li>{line.label} " × " {quantity} {price.map(|price| view! { " · " {price} })} " (" {kind} ")"</li>
                            }
                        }).collect_view()}
                    </ul>
                }
                .into_any(),
                None => view! {
                    <button type="button" class="secondary" aria-label=add_label on:click=move |_| writing.set(Some(entry_id))>
                        {t!(i18n, tickets.add)}
                    </button>
                }
                .into_any(),
            }}
        </li>
    }
}

/// The lines typed: each with its own fields, kept in the order typed.
#[derive(Clone, Copy)]
struct LineFields {
    kind: RwSignal<LineKind>,
    label: RwSignal<String>,
    quantity: RwSignal<String>,
    price: RwSignal<String>,
}

impl LineFields {
    fn new() -> Self {
        Self {
            kind: RwSignal::new(LineKind::Service),
            label: RwSignal::new(String::new()),
            quantity: RwSignal::new(String::new()),
            price: RwSignal::new(String::new()),
        }
    }

    fn typed(self) -> TicketLineForm {
        TicketLineForm {
            kind: self.kind.get_untracked(),
            label: self.label.get_untracked(),
            quantity: self.quantity.get_untracked(),
            price: self.price.get_untracked(),
        }
    }
}

#[component]
fn TicketDialog(entry_id: i64, on_close: Callback<()>, on_saved: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let reference = RwSignal::new(String::new());
    let lines = RwSignal::new(vec![LineFields::new()]);
    let form = FormState::new();
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        let ticket = TicketForm {
            entry_id,
            reference: reference.get_untracked(),
            lines: lines
                .get_untracked()
                .into_iter()
                .map(LineFields::typed)
                .collect(),
        };
        if let Err(invalid) = ticket.validate() {
            form.error.set(Some(invalid));
            return;
        }
        form.send(move || write_ticket(ticket), move |_| on_saved.run(()));
    };
    let error: Signal<Option<AppError>> = form.error.into();
    let line_problem = move |index: usize, name: &str| {
        let field = line_field(index, name);
        Signal::derive(move || {
            error.get().and_then(|error| {
                error
                    .field_errors()
                    .and_then(|errors| errors.get(&field).cloned())
            })
        })
    };
    view! {
        <Modal title_id="ticket-dialog-title" title=move || t_string!(i18n, tickets.dialog_title) on_close>
            <form on:submit=submit novalidate>
                <Field id="ticket-reference" label=move || t!(i18n, tickets.reference) value=reference problem=field_problem(error, "reference") />
                {move || lines.get().into_iter().enumerate().map(|(index, line)| {
                    let number = index + 1;
                    let kind_id = format!("line-{index}-kind");
                    let label_id = format!("line-{index}-label");
                    let quantity_id = format!("line-{index}-quantity");
                    let price_id = format!("line-{index}-price");
                    view! {
                        <fieldset class="ticket-line">
                            <legend>{move || t_string!(i18n, tickets.line, number).to_string()}</legend>
                            <div class="field">
                                <label for=kind_id.clone()>{t!(i18n, tickets.kind)}</label>
                                <select id=kind_id on:change=move |event| {
                                    if let Some(kind) = LineKind::from_code(&event_target_value(&event)) {
                                        line.kind.set(kind);
                                    }
                                }>
                                    {LineKind::ALL.iter().map(|&kind| view! {
                                        <option value=kind.code() selected=move || line.kind.get() == kind>
                                            {move || match kind {
                                                LineKind::Service => t_string!(i18n, tickets.service),
                                                LineKind::Product => t_string!(i18n, tickets.product),
                                            }}
                                        </option>
                                    }).collect_view()}
                                </select>
                            </div>
                            <Field id=label_id label=move || t!(i18n, tickets.label) value=line.label problem=line_problem(index, "label") />
                            <Field id=quantity_id label=move || t!(i18n, tickets.quantity) value=line.quantity problem=line_problem(index, "quantity") inputmode="numeric" />
                            <Field id=price_id label=move || t!(i18n, tickets.price) value=line.price problem=line_problem(index, "price") inputmode="decimal" />
                        </fieldset>
                    }
                }).collect_view()}
                <div class="actions actions-start">
                    <button type="button" class="secondary" on:click=move |_| lines.update(|lines| lines.push(LineFields::new()))>
                        {t!(i18n, tickets.add_line)}
                    </button>
                </div>
                {move || field_problem(error, "lines").get().map(|problem| view! {
                    <p class="form-error" role="alert">{problem_text(i18n, &problem)}</p>
                })}
                <FormError error=form.form_error() />
                <DialogActions on_close saving=form.saving />
            </form>
        </Modal>
    }
}
