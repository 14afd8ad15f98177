//! The platform support's page: find a shop, find one of its clients, download the client's
//! data report or erase the client when the client or the shop asks.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::platform::{support_clients, support_erase, support_shops};
use crate::components::errors::problem_text;
use crate::components::errors::{FormError, error_text};
use crate::components::field::field_problem;
use crate::components::form_state::FormState;
use crate::components::latest::LatestRequest;
use crate::components::pager::Pager;
use crate::i18n::*;
use crate::model::client::ClientRow;
use crate::model::error::AppError;
use crate::model::support::{ErasureReason, ErasureRequest, SHOPS_PAGE_SIZE, ShopSummary};

#[component]
pub fn SupportPage() -> impl IntoView {
    let i18n = use_i18n();
    let filter = RwSignal::new(String::new());
    let page = RwSignal::new(0u64);
    let shops = Resource::new(
        move || (filter.get(), page.get()),
        |(filter, page)| support_shops(filter, page),
    );
    let chosen = RwSignal::new(None::<ShopSummary>);
    let go_to_page = Callback::new(move |chosen: u64| page.set(chosen));
    view! {
        <h1>{t!(i18n, support.title)}</h1>
        <div class="field">
            <label for="shop-filter">{t!(i18n, support.find_shop)}</label>
            <input
                id="shop-filter"
                type="search"
                autocomplete="off"
                prop:value=move || filter.get()
                on:input=move |event| {
                    filter.set(event_target_value(&event));
                    page.set(0);
                }
            />
        </div>
        <Transition fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
            {move || {
                shops
                    .get()
                    .map(|answer| match answer {
                        Err(failure) => view! { <p class="form-error" role="alert">{error_text(i18n, &failure)}</p> }.into_any(),
                        Ok(found) => {
                            let total = found.total;
                            view! {
                                <div class="table-wrap">
                                    <table>
                                        <caption class="visually-hidden">{t!(i18n, support.shops)}</caption>
                                        <thead>
                                            <tr>
                                                <th scope="col">{t!(i18n, support.shop)}</th>
                                                <th scope="col">{t!(i18n, support.clients)}</th>
                                                <th scope="col">{t!(i18n, support.created)}</th>
                                                <th scope="col">{t!(i18n, history.actions)}</th>
                                            </tr>
                                        </thead>
                                        <tbody>
                                            {found
                                                .shops
                                                .into_iter()
                                                .map(|shop| {
                                                    let name = shop.name.clone();
                                                    let open_label = move || { let name = name.clone(); t_string!(i18n, support.open_label, name).to_string() };
                                                    let for_choice = shop.clone();
                                                    view! {
                                                        <tr>
                                                            <td>{shop.name.clone()}</td>
                                                            <td>{shop.clients}</td>
                                                            <td>{shop.created_on.clone()}</td>
                                                            <td>
                                                                <button type="button" class="secondary" aria-label=open_label on:click=move |_| chosen.set(Some(for_choice.clone()))>
                                                                    {t!(i18n, support.open)}
                                                                </button>
                                                            </td>
                                                        </tr>
                                                    }
                                                })
                                                .collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                                <Pager page=found.page total page_size=SHOPS_PAGE_SIZE on_page=go_to_page />
                            }
                            .into_any()
                        }
                    })
            }}
        </Transition>
        {move || chosen.get().map(|shop| view! { <ShopClients shop /> })}
    }
}

#[component]
fn ShopClients(shop: ShopSummary) -> impl IntoView {
    let i18n = use_i18n();
    let shop_id = shop.id;
    let text = RwSignal::new(String::new());
    let found = RwSignal::new(None::<Vec<ClientRow>>);
    let error = RwSignal::new(None::<AppError>);
    let notice = RwSignal::new(false);
    let latest_search = LatestRequest::new();
    let search = move || {
        let number = latest_search.start();
        let typed = text.get_untracked();
        spawn_local(async move {
            let answer = support_clients(shop_id, typed).await;
            if !latest_search.is_latest(number) {
                return;
            }
            match answer {
                Ok(page) => {
                    error.set(None);
                    found.set(Some(page.rows));
                }
                Err(failure) => error.set(Some(failure)),
            }
        });
    };
    let erased = Callback::new(move |()| {
        notice.set(true);
        search();
    });
    let shop_name = shop.name.clone();
    view! {
        <section aria-labelledby="support-shop-title">
            <h2 id="support-shop-title">{move || { let name = shop_name.clone(); t_string!(i18n, support.shop_title, name).to_string() }}</h2>
            <div class="field">
                <label for="support-client-search">{t!(i18n, support.find_client)}</label>
                <input
                    id="support-client-search"
                    type="search"
                    autocomplete="off"
                    prop:value=move || text.get()
                    on:input=move |event| {
                        text.set(event_target_value(&event));
                        notice.set(false);
                        search();
                    }
                />
            </div>
            <div role="status">
                {move || notice.get().then(|| view! { <p class="form-notice">{t!(i18n, support.erased)}</p> })}
            </div>
            <FormError error />
            {move || {
                found
                    .get()
                    .map(|rows| {
                        if rows.is_empty() {
                            view! { <p>{t!(i18n, clients.empty)}</p> }.into_any()
                        } else {
                            view! {
                                <ul class="client-list" aria-label=move || t_string!(i18n, clients.list)>
                                    {rows.into_iter().map(|row| view! { <SupportClient shop_id row on_erased=erased /> }).collect_view()}
                                </ul>
                            }
                            .into_any()
                        }
                    })
            }}
        </section>
    }
}

#[component]
fn SupportClient(shop_id: i64, row: ClientRow, on_erased: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let client_id = row.id;
    let name = row.full_name();
    let asking = RwSignal::new(false);
    let reason = RwSignal::new(None::<ErasureReason>);
    let form = FormState::new();
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        let request = ErasureRequest {
            shop_id,
            client_id,
            reason: reason.get_untracked(),
        };
        if let Err(invalid) = request.valid_reason() {
            form.error.set(Some(invalid));
            return;
        }
        form.send(move || support_erase(request), move |()| on_erased.run(()));
    };
    let error: Signal<Option<AppError>> = form.error.into();
    let reason_problem = field_problem(error, "reason");
    let erase_label = {
        let name = name.clone();
        move || {
            let name = name.clone();
            t_string!(i18n, support.erase_label, name).to_string()
        }
    };
    view! {
        <li class="client-card">
            <div class="identity">
                <div class="name">{name.clone()}</div>
                <div class="meta">
                    <span>{row.email.clone()}</span>
                    {row.phone.clone().map(|phone| view! { <span>{phone}</span> })}
                </div>
            </div>
            <p class="exports">
                <a href=format!("/export/client/{client_id}/json") download rel="external">{t!(i18n, client_file.export_json)}</a>
                " · "
                <a href=format!("/export/client/{client_id}/csv") download rel="external">{t!(i18n, client_file.export_csv)}</a>
            </p>
            {move || {
                if asking.get() {
                    view! {
                        <form class="narrow" on:submit=submit novalidate>
                            <p>{t!(i18n, support.erase_warning)}</p>
                            <div class="field">
                                <label for="erase-reason">{t!(i18n, support.reason)}</label>
                                <select
                                    id="erase-reason"
                                    required=true
                                    aria-invalid=move || reason_problem.get().map(|_| "true")
                                    on:change=move |event| reason.set(ErasureReason::from_code(&event_target_value(&event)))
                                >
                                    <option value="" selected=move || reason.get().is_none()>{t!(i18n, support.reason_choose)}</option>
                                    {ErasureReason::ALL
                                        .iter()
                                        .map(|option| {
                                            let option = *option;
                                            let label = move || match option {
                                                ErasureReason::ClientRequest => t_string!(i18n, support.reasons.client_request),
                                                ErasureReason::ShopRequest => t_string!(i18n, support.reasons.shop_request),
                                            };
                                            view! { <option value=option.code() selected=move || reason.get() == Some(option)>{label}</option> }
                                        })
                                        .collect_view()}
                                </select>
                                {move || reason_problem.get().map(|problem| view! { <p class="field-error">{problem_text(i18n, &problem)}</p> })}
                            </div>
                            <FormError error=form.form_error() />
                            <div class="actions actions-start">
                                <button type="button" class="secondary" on:click=move |_| asking.set(false)>{t!(i18n, common.cancel)}</button>
                                <button type="submit" class="danger" disabled=move || form.saving.get()>{t!(i18n, support.erase_confirm)}</button>
                            </div>
                        </form>
                    }
                    .into_any()
                } else {
                    view! {
                        <button type="button" class="secondary" aria-label=erase_label.clone() on:click=move |_| asking.set(true)>
                            {t!(i18n, support.erase)}
                        </button>
                    }
                    .into_any()
                }
            }}
        </li>
    }
}
