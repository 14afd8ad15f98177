use leptos::prelude::*;
use leptos_router::components::A;

use crate::i18n::*;
use crate::model::routes;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    let i18n = use_i18n();
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <main class="auth-card">
            <h1>{t!(i18n, not_found.title)}</h1>
            <A href=routes::CLIENTS>{t!(i18n, not_found.back)}</A>
        </main>
    }
}
