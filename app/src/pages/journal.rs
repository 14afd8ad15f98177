//! The shop's journal: every transaction, newest first, filtered by date and client; each entry
//! can be modified from here too. The address holds the filters and the page
//! (`/journal?du=2026-11-01&au=2026-11-30&client=12&page=2`), so the server renders what it asks
//! for and the back button brings the previous view back.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::params::ParamsMap;

use crate::api::clients::{get_client, search_clients};
use crate::api::ledger::journal;
use crate::components::day_range::DayRangeFields;
use crate::components::errors::{FormError, error_text};
use crate::components::export_links::ExportLinks;
use crate::components::history_table::HistoryTable;
use crate::components::modify_dialog::ModifyDialog;
use crate::components::pager::Pager;
use crate::components::store_credit::CreditJournal;
use crate::i18n::*;
use crate::model::client::ClientRow;
use crate::model::error::AppError;
use crate::model::exports::transactions_link;
use crate::model::ledger::{JOURNAL_PAGE_SIZE, JournalFilter, RecordOutcome, TransactionView};
use crate::model::routes;

/// The journal's address for `filter`.
pub fn journal_href(filter: &JournalFilter) -> String {
    let params: ParamsMap = filter.url_pairs().into_iter().collect();
    format!("{}{}", routes::JOURNAL, params.to_query_string())
}

#[component]
pub fn JournalPage() -> impl IntoView {
    let i18n = use_i18n();
    let address = use_query_map();
    let navigate = use_navigate();
    let wanted =
        Memo::new(move |_| address.with(|params| JournalFilter::from_url(|key| params.get(key))));
    let entries = Resource::new(move || wanted.get(), journal);
    // The name of the client filtered on, for the filter's field.
    let client_name = Resource::new(
        move || wanted.read().client_id,
        |client_id| async move {
            match client_id {
                Some(client_id) => get_client(client_id)
                    .await
                    .map(|detail| Some(detail.row.full_name())),
                None => Ok(None),
            }
        },
    );
    // The date fields as typed; applied by the form, reset by the address.
    let from = RwSignal::new(wanted.get_untracked().from);
    let to = RwSignal::new(wanted.get_untracked().to);
    Effect::new(move |_| {
        let filter = wanted.get();
        from.set(filter.from);
        to.set(filter.to);
    });
    let show = move |filter: JournalFilter| {
        navigate(
            &journal_href(&filter),
            NavigateOptions {
                scroll: false,
                ..NavigateOptions::default()
            },
        );
    };
    let show = StoredValue::new(show);
    // The typed dates with `client_id`, from the first page.
    let apply = move |client_id: Option<i64>| {
        let filter = JournalFilter {
            from: from.get_untracked(),
            to: to.get_untracked(),
            client_id,
            page: 0,
        };
        show.with_value(|show| show(filter));
    };
    let go_to_page = Callback::new(move |page: u64| {
        let filter = JournalFilter {
            page,
            ..wanted.get_untracked()
        };
        show.with_value(|show| show(filter));
    });
    let modifying = RwSignal::new(None::<TransactionView>);
    let client_query = RwSignal::new(String::new());
    let client_matches = RwSignal::new(Vec::<ClientRow>::new());
    let lookup_error = RwSignal::new(None::<AppError>);
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
        entries.refetch();
    });
    let clear_client = move || {
        view! {
            " "
            <button
                type="button"
                class="secondary"
                aria-label=move || t_string!(i18n, journal.clear_client)
                on:click=move |_| apply(None)
            >
                "×"
            </button>
        }
    };

    view! {
        <h1>{t!(i18n, journal.title)}</h1>
        <form
            class="filters"
            on:submit=move |event| {
                event.prevent_default();
                apply(wanted.get_untracked().client_id);
            }
        >
            <DayRangeFields id_prefix="journal" from to />
            <div class="field">
                <Transition>
                    {move || {
                        client_name
                            .get()
                            .map(|answer| match answer {
                                Ok(Some(name)) => {
                                    view! {
                                        <span class="label">{t!(i18n, journal.client_label)}</span>
                                        <strong>{name}</strong>
                                        {clear_client()}
                                    }
                                        .into_any()
                                }
                                Err(failure) => {
                                    view! {
                                        <span class="label">{t!(i18n, journal.client_label)}</span>
                                        <span class="form-error" role="alert">{error_text(i18n, &failure)}</span>
                                        {clear_client()}
                                    }
                                        .into_any()
                                }
                                Ok(None) => {
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
                                                        let label = format!("{} — {}", row.full_name(), row.email);
                                                        view! {
                                                            <li>
                                                                <button
                                                                    type="button"
                                                                    class="secondary"
                                                                    on:click=move |_| {
                                                                        client_query.set(String::new());
                                                                        client_matches.set(Vec::new());
                                                                        apply(Some(row.id));
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
                            })
                    }}
                </Transition>
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
                                <ExportLinks
                                    label=move || t!(i18n, exports.transactions)
                                    link=Callback::new(move |format| transactions_link(format, &wanted.get()))
                                />
                            }
                                .into_any()
                        }
                    })
            }}
        </Transition>
        <CreditJournal filter=wanted />
        {move || modifying.get().map(|transaction| view! { <ModifyDialog transaction on_close=close on_modified=modified /> })}
    }
}
