//! A modal dialog on the native `<dialog>` element: focus moves in, Escape closes it.

use leptos::html;
use leptos::prelude::*;

use crate::i18n::*;

#[component]
pub fn Modal(
    /// Id of the heading, which names the dialog.
    title_id: &'static str,
    #[prop(into)] title: ViewFn,
    on_close: Callback<()>,
    children: Children,
) -> impl IntoView {
    let dialog = NodeRef::<html::Dialog>::new();
    Effect::new(move |_| {
        if let Some(dialog) = dialog.get()
            && !dialog.open()
        {
            let _ = dialog.show_modal();
        }
    });
    view! {
        <dialog
            node_ref=dialog
            aria-labelledby=title_id
            on:cancel=move |event: leptos::ev::Event| {
                event.prevent_default();
                on_close.run(());
            }
        >
            <h2 id=title_id>{move || title.run()}</h2>
            {children()}
        </dialog>
    }
}

/// "Annuler" and "Enregistrer" at the foot of a dialog's form; saving is disabled while a request
/// is under way, so a double tap sends once.
#[component]
pub fn DialogActions(on_close: Callback<()>, #[prop(into)] saving: Signal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="actions">
            <button type="button" class="secondary" on:click=move |_| on_close.run(())>
                {t!(i18n, common.cancel)}
            </button>
            <button type="submit" disabled=move || saving.get()>
                {t!(i18n, common.save)}
            </button>
        </div>
    }
}
