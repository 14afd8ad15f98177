//! "Connexion": e-mail, password, "Se souvenir de moi".

use leptos::prelude::*;
use leptos_router::components::{A, Redirect};
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api::auth::Login;
use crate::components::errors::FormError;
use crate::components::layout::LanguageSwitch;
use crate::components::password_rules::PasswordRules;
use crate::components::session::use_session;
use crate::i18n::*;
use crate::model::routes;

#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let login = ServerAction::<Login>::new();
    let password = RwSignal::new(String::new());
    let navigate = use_navigate();
    let query = use_query_map();
    let reset_done = move || query.read().get("reinitialise").is_some();
    Effect::new(move |_| {
        if let Some(Ok(user)) = login.value().get() {
            session.refresh();
            navigate(user.role.home(), Default::default());
        }
    });
    let error = Signal::derive(move || login.value().get().and_then(Result::err));
    view! {
        <Suspense>
            {move || {
                session
                    .user
                    .get()
                    .and_then(|answer| answer.ok().flatten())
                    .map(|user| view! { <Redirect path=user.role.home() /> })
            }}
        </Suspense>
        <main class="auth-card">
            <LanguageSwitch />
            <h1>{t!(i18n, login.title)}</h1>
            <Show when=reset_done>
                <p class="form-notice" role="status">{t!(i18n, login.reset_done)}</p>
            </Show>
            <ActionForm action=login>
                <div class="field">
                    <label for="email">{t!(i18n, login.email)}</label>
                    <input id="email" type="email" name="email" autocomplete="username" required autofocus />
                </div>
                <div class="field">
                    <label for="password">{t!(i18n, login.password)}</label>
                    <input
                        id="password"
                        type="password"
                        name="password"
                        autocomplete="current-password"
                        required
                        aria-describedby="login-password-rules"
                        on:input=move |event| password.set(event_target_value(&event))
                    />
                    <PasswordRules password id="login-password-rules" />
                </div>
                <div class="field">
                    <label class="checkbox">
                        <input type="checkbox" name="remember" value="on" />
                        {t!(i18n, login.remember)}
                    </label>
                </div>
                <FormError error />
                <button type="submit" disabled=move || login.pending().get()>
                    {t!(i18n, login.submit)}
                </button>
            </ActionForm>
            <p>
                <A href=routes::FORGOT_PASSWORD>{t!(i18n, login.forgot)}</A>
            </p>
        </main>
    }
}
