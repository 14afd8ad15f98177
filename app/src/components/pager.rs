//! "Précédent · page n / m · Suivant" under a paged list.

use leptos::prelude::*;

use crate::i18n::*;

#[component]
pub fn Pager(
    /// Zero-based page shown now.
    page: u64,
    total: u64,
    page_size: u64,
    on_page: Callback<u64>,
) -> impl IntoView {
    let i18n = use_i18n();
    let pages = total.div_ceil(page_size).max(1);
    view! {
        <nav class="pager" aria-label=move || t_string!(i18n, common.pages)>
            <button type="button" class="secondary" disabled={page == 0} on:click=move |_| on_page.run(page.saturating_sub(1))>
                {t!(i18n, common.previous)}
            </button>
            <span>
                {move || {
                    let (page, pages) = (page + 1, pages);
                    t_string!(i18n, common.page, page, pages).to_string()
                }}
            </span>
            <button type="button" class="secondary" disabled={page + 1 >= pages} on:click=move |_| on_page.run(page + 1)>
                {t!(i18n, common.next)}
            </button>
        </nav>
    }
}
