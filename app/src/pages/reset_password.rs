//! The page a reset e-mail links to: the new password twice, then back to login.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api::auth::reset_password;
use crate::components::errors::FormError;
use crate::components::form_state::FormState;
use crate::components::password_rules::NewPasswordFields;
use crate::i18n::*;
use crate::model::error::AppError;
use crate::model::routes;

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let token = move || query.read().get(routes::TOKEN_KEY).unwrap_or_default();
    let password = RwSignal::new(String::new());
    let confirmation = RwSignal::new(String::new());
    let state = FormState::new();
    let (error, saving) = (state.error, state.saving);
    let navigate = use_navigate();
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        let navigate = navigate.clone();
        let token = token();
        state.send(
            move || {
                reset_password(
                    token,
                    password.get_untracked(),
                    confirmation.get_untracked(),
                )
            },
            move |()| navigate("/connexion?reinitialise=1", Default::default()),
        );
    };
    let error_signal: Signal<Option<AppError>> = error.into();
    view! {
        <main class="auth-card">
            <h1>{t!(i18n, reset.title)}</h1>
            <Show
                when=move || !token().is_empty()
                fallback=move || view! { <p class="form-error" role="alert">{t!(i18n, reset.missing_token)}</p> }
            >
                <form on:submit=submit.clone() novalidate>
                    <NewPasswordFields
                        password
                        confirmation
                        error=error_signal
                        password_label=move || t!(i18n, reset.password)
                        confirmation_label=move || t!(i18n, reset.confirmation)
                        rules_id="reset-password-rules"
                        autofocus=true
                    />
                    <FormError error=Signal::derive(move || error.get().filter(|e| e.field_errors().is_none())) />
                    <button type="submit" disabled=move || saving.get()>
                        {t!(i18n, reset.submit)}
                    </button>
                </form>
            </Show>
            <p>
                <A href=routes::LOGIN>{t!(i18n, forgot.back)}</A>
            </p>
        </main>
    }
}
