//! The owner's groups: create them, see how many clients each holds, delete one. Clients are
//! put in groups from their page; the clients list filters by group.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::labels::{create_group, delete_group, list_labels};
use crate::components::errors::{FormError, error_text};
use crate::components::field::{Field, field_problem};
use crate::components::form_state::FormState;
use crate::i18n::*;
use crate::model::error::AppError;
use crate::model::labels::{LabelCount, valid_label_name};

#[component]
pub fn GroupsPage() -> impl IntoView {
    let i18n = use_i18n();
    let version = RwSignal::new(0u32);
    let labels = Resource::new(move || version.get(), |_| list_labels());
    let refresh = Callback::new(move |()| version.update(|version| *version += 1));
    view! {
        <h1>{t!(i18n, groups.title)}</h1>
        <p>{t!(i18n, groups.intro)}</p>
        <Suspense fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
            {move || {
                labels
                    .get()
                    .map(|answer| match answer {
                        Err(failure) => view! { <p class="form-error" role="alert">{error_text(i18n, &failure)}</p> }.into_any(),
                        Ok(found) if found.groups.is_empty() => view! { <p>{t!(i18n, groups.empty)}</p> }.into_any(),
                        Ok(found) => {
                            view! {
                                <ul class="group-list" aria-label=move || t_string!(i18n, groups.title)>
                                    {found.groups.into_iter().map(|group| view! { <GroupItem group on_deleted=refresh /> }).collect_view()}
                                </ul>
                            }
                            .into_any()
                        }
                    })
            }}
        </Suspense>
        <h2>{t!(i18n, groups.new_title)}</h2>
        <NewGroup on_created=refresh />
    }
}

#[component]
fn GroupItem(group: LabelCount, on_deleted: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let form = FormState::new();
    let id = group.label.id;
    let name = group.label.name.clone();
    let count = group.clients;
    let delete_label = {
        let name = name.clone();
        move || {
            let name = name.clone();
            t_string!(i18n, groups.delete_label, name).to_string()
        }
    };
    let confirm_text = {
        let name = name.clone();
        move || {
            let name = name.clone();
            t_string!(i18n, groups.confirm_delete, name).to_string()
        }
    };
    let delete = move |_| {
        let confirmed = window()
            .confirm_with_message(&confirm_text())
            .unwrap_or(false);
        if confirmed {
            form.send(move || delete_group(id), move |()| on_deleted.run(()));
        }
    };
    view! {
        <li>
            <A href=format!("/clients?group={id}")>{name.clone()}</A>
            " "
            <span class="meta">{move || t_string!(i18n, groups.clients, count).to_string()}</span>
            " "
            <button type="button" class="secondary" aria-label=delete_label disabled=move || form.saving.get() on:click=delete>
                {t!(i18n, groups.delete)}
            </button>
            <FormError error=form.error />
        </li>
    }
}

#[component]
fn NewGroup(on_created: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let name = RwSignal::new(String::new());
    let form = FormState::new();
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        let typed = name.get_untracked();
        if let Err(invalid) = valid_label_name(&typed) {
            form.error.set(Some(invalid));
            return;
        }
        form.send(
            move || create_group(typed),
            move |_| {
                name.set(String::new());
                on_created.run(());
            },
        );
    };
    let error: Signal<Option<AppError>> = form.error.into();
    view! {
        <form class="narrow" on:submit=submit novalidate>
            <Field id="group-name" label=move || t!(i18n, groups.name) value=name problem=field_problem(error, "name") autocomplete="off" required=true />
            <FormError error=form.form_error() />
            <div class="actions actions-start">
                <button type="submit" disabled=move || form.saving.get()>{t!(i18n, groups.create)}</button>
            </div>
        </form>
    }
}
