//! "Clients": one search box with results as you type, "Nouveau", and per row the edit and
//! transaction icons.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

use leptos_router::hooks::use_query_map;

use crate::api::clients::{get_client, list_clients};
use crate::api::labels::list_labels;
use crate::components::client_form::{ClientFormDialog, ClientFormMode};
use crate::components::enrol_dialog::EnrolDialog;
use crate::components::errors::FormError;
use crate::components::labels::LabelChips;
use crate::components::latest::LatestRequest;
use crate::components::transaction_dialog::TransactionDialog;
use crate::i18n::*;
use crate::model::client::{ClientQuery, ClientRow, ClientSearchPage, ClientSort};
use crate::model::error::AppError;
use crate::model::labels::LabelCount;

/// Long enough to skip the requests of a fast typist, short enough to feel instant.
const SEARCH_DEBOUNCE: Duration = Duration::from_millis(150);

#[derive(Clone, Debug, PartialEq)]
enum OpenDialog {
    None,
    Client(ClientFormMode),
    Enrol,
    Transaction(ClientRow),
}

#[component]
pub fn ClientsPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = RwSignal::new(String::new());
    let page = RwSignal::new(None::<ClientSearchPage>);
    let error = RwSignal::new(None::<AppError>);
    let dialog = RwSignal::new(OpenDialog::None);
    // Each search gets a number; an answer is shown only if no newer search was started since,
    // so a slow older answer never paints over a newer one.
    let latest_search = LatestRequest::new();
    let pending_timer = StoredValue::new(None::<TimeoutHandle>);

    let tag = RwSignal::new(None::<i64>);
    let group = RwSignal::new(
        use_query_map()
            .get_untracked()
            .get("group")
            .and_then(|id| id.parse::<i64>().ok()),
    );
    let sort = RwSignal::new(ClientSort::Name);
    let labels = Resource::new(|| (), |_| list_labels());

    let run_search = move || {
        // A debounced search may fire after the page was left: then there is nothing to do.
        let (Some(text), Some(tag), Some(group), Some(sort)) = (
            query.try_get_untracked(),
            tag.try_get_untracked(),
            group.try_get_untracked(),
            sort.try_get_untracked(),
        ) else {
            return;
        };
        let number = latest_search.start();
        let wanted = ClientQuery {
            text,
            tag,
            group,
            sort,
        };
        spawn_local(async move {
            let answer = list_clients(wanted).await;
            if !latest_search.is_latest(number) {
                return;
            }
            match answer {
                Ok(found) => {
                    error.set(None);
                    page.set(Some(found));
                }
                Err(failure) => error.set(Some(failure)),
            }
        });
    };
    // Runs at start and again whenever a filter or the order changes.
    Effect::new(move |_| {
        tag.track();
        group.track();
        sort.track();
        run_search();
    });
    let on_input = move |event| {
        query.set(event_target_value(&event));
        if let Some(timer) = pending_timer.get_value() {
            timer.clear();
        }
        pending_timer.set_value(set_timeout_with_handle(run_search, SEARCH_DEBOUNCE).ok());
    };
    let chosen_id = |event| event_target_value(&event).parse::<i64>().ok();

    let replace_row = move |row: ClientRow| {
        page.update(|current| {
            if let Some(current) = current {
                match current
                    .rows
                    .iter_mut()
                    .find(|existing| existing.id == row.id)
                {
                    // Edits and transactions leave the labels as they were.
                    Some(existing) => {
                        let labels = std::mem::take(&mut existing.labels);
                        *existing = ClientRow { labels, ..row };
                    }
                    None => {
                        current.rows.insert(0, row);
                        current.total += 1;
                    }
                }
            }
        });
    };
    let close = Callback::new(move |()| dialog.set(OpenDialog::None));
    let saved = Callback::new(move |row: ClientRow| {
        replace_row(row);
        dialog.set(OpenDialog::None);
    });
    // Enrolled at the till: the purchase that brought the client is recorded right away.
    let enrolled = Callback::new(move |row: ClientRow| {
        replace_row(row.clone());
        dialog.set(OpenDialog::Transaction(row));
    });
    let recorded = Callback::new(move |outcome: crate::model::ledger::RecordOutcome| {
        replace_row(outcome.client);
        dialog.set(OpenDialog::None);
    });
    let open_edit = move |client_id: i64| {
        spawn_local(async move {
            match get_client(client_id).await {
                Ok(detail) => dialog.set(OpenDialog::Client(ClientFormMode::Edit {
                    client_id,
                    current: Box::new(detail.form),
                })),
                Err(failure) => error.set(Some(failure)),
            }
        });
    };

    let count_text = move || {
        page.get().map(|found| {
            if found.capped {
                let count = found.total;
                t_string!(i18n, clients.count_capped, count).to_string()
            } else {
                let count = found.total;
                t_string!(i18n, clients.count, count).to_string()
            }
        })
    };

    view! {
        <h1>{t!(i18n, clients.title)}</h1>
        <div class="toolbar">
            <div class="search">
                <label for="client-search">{t!(i18n, clients.search)}</label>
                <input
                    id="client-search"
                    type="search"
                    autocomplete="off"
                    placeholder=move || t_string!(i18n, clients.search_hint)
                    prop:value=move || query.get()
                    on:input=on_input
                />
            </div>
            <div class="actions actions-start">
                <button type="button" on:click=move |_| dialog.set(OpenDialog::Client(ClientFormMode::New))>
                    {t!(i18n, clients.new)}
                </button>
                <button type="button" class="secondary" on:click=move |_| dialog.set(OpenDialog::Enrol)>
                    {t!(i18n, enrol.open)}
                </button>
            </div>
        </div>
        <div class="filters">
            <Transition>
                {move || {
                    labels
                        .get()
                        .and_then(Result::ok)
                        .map(|found| {
                            let tags = (!found.tags.is_empty())
                                .then(|| {
                                    view! {
                                        <div class="field inline-field">
                                            <label for="filter-tag">{t!(i18n, clients.filter_tag)}</label>
                                            <select id="filter-tag" on:change=move |event| tag.set(chosen_id(event))>
                                                <option value="">{t!(i18n, clients.any)}</option>
                                                {label_options(found.tags.clone(), tag)}
                                            </select>
                                        </div>
                                    }
                                });
                            let groups = (!found.groups.is_empty())
                                .then(|| {
                                    view! {
                                        <div class="field inline-field">
                                            <label for="filter-group">{t!(i18n, clients.filter_group)}</label>
                                            <select id="filter-group" on:change=move |event| group.set(chosen_id(event))>
                                                <option value="">{t!(i18n, clients.any)}</option>
                                                {label_options(found.groups.clone(), group)}
                                            </select>
                                        </div>
                                    }
                                });
                            view! { {tags} {groups} }
                        })
                }}
            </Transition>
            <div class="field inline-field">
                <label for="client-sort">{t!(i18n, clients.sort)}</label>
                <select
                    id="client-sort"
                    on:change=move |event| {
                        if let Some(chosen) = ClientSort::from_code(&event_target_value(&event)) {
                            sort.set(chosen);
                        }
                    }
                >
                    {ClientSort::ALL
                        .iter()
                        .map(|option| {
                            let option = *option;
                            let label = move || match option {
                                ClientSort::Name => t_string!(i18n, clients.sort_name),
                                ClientSort::Points => t_string!(i18n, clients.sort_points),
                                ClientSort::LastVisit => t_string!(i18n, clients.sort_last_visit),
                            };
                            view! { <option value=option.code() selected=move || sort.get() == option>{label}</option> }
                        })
                        .collect_view()}
                </select>
            </div>
        </div>
        <p class="result-count" role="status">{count_text}</p>
        <FormError error />
        {move || match page.get() {
            None => view! { <p class="loading">{t!(i18n, common.loading)}</p> }.into_any(),
            Some(found) if found.rows.is_empty() => view! { <p>{t!(i18n, clients.empty)}</p> }.into_any(),
            Some(found) => {
                view! {
                    <ul class="client-list" aria-label=move || t_string!(i18n, clients.list)>
                        {found
                            .rows
                            .into_iter()
                            .map(|row| view! { <ClientCard row on_edit=open_edit dialog /> })
                            .collect_view()}
                    </ul>
                }
                    .into_any()
            }
        }}
        {move || match dialog.get() {
            OpenDialog::None => None,
            OpenDialog::Client(mode) => Some(view! { <ClientFormDialog mode on_close=close on_saved=saved /> }.into_any()),
            OpenDialog::Enrol => Some(view! { <EnrolDialog on_close=close on_enrolled=enrolled /> }.into_any()),
            OpenDialog::Transaction(client) => {
                Some(view! { <TransactionDialog client on_close=close on_recorded=recorded /> }.into_any())
            }
        }}
    }
}

