//! A modal dialog on the native `<dialog>` element: focus moves in, Escape closes it.

use leptos::html;
use leptos::prelude::*;

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
