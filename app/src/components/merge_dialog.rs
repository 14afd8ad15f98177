//! The owner finds the other file of the same person and joins it into the open one, after
//! seeing what will move.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::errors::FormError;
use super::form_state::FormState;
use super::latest::LatestRequest;
use super::modal::Modal;
use crate::api::clients::{merge_clients, search_clients};
use crate::i18n::*;
use crate::model::client::ClientRow;

#[component]
pub fn MergeDialog(
    /// The file that stays.
    kept: ClientRow,
    on_close: Callback<()>,
    on_merged: Callback<ClientRow>,
) -> impl IntoView {
    let i18n = use_i18n();
    let kept_id = kept.id;
    let kept_name = kept.full_name();
    let query = RwSignal::new(String::new());
    let found = RwSignal::new(Vec::<ClientRow>::new());
    let chosen = RwSignal::new(None::<ClientRow>);
    let form = FormState::new();
    let latest_search = LatestRequest::new();
    let on_input = move |event| {
        let text = event_target_value(&event);
        query.set(text.clone());
        let number = latest_search.start();
        spawn_local(async move {
            let answer = search_clients(text).await;
            if !latest_search.is_latest(number) {
                return;
            }
            match answer {
                Ok(page) => found.set(
                    page.rows
                        .into_iter()
                        .filter(|row| row.id != kept_id)
                        .collect(),
                ),
                Err(failure) => form.error.set(Some(failure)),
            }
        });
    };
    let merge = move |_| {
        if let Some(other) = chosen.get_untracked() {
            form.send(
                move || merge_clients(kept_id, other.id),
                move |row| on_merged.run(row),
            );
        }
    };
    view! {
        <Modal title_id="merge-title" title=move || t!(i18n, merge.title) on_close>
            {move || match chosen.get() {
                None => {
                    view! {
                        <p>{let name = kept_name.clone(); move || { let name = name.clone(); t_string!(i18n, merge.intro, name).to_string() }}</p>
                        <div class="field">
                            <label for="merge-search">{t!(i18n, merge.search)}</label>
                            <input id="merge-search" type="search" autocomplete="off" prop:value=move || query.get() on:input=on_input />
                        </div>
                        <ul class="merge-candidates" aria-label=move || t_string!(i18n, merge.candidates)>
                            {move || {
                                found
                                    .get()
                                    .into_iter()
                                    .map(|row| {
                                        let name = row.full_name();
                                        let contact = row.phone.clone().unwrap_or_else(|| row.email.clone());
                                        let points = row.points_balance;
                                        let for_choice = row.clone();
                                        let label = {
                                            let name = name.clone();
                                            move || { let name = name.clone(); t_string!(i18n, merge.choose, name).to_string() }
                                        };
                                        view! {
                                            <li>
                                                <span>{name.clone()} " · " {contact} " · " {move || t_string!(i18n, clients.points, points).to_string()}</span>
                                                " "
                                                <button type="button" class="secondary" aria-label=label on:click=move |_| chosen.set(Some(for_choice.clone()))>
                                                    {t!(i18n, merge.select)}
                                                </button>
                                            </li>
                                        }
                                    })
                                    .collect_view()
                            }}
                        </ul>
                        <div class="actions">
                            <button type="button" class="secondary" on:click=move |_| on_close.run(())>{t!(i18n, common.cancel)}</button>
                        </div>
                    }
                        .into_any()
                }
                Some(other) => {
                    let other_name = other.full_name();
                    let kept_name = kept_name.clone();
                    let points = other.points_balance;
                    view! {
                        <p role="status">
                            {move || {
                                let other = other_name.clone();
                                let kept = kept_name.clone();
                                t_string!(i18n, merge.confirm_text, other, kept, points).to_string()
                            }}
                        </p>
                        <p>{t!(i18n, merge.irreversible)}</p>
                        <FormError error=form.error />
                        <div class="actions">
                            <button type="button" class="secondary" on:click=move |_| chosen.set(None)>{t!(i18n, merge.back)}</button>
                            <button type="button" class="danger" disabled=move || form.saving.get() on:click=merge>{t!(i18n, merge.confirm)}</button>
                        </div>
                    }
                        .into_any()
                }
            }}
        </Modal>
    }
}