#[component]
fn ClientCard(
    row: ClientRow,
    on_edit: impl Fn(i64) + Copy + Send + Sync + 'static,
    dialog: RwSignal<OpenDialog>,
) -> impl IntoView {
    let i18n = use_i18n();
    let name = row.full_name();
    let edit_label = {
        let name = name.clone();
        Signal::derive(move || {
            let name = name.clone();
            t_string!(i18n, clients.edit, name).to_string()
        })
    };
    let transaction_label = {
        let name = name.clone();
        Signal::derive(move || {
            let name = name.clone();
            t_string!(i18n, clients.add_transaction, name).to_string()
        })
    };
    let points = row.points_balance;
    let client_id = row.id;
    let last_visit = row.last_visit.clone();
    let for_dialog = row.clone();
    view! {
        <li class="client-card" data-client-id=client_id>
            <div class="identity">
                <div class="name">
                    <A href=format!("/clients/{client_id}")>{name.clone()}</A>
                </div>
                <div class="meta">
                    <span>{row.email.clone()}</span>
                    {row.phone.clone().map(|phone| view! { <span>{phone}</span> })}
                </div>
            </div>
            <div class="meta">
                {row.postal_code.clone()} " " {row.city.clone()}
                <LabelChips labels=row.labels.clone() />
            </div>
            <div class="points">
                <span class="visually-hidden">{t!(i18n, clients.points_label)} " "</span>
                {move || t_string!(i18n, clients.points, points).to_string()}
            </div>
            <div class="meta">
                <span>{t!(i18n, clients.last_visit)}</span>
                {match last_visit {
                    Some(date) => view! { <span>{date}</span> }.into_any(),
                    None => view! { <span>{t!(i18n, clients.never)}</span> }.into_any(),
                }}
            </div>
            <div class="row-actions">
                <button type="button" class="icon-button" aria-label=edit_label title=edit_label on:click=move |_| on_edit(client_id)>
                    "✎"
                </button>
                <button
                    type="button"
                    class="icon-button"
                    aria-label=transaction_label
                    title=transaction_label
                    on:click=move |_| dialog.set(OpenDialog::Transaction(for_dialog.clone()))
                >
                    "+"
                </button>
            </div>
        </li>
    }
}

fn label_options(labels: Vec<LabelCount>, chosen: RwSignal<Option<i64>>) -> impl IntoView {
    labels
        .into_iter()
        .map(|counted| {
            let id = counted.label.id;
            view! {
                <option value=id selected=move || chosen.get() == Some(id)>
                    {counted.label.name}
                </option>
            }
        })
        .collect_view()
}
