//! Registers the service worker so a shop tablet can install the app and open it offline.

use leptos::prelude::*;

#[component]
pub fn RegisterServiceWorker() -> impl IntoView {
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(window) = web_sys::window() {
            let container = window.navigator().service_worker();
            let _ = container.register("/sw.js");
            // Tells the browser tests the page is interactive.
            if let Some(body) = window.document().and_then(|document| document.body()) {
                let _ = body.set_attribute("data-hydrated", "true");
            }
        }
    });
}
