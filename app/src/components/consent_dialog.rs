//! Recording what a client answers about e-mails and SMS, and how the answer was given.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use super::activity_table::{channel_text, source_text};
use super::errors::FormError;
use super::form_state::FormState;
use super::modal::{DialogActions, Modal};
use crate::api::client_file::update_consents;
use crate::i18n::*;
use crate::model::client_file::{ConsentChannel, ConsentSource, ConsentStatus, ConsentUpdate};

#[component]
pub fn ConsentDialog(
    client_id: i64,
    current: Vec<ConsentStatus>,
    on_close: Callback<()>,
    on_saved: Callback<Vec<ConsentStatus>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let granted_now = |channel: ConsentChannel| {
        current
            .iter()
            .any(|status| status.channel == channel && status.granted())
    };
    let email = RwSignal::new(granted_now(ConsentChannel::Email));
    let sms = RwSignal::new(granted_now(ConsentChannel::Sms));
    let source = RwSignal::new(ConsentSource::Till);
    let form = FormState::new();
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        let update = ConsentUpdate {
            client_id,
            email: email.get_untracked(),
            sms: sms.get_untracked(),
            source: source.get_untracked(),
        };
        form.send(
            move || update_consents(update),
            move |statuses| on_saved.run(statuses),
        );
    };
    let choice = move |channel: ConsentChannel, value: RwSignal<bool>| {
        let name = channel.code();
        view! {
            <fieldset class="choice">
                <legend>{move || channel_text(i18n, channel)}</legend>
                <label>
                    <input type="radio" name=name prop:checked=move || value.get() on:change=move |_| value.set(true) />
                    {t!(i18n, consents.yes)}
                </label>
                <label>
                    <input type="radio" name=name prop:checked=move || !value.get() on:change=move |_| value.set(false) />
                    {t!(i18n, consents.no)}
                </label>
            </fieldset>
        }
    };
    view! {
        <Modal title_id="consents-title" title=move || t!(i18n, consents.dialog_title) on_close>
            <form on:submit=submit novalidate>
                {choice(ConsentChannel::Email, email)}
                {choice(ConsentChannel::Sms, sms)}
                <div class="field">
                    <label for="consent-source">{t!(i18n, consents.source)}</label>
                    <select
                        id="consent-source"
                        on:change=move |event| {
                            if let Some(chosen) = ConsentSource::from_code(&event_target_value(&event)) {
                                source.set(chosen);
                            }
                        }
                    >
                        {ConsentSource::ALL
                            .iter()
                            .filter(|option| option.chosen_by_staff())
                            .map(|option| {
                                let option = *option;
                                view! {
                                    <option value=option.code() selected=move || source.get() == option>
                                        {move || source_text(i18n, option)}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
                <FormError error=form.form_error() />
                <DialogActions on_close saving=form.saving />
            </form>
        </Modal>
    }
}
