//! The password rules as a checklist that updates as the user types.

use leptos::prelude::*;

use super::errors::rule_text;
use super::field::{Field, field_problem};
use crate::i18n::*;
use crate::model::error::AppError;
use crate::model::password::password_rules;

#[component]
pub fn PasswordRules(#[prop(into)] password: Signal<String>, id: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div id=id>
            <p class="visually-hidden">{t!(i18n, password_rules.title)}</p>
            <ul class="password-rules" aria-live="polite">
                {move || {
                    password_rules(&password.get())
                        .into_iter()
                        .map(|(rule, met)| {
                            let state = if met {
                                t_string!(i18n, password_rules.met)
                            } else {
                                t_string!(i18n, password_rules.unmet)
                            };
                            view! {
                                <li class:met=met data-met=met.to_string()>
                                    {rule_text(i18n, rule)}
                                    <span class="visually-hidden">{format!(" ({state})")}</span>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
        </div>
    }
}

/// A new password, its rules met or unmet as it is typed, and its confirmation: the reset page
/// and the account page ask for it the same way.
#[component]
pub fn NewPasswordFields(
    password: RwSignal<String>,
    confirmation: RwSignal<String>,
    error: Signal<Option<AppError>>,
    #[prop(into)] password_label: ViewFn,
    #[prop(into)] confirmation_label: ViewFn,
    /// The id of the rules list, unique on the page.
    rules_id: &'static str,
    #[prop(optional)] autofocus: bool,
) -> impl IntoView {
    view! {
        <Field
            id="password"
            label=password_label
            value=password
            problem=field_problem(error, "password")
            input_type="password"
            autocomplete="new-password"
            required=true
            autofocus
        />
        <PasswordRules password id=rules_id />
        <Field
            id="confirmation"
            label=confirmation_label
            value=confirmation
            problem=field_problem(error, "confirmation")
            input_type="password"
            autocomplete="new-password"
            required=true
        />
    }
}
