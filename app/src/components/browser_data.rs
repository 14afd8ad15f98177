//! Sections a page reads in the browser once it is hydrated.

use std::future::Future;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::model::error::AppError;

/// The answer of `fetch`, asked in the browser only, after hydration, and again on each call of
/// the returned callback. The page the server rendered and the hydrating one both start from
/// "loading" (`None`), so they agree, and nothing is asked — nor written, as a member card issued
/// on its first view — while the server renders.
pub fn load_in_browser<T, Fetch, Answer>(
    fetch: Fetch,
) -> (RwSignal<Option<Result<T, AppError>>>, Callback<()>)
where
    T: Send + Sync + 'static,
    Fetch: Fn() -> Answer + Send + Sync + 'static,
    Answer: Future<Output = Result<T, AppError>> + 'static,
{
    let answer = RwSignal::new(None);
    let fetch = StoredValue::new(fetch);
    let load = move || {
        let asked = fetch.with_value(|fetch| fetch());
        spawn_local(async move { answer.set(Some(asked.await)) });
    };
    Effect::new(move |_| load());
    (answer, Callback::new(move |()| load()))
}
