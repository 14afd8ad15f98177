//! The client's store credit on their page: the balance, an "avoir" put on it after a return,
//! money used from it as part of a payment, and the entries with their reasons; the owner
//! cancels one with a reversal. The journal shows the shop's entries of its range.

use leptos::prelude::*;
use leptos::web_sys::SubmitEvent;
use leptos_router::components::A;

use crate::api::credit::{client_credit, credit_journal, record_credit, reverse_credit};
use crate::components::browser_data::load_in_browser;
use crate::components::errors::{FormError, error_text, problem_text};
use crate::components::field::{Field, field_problem};
use crate::components::form_state::{FormState, OperationKey};
use crate::components::modal::{DialogActions, Modal};
use crate::components::session::use_session;
use crate::i18n::*;
use crate::model::auth::Role;
use crate::model::credit::{
    CreditAccount, CreditAction, CreditEntryView, CreditForm, CreditKind, CreditRequest,
    CreditReversalRequest,
};
use crate::model::error::AppError;
use crate::model::ledger::JournalFilter;
use crate::model::money::format_euros;
use crate::model::routes;

/// What the open dialog does.
#[derive(Clone)]
enum CreditDialog {
    Move(CreditAction),
    Reverse(CreditEntryView),
}

#[component]
pub fn StoreCredit(client_id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let (account, _) = load_in_browser(move || client_credit(client_id));
    let dialog = RwSignal::new(None::<CreditDialog>);
    let close = Callback::new(move |()| dialog.set(None));
    let saved = Callback::new(move |updated: CreditAccount| {
        dialog.set(None);
        account.set(Some(Ok(updated)));
    });
    let balance = move || match account.get() {
        Some(Ok(account)) => Some(account.balance_cents),
        _ => None,
    };
    let body = move || match account.get() {
        None => view! { <p class="loading">{t!(i18n, common.loading)}</p> }.into_any(),
        Some(Err(failure)) => {
            view! { <p class="form-error" role="alert">{error_text(i18n, &failure)}</p> }.into_any()
        }
        Some(Ok(account)) => view! { <CreditEntries account dialog /> }.into_any(),
    };
    view! {
        <section class="store-credit no-print" aria-labelledby="credit-title">
            <div class="section-head">
                <h2 id="credit-title">{t!(i18n, credit.title)}</h2>
                <div class="actions actions-start">
                    <button type="button" class="secondary" on:click=move |_| dialog.set(Some(CreditDialog::Move(CreditAction::Credit)))>
                        {t!(i18n, credit.add)}
                    </button>
                    <button
                        type="button"
                        class="secondary"
                        disabled=move || balance().unwrap_or_default() <= 0
                        on:click=move |_| dialog.set(Some(CreditDialog::Move(CreditAction::Use)))
                    >
                        {t!(i18n, credit.use_credit)}
                    </button>
                </div>
            </div>
            {move || balance().map(|cents| {
                let amount = format_euros(cents);
                view! { <p class="credit-balance">{move || t_string!(i18n, credit.balance, amount = amount.clone()).to_string()}</p> }
            })}
            {body}
            {move || dialog.get().map(|open| match open {
                CreditDialog::Move(action) => view! { <MoveDialog client_id action on_close=close on_saved=saved /> }.into_any(),
                CreditDialog::Reverse(entry) => view! { <ReverseDialog entry on_close=close on_saved=saved /> }.into_any(),
            })}
        </section>
    }
}

#[component]
fn CreditEntries(account: CreditAccount, dialog: RwSignal<Option<CreditDialog>>) -> impl IntoView {
    let i18n = use_i18n();
    if account.entries.is_empty() {
        return view! { <p class="hint">{t!(i18n, credit.none)}</p> }.into_any();
    }
    view! { <CreditTable entries=account.entries dialog /> }.into_any()
}

