//! The frame of every signed-in page: header, navigation, language switch, logout.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{A, Outlet, Redirect};

use super::programme::provide_till_programme;
use super::pwa::forget_private_data;
use super::session::use_session;
use crate::api::auth::logout;
use crate::i18n::*;
use crate::model::auth::{CurrentUser, Role};
use crate::model::routes;

#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let button = move |locale: Locale, label: &'static str, name: &'static str| {
        view! {
            <button
                type="button"
                lang=locale.as_str()
                aria-label=name
                aria-pressed=move || (i18n.get_locale() == locale).to_string()
                on:click=move |_| i18n.set_locale(locale)
            >
                {label}
            </button>
        }
    };
    view! {
        <div class="lang-switch" role="group" aria-label=move || t_string!(i18n, nav.language)>
            {button(Locale::fr, "FR", "Français")}
            {button(Locale::en, "EN", "English")}
        </div>
    }
}

#[component]
fn AppHeader(user: CurrentUser) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let sign_out = move |_| {
        spawn_local(async move {
            let _ = logout().await;
            forget_private_data();
            session.refresh();
        });
    };
    view! {
        <header class="app-header">
            <A href=routes::CLIENTS attr:class="brand">
                {user.shop_name.clone()}
            </A>
            <nav aria-label=move || t_string!(i18n, nav.main)>
                {(user.role == Role::Support).then(|| view! { <A href="/support">{t!(i18n, nav.support)}</A> })}
                {user.role.in_shop()
                    .then(|| {
                        view! {
                            <A href=routes::CLIENTS>{t!(i18n, nav.clients)}</A>
                            <A href="/points">{t!(i18n, nav.points)}</A>
                        }
                    })}
                {(user.role == Role::Owner)
                    .then(|| {
                        view! {
                            <A href=routes::DASHBOARD>{t!(i18n, nav.dashboard)}</A>
                            <A href=routes::PROGRAMME>{t!(i18n, nav.programme)}</A>
                            <A href=routes::JOURNAL>{t!(i18n, nav.journal)}</A>
                            <A href="/groupes">{t!(i18n, nav.groups)}</A>
                            <A href="/equipe">{t!(i18n, nav.team)}</A>
                            <A href="/audit">{t!(i18n, nav.audit)}</A>
                        }
                    })}
            </nav>
            <div class="account">
                <A href="/compte" attr:class="user-name" attr:title=move || t_string!(i18n, nav.account)>
                    {user.display_name.clone()}
                </A>
                <LanguageSwitch />
                <button type="button" on:click=sign_out>
                    {t!(i18n, nav.logout)}
                </button>
            </div>
        </header>
    }
}

/// The address `/` leads to: the clients for a shop, the shops for support.
#[component]
pub fn Home() -> impl IntoView {
    let session = use_session();
    move || {
        let home = match session.user.get() {
            Some(Ok(Some(user))) => user.role.home(),
            _ => Role::Owner.home(),
        };
        view! { <Redirect path=home /> }
    }
}

/// Shows the page to a signed-in user; sends anyone else to the login page.
#[component]
pub fn SignedInLayout() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    provide_till_programme();
    view! {
        <Suspense fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
            {move || {
                session
                    .user
                    .get()
                    .map(|answer| match answer {
                        Ok(Some(user)) => {
                            view! {
                                <AppHeader user />
                                <main>
                                    <Outlet />
                                </main>
                            }
                                .into_any()
                        }
                        _ => view! { <Redirect path=routes::LOGIN /> }.into_any(),
                    })
            }}
        </Suspense>
    }
}
