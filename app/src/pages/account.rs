//! The signed-in user's own account: who they are, and a new password. Changing it ends every
//! other session of the account.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use crate::api::auth::change_password;
use crate::components::errors::FormError;
use crate::components::field::{Field, field_problem};
use crate::components::form_state::FormState;
use crate::components::password_rules::NewPasswordFields;
use crate::components::session::use_session;
use crate::i18n::*;
use crate::model::auth::Role;
use crate::model::error::AppError;

#[component]
pub fn AccountPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let current = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let confirmation = RwSignal::new(String::new());
    let state = FormState::new();
    let (error, saving) = (state.error, state.saving);
    let changed = RwSignal::new(false);
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        changed.set(false);
        state.send(
            move || {
                change_password(
                    current.get_untracked(),
                    password.get_untracked(),
                    confirmation.get_untracked(),
                )
            },
            move |()| {
                for field in [current, password, confirmation] {
                    field.set(String::new());
                }
                changed.set(true);
            },
        );
    };
    let error_signal: Signal<Option<AppError>> = error.into();
    let identity = move || {
        session
            .user
            .get()
            .and_then(Result::ok)
            .flatten()
            .map(|user| {
                let role = match user.role {
                    Role::Owner => t_string!(i18n, account.owner),
                    Role::Staff => t_string!(i18n, account.staff),
                    Role::Support => t_string!(i18n, account.support),
                };
                view! {
                    <dl class="details">
                        <dt>{t!(i18n, account.email)}</dt>
                        <dd>{user.email}</dd>
                        <dt>{t!(i18n, account.role)}</dt>
                        <dd>{role}</dd>
                    </dl>
                }
            })
    };
    view! {
        <h1>{t!(i18n, account.title)}</h1>
        <Suspense>{identity}</Suspense>
        <section class="card narrow">
            <h2>{t!(i18n, account.password_title)}</h2>
            <form on:submit=submit novalidate>
                <Field
                    id="current"
                    label=move || t!(i18n, account.current)
                    value=current
                    problem=field_problem(error_signal, "current")
                    input_type="password"
                    autocomplete="current-password"
                    required=true
                />
                <NewPasswordFields
                    password
                    confirmation
                    error=error_signal
                    password_label=move || t!(i18n, account.password)
                    confirmation_label=move || t!(i18n, account.confirmation)
                    rules_id="account-password-rules"
                />
                <FormError error=Signal::derive(move || error.get().filter(|e| e.field_errors().is_none())) />
                <Show when=move || changed.get()>
                    <p class="form-success" role="status">{t!(i18n, account.changed)}</p>
                </Show>
                <button type="submit" disabled=move || saving.get()>
                    {t!(i18n, account.submit)}
                </button>
            </form>
        </section>
    }
}