/// Entries newest first; with `dialog`, the owner's button to cancel one; without, the client
/// of each (the journal).
#[component]
fn CreditTable(
    entries: Vec<CreditEntryView>,
    #[prop(optional)] dialog: Option<RwSignal<Option<CreditDialog>>>,
) -> impl IntoView {
    let i18n = use_i18n();
    // Cancelling an entry is the owner's; staff see the entries without the button.
    let session = use_session();
    let owner_signed_in =
        move || matches!(session.user.get(), Some(Ok(Some(user))) if user.role == Role::Owner);
    let show_client = dialog.is_none();
    let rows = entries
        .into_iter()
        .map(|entry| {
            let reversible = entry.can_be_reversed();
            let reversed = entry.reversed_by.is_some();
            let amount = format_euros(entry.amount_cents);
            let reverse_label = {
                let amount = amount.clone();
                move || t_string!(i18n, credit.reverse_label, amount = amount.clone()).to_string()
            };
            let for_dialog = entry.clone();
            let client_id = entry.client_id;
            let kind = entry.kind;
            view! {
                <tr role="row" class:reversed=reversed>
                    <td role="cell">{entry.recorded_at.clone()}</td>
                    {show_client.then(|| view! {
                        <td role="cell" class="keep" data-label=move || t_string!(i18n, credit.client)>
                            <A href=routes::client_file(client_id)>{entry.client_name.clone()}</A>
                        </td>
                    })}
                    <td role="cell">{move || kind_label(i18n, kind)}{reversed.then(|| view! { " · " {t!(i18n, credit.reversed)} })}</td>
                    <td role="cell" class="number">{amount}</td>
                    <td role="cell" data-label=move || t_string!(i18n, credit.reason)>{entry.reason.clone()}</td>
                    <td role="cell" class="keep" data-label=move || t_string!(i18n, credit.by)>{entry.author_name.clone()}</td>
                    {dialog.map(|dialog| view! {
                        <td role="cell" class="keep">
                            {move || (reversible && owner_signed_in()).then(|| {
                                let for_dialog = for_dialog.clone();
                                view! {
                                    <button type="button" class="secondary" aria-label=reverse_label.clone() on:click=move |_| dialog.set(Some(CreditDialog::Reverse(for_dialog.clone())))>
                                        {t!(i18n, credit.reverse)}
                                    </button>
                                }
                            })}
                        </td>
                    })}
                </tr>
            }
        })
        .collect_view();
    // Drawn as cards on a phone, as the ledger's history (style.css, `.ledger-table`).
    view! {
        <div class="table-wrap">
            <table class="ledger-table" role="table">
                <caption class="visually-hidden">{t!(i18n, credit.entries)}</caption>
                <thead role="rowgroup">
                    <tr role="row">
                        <th scope="col" role="columnheader">{t!(i18n, credit.date)}</th>
                        {show_client.then(|| view! { <th scope="col" role="columnheader">{t!(i18n, credit.client)}</th> })}
                        <th scope="col" role="columnheader">{t!(i18n, credit.kind)}</th>
                        <th scope="col" role="columnheader" class="number">{t!(i18n, credit.amount)}</th>
                        <th scope="col" role="columnheader">{t!(i18n, credit.reason)}</th>
                        <th scope="col" role="columnheader">{t!(i18n, credit.by)}</th>
                        {dialog.is_some().then(|| view! {
                            <th scope="col" role="columnheader"><span class="visually-hidden">{t!(i18n, credit.actions)}</span></th>
                        })}
                    </tr>
                </thead>
                <tbody role="rowgroup">{rows}</tbody>
            </table>
        </div>
    }
}

/// The journal's store credit: the entries of its range, newest first.
#[component]
pub fn CreditJournal(#[prop(into)] filter: Signal<JournalFilter>) -> impl IntoView {
    let i18n = use_i18n();
    let entries = Resource::new(move || filter.get(), credit_journal);
    view! {
        <section class="credit-journal" aria-labelledby="credit-journal-title">
            <h2 id="credit-journal-title">{t!(i18n, credit.title)}</h2>
            <Transition fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
                {move || entries.get().map(|answer| match answer {
                    Err(failure) => view! { <p class="form-error" role="alert">{error_text(i18n, &failure)}</p> }.into_any(),
                    Ok(found) if found.entries.is_empty() => view! { <p class="hint">{t!(i18n, credit.none_in_range)}</p> }.into_any(),
                    Ok(found) => {
                        let shown = found.entries.len();
                        let total = found.total;
                        view! {
                            {(total > shown as u64).then(|| view! {
                                <p class="hint">{move || t_string!(i18n, credit.latest_of, shown, total).to_string()}</p>
                            })}
                            <CreditTable entries=found.entries />
                        }
                        .into_any()
                    }
                })}
            </Transition>
        </section>
    }
}

