//! "Mot de passe oublié ?": the same answer whether or not the address has an account.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::auth::RequestPasswordReset;
use crate::components::errors::FormError;
use crate::components::errors::problem_text;
use crate::components::field::field_problem;
use crate::i18n::*;
use crate::model::routes;

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let i18n = use_i18n();
    let request = ServerAction::<RequestPasswordReset>::new();
    let error = Signal::derive(move || request.value().get().and_then(Result::err));
    let sent = move || matches!(request.value().get(), Some(Ok(())));
    let email_problem = field_problem(error, "email");
    view! {
        <main class="auth-card">
            <h1>{t!(i18n, forgot.title)}</h1>
            <Show
                when=sent
                fallback=move || {
                    view! {
                        <p>{t!(i18n, forgot.intro)}</p>
                        <ActionForm action=request>
                            <div class="field">
                                <label for="email">{t!(i18n, login.email)}</label>
                                <input
                                    id="email"
                                    type="email"
                                    name="email"
                                    autocomplete="username"
                                    required
                                    autofocus
                                    aria-invalid=move || email_problem.get().map(|_| "true")
                                    aria-describedby=move || email_problem.get().map(|_| "email-error")
                                />
                                {move || email_problem.get().map(|problem| view! { <p class="field-error" id="email-error">{problem_text(i18n, &problem)}</p> })}
                            </div>
                            <FormError error=Signal::derive(move || error.get().filter(|e| e.field_errors().is_none())) />
                            <button type="submit" disabled=move || request.pending().get()>
                                {t!(i18n, forgot.submit)}
                            </button>
                        </ActionForm>
                    }
                }
            >
                <p class="form-notice" role="status">{t!(i18n, forgot.sent)}</p>
            </Show>
            <p>
                <A href=routes::LOGIN>{t!(i18n, forgot.back)}</A>
            </p>
        </main>
    }
}
