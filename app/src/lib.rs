//! Comptoir: client list and loyalty ledger for local shops, as one Leptos app rendered on the
//! server and hydrated in the browser.
#![recursion_limit = "512"]

include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));

pub mod api;
pub mod components;
pub mod model;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod entities;
#[cfg(feature = "ssr")]
pub mod services;

use leptos::prelude::*;
use leptos_i18n::context::{CookieOptions, UseLocalesOptions};
use leptos_router::components::{ParentRoute, Redirect, Route, Router, Routes};
use leptos_router::{SsrMode, path};

use crate::components::layout::SignedInLayout;
use crate::components::session::provide_session;
use crate::i18n::*;
use crate::pages::client_file::ClientFilePage;
use crate::pages::clients::ClientsPage;
use crate::pages::forgot_password::ForgotPasswordPage;
use crate::pages::journal::JournalPage;
use crate::pages::login::LoginPage;
use crate::pages::not_found::NotFoundPage;
use crate::pages::reset_password::ResetPasswordPage;

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="theme-color" content="#b45309" />
                <link rel="manifest" href="/manifest.webmanifest" />
                <link rel="icon" type="image/png" href="/icons/icon-192.png" />
                <link rel="apple-touch-icon" href="/icons/apple-touch-icon.png" />
                <link rel="stylesheet" id="leptos" href="/pkg/comptoir.css" />
                <title>"Comptoir"</title>
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <leptos_meta::MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// One year, in milliseconds as leptos-use counts them.
const LANGUAGE_COOKIE_MAX_AGE_MS: i64 = 365 * 24 * 3600 * 1000;

/// French shops get French, whatever the device's language; English is a choice kept in a cookie.
fn french_unless_chosen() -> UseLocalesOptions {
    UseLocalesOptions::default().ssr_lang_header_getter(|| None)
}

#[component]
pub fn App() -> impl IntoView {
    provide_session();
    view! {
        <I18nContextProvider
            cookie_options=CookieOptions::default().path("/").max_age(LANGUAGE_COOKIE_MAX_AGE_MS)
            ssr_lang_header_getter=french_unless_chosen()
        >
            <crate::components::pwa::RegisterServiceWorker />
            <Router>
                <Routes fallback=NotFoundPage>
                    <Route path=path!("/connexion") view=LoginPage ssr=SsrMode::Async />
                    <Route path=path!("/mot-de-passe-oublie") view=ForgotPasswordPage />
                    <Route path=path!("/reinitialiser-mot-de-passe") view=ResetPasswordPage />
                    <ParentRoute path=path!("") view=SignedInLayout ssr=SsrMode::Async>
                        <Route path=path!("") view=|| view! { <Redirect path="/clients" /> } ssr=SsrMode::Async />
                        <Route path=path!("clients") view=ClientsPage ssr=SsrMode::Async />
                        <Route path=path!("clients/:id") view=ClientFilePage ssr=SsrMode::Async />
                        <Route path=path!("journal") view=JournalPage ssr=SsrMode::Async />
                    </ParentRoute>
                </Routes>
            </Router>
        </I18nContextProvider>
    }
}
