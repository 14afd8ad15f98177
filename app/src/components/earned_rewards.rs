//! The rewards a client earned, on the client's page: waiting ones first, soonest to expire
//! first, filtered by kind and availability, each claimed with one tap (its cost taken through
//! the ledger, once). The owner revokes one (with a reason) or extends its expiry, also once
//! expired. Above them, the points that expire next.

use leptos::prelude::*;

use super::errors::{error_text, problem_text};
use super::field::{Field, field_problem};
use super::form_state::{FormState, OperationKey};
use crate::api::rewards::{claim_reward, extend_reward, revoke_reward};
use crate::i18n::*;
use crate::model::error::AppError;
use crate::model::ledger::RecordOutcome;
use crate::model::money::format_euros;
use crate::model::rewards::{
    Availability, ClaimRequest, ClientRewards, EarnedReward, EarnedStatus, ExtendRequest,
    RevokeRequest, Reward, RewardKind,
};

/// "5,00 € de remise", "10 % de remise", or nothing for a product or free text (the name says it).
pub fn reward_value_text(i18n: leptos_i18n::I18nContext<Locale>, reward: &Reward) -> String {
    match (reward.kind, reward.value) {
        (RewardKind::EurosOff, Some(cents)) => {
            let amount = format_euros(cents);
            t_string!(i18n, rewards.euros_off, amount).to_string()
        }
        (RewardKind::StoreCredit, Some(cents)) => {
            let amount = format_euros(cents);
            t_string!(i18n, rewards.store_credit_value, amount).to_string()
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

/// Which owner's action is open, on which earned reward: one at a time, so its fields' ids are
/// unique on the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OwnerAction {
    Revoke(i64),
    Extend(i64),
}

pub fn kind_text(i18n: leptos_i18n::I18nContext<Locale>, kind: RewardKind) -> String {
    match kind {
        RewardKind::EurosOff => t_string!(i18n, rewards.kind_euros_off),
        RewardKind::PercentOff => t_string!(i18n, rewards.kind_percent_off),
        RewardKind::FreeProduct => t_string!(i18n, rewards.kind_free_product),
        RewardKind::FreeText => t_string!(i18n, rewards.kind_free_text),
        RewardKind::StoreCredit => t_string!(i18n, rewards.kind_store_credit),
    }
    .to_string()
}

#[component]
pub fn EarnedRewards(
    /// Made by the page with its other resources (so hydration finds them in order) and read
    /// again after every change.
    earned: Resource<Result<ClientRewards, AppError>>,
    /// The owner revokes and extends; the team claims.
    #[prop(into)]
    owner: Signal<bool>,
    on_claimed: Callback<RecordOutcome>,
    on_changed: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let kind = RwSignal::new(None::<RewardKind>);
    let availability = RwSignal::new(Availability::All);
    let acting = RwSignal::new(None::<OwnerAction>);
    let changed = Callback::new(move |()| {
        acting.set(None);
        on_changed.run(());
    });
    let kind_options = move || {
        RewardKind::ALL
            .iter()
            .map(|option| {
                let option = *option;
                view! {
                    <option value=option.code() selected=move || kind.get() == Some(option)>
                        {move || kind_text(i18n, option)}
                    </option>
                }
            })
            .collect_view()
    };
    let availability_options = move || {
        Availability::ALL
            .iter()
            .map(|option| {
                let option = *option;
                let label = move || match option {
                    Availability::All => t_string!(i18n, rewards.availability_all),
                    Availability::Available => t_string!(i18n, rewards.availability_available),
                    Availability::Past => t_string!(i18n, rewards.availability_past),
                };
                view! { <option value=option.code() selected=move || availability.get() == option>{label}</option> }
            })
            .collect_view()
    };
    view! {
        <section aria-labelledby="rewards-title">
            <h2 id="rewards-title">{t!(i18n, rewards.earned_title)}</h2>
            <Suspense fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
                {move || {
                    earned
                        .get()
                        .map(|answer| match answer {
                            Err(failure) => view! { <p class="form-error" role="alert">{error_text(i18n, &failure)}</p> }.into_any(),
                            Ok(ClientRewards { earned, expiring }) => {
                                let expiring = expiring.map(|expiring| {
                                    let (points, on) = (expiring.points, expiring.on);
                                    view! { <p class="expiring">{t!(i18n, rewards.expiring, points, on)}</p> }
                                });
                                let list = if earned.is_empty() {
                                    view! { <p>{t!(i18n, rewards.none_earned)}</p> }.into_any()
                                } else {
                                    let earned = StoredValue::new(earned);
                                    let shown = move || {
                                        earned.with_value(|all| {
                                            all.iter()
                                                .filter(|item| kind.get().is_none_or(|kind| item.reward.kind == kind))
                                                .filter(|item| availability.get().admits(item.status))
                                                .cloned()
                                                .collect::<Vec<_>>()
                                        })
                                    };
                                    view! {
                                        <div class="filters">
                                            <div class="field inline-field">
                                                <label for="reward-kind-filter">{t!(i18n, rewards.filter_kind)}</label>
                                                <select
                                                    id="reward-kind-filter"
                                                    on:change=move |event| kind.set(RewardKind::from_code(&event_target_value(&event)))
                                                >
                                                    <option value="" selected=move || kind.get().is_none()>{t!(i18n, rewards.filter_all_kinds)}</option>
                                                    {kind_options}
                                                </select>
                                            </div>
                                            <div class="field inline-field">
                                                <label for="reward-availability-filter">{t!(i18n, rewards.filter_availability)}</label>
                                                <select
                                                    id="reward-availability-filter"
                                                    on:change=move |event| {
                                                        availability.set(Availability::from_code(&event_target_value(&event)).unwrap_or_default());
                                                    }
                                                >
                                                    {availability_options}
                                                </select>
                                            </div>
                                        </div>
                                        {move || {
                                            let shown = shown();
                                            if shown.is_empty() {
                                                view! { <p>{t!(i18n, rewards.none_matching)}</p> }.into_any()
                                            } else {
                                                view! {
                                                    <ul class="reward-list">
                                                        {shown.into_iter().map(|earned| view! { <EarnedItem earned owner acting on_claimed on_changed=changed /> }).collect_view()}
                                                    </ul>
                                                }
                                                .into_any()
                                            }
                                        }}
                                    }
                                    .into_any()
                                };
                                view! { {expiring} {list} }.into_any()
                            }
                        })
                }}
            </Suspense>
        </section>
    }
}

#[component]
fn EarnedItem(
    earned: EarnedReward,
    owner: Signal<bool>,
    acting: RwSignal<Option<OwnerAction>>,
    on_claimed: Callback<RecordOutcome>,
    on_changed: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let earned_id = earned.id;
    let name = earned.reward.name.clone();
    let cost = earned.reward.cost;
    let status = earned.status;
    let open = earned.is_open();
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
                .filter(|_| matches!(status, EarnedStatus::Earned | EarnedStatus::Expired))
            {
                text.push_str(&t_string!(i18n, rewards.valid_until, until).to_string());
            }
            if let (Some(on), Some(by)) = (earned.claimed_on.clone(), earned.claimed_by.clone()) {
                text.push_str(&t_string!(i18n, rewards.claimed_on, on, by).to_string());
            }
            if let Some(reason) = earned.revoke_reason.clone() {
                text.push_str(&t_string!(i18n, rewards.revoked_because, reason).to_string());
            }
            text
        }
    };
    let labelled = move |label: fn(leptos_i18n::I18nContext<Locale>, String) -> String| {
        let name = name.clone();
        move || label(i18n, name.clone())
    };
    let revoke_label =
        labelled(|i18n, name| t_string!(i18n, rewards.revoke_label, name).to_string());
    let extend_label =
        labelled(|i18n, name| t_string!(i18n, rewards.extend_label, name).to_string());
    let toggle = move |action: OwnerAction| {
        acting.update(|open| {
            *open = if *open == Some(action) {
                None
            } else {
                Some(action)
            }
        });
    };
    view! {
        <li class="reward">
            <strong>{earned.reward.name.clone()}</strong>
            " "
            <span class=format!("badge reward-{}", status.code())>{move || status_text(i18n, status)}</span>
            <span class="meta">{value}</span>
            <span class="meta">{move || t_string!(i18n, rewards.cost, cost).to_string()}</span>
            <span class="meta">{dates}</span>
            <div class="actions">
                {(status == EarnedStatus::Earned)
                    .then(|| view! { <ClaimButton earned_id name=earned.reward.name.clone() short=true on_claimed /> })}
                {move || {
                    (open && owner.get())
                        .then(|| {
                            view! {
                                <button type="button" class="secondary" aria-label=extend_label.clone() on:click=move |_| toggle(OwnerAction::Extend(earned_id))>
                                    {t!(i18n, rewards.extend)}
                                </button>
                                <button type="button" class="secondary" aria-label=revoke_label.clone() on:click=move |_| toggle(OwnerAction::Revoke(earned_id))>
                                    {t!(i18n, rewards.revoke)}
                                </button>
                            }
                        })
                }}
            </div>
            {move || {
                acting
                    .get()
                    .filter(|action| matches!(action, OwnerAction::Revoke(id) | OwnerAction::Extend(id) if *id == earned_id))
                    .map(|action| view! { <OwnerActionForm action acting on_changed /> })
            }}
        </li>
    }
}

