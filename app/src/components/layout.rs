//! The frame of every signed-in page: header, navigation, language switch, logout.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{A, Outlet, Redirect};

use super::programme::provide_till_programme;
use super::pwa::forget_private_data;
use super::session::use_session;
use super::till_device::{DeviceStatus, use_till_device};
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

/// One line at any width: the shop, the links that fit, and a menu button. On a phone only
/// "Clients" stays in the line and the menu opens every other page; on a desktop every page is in
/// the line and the menu (the user's name) holds the account, the language and signing out.
#[component]
fn AppHeader(user: CurrentUser) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let menu_open = RwSignal::new(false);
    let toggle = NodeRef::<leptos::html::Button>::new();
    // A page chosen from the menu closes it (the current page's link too).
    let close_on_link = move |event: leptos::ev::MouseEvent| {
        use wasm_bindgen::JsCast;
        let on_link = event
            .target()
            .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
            .and_then(|element| element.closest("a").ok().flatten())
            .is_some();
        if on_link {
            menu_open.set(false);
        }
    };
    let close_on_escape = move |event: leptos::ev::KeyboardEvent| {
        if event.key() == "Escape" && menu_open.get_untracked() {
            menu_open.set(false);
            if let Some(button) = toggle.get_untracked() {
                let _ = button.focus();
            }
        }
    };
    let device = use_till_device();
    // What waits in the device's outbox is sent first; what still cannot be is lost only if the
    // user says so.
    let sign_out = move |_| {
        spawn_local(async move {
            device.flush().await;
            let count = device.waiting.with_untracked(Vec::len);
            if count > 0 {
                let question = t_string!(i18n, till.logout_waiting, count).to_string();
                let confirmed = window().confirm_with_message(&question).unwrap_or(false);
                if !confirmed {
                    return;
                }
            }
            let _ = logout().await;
            device.forget_everything().await;
            forget_private_data();
            session.refresh();
        });
    };
    view! {
        <header class="app-header" class:menu-open=move || menu_open.get()
            on:keydown=close_on_escape
            on:click=close_on_link
        >
            <A href=user.role.home() attr:class="brand">
                {user.shop_name.clone()}
            </A>
            <DeviceStatus link=true />
            <nav aria-label=move || t_string!(i18n, nav.main)>
                {(user.role == Role::Support).then(|| view! { <A href="/support" attr:class="primary">{t!(i18n, nav.support)}</A> })}
                {(user.role == Role::Owner).then(|| view! { <A href=routes::DASHBOARD>{t!(i18n, nav.dashboard)}</A> })}
                {user.role.in_shop()
                    .then(|| {
                        view! {
                            <A href=routes::CLIENTS attr:class="primary">{t!(i18n, nav.clients)}</A>
                            <A href="/points">{t!(i18n, nav.points)}</A>
                        }
                    })}
                {(user.role == Role::Owner)
                    .then(|| {
                        view! {
                            <A href=routes::PROGRAMME>{t!(i18n, nav.programme)}</A>
                            <A href=routes::JOURNAL>{t!(i18n, nav.journal)}</A>
                            <A href=routes::CAMPAIGNS>{t!(i18n, nav.campaigns)}</A>
                            <A href="/groupes">{t!(i18n, nav.groups)}</A>
                            <A href="/equipe">{t!(i18n, nav.team)}</A>
                            <A href="/audit">{t!(i18n, nav.audit)}</A>
                        }
                    })}
            </nav>
            <button
                type="button"
                class="menu-toggle"
                node_ref=toggle
                aria-controls="header-menu"
                aria-expanded=move || menu_open.get().to_string()
                on:click=move |_| menu_open.update(|open| *open = !*open)
            >
                <span class="menu-word">{t!(i18n, nav.menu)}</span>
                <span class="user-name">{user.display_name.clone()}</span>
            </button>
            <div class="header-menu" id="header-menu">
                {user.role.in_shop().then(|| view! {
                    <A href=routes::TILL>{t!(i18n, nav.till)}</A>
                    <A href=routes::GIFT_CARDS>{t!(i18n, nav.gift_cards)}</A>
                })}
                <A href="/compte">{t!(i18n, nav.account)}</A>
                {(user.role == Role::Owner).then(|| view! { <A href=routes::API_KEYS>{t!(i18n, nav.api_keys)}</A> })}
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
    // A signed-in till keeps its device's copy of the clients fresh, for when the network goes.
    let device = use_till_device();
    Effect::new(move |_| {
        if let Some(Ok(Some(user))) = session.user.get()
            && user.role.in_shop()
        {
            device.start(user);
        }
    });
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
