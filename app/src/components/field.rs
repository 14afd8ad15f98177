//! A labelled form field with its error message next to it.

use leptos::prelude::*;

use super::errors::problem_text;
use crate::i18n::*;
use crate::model::error::{AppError, FieldProblem};

/// The problem of `field` in the last error, if that error was about fields.
pub fn field_problem(
    error: Signal<Option<AppError>>,
    field: &'static str,
) -> Signal<Option<FieldProblem>> {
    Signal::derive(move || {
        error.get().and_then(|error| {
            error
                .field_errors()
                .and_then(|errors| errors.get(field).cloned())
        })
    })
}

#[component]
pub fn Field(
    /// The input's id and the field's name in errors; built for fields repeated on a form
    /// (`line-2-label`).
    #[prop(into)]
    id: Oco<'static, str>,
    #[prop(into)] label: ViewFn,
    value: RwSignal<String>,
    #[prop(into)] problem: Signal<Option<FieldProblem>>,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    /// Which keyboard a phone shows; it may follow another field (a country's postal codes).
    #[prop(optional, into)]
    inputmode: MaybeProp<&'static str>,
    #[prop(optional)] required: bool,
    #[prop(optional)] autofocus: bool,
    #[prop(optional)] multiline: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let error_id = format!("{id}-error");
    let described_by = {
        let error_id = error_id.clone();
        move || problem.get().map(|_| error_id.clone())
    };
    let invalid = move || problem.get().map(|_| "true");
    let input = if multiline {
        view! {
            <textarea
                id=id.clone()
                name=id.clone()
                rows="3"
                aria-invalid=invalid
                aria-describedby=described_by
                prop:value=move || value.get()
                on:input=move |event| value.set(event_target_value(&event))
            ></textarea>
        }
        .into_any()
    } else {
        view! {
            <input
                id=id.clone()
                name=id.clone()
                type=input_type
                autocomplete=autocomplete
                inputmode=move || inputmode.get()
                required=required
                autofocus=autofocus
                aria-invalid=invalid
                aria-describedby=described_by
                prop:value=move || value.get()
                on:input=move |event| value.set(event_target_value(&event))
            />
        }
        .into_any()
    };
    view! {
        <div class="field">
            <label for=id>
                {move || label.run()}
                // The input says "required" to assistive technology; the star is for the eye.
                {required.then(|| view! { <abbr aria-hidden="true" title=move || t_string!(i18n, client_form.required)>" *"</abbr> })}
            </label>
            {input}
            {move || problem.get().map(|problem| view! { <p class="field-error" id=error_id.clone()>{problem_text(i18n, &problem)}</p> })}
        </div>
    }
}