/// Claims a waiting reward in one tap: its cost taken through the ledger, once even if tapped
/// twice or retried. Used on the client's page, the list card and the till's dialog.
#[component]
pub fn ClaimButton(
    earned_id: i64,
    name: String,
    /// "Utiliser" beside the reward's name; else the button says which reward.
    #[prop(optional)]
    short: bool,
    /// Takes the focus when shown (the till's dialog: Enter then claims).
    #[prop(optional)]
    focused: bool,
    on_claimed: Callback<RecordOutcome>,
) -> impl IntoView {
    let i18n = use_i18n();
    let form = FormState::new();
    let key = OperationKey::new();
    let button = NodeRef::<leptos::html::Button>::new();
    Effect::new(move |_| {
        if let Some(button) = button.get().filter(|_| focused) {
            let _ = button.focus();
        }
    });
    let claim = move |_| {
        let request = ClaimRequest {
            earned_id,
            idempotency_key: key.current(),
        };
        form.send_or(
            move || claim_reward(request),
            move |outcome| {
                key.renew();
                on_claimed.try_run(outcome);
            },
            move |failure| key.after_failure(failure),
        );
    };
    let label = Signal::derive(move || {
        let name = name.clone();
        t_string!(i18n, rewards.claim, name).to_string()
    });
    view! {
        <button type="button" class="claim" node_ref=button aria-label=label disabled=move || form.saving.get() on:click=claim>
            {move || if short { t_string!(i18n, rewards.claim_short).to_string() } else { label.get() }}
        </button>
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
    }
}

