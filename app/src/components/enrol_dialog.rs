//! Enrolment at the till: a phone number, maybe a first name, and the client is in; the file is
//! completed later.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use super::country::home_country;
use super::duplicate_offer::{DuplicateOffer, other_than_duplicate};
use super::errors::FormError;
use super::field::{Field, field_problem};
use super::form_state::FormState;
use super::modal::{DialogActions, Modal};
use crate::api::clients::enrol_client;
use crate::i18n::*;
use crate::model::client::{ClientRow, EnrolForm};
use crate::model::error::AppError;

#[component]
pub fn EnrolDialog(on_close: Callback<()>, on_enrolled: Callback<ClientRow>) -> impl IntoView {
    let i18n = use_i18n();
    let phone = RwSignal::new(String::new());
    let first_name = RwSignal::new(String::new());
    let form = FormState::new();
    let send = move |share_phone: bool| {
        let enrolment = EnrolForm {
            phone: phone.get_untracked(),
            first_name: first_name.get_untracked(),
        };
        if let Err(invalid) = enrolment.validate(home_country()) {
            form.error.set(Some(invalid));
            return;
        }
        form.send(
            move || enrol_client(enrolment, share_phone.then_some(true)),
            move |row| on_enrolled.run(row),
        );
    };
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        send(false);
    };
    let share_phone = Callback::new(move |()| send(true));
    let error: Signal<Option<AppError>> = form.error.into();
    view! {
        <Modal title_id="enrol-title" title=move || t!(i18n, enrol.title) on_close>
            <p>{t!(i18n, enrol.intro)}</p>
            <form on:submit=submit novalidate>
                <Field
                    id="phone"
                    label=move || t!(i18n, client_form.phone)
                    value=phone
                    problem=field_problem(error, "phone")
                    input_type="tel"
                    inputmode="tel"
                    autocomplete="off"
                    required=true
                    autofocus=true
                />
                <Field
                    id="first_name"
                    label=move || t!(i18n, client_form.first_name)
                    value=first_name
                    problem=field_problem(error, "first_name")
                    autocomplete="off"
                />
                <DuplicateOffer error=form.error on_share_phone=share_phone />
                <FormError error=Signal::derive(move || {
                    other_than_duplicate(form.error).get().filter(|error| error.field_errors().is_none())
                }) />
                <DialogActions on_close saving=form.saving />
            </form>
        </Modal>
    }
}
