//! The client form, for "Nouveau" and for editing: the same fields, the same rules.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use super::country::{CountrySelect, home_country};
use super::duplicate_offer::{DuplicateOffer, other_than_duplicate};
use super::errors::{FormError, problem_text};
use super::field::{Field, field_problem};
use super::form_state::FormState;
use super::modal::{DialogActions, Modal};
use crate::api::clients::{create_client, update_client};
use crate::i18n::*;
use crate::model::client::{Civility, ClientForm, ClientRow};
use crate::model::country::Country;
use crate::model::error::AppError;

/// Which client the form is about: a new one, or an existing one with its current values.
#[derive(Debug, Clone, PartialEq)]
pub enum ClientFormMode {
    New,
    Edit {
        client_id: i64,
        current: Box<ClientForm>,
    },
}

#[component]
fn CivilitySelect(value: RwSignal<String>, error: Signal<Option<AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    let problem = field_problem(error, "civility");
    let label = move |civility: Civility| match civility {
        Civility::Madame => t_string!(i18n, client_form.madame),
        Civility::Monsieur => t_string!(i18n, client_form.monsieur),
        Civility::Unspecified => t_string!(i18n, client_form.unspecified),
    };
    view! {
        <div class="field">
            <label for="civility">
                {t!(i18n, client_form.civility)}
                <abbr aria-hidden="true" title=move || t_string!(i18n, client_form.required)>" *"</abbr>
            </label>
            <select
                id="civility"
                name="civility"
                required
                aria-invalid=move || problem.get().map(|_| "true")
                aria-describedby=move || problem.get().map(|_| "civility-error")
                prop:value=move || value.get()
                on:change=move |event| value.set(event_target_value(&event))
            >
                <option value="">{t!(i18n, client_form.choose)}</option>
                {Civility::ALL
                    .into_iter()
                    .map(|civility| {
                        view! {
                            <option value=civility.code() selected=move || value.get() == civility.code()>
                                {move || label(civility)}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            {move || problem.get().map(|problem| view! { <p class="field-error" id="civility-error">{problem_text(i18n, &problem)}</p> })}
        </div>
    }
}

#[component]
pub fn ClientFormDialog(
    mode: ClientFormMode,
    on_close: Callback<()>,
    on_saved: Callback<ClientRow>,
) -> impl IntoView {
    let i18n = use_i18n();
    let initial = match &mode {
        ClientFormMode::New => ClientForm::default(),
        ClientFormMode::Edit { current, .. } => (**current).clone(),
    };
    let civility = RwSignal::new(initial.civility);
    let first_name = RwSignal::new(initial.first_name);
    let last_name = RwSignal::new(initial.last_name);
    let email = RwSignal::new(initial.email);
    let phone = RwSignal::new(initial.phone);
    let address = RwSignal::new(initial.address);
    let postal_code = RwSignal::new(initial.postal_code);
    let city = RwSignal::new(initial.city);
    let country = RwSignal::new(if initial.country.is_empty() {
        home_country().code().to_owned()
    } else {
        initial.country
    });
    // Letters appear in Dutch, British and Andorran codes; elsewhere a phone shows digits.
    let postal_inputmode = Signal::derive(move || {
        let numeric =
            Country::from_code(&country.get()).is_none_or(Country::postal_code_is_numeric);
        if numeric { "numeric" } else { "text" }
    });
    let birth_date = RwSignal::new(initial.birth_date);
    let note = RwSignal::new(initial.note);
    let state = FormState::new();
    let (error, saving) = (state.error, state.saving);
    let editing = match &mode {
        ClientFormMode::New => None,
        ClientFormMode::Edit { client_id, .. } => Some(*client_id),
    };
    let send = move |share_phone: bool| {
        let form = ClientForm {
            civility: civility.get_untracked(),
            first_name: first_name.get_untracked(),
            last_name: last_name.get_untracked(),
            email: email.get_untracked(),
            phone: phone.get_untracked(),
            address: address.get_untracked(),
            postal_code: postal_code.get_untracked(),
            city: city.get_untracked(),
            country: country.get_untracked(),
            birth_date: birth_date.get_untracked(),
            note: note.get_untracked(),
        };
        state.send(
            move || async move {
                match editing {
                    None => create_client(form, share_phone.then_some(true)).await,
                    Some(client_id) => update_client(client_id, form).await,
                }
            },
            move |row| on_saved.run(row),
        );
    };
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        send(false);
    };
    let share_phone = Callback::new(move |()| send(true));
    let error_signal: Signal<Option<AppError>> = error.into();
    let problem = move |field: &'static str| field_problem(error_signal, field);
    view! {
        <Modal
            title_id="client-form-title"
            title=move || {
                if editing.is_some() {
                    t_string!(i18n, client_form.edit_title)
                } else {
                    t_string!(i18n, client_form.new_title)
                }
            }
            on_close
        >
            <form on:submit=submit novalidate>
                <CivilitySelect value=civility error=error_signal />
                <div class="grid-2">
                    <Field id="first_name" label=move || t!(i18n, client_form.first_name) value=first_name problem=problem("first_name") required=true autocomplete="off" />
                    <Field id="last_name" label=move || t!(i18n, client_form.last_name) value=last_name problem=problem("last_name") required=true autocomplete="off" />
                    <Field id="email" label=move || t!(i18n, client_form.email) value=email problem=problem("email") input_type="email" autocomplete="off" />
                    <Field id="phone" label=move || t!(i18n, client_form.phone) value=phone problem=problem("phone") input_type="tel" inputmode="tel" autocomplete="off" />
                </div>
                <Field id="address" label=move || t!(i18n, client_form.address) value=address problem=problem("address") autocomplete="off" />
                <div class="grid-2">
                    <Field id="postal_code" label=move || t!(i18n, client_form.postal_code) value=postal_code problem=problem("postal_code") inputmode=postal_inputmode autocomplete="off" />
                    <Field id="city" label=move || t!(i18n, client_form.city) value=city problem=problem("city") autocomplete="off" />
                </div>
                <CountrySelect value=country error=error_signal />
                <Field id="birth_date" label=move || t!(i18n, client_form.birth_date) value=birth_date problem=problem("birth_date") input_type="date" />
                <Field id="note" label=move || t!(i18n, client_form.note) value=note problem=problem("note") multiline=true />
                <DuplicateOffer error on_share_phone=share_phone />
                <FormError error=other_than_duplicate(error) />
                <DialogActions on_close saving />
            </form>
        </Modal>
    }
}
