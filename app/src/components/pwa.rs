//! Registers the service worker so a shop tablet can install the app and open it offline.

use leptos::prelude::*;

#[component]
pub fn RegisterServiceWorker() -> impl IntoView {
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(window) = web_sys::window() {
            let registration = window.navigator().service_worker().register("/sw.js");
            // The app works online without its worker and the next page load tries again, so a
            // refused registration (the page left mid-way, a flaky network) is a warning only.
            leptos::task::spawn_local(async move {
                if let Err(reason) = wasm_bindgen_futures::JsFuture::from(registration).await {
                    web_sys::console::warn_2(&"service worker not registered:".into(), &reason);
                }
            });
            // Tells the browser tests the page is interactive.
            if let Some(body) = window.document().and_then(|document| document.body()) {
                let _ = body.set_attribute("data-hydrated", "true");
            }
        }
    });
}

/// Asks the service worker to drop every cache that could hold a client's data: called at logout,
/// so the next person at a shared till tablet finds none of it, even offline.
pub fn forget_private_data() {
    #[cfg(feature = "hydrate")]
    if let Some(worker) =
        web_sys::window().and_then(|window| window.navigator().service_worker().controller())
        && let Err(reason) = worker.post_message(&"logout".into())
    {
        web_sys::console::warn_2(&"service worker not told of the logout:".into(), &reason);
    }
}