fn kind_label(i18n: leptos_i18n::I18nContext<Locale>, kind: CreditKind) -> String {
    match kind {
        CreditKind::Credit => t_string!(i18n, credit.kinds.credit),
        CreditKind::Use => t_string!(i18n, credit.kinds.use_credit),
        CreditKind::Reversal => t_string!(i18n, credit.kinds.reversal),
        CreditKind::Transfer => t_string!(i18n, credit.kinds.transfer),
        CreditKind::Reward => t_string!(i18n, credit.kinds.reward),
    }
    .to_string()
}

#[component]
fn MoveDialog(
    client_id: i64,
    action: CreditAction,
    on_close: Callback<()>,
    on_saved: Callback<CreditAccount>,
) -> impl IntoView {
    let i18n = use_i18n();
    let amount = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let form = FormState::new();
    // Made at the tap: a double tap or a retry after a lost answer is written once.
    let key = OperationKey::new();
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        let typed = CreditForm {
            amount: amount.get_untracked(),
            reason: reason.get_untracked(),
        };
        if let Err(invalid) = typed.validate(action) {
            form.error.set(Some(invalid));
            return;
        }
        let request = CreditRequest {
            client_id,
            action,
            form: typed,
            idempotency_key: key.current(),
        };
        form.send_or(
            move || record_credit(request),
            move |account| on_saved.run(account),
            move |failure| key.after_failure(failure),
        );
    };
    let error: Signal<Option<AppError>> = form.error.into();
    let title = move || match action {
        CreditAction::Credit => t_string!(i18n, credit.add),
        CreditAction::Use => t_string!(i18n, credit.use_credit),
    };
    let reason_label = move || match action {
        CreditAction::Credit => t!(i18n, credit.reason_required).into_any(),
        CreditAction::Use => t!(i18n, credit.reason_optional).into_any(),
    };
    view! {
        <Modal title_id="credit-dialog-title" title=title on_close>
            <form on:submit=submit novalidate>
                <Field
                    id="amount"
                    label=move || t!(i18n, credit.amount_label)
                    value=amount
                    problem=field_problem(error, "amount")
                    inputmode="decimal"
                    required=true
                    autofocus=true
                />
                <Field id="reason" label=reason_label value=reason problem=field_problem(error, "reason") required=action == CreditAction::Credit />
                <FormError error=form.form_error() />
                <DialogActions on_close saving=form.saving />
            </form>
        </Modal>
    }
}

#[component]
fn ReverseDialog(
    entry: CreditEntryView,
    on_close: Callback<()>,
    on_saved: Callback<CreditAccount>,
) -> impl IntoView {
    let i18n = use_i18n();
    let reason = RwSignal::new(String::new());
    let form = FormState::new();
    let key = OperationKey::new();
    let entry_id = entry.id;
    let amount = format_euros(entry.amount_cents);
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        let request = CreditReversalRequest {
            entry_id,
            reason: reason.get_untracked(),
            idempotency_key: key.current(),
        };
        form.send_or(
            move || reverse_credit(request),
            move |account| on_saved.run(account),
            move |failure| key.after_failure(failure),
        );
    };
    let error: Signal<Option<AppError>> = form.error.into();
    view! {
        <Modal title_id="credit-reverse-title" title=move || t_string!(i18n, credit.reverse_title) on_close>
            <form on:submit=submit novalidate>
                <p>{move || t_string!(i18n, credit.reverse_explained, amount = amount.clone(), date = entry.recorded_at.clone()).to_string()}</p>
                <Field id="reason" label=move || t!(i18n, credit.reason_required) value=reason problem=field_problem(error, "reason") required=true autofocus=true />
                {move || field_problem(error, "amount").get().map(|problem| view! {
                    <p class="form-error" role="alert">{problem_text(i18n, &problem)}</p>
                })}
                <FormError error=form.form_error() />
                <DialogActions on_close saving=form.saving />
            </form>
        </Modal>
    }
}
