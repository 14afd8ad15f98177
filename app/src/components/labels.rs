//! Tags and groups on a client: chips on the list, the tag editor and the owner's group
//! checkboxes on the client's page.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use crate::api::labels::{set_client_groups, tag_client, untag_client};
use crate::components::errors::FormError;
use crate::components::errors::problem_text;
use crate::components::field::field_problem;
use crate::components::form_state::FormState;
use crate::i18n::*;
use crate::model::error::AppError;
use crate::model::labels::{Label, LabelKind, tag_suggestions, valid_label_name};

/// The client's tags and groups as small read-only chips.
#[component]
pub fn LabelChips(labels: Vec<Label>) -> impl IntoView {
    let i18n = use_i18n();
    (!labels.is_empty()).then(|| {
        view! {
            <ul class="chips" aria-label=move || t_string!(i18n, labels.chips)>
                {labels
                    .into_iter()
                    .map(|label| view! { <li class="chip" class:group=label.kind == LabelKind::Group>{label.name}</li> })
                    .collect_view()}
            </ul>
        }
    })
}

/// The client's tags with a remove button each, and a field that offers the shop's existing
/// tags as one types.
#[component]
pub fn TagEditor(
    client_id: i64,
    /// The client's labels now; tags are taken from them.
    labels: Vec<Label>,
    /// Every tag of the shop, for the suggestions.
    shop_tags: Vec<Label>,
    on_changed: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let typed = RwSignal::new(String::new());
    let form = FormState::new();
    let tags: Vec<Label> = labels
        .into_iter()
        .filter(|label| label.kind == LabelKind::Tag)
        .collect();
    let add = move |name: String| {
        if let Err(invalid) = valid_label_name(&name) {
            form.error.set(Some(invalid));
            return;
        }
        form.send(
            move || tag_client(client_id, name),
            move |_| {
                typed.set(String::new());
                on_changed.run(());
            },
        );
    };
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        add(typed.get_untracked());
    };
    let error: Signal<Option<AppError>> = form.error.into();
    let problem = field_problem(error, "name");
    let suggestions = move || {
        let typed = typed.get();
        tag_suggestions(&shop_tags, &typed)
            .into_iter()
            .map(|tag| {
                let name = tag.name.clone();
                let label = {
                    let name = name.clone();
                    move || {
                        let name = name.clone();
                        t_string!(i18n, labels.use_tag, name).to_string()
                    }
                };
                view! {
                    <li>
                        <button type="button" class="chip-button" aria-label=label on:click=move |_| add(name.clone())>
                            {tag.name.clone()}
                        </button>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <div class="tag-editor">
            {(!tags.is_empty())
                .then(|| {
                    view! {
                        <ul class="chips" aria-label=move || t_string!(i18n, labels.tags)>
                            {tags
                                .into_iter()
                                .map(|tag| {
                                    let tag_id = tag.id;
                                    let name = tag.name.clone();
                                    let remove_label = Signal::derive(move || {
                                        let name = name.clone();
                                        t_string!(i18n, labels.remove_tag, name).to_string()
                                    });
                                    let remove = move |_| {
                                        form.send(move || untag_client(client_id, tag_id), move |_| on_changed.run(()));
                                    };
                                    view! {
                                        <li class="chip">
                                            {tag.name}
                                            <button type="button" class="chip-remove" aria-label=remove_label title=remove_label on:click=remove>
                                                "×"
                                            </button>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                })}
            <form class="inline-form" on:submit=submit novalidate>
                <label for="tag-name">{t!(i18n, labels.add_tag)}</label>
                <input
                    id="tag-name"
                    type="text"
                    autocomplete="off"
                    aria-invalid=move || problem.get().map(|_| "true")
                    aria-describedby=move || problem.get().map(|_| "tag-name-error")
                    prop:value=move || typed.get()
                    on:input=move |event| typed.set(event_target_value(&event))
                />
                <button type="submit" class="secondary" disabled=move || form.saving.get()>{t!(i18n, labels.add)}</button>
            </form>
            {move || problem.get().map(|problem| view! { <p id="tag-name-error" class="field-error">{problem_text(i18n, &problem)}</p> })}
            <ul class="suggestions" aria-label=move || t_string!(i18n, labels.suggestions)>{suggestions}</ul>
            <FormError error=form.form_error() />
        </div>
    }
}

/// The owner ticks the groups the client belongs to; each tick is saved at once.
#[component]
pub fn GroupPicker(
    client_id: i64,
    labels: Vec<Label>,
    shop_groups: Vec<Label>,
    on_changed: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let form = FormState::new();
    let member_of: Vec<i64> = labels
        .iter()
        .filter(|label| label.kind == LabelKind::Group)
        .map(|label| label.id)
        .collect();
    let chosen = StoredValue::new(member_of.clone());
    view! {
        <fieldset class="group-picker">
            <legend>{t!(i18n, labels.groups)}</legend>
            {shop_groups
                .into_iter()
                .map(|group| {
                    let group_id = group.id;
                    let input_id = format!("group-{group_id}");
                    view! {
                        <label for=input_id.clone() class="check">
                            <input
                                id=input_id.clone()
                                type="checkbox"
                                checked=member_of.contains(&group_id)
                                disabled=move || form.saving.get()
                                on:change=move |event| {
                                    let ticked = event_target_checked(&event);
                                    chosen.update_value(|ids| {
                                        ids.retain(|id| *id != group_id);
                                        if ticked {
                                            ids.push(group_id);
                                        }
                                    });
                                    let ids = chosen.get_value();
                                    form.send(move || set_client_groups(client_id, ids), move |_| on_changed.run(()));
                                }
                            />
                            {group.name}
                        </label>
                    }
                })
                .collect_view()}
            <FormError error=form.error />
        </fieldset>
    }
}
