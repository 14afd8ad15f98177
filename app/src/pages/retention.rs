//! The owner's inactive clients (CNIL: keep a client's data no longer than needed): the shop's
//! period and whether the server erases by itself, then the clients past the period, each kept
//! (the period starts again) or erased (identity gone, ledger kept).

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::retention::{
    change_retention, erase_inactive_client, inactive_clients, keep_inactive_client,
};
use crate::components::errors::{FormError, error_text};
use crate::components::field::{Field, field_problem};
use crate::components::form_state::FormState;
use crate::components::pager::Pager;
use crate::i18n::*;
use crate::model::error::{AppError, FieldProblem};
use crate::model::retention::{
    InactiveClient, MAX_YEARS, MIN_YEARS, NOTICE_DAYS, RETENTION_PAGE_SIZE, RetentionSettings,
};
use crate::model::routes;

#[component]
pub fn RetentionPage() -> impl IntoView {
    let i18n = use_i18n();
    let page = RwSignal::new(0u64);
    let version = RwSignal::new(0u32);
    let listed = Resource::new(
        move || (page.get(), version.get()),
        |(page, _)| inactive_clients(page),
    );
    let refresh = Callback::new(move |()| version.update(|version| *version += 1));
    let go_to_page = Callback::new(move |wanted: u64| page.set(wanted));
    // Kept here: saving reloads the list, and the form with it.
    let saved = RwSignal::new(false);
    view! {
        <h1>{t!(i18n, retention.title)}</h1>
        <p>{t!(i18n, retention.intro)}</p>
        <Transition fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
            {move || {
                listed
                    .get()
                    .map(|answer| match answer {
                        Err(failure) => view! { <p class="form-error" role="alert">{error_text(i18n, &failure)}</p> }.into_any(),
                        Ok(found) => {
                            let count = found.total;
                            let shown = found.page;
                            let automatic = found.settings.auto_erase;
                            let list = if found.clients.is_empty() {
                                view! { <p>{t!(i18n, retention.empty)}</p> }.into_any()
                            } else {
                                let rows = found
                                    .clients
                                    .into_iter()
                                    .map(|client| view! { <InactiveRow client automatic on_done=refresh /> })
                                    .collect_view();
                                view! {
                                    <p class="result-count" role="status">{move || t_string!(i18n, retention.total, count).to_string()}</p>
                                    <div class="table-wrap">
                                        <table>
                                            <thead>
                                                <tr>
                                                    <th scope="col">{t!(i18n, retention.client)}</th>
                                                    <th scope="col">{t!(i18n, retention.last_seen)}</th>
                                                    {automatic.then(|| view! { <th scope="col">{t!(i18n, retention.erased_on)}</th> })}
                                                    <th scope="col">{t!(i18n, retention.actions)}</th>
                                                </tr>
                                            </thead>
                                            <tbody>{rows}</tbody>
                                        </table>
                                    </div>
                                    <Pager page=shown total=count page_size=RETENTION_PAGE_SIZE on_page=go_to_page />
                                }
                                    .into_any()
                            };
                            view! {
                                <RuleForm settings=found.settings saved on_saved=refresh />
                                <h2>{t!(i18n, retention.listed)}</h2>
                                {list}
                            }
                                .into_any()
                        }
                    })
            }}
        </Transition>
    }
}

#[component]
fn RuleForm(
    settings: RetentionSettings,
    saved: RwSignal<bool>,
    on_saved: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let years = RwSignal::new(settings.years.to_string());
    let auto_erase = RwSignal::new(settings.auto_erase);
    let form = FormState::new();
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        saved.set(false);
        let typed = years.get_untracked();
        let Some(years) = typed
            .trim()
            .parse::<i32>()
            .ok()
            .filter(|years| (MIN_YEARS..=MAX_YEARS).contains(years))
        else {
            form.error.set(Some(AppError::invalid(
                "years",
                FieldProblem::NumberOutOfRange {
                    min: i64::from(MIN_YEARS),
                    max: i64::from(MAX_YEARS),
                },
            )));
            return;
        };
        let wanted = RetentionSettings {
            years,
            auto_erase: auto_erase.get_untracked(),
        };
        form.send(
            move || change_retention(wanted),
            move |_| {
                saved.set(true);
                on_saved.run(());
            },
        );
    };
    let error: Signal<Option<AppError>> = form.error.into();
    view! {
        <form class="narrow" on:submit=submit novalidate aria-label=move || t_string!(i18n, retention.rule)>
            <Field id="retention-years" label=move || t!(i18n, retention.years) value=years problem=field_problem(error, "years") input_type="number" inputmode="numeric" required=true />
            <div class="field">
                <label>
                    <input type="checkbox" prop:checked=move || auto_erase.get() on:change=move |event| auto_erase.set(event_target_checked(&event)) />
                    " "
                    {move || t_string!(i18n, retention.auto_erase, days = NOTICE_DAYS).to_string()}
                </label>
            </div>
            <FormError error=form.form_error() />
            <div class="actions actions-start">
                <button type="submit" disabled=move || form.saving.get()>{t!(i18n, common.save)}</button>
                <Show when=move || saved.get()>
                    <span role="status">{t!(i18n, retention.saved)}</span>
                </Show>
            </div>
        </form>
    }
}

#[component]
fn InactiveRow(client: InactiveClient, automatic: bool, on_done: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let form = FormState::new();
    let id = client.id;
    let name = client.name.clone();
    let keep_label = {
        let name = name.clone();
        move || {
            let name = name.clone();
            t_string!(i18n, retention.keep_label, name).to_string()
        }
    };
    let erase_label = {
        let name = name.clone();
        move || {
            let name = name.clone();
            t_string!(i18n, retention.erase_label, name).to_string()
        }
    };
    let confirm_text = {
        let name = name.clone();
        move || {
            let name = name.clone();
            t_string!(i18n, retention.confirm_erase, name).to_string()
        }
    };
    let keep = move |_| form.send(move || keep_inactive_client(id), move |()| on_done.run(()));
    let erase = move |_| {
        let confirmed = window()
            .confirm_with_message(&confirm_text())
            .unwrap_or(false);
        if confirmed {
            form.send(move || erase_inactive_client(id), move |()| on_done.run(()));
        }
    };
    view! {
        <tr>
            <td><A href=routes::client_file(id)>{name}</A></td>
            <td class="keep">{client.last_seen}</td>
            {automatic.then(|| view! { <td class="keep">{client.erased_on.unwrap_or_default()}</td> })}
            <td class="keep">
                <button type="button" class="secondary" aria-label=keep_label disabled=move || form.saving.get() on:click=keep>
                    {t!(i18n, retention.keep)}
                </button>
                " "
                <button type="button" class="danger" aria-label=erase_label disabled=move || form.saving.get() on:click=erase>
                    {t!(i18n, retention.erase)}
                </button>
                <FormError error=form.error />
            </td>
        </tr>
    }
}
