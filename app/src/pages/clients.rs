//! "Clients": one search box with results as you type, "Nouveau", and per row the edit and
//! transaction icons. The address holds the search, filters and order
//! (`/clients?q=dupont&tag=3&tri=points`): the server renders the first page, a filtered list
//! can be bookmarked or reloaded, and the back button brings the previous one back.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::components::A;
use leptos_router::hooks::{use_location, use_navigate, use_query_map};
use leptos_router::params::ParamsMap;

use crate::api::clients::{get_client, list_clients};
use crate::api::labels::list_labels;
use crate::components::client_form::{ClientFormDialog, ClientFormMode};
use crate::components::country::place_line;
use crate::components::earned_rewards::ClaimButton;
use crate::components::enrol_dialog::EnrolDialog;
use crate::components::errors::{FormError, error_text};
use crate::components::export_links::ExportLinks;
use crate::components::labels::LabelChips;
use crate::components::session::use_session;
use crate::components::transaction_dialog::TransactionDialog;
use crate::i18n::*;
use crate::model::auth::Role;
use crate::model::cards::{CardScan, card_in};
use crate::model::client::{ClientQuery, ClientRow, ClientSort};
use crate::model::error::AppError;
use crate::model::exports::clients_link;
use crate::model::gift_cards::{gift_code_in, printed_gift_code};
use crate::model::labels::LabelCount;
use crate::model::ledger::RecordOutcome;
use crate::model::money::format_euros;
use crate::model::routes;

/// Long enough to skip the requests of a fast typist, short enough to feel instant.
const SEARCH_DEBOUNCE: Duration = Duration::from_millis(150);

#[derive(Clone, Debug, PartialEq)]
enum OpenDialog {
    None,
    Client(ClientFormMode),
    Enrol,
    Transaction(Box<ClientRow>),
}

/// The clients list's address for `query`.
pub fn clients_href(query: &ClientQuery) -> String {
    let params: ParamsMap = query.url_pairs().into_iter().collect();
    format!("{}{}", routes::CLIENTS, params.to_query_string())
}

