//! The password rules as a checklist that updates as the user types.

use leptos::prelude::*;

use super::errors::rule_text;
use crate::i18n::*;
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
