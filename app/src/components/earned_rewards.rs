//! The rewards a client earned, on the client's page: waiting ones first, soonest to expire
//! first, each claimed with one tap (its cost taken through the ledger, once).

use leptos::prelude::*;

use super::errors::{error_text, problem_text};
use super::form_state::{FormState, OperationKey};
use crate::api::rewards::claim_reward;
use crate::i18n::*;
use crate::model::error::AppError;
use crate::model::ledger::RecordOutcome;
use crate::model::money::format_euros;
use crate::model::rewards::{ClaimRequest, EarnedReward, EarnedStatus, Reward, RewardKind};

/// "5,00 € de remise", "10 % de remise", or nothing for a product or free text (the name says it).
pub fn reward_value_text(i18n: leptos_i18n::I18nContext<Locale>, reward: &Reward) -> String {
    match (reward.kind, reward.value) {
        (RewardKind::EurosOff, Some(cents)) => {
            let amount = format_euros(cents);
            t_string!(i18n, rewards.euros_off, amount).to_string()
        }
        (RewardKind::PercentOff, Some(percent)) => {
            t_string!(i18n, rewards.percent_off, percent).to_string()
        }
        _ => String::new(),
    }
}

fn status_text(i18n: leptos_i18n::I18nContext<Locale>, status: EarnedStatus) -> String {
    match status {
        EarnedStatus::Earned => t_string!(i18n, rewards.status_earned),
        EarnedStatus::Claimed => t_string!(i18n, rewards.status_claimed),
        EarnedStatus::Expired => t_string!(i18n, rewards.status_expired),
        EarnedStatus::Revoked => t_string!(i18n, rewards.status_revoked),
    }
    .to_string()
}

#[component]
pub fn EarnedRewards(
    /// Made by the page with its other resources (so hydration finds them in order) and read
    /// again after every change; a claim is one through `on_claimed`.
    earned: Resource<Result<Vec<EarnedReward>, AppError>>,
    on_claimed: Callback<RecordOutcome>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section aria-labelledby="rewards-title">
            <h2 id="rewards-title">{t!(i18n, rewards.earned_title)}</h2>
            <Suspense fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
                {move || {
                    earned
                        .get()
                        .map(|answer| match answer {
                            Err(failure) => view! { <p class="form-error" role="alert">{error_text(i18n, &failure)}</p> }.into_any(),
                            Ok(found) if found.is_empty() => view! { <p>{t!(i18n, rewards.none_earned)}</p> }.into_any(),
                            Ok(found) => {
                                view! {
                                    <ul class="reward-list">
                                        {found.into_iter().map(|earned| view! { <EarnedItem earned on_claimed /> }).collect_view()}
                                    </ul>
                                }
                                .into_any()
                            }
                        })
                }}
            </Suspense>
        </section>
    }
}

#[component]
fn EarnedItem(earned: EarnedReward, on_claimed: Callback<RecordOutcome>) -> impl IntoView {
    let i18n = use_i18n();
    let form = FormState::new();
    let key = OperationKey::new();
    let earned_id = earned.id;
    let name = earned.reward.name.clone();
    let cost = earned.reward.cost;
    let status = earned.status;
    let value = {
        let reward = earned.reward.clone();
        move || reward_value_text(i18n, &reward)
    };
    let dates = {
        let earned = earned.clone();
        move || {
            let on = earned.earned_on.clone();
            let mut text = t_string!(i18n, rewards.earned_on, on).to_string();
            if let Some(until) = earned
                .valid_until
                .clone()
                .filter(|_| status == EarnedStatus::Earned)
            {
                text.push_str(&t_string!(i18n, rewards.valid_until, until).to_string());
            }
            if let (Some(on), Some(by)) = (earned.claimed_on.clone(), earned.claimed_by.clone()) {
                text.push_str(&t_string!(i18n, rewards.claimed_on, on, by).to_string());
            }
            text
        }
    };
    let claim = move |_| {
        let request = ClaimRequest {
            earned_id,
            idempotency_key: key.current(),
        };
        form.send_or(
            move || claim_reward(request),
            move |outcome| {
                key.renew();
                on_claimed.run(outcome);
            },
            move |failure| key.after_failure(failure),
        );
    };
    let claim_label = {
        let name = name.clone();
        move || {
            let name = name.clone();
            t_string!(i18n, rewards.claim, name).to_string()
        }
    };
    view! {
        <li class="reward">
            <strong>{name.clone()}</strong>
            " "
            <span class=format!("badge reward-{}", status.code())>{move || status_text(i18n, status)}</span>
            <span class="meta">{value}</span>
            <span class="meta">{move || t_string!(i18n, rewards.cost, cost).to_string()}</span>
            <span class="meta">{dates}</span>
            {(status == EarnedStatus::Earned)
                .then(|| {
                    view! {
                        <button type="button" aria-label=claim_label disabled=move || form.saving.get() on:click=claim>
                            {t!(i18n, rewards.claim_short)}
                        </button>
                    }
                })}
            {move || {
                form.error
                    .get()
                    .map(|failure| {
                        // "The client has only 6 points" says more than "check the form".
                        let text = match failure.field_errors().and_then(|errors| errors.get("points")) {
                            Some(problem) => problem_text(i18n, problem),
                            None => error_text(i18n, &failure),
                        };
                        view! { <p class="form-error" role="alert">{text}</p> }
                    })
            }}
        </li>
    }
}