#[component]
pub fn ClientsPage() -> impl IntoView {
    let i18n = use_i18n();
    let address = use_query_map();
    let navigate = use_navigate();
    // What the address asks for; the list follows it, and a newer address's answer replaces an
    // older one that is still on its way.
    let wanted =
        Memo::new(move |_| address.with(|params| ClientQuery::from_url(|key| params.get(key))));
    let clients = Resource::new(move || wanted.get(), list_clients);
    let labels = Resource::new(|| (), |_| list_labels());

    // The search box runs ahead of the address while one types; it follows the address when the
    // address changes by itself (back button, a link).
    let text = RwSignal::new(wanted.get_untracked().text);
    let text_sent = StoredValue::new(wanted.get_untracked().text);
    Effect::new(move |_| {
        let asked = wanted.read().text.clone();
        if text_sent.get_value() != asked {
            text_sent.set_value(asked.clone());
            text.set(asked);
        }
    });
    let show = move |query: ClientQuery, replace: bool| {
        navigate(
            &clients_href(&query),
            NavigateOptions {
                replace,
                scroll: false,
                ..NavigateOptions::default()
            },
        );
    };
    let pending_timer = StoredValue::new(None::<TimeoutHandle>);
    // A search still waiting when the page is left (a client opened) must not bring it back.
    on_cleanup(move || {
        if let Some(Some(timer)) = pending_timer.try_get_value() {
            timer.clear();
        }
    });
    let location = use_location();
    let send_text = {
        let show = show.clone();
        move || {
            // A debounced search may fire after the page was left: then there is nothing to do.
            let (Some(typed), Some(mut query)) =
                (text.try_get_untracked(), wanted.try_get_untracked())
            else {
                return;
            };
            if typed == query.text || location.pathname.get_untracked() != routes::CLIENTS {
                return;
            }
            // Starting a search is a step back can undo; refining it is not, nor a card scanned
            // (its search is emptied at once).
            let replace = !query.text.is_empty() || card_in(&typed).is_some();
            text_sent.set_value(typed.clone());
            query.text = typed;
            show(query, replace);
        }
    };
    let on_input = {
        let send_text = send_text.clone();
        move |event| {
            text.set(event_target_value(&event));
            if let Some(timer) = pending_timer.get_value() {
                timer.clear();
            }
            pending_timer
                .set_value(set_timeout_with_handle(send_text.clone(), SEARCH_DEBOUNCE).ok());
        }
    };
    // A card scanner types the card's address and Enter: the search goes at once. A gift
    // card's code opens that card.
    let open_gift_card = use_navigate();
    let on_keydown = move |event: leptos::ev::KeyboardEvent| {
        if event.key() == "Enter" {
            event.prevent_default();
            if let Some(timer) = pending_timer.get_value() {
                timer.clear();
            }
            match gift_code_in(&text.get_untracked()) {
                Some(code) => open_gift_card(
                    &routes::gift_card_page(&printed_gift_code(&code)),
                    NavigateOptions::default(),
                ),
                None => send_text(),
            }
        }
    };
    let chosen_id = |event| event_target_value(&event).parse::<i64>().ok();
    let show_emptied = show.clone();
    let choose = move |change: &dyn Fn(&mut ClientQuery)| {
        let mut query = wanted.get_untracked();
        change(&mut query);
        show(query, false);
    };
    let choose = StoredValue::new(choose);

    let error = RwSignal::new(None::<AppError>);
    let searching = RwSignal::new(false);
    let dialog = RwSignal::new(OpenDialog::None);
    let replace_row = move |row: ClientRow| {
        clients.update(|current| {
            if let Some(Ok(current)) = current {
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
        dialog.set(OpenDialog::Transaction(Box::new(row)));
    });
    let recorded = Callback::new(move |outcome: RecordOutcome| {
        replace_row(outcome.client);
        dialog.set(OpenDialog::None);
    });
    // A card scanned: its client's transaction dialog opens once, and the box is emptied for
    // the next client. Only while the address still holds the search: the answer stays shown
    // (and is updated by the transaction) until the emptied search's answer replaces it.
    Effect::new({
        let show = show_emptied;
        move |_| {
            let Some(Ok(found)) = clients.get() else {
                return;
            };
            let mut query = wanted.get_untracked();
            if query.text.is_empty() || found.card != Some(CardScan::Found) {
                return;
            }
            if let [row] = found.rows.as_slice() {
                dialog.set(OpenDialog::Transaction(Box::new(row.clone())));
                text.set(String::new());
                text_sent.set_value(String::new());
                query.text = String::new();
                show(query, true);
            }
        }
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

    let session = use_session();
    let is_owner =
        move || matches!(session.user.get(), Some(Ok(Some(user))) if user.role == Role::Owner);
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
                    value=text.get_untracked()
                    prop:value=move || text.get()
                    on:input=on_input
                    on:keydown=on_keydown
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
                                            <select
                                                id="filter-tag"
                                                on:change=move |event| {
                                                    let tag = chosen_id(event);
                                                    choose.with_value(|choose| choose(&|query| query.tag = tag));
                                                }
                                            >
                                                <option value="">{t!(i18n, clients.any)}</option>
                                                {label_options(found.tags.clone(), Signal::derive(move || wanted.read().tag))}
                                            </select>
                                        </div>
                                    }
                                });
                            let groups = (!found.groups.is_empty())
                                .then(|| {
                                    view! {
                                        <div class="field inline-field">
                                            <label for="filter-group">{t!(i18n, clients.filter_group)}</label>
                                            <select
                                                id="filter-group"
                                                on:change=move |event| {
                                                    let group = chosen_id(event);
                                                    choose.with_value(|choose| choose(&|query| query.group = group));
                                                }
                                            >
                                                <option value="">{t!(i18n, clients.any)}</option>
                                                {label_options(found.groups.clone(), Signal::derive(move || wanted.read().group))}
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
                        if let Some(sort) = ClientSort::from_code(&event_target_value(&event)) {
                            choose.with_value(|choose| choose(&|query| query.sort = sort));
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
                            view! { <option value=option.code() selected=move || wanted.read().sort == option>{label}</option> }
                        })
                        .collect_view()}
                </select>
            </div>
        </div>
        <FormError error />
        // Busy while the rows of a newer address are on their way: the rows shown still answer
        // the previous search, and assistive technologies (and the browser tests) can tell.
        <div class="client-results" aria-busy=move || searching.get().to_string()>
        <Transition set_pending=searching.write_only() fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
            {move || {
                clients
                    .get()
                    .map(|answer| match answer {
                        // The network gone: the till carries on from the device's copy.
                        Err(AppError::Communication(_)) => view! {
                            <p class="form-error" role="alert">
                                {t!(i18n, till.offline_notice)} " "
                                <A href=routes::TILL>{t!(i18n, till.open_till)}</A>
                            </p>
                        }
                        .into_any(),
                        Err(failure) => view! { <p class="form-error" role="alert">{error_text(i18n, &failure)}</p> }.into_any(),
                        Ok(found) => {
                            let count = found.total;
                            let count_text = if found.capped {
                                t_string!(i18n, clients.count_capped, count).to_string()
                            } else {
                                t_string!(i18n, clients.count, count).to_string()
                            };
                            let list = if let Some(scan @ (CardScan::Replaced | CardScan::Unknown)) = found.card {
                                let refusal = move || match scan {
                                    CardScan::Replaced => t_string!(i18n, clients.card_replaced),
                                    _ => t_string!(i18n, clients.card_unknown),
                                };
                                view! { <p class="form-error" role="alert">{refusal}</p> }.into_any()
                            } else if found.rows.is_empty() {
                                view! { <p>{t!(i18n, clients.empty)}</p> }.into_any()
                            } else {
                                view! {
                                    <ul class="client-list" aria-label=move || t_string!(i18n, clients.list)>
                                        {found
                                            .rows
                                            .into_iter()
                                            .map(|row| view! { <ClientCard row on_edit=open_edit dialog on_recorded=recorded /> })
                                            .collect_view()}
                                    </ul>
                                }
                                    .into_any()
                            };
                            view! {
                                <p class="result-count" role="status">{count_text}</p>
                                {list}
                            }
                                .into_any()
                        }
                    })
            }}
        </Transition>
        </div>
        {move || {
            is_owner()
                .then(|| {
                    view! {
                        <ExportLinks
                            label=move || t!(i18n, exports.clients)
                            link=Callback::new(clients_link)
                        />
                        <p class="exports">
                            <A href=routes::RETENTION>{t!(i18n, retention.link)}</A>
                        </p>
                        <p class="exports">
                            <A href=routes::IMPORTS>{t!(i18n, imports.link)}</A>
                        </p>
                    }
                })
        }}
        {move || match dialog.get() {
            OpenDialog::None => None,
            OpenDialog::Client(mode) => Some(view! { <ClientFormDialog mode on_close=close on_saved=saved /> }.into_any()),
            OpenDialog::Enrol => Some(view! { <EnrolDialog on_close=close on_enrolled=enrolled /> }.into_any()),
            OpenDialog::Transaction(client) => {
                Some(view! { <TransactionDialog client=*client on_close=close on_recorded=recorded /> }.into_any())
            }
        }}
    }
}

#[component]
fn ClientCard(
    row: ClientRow,
    on_edit: impl Fn(i64) + Copy + Send + Sync + 'static,
    dialog: RwSignal<OpenDialog>,
    on_recorded: Callback<RecordOutcome>,
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
    let credit = row.credit_cents;
    let client_id = row.id;
    let last_visit = row.last_visit.clone();
    let for_dialog = row.clone();
    view! {
        <li class="client-card" data-client-id=client_id>
            <div class="identity">
                <div class="name">
                    <A href=routes::client_file(client_id)>{name.clone()}</A>
                </div>
                <div class="meta">
                    <span>{row.email.clone()}</span>
                    {row.phone.clone().map(|phone| view! { <span>{phone}</span> })}
                </div>
            </div>
            <div class="meta">
                {place_line(i18n, row.postal_code.as_deref().unwrap_or_default(), row.city.as_deref().unwrap_or_default(), row.country)}
                <LabelChips labels=row.labels.clone() />
            </div>
            <div class="points">
                <span class="visually-hidden">{t!(i18n, clients.points_label)} " "</span>
                {move || t_string!(i18n, clients.points, points).to_string()}
                {(credit > 0).then(|| view! {
                    <span class="credit">
                        {move || {
                            let amount = format_euros(credit);
                            t_string!(i18n, credit.on_card, amount).to_string()
                        }}
                    </span>
                })}
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
                    on:click=move |_| dialog.set(OpenDialog::Transaction(Box::new(for_dialog.clone())))
                >
                    "+"
                </button>
            </div>
            {row.waiting_reward.clone().map(|waiting| {
                let count = waiting.waiting;
                view! {
                    <div class="waiting-reward">
                        <span class="badge reward-earned">
                            {move || t_string!(i18n, rewards.waiting_badge).to_string()}
                            {(count > 1).then(|| format!(" ({count})"))}
                        </span>
                        <ClaimButton earned_id=waiting.earned_id name=waiting.name on_claimed=on_recorded />
                    </div>
                }
            })}
        </li>
    }
}

fn label_options(labels: Vec<LabelCount>, chosen: Signal<Option<i64>>) -> impl IntoView {
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
