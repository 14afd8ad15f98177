//! "Du … Au …": the two days a list is filtered on, inclusive.

use leptos::prelude::*;

use crate::i18n::*;

#[component]
pub fn DayRangeFields(
    /// Prefix of the inputs' ids, unique on the page.
    id_prefix: &'static str,
    from: RwSignal<String>,
    to: RwSignal<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let from_id = format!("{id_prefix}-from");
    let to_id = format!("{id_prefix}-to");
    view! {
        <div class="field">
            <label for=from_id.clone()>{t!(i18n, common.from)}</label>
            <input id=from_id type="date" value=from.get_untracked() prop:value=move || from.get() on:input=move |event| from.set(event_target_value(&event)) />
        </div>
        <div class="field">
            <label for=to_id.clone()>{t!(i18n, common.to)}</label>
            <input id=to_id type="date" value=to.get_untracked() prop:value=move || to.get() on:input=move |event| to.set(event_target_value(&event)) />
        </div>
    }
}
