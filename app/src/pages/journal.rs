//! The shop's journal: every transaction, newest first, filtered by date and client; each entry
//! can be modified from here too.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_query_map;

use crate::api::clients::{get_client, search_clients};
use crate::api::ledger::journal;
use crate::components::day_range::DayRangeFields;
use crate::components::errors::{FormError, error_text};
use crate::components::history_table::HistoryTable;
use crate::components::modify_dialog::ModifyDialog;
use crate::components::pager::Pager;
use crate::i18n::*;
use crate::model::client::ClientRow;
use crate::model::error::AppError;
use crate::model::ledger::{JOURNAL_PAGE_SIZE, JournalFilter, RecordOutcome, TransactionView};

#[component]
pub fn JournalPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    // (id, name) of the client filtered on; starts from `?client=` when coming from a client page.
    let client = RwSignal::new(None::<(i64, String)>);
    let applied = RwSignal::new(JournalFilter::default());
    let version = RwSignal::new(0u32);
    let modifying = RwSignal::new(None::<TransactionView>);
    let client_query = RwSignal::new(String::new());
    let client_matches = RwSignal::new(Vec::<ClientRow>::new());
    let lookup_error = RwSignal::new(None::<AppError>);

    Effect::new(move |_| {
        if let Some(client_id) = query
            .read()
            .get("client")
            .and_then(|id| id.parse::<i64>().ok())
        {
            spawn_local(async move {
                if let Ok(detail) = get_client(client_id).await {
                    client.set(Some((client_id, detail.row.full_name())));
                    applied.update(|filter| filter.client_id = Some(client_id));
                }
            });
        }
    });

    let entries = Resource::new(
        move || (applied.get(), version.get()),
        |(filter, _)| journal(filter),
    );
    let apply = move || {
        applied.set(JournalFilter {
            from: from.get_untracked(),
            to: to.get_untracked(),
            client_id: client.get_untracked().map(|(id, _)| id),
            page: 0,
        });
    };
    let go_to_page = Callback::new(move |page: u64| applied.update(|filter| filter.page = page));
    let find_clients = move |event| {
        let text = event_target_value(&event);
        client_query.set(text.clone());
        spawn_local(async move {
            if text.trim().is_empty() {
                client_matches.set(Vec::new());
                return;
            }
            match search_clients(text.clone()).await {
                // Only the answer to what is in the box now.
                Ok(found) if client_query.try_get_untracked().as_ref() == Some(&text) => {
                    client_matches.set(found.rows.into_iter().take(8).collect())
                }
                Ok(_) => {}
                Err(failure) => lookup_error.set(Some(failure)),
            }
        });
    };
    let on_modify = Callback::new(move |entry: TransactionView| modifying.set(Some(entry)));
    let close = Callback::new(move |()| modifying.set(None));
    let modified = Callback::new(move |_: RecordOutcome| {
        modifying.set(None);
        version.update(|version| *version += 1);
    });

    view! {
        <h1>{t!(i18n, journal.title)}</h1>
        <form
            class="filters"
            on:submit=move |event| {
                event.prevent_default();
                apply();
            }
        >
            <DayRangeFields id_prefix="journal" from to />
            <div class="field">
                {move || match client.get() {
                    Some((_, name)) => {
                        view! {
                            <span class="label">{t!(i18n, journal.client_label)}</span>
                            <strong>{name}</strong>
                            " "
                            <button
                                type="button"
                                class="secondary"
                                aria-label=move || t_string!(i18n, journal.clear_client)
                                on:click=move |_| {
                                    client.set(None);
                                    apply();
                                }
                            >
                                "×"
                            </button>
                        }
                            .into_any()
                    }
                    None => {
                        view! {
                            <label for="journal-client">{t!(i18n, journal.client_search)}</label>
                            <input
                                id="journal-client"
                                type="search"
                                autocomplete="off"
                                placeholder=move || t_string!(i18n, journal.all_clients)
                                prop:value=move || client_query.get()
                                on:input=find_clients
                            />
                            <ul class="client-picker">
                                {move || {
                                    client_matches
                                        .get()
                                        .into_iter()
                                        .map(|row| {
                                            let name = row.full_name();
                                            let label = format!("{} — {}", name, row.email);
                                            view! {
                                                <li>
                                                    <button
                                                        type="button"
                                                        class="secondary"
                                                        on:click=move |_| {
                                                            client.set(Some((row.id, name.clone())));
                                                            client_query.set(String::new());
                                                            client_matches.set(Vec::new());
                                                            apply();
                                                        }
                                                    >
                                                        {label}
                                                    </button>
                                                </li>
                                            }
                                        })
                                        .collect_view()
                                }}
                            </ul>
                        }
                            .into_any()
                    }
                }}
            </div>
            <div class="field">
                <button type="submit">{t!(i18n, journal.apply)}</button>
            </div>
        </form>
        <FormError error=lookup_error />
        <Transition fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
            {move || {
                entries
                    .get()
                    .map(|answer| match answer {
                        Err(failure) => view! { <p class="form-error" role="alert">{error_text(i18n, &failure)}</p> }.into_any(),
                        Ok(found) if found.entries.is_empty() => view! { <p>{t!(i18n, journal.empty)}</p> }.into_any(),
                        Ok(found) => {
                            let count = found.total;
                            let page = found.page;
                            view! {
                                <p class="result-count" role="status">{move || t_string!(i18n, journal.total, count).to_string()}</p>
                                <HistoryTable entries=found.entries show_client=true on_modify />
                                <Pager page total=count page_size=JOURNAL_PAGE_SIZE on_page=go_to_page />
                            }
                                .into_any()
                        }
                    })
            }}
        </Transition>
        {move || modifying.get().map(|transaction| view! { <ModifyDialog transaction on_close=close on_modified=modified /> })}
    }
}
