//! A client's page: details, points, visits and the full history, where a transaction can be
//! modified.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::api::clients::get_client;
use crate::api::ledger::client_history;
use crate::components::client_form::{ClientFormDialog, ClientFormMode};
use crate::components::errors::error_text;
use crate::components::history_table::HistoryTable;
use crate::components::modify_dialog::ModifyDialog;
use crate::components::transaction_dialog::TransactionDialog;
use crate::i18n::*;
use crate::model::client::{ClientDetail, ClientRow};
use crate::model::error::AppError;
use crate::model::ledger::{RecordOutcome, TransactionView};

#[derive(Clone, Debug, PartialEq)]
enum OpenDialog {
    None,
    Edit(Box<ClientDetail>),
    Record(ClientRow),
    Modify(TransactionView),
}

#[component]
pub fn ClientFilePage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let client_id = move || {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<i64>().ok())
    };
    let version = RwSignal::new(0u32);
    let detail = Resource::new(
        move || (client_id(), version.get()),
        |(client_id, _)| async move {
            match client_id {
                Some(client_id) => get_client(client_id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    let history = Resource::new(
        move || (client_id(), version.get()),
        |(client_id, _)| async move {
            match client_id {
                Some(client_id) => client_history(client_id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    let dialog = RwSignal::new(OpenDialog::None);
    let close = Callback::new(move |()| dialog.set(OpenDialog::None));
    let refresh = move || {
        dialog.set(OpenDialog::None);
        version.update(|version| *version += 1);
    };
    let saved = Callback::new(move |_: ClientRow| refresh());
    let changed = Callback::new(move |_: RecordOutcome| refresh());
    let on_modify =
        Callback::new(move |entry: TransactionView| dialog.set(OpenDialog::Modify(entry)));

    view! {
        <p>
            <A href="/clients">"← " {t!(i18n, client_file.back)}</A>
        </p>
        <Suspense fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
            {move || {
                detail
                    .get()
                    .map(|answer| match answer {
                        Err(failure) => view! { <p class="form-error" role="alert">{error_text(i18n, &failure)}</p> }.into_any(),
                        Ok(client) => view! { <ClientSummary client dialog /> }.into_any(),
                    })
            }}
            <h2>{t!(i18n, client_file.history)}</h2>
            {move || {
                history
                    .get()
                    .map(|answer| match answer {
                        Err(_) => ().into_any(),
                        Ok(entries) if entries.is_empty() => view! { <p>{t!(i18n, client_file.no_history)}</p> }.into_any(),
                        Ok(entries) => view! { <HistoryTable entries show_client=false on_modify /> }.into_any(),
                    })
            }}
        </Suspense>
        {move || match dialog.get() {
            OpenDialog::None => None,
            OpenDialog::Edit(client) => {
                let mode = ClientFormMode::Edit { client_id: client.row.id, current: Box::new(client.form) };
                Some(view! { <ClientFormDialog mode on_close=close on_saved=saved /> }.into_any())
            }
            OpenDialog::Record(client) => Some(view! { <TransactionDialog client on_close=close on_recorded=changed /> }.into_any()),
            OpenDialog::Modify(transaction) => Some(view! { <ModifyDialog transaction on_close=close on_modified=changed /> }.into_any()),
        }}
    }
}

#[component]
fn ClientSummary(client: ClientDetail, dialog: RwSignal<OpenDialog>) -> impl IntoView {
    let i18n = use_i18n();
    let row = client.row.clone();
    let form = client.form.clone();
    let for_edit = client.clone();
    let for_record = row.clone();
    let dash = || "—".to_owned();
    view! {
        <h1>{row.full_name()}</h1>
        <dl class="summary">
            <div>
                <dt>{t!(i18n, client_file.balance)}</dt>
                <dd data-testid="balance">{row.points_balance}</dd>
            </div>
            <div>
                <dt>{t!(i18n, client_file.visits)}</dt>
                <dd>{client.visit_count}</dd>
            </div>
            <div>
                <dt>{t!(i18n, client_file.last_visit)}</dt>
                <dd>{row.last_visit.clone().unwrap_or_else(dash)}</dd>
            </div>
            <div>
                <dt>{t!(i18n, client_file.created)}</dt>
                <dd>{client.created_at.clone()}</dd>
            </div>
        </dl>
        <div class="actions actions-start">
            <button type="button" on:click=move |_| dialog.set(OpenDialog::Record(for_record.clone()))>
                {t!(i18n, client_file.add_transaction)}
            </button>
            <button type="button" class="secondary" on:click=move |_| dialog.set(OpenDialog::Edit(Box::new(for_edit.clone())))>
                {t!(i18n, client_file.edit)}
            </button>
            <A href=format!("/journal?client={}", row.id) attr:class="button secondary">
                {t!(i18n, client_file.see_journal)}
            </A>
        </div>
        <h2>{t!(i18n, client_file.details)}</h2>
        <dl class="details">
            <dt>{t!(i18n, client_form.email)}</dt>
            <dd>{form.email.clone()}</dd>
            <dt>{t!(i18n, client_form.phone)}</dt>
            <dd>{if form.phone.is_empty() { dash() } else { form.phone.clone() }}</dd>
            <dt>{t!(i18n, client_form.address)}</dt>
            <dd>
                {[form.address.clone(), format!("{} {}", form.postal_code, form.city).trim().to_owned()]
                    .into_iter()
                    .filter(|part| !part.is_empty())
                    .collect::<Vec<_>>()
                    .join(", ")}
            </dd>
            <dt>{t!(i18n, client_form.birth_date)}</dt>
            <dd>{form.birth_date.clone()}</dd>
            <dt>{t!(i18n, client_form.note)}</dt>
            <dd class="note-text">{form.note.clone()}</dd>
        </dl>
    }
}
