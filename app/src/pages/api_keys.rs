//! The owner's API keys: a till or the shop's website uses one to call `/api/v1`. A new key's
//! secret is shown once, to be copied into the other system; a key is revoked in one click.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use crate::api::api_keys::{create_api_key, list_api_keys, revoke_api_key};
use crate::components::errors::{FormError, error_text};
use crate::components::field::{Field, field_problem};
use crate::components::form_state::FormState;
use crate::i18n::*;
use crate::model::api_keys::{ApiKeyScope, ApiKeyView, CreatedApiKey, NewApiKey};
use crate::model::error::AppError;

#[component]
pub fn ApiKeysPage() -> impl IntoView {
    let i18n = use_i18n();
    let version = RwSignal::new(0u32);
    let keys = Resource::new(move || version.get(), |_| list_api_keys());
    let refresh = Callback::new(move |()| version.update(|version| *version += 1));
    let created = RwSignal::new(None::<CreatedApiKey>);
    view! {
        <h1>{t!(i18n, api_keys.title)}</h1>
        <p>{t!(i18n, api_keys.intro)} " " <a href="/api/v1/docs" rel="external">{t!(i18n, api_keys.docs)}</a></p>
        <NewKeyForm created on_created=refresh />
        {move || created.get().map(|created| view! { <NewSecret created /> })}
        <h2>{t!(i18n, api_keys.list)}</h2>
        <Transition fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
            {move || {
                keys.get()
                    .map(|answer| match answer {
                        Err(failure) => view! { <p class="form-error" role="alert">{error_text(i18n, &failure)}</p> }.into_any(),
                        Ok(keys) if keys.is_empty() => view! { <p>{t!(i18n, api_keys.empty)}</p> }.into_any(),
                        Ok(keys) => {
                            let rows = keys
                                .into_iter()
                                .map(|key| view! { <KeyRow key on_revoked=refresh /> })
                                .collect_view();
                            view! {
                                <div class="table-wrap">
                                    <table>
                                        <thead>
                                            <tr>
                                                <th scope="col">{t!(i18n, api_keys.name)}</th>
                                                <th scope="col">{t!(i18n, api_keys.hint)}</th>
                                                <th scope="col">{t!(i18n, api_keys.scope)}</th>
                                                <th scope="col">{t!(i18n, api_keys.created)}</th>
                                                <th scope="col">{t!(i18n, api_keys.last_used)}</th>
                                                <th scope="col">{t!(i18n, api_keys.state)}</th>
                                            </tr>
                                        </thead>
                                        <tbody>{rows}</tbody>
                                    </table>
                                </div>
                            }
                                .into_any()
                        }
                    })
            }}
        </Transition>
    }
}

#[component]
fn NewKeyForm(created: RwSignal<Option<CreatedApiKey>>, on_created: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let name = RwSignal::new(String::new());
    let scope = RwSignal::new(ApiKeyScope::ReadWrite.code().to_owned());
    let form = FormState::new();
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        created.set(None);
        let wanted = NewApiKey {
            name: name.get_untracked(),
            scope: scope.get_untracked(),
        };
        if let Err(errors) = wanted.validate() {
            form.error.set(Some(AppError::Invalid(errors)));
            return;
        }
        form.send(
            move || create_api_key(wanted),
            move |key: CreatedApiKey| {
                name.set(String::new());
                created.set(Some(key));
                on_created.run(());
            },
        );
    };
    let error: Signal<Option<AppError>> = form.error.into();
    view! {
        <form class="narrow" on:submit=submit novalidate aria-label=move || t_string!(i18n, api_keys.new_key)>
            <h2>{t!(i18n, api_keys.new_key)}</h2>
            <Field id="name" label=move || t!(i18n, api_keys.name_label) value=name problem=field_problem(error, "name") required=true />
            <div class="field">
                <label for="scope">{t!(i18n, api_keys.scope)}</label>
                <select id="scope" name="scope" on:change=move |event| scope.set(event_target_value(&event))>
                    <option value=ApiKeyScope::ReadWrite.code() selected=true>{t!(i18n, api_keys.read_write)}</option>
                    <option value=ApiKeyScope::Read.code()>{t!(i18n, api_keys.read)}</option>
                </select>
            </div>
            <FormError error=form.form_error() />
            <div class="actions actions-start">
                <button type="submit" disabled=move || form.saving.get()>{t!(i18n, api_keys.create)}</button>
            </div>
        </form>
    }
}

/// The secret, this once, ready to select and copy.
#[component]
fn NewSecret(created: CreatedApiKey) -> impl IntoView {
    let i18n = use_i18n();
    let name = created.key.name.clone();
    view! {
        <section class="notice" role="status">
            <p><strong>{move || t_string!(i18n, api_keys.copy_now, name = name.clone()).to_string()}</strong></p>
            <label for="new-secret">{t!(i18n, api_keys.secret)}</label>
            <input id="new-secret" type="text" readonly=true value=created.secret spellcheck="false" autocomplete="off" />
        </section>
    }
}

#[component]
fn KeyRow(key: ApiKeyView, on_revoked: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let form = FormState::new();
    let id = key.id;
    let name = key.name.clone();
    let confirm_text = {
        let name = name.clone();
        move || t_string!(i18n, api_keys.confirm_revoke, name = name.clone()).to_string()
    };
    let revoke_label = {
        let name = name.clone();
        move || t_string!(i18n, api_keys.revoke_label, name = name.clone()).to_string()
    };
    let revoke = move |_| {
        let confirmed = window()
            .confirm_with_message(&confirm_text())
            .unwrap_or(false);
        if confirmed {
            form.send(move || revoke_api_key(id), move |()| on_revoked.run(()));
        }
    };
    let scope = match key.scope {
        ApiKeyScope::Read => t!(i18n, api_keys.read).into_any(),
        ApiKeyScope::ReadWrite => t!(i18n, api_keys.read_write).into_any(),
    };
    let created = format!("{} · {}", key.created_at, key.created_by);
    let state = match key.revoked_at {
        Some(revoked_at) => view! {
            <span>{move || t_string!(i18n, api_keys.revoked_on, at = revoked_at.clone()).to_string()}</span>
        }
            .into_any(),
        None => view! {
            <button type="button" class="danger" aria-label=revoke_label disabled=move || form.saving.get() on:click=revoke>
                {t!(i18n, api_keys.revoke)}
            </button>
            <FormError error=form.error />
        }
            .into_any(),
    };
    view! {
        <tr>
            <td>{name}</td>
            <td class="keep"><code>{format!("{}…", key.hint)}</code></td>
            <td>{scope}</td>
            <td class="keep">{created}</td>
            <td class="keep">{key.last_used_at.unwrap_or_else(|| "—".to_owned())}</td>
            <td class="keep">{state}</td>
        </tr>
    }
}