/// The owner's revoke (a reason) or extend (a new last day) of one earned reward.
#[component]
fn OwnerActionForm(
    action: OwnerAction,
    acting: RwSignal<Option<OwnerAction>>,
    on_changed: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let form = FormState::new();
    let value = RwSignal::new(String::new());
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let typed = value.get_untracked();
        form.send(
            move || async move {
                match action {
                    OwnerAction::Revoke(earned_id) => {
                        revoke_reward(RevokeRequest {
                            earned_id,
                            reason: typed,
                        })
                        .await
                    }
                    OwnerAction::Extend(earned_id) => {
                        extend_reward(ExtendRequest {
                            earned_id,
                            valid_until: typed,
                        })
                        .await
                    }
                }
            },
            move |()| {
                on_changed.try_run(());
            },
        );
    };
    let error: Signal<Option<AppError>> = form.error.into();
    let field = match action {
        OwnerAction::Revoke(_) => view! {
            <Field
                id="revoke-reason"
                label=move || t!(i18n, rewards.revoke_reason)
                value
                problem=field_problem(error, "reason")
                required=true
                autofocus=true
                multiline=true
            />
        }
        .into_any(),
        OwnerAction::Extend(_) => view! {
            <Field
                id="extend-until"
                label=move || t!(i18n, rewards.extend_until)
                value
                problem=field_problem(error, "valid_until")
                input_type="date"
                required=true
                autofocus=true
            />
        }
        .into_any(),
    };
    let confirm = move || match action {
        OwnerAction::Revoke(_) => t_string!(i18n, rewards.revoke_confirm).to_string(),
        OwnerAction::Extend(_) => t_string!(i18n, rewards.extend_confirm).to_string(),
    };
    view! {
        <form class="inline-form" on:submit=submit>
            {field}
            {move || form.form_error().get().map(|failure| view! { <p class="form-error" role="alert">{error_text(i18n, &failure)}</p> })}
            <button type="submit" disabled=move || form.saving.get()>{confirm}</button>
            <button type="button" class="secondary" on:click=move |_| acting.set(None)>{t!(i18n, rewards.cancel)}</button>
        </form>
    }
}
