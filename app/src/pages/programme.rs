//! The owner's loyalty programme: what it is and where it stands, suspend, resume or end it,
//! change its settings, or start one. Staff see the same page without the buttons.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use crate::api::programme::{change_programme, current_programme, start_programme, step_programme};
use crate::api::rewards::{add_reward, retire_reward, reward_catalogue};
use crate::components::earned_rewards::{kind_text as reward_kind_text, reward_value_text};
use crate::components::errors::{FormError, error_text, problem_text};
use crate::components::field::{Field, field_problem};
use crate::components::form_state::FormState;
use crate::components::programme::{rule_text, use_till_programme};
use crate::components::session::use_session;
use crate::components::terms::TermsEditor;
use crate::i18n::*;
use crate::model::auth::Role;
use crate::model::error::AppError;
use crate::model::programme::{
    ExpiryChoice, PointsExpiry, ProgrammeForm, ProgrammeKind, ProgrammeState, ProgrammeStep,
    ProgrammeView, Rounding,
};
use crate::model::rewards::{Reward, RewardForm, RewardKind};

#[component]
pub fn ProgrammePage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let is_owner =
        move || matches!(session.user.get(), Some(Ok(Some(user))) if user.role == Role::Owner);
    let version = RwSignal::new(0u32);
    let programme = Resource::new(move || version.get(), |_| current_programme());
    let till = use_till_programme();
    let changed = Callback::new(move |()| {
        version.update(|version| *version += 1);
        if let Some(till) = till {
            till.refresh();
        }
    });
    view! {
        <h1>{t!(i18n, programme.title)}</h1>
        <Suspense fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
            {move || {
                programme
                    .get()
                    .map(|answer| match answer {
                        Err(failure) => view! { <p class="form-error" role="alert">{error_text(i18n, &failure)}</p> }.into_any(),
                        Ok(None) => {
                            view! {
                                <p>{t!(i18n, programme.none)}</p>
                                {is_owner()
                                    .then(|| {
                                        view! {
                                            <h2>{t!(i18n, programme.start_title)}</h2>
                                            <SettingsForm initial=ProgrammeForm::default() kind_fixed=false on_saved=changed />
                                        }
                                    })}
                            }
                                .into_any()
                        }
                        Ok(Some(live)) => {
                            let form = live.form();
                            view! {
                                <Summary programme=live owner=is_owner() on_changed=changed />
                                {is_owner()
                                    .then(|| {
                                        view! {
                                            <h2>{t!(i18n, programme.change_title)}</h2>
                                            <p>{t!(i18n, programme.change_intro)}</p>
                                            <SettingsForm initial=form kind_fixed=true on_saved=changed />
                                        }
                                    })}
                            }
                                .into_any()
                        }
                    })
            }}
        </Suspense>
        <RewardCatalogue owner=Signal::derive(is_owner) />
        <TermsEditor owner=Signal::derive(is_owner) />
    }
}

/// The rewards clients earn when their balance reaches a cost; the owner adds and retires them.
#[component]
fn RewardCatalogue(owner: Signal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let version = RwSignal::new(0u32);
    let rewards = Resource::new(move || version.get(), |_| reward_catalogue());
    let changed = Callback::new(move |()| version.update(|version| *version += 1));
    view! {
        <h2>{t!(i18n, rewards.title)}</h2>
        <p>{t!(i18n, rewards.intro)}</p>
        <Suspense fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
            {move || {
                rewards
                    .get()
                    .map(|answer| match answer {
                        Err(failure) => view! { <p class="form-error" role="alert">{error_text(i18n, &failure)}</p> }.into_any(),
                        Ok(found) if found.is_empty() => view! { <p>{t!(i18n, rewards.empty)}</p> }.into_any(),
                        Ok(found) => {
                            view! {
                                <ul class="reward-list" aria-label=move || t_string!(i18n, rewards.title)>
                                    {found.into_iter().map(|reward| view! { <CatalogueItem reward owner=owner.get_untracked() on_retired=changed /> }).collect_view()}
                                </ul>
                            }
                            .into_any()
                        }
                    })
            }}
        </Suspense>
        {move || owner.get().then(|| view! {
            <h3>{t!(i18n, rewards.new_title)}</h3>
            <NewReward on_added=changed />
        })}
    }
}

#[component]
fn CatalogueItem(reward: Reward, owner: bool, on_retired: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let form = FormState::new();
    let id = reward.id;
    let name = reward.name.clone();
    let cost = reward.cost;
    let active = reward.active;
    let validity = reward.validity_days;
    let value = {
        let reward = reward.clone();
        move || reward_value_text(i18n, &reward)
    };
    let retire_label = {
        let name = name.clone();
        move || {
            let name = name.clone();
            t_string!(i18n, rewards.retire_label, name).to_string()
        }
    };
    let retire = move |_| {
        form.send(
            move || retire_reward(id),
            move |_| {
                on_retired.try_run(());
            },
        );
    };
    view! {
        <li class="reward">
            <strong>{name.clone()}</strong>
            <span class="meta">{value}</span>
            <span class="meta">{move || t_string!(i18n, rewards.cost, cost).to_string()}</span>
            <span class="meta">
                {move || match validity {
                    Some(days) => t_string!(i18n, rewards.validity, days).to_string(),
                    None => t_string!(i18n, rewards.no_expiry).to_string(),
                }}
            </span>
            {(!active).then(|| view! { <span class="badge">{t!(i18n, rewards.retired)}</span> })}
            {(owner && active)
                .then(|| {
                    view! {
                        <button type="button" class="secondary" aria-label=retire_label disabled=move || form.saving.get() on:click=retire>
                            {t!(i18n, rewards.retire)}
                        </button>
                    }
                })}
            <FormError error=form.error />
        </li>
    }
}

#[component]
fn NewReward(on_added: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let defaults = RewardForm::default();
    let name = RwSignal::new(defaults.name);
    let kind = RwSignal::new(defaults.kind);
    let value = RwSignal::new(defaults.value);
    let cost = RwSignal::new(defaults.cost);
    let validity_days = RwSignal::new(defaults.validity_days);
    let form = FormState::new();
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        let typed = RewardForm {
            name: name.get_untracked(),
            kind: kind.get_untracked(),
            value: value.get_untracked(),
            cost: cost.get_untracked(),
            validity_days: validity_days.get_untracked(),
        };
        if let Err(invalid) = typed.validate() {
            form.error.set(Some(invalid));
            return;
        }
        form.send(
            move || add_reward(typed),
            move |_| {
                name.set(String::new());
                value.set(String::new());
                on_added.try_run(());
            },
        );
    };
    let error: Signal<Option<AppError>> = form.error.into();
    let kind_label = move |choice: RewardKind| reward_kind_text(i18n, choice);
    view! {
        <form class="narrow" on:submit=submit novalidate>
            <Field id="reward-name" label=move || t!(i18n, rewards.name) value=name problem=field_problem(error, "name") autocomplete="off" required=true />
            <div class="field">
                <label for="reward-kind">{t!(i18n, rewards.kind)}</label>
                <select
                    id="reward-kind"
                    on:change=move |event| {
                        if let Some(chosen) = RewardKind::from_code(&event_target_value(&event)) {
                            kind.set(chosen);
                        }
                    }
                >
                    {RewardKind::ALL
                        .iter()
                        .map(|&choice| view! { <option value=choice.code() selected=move || kind.get() == choice>{move || kind_label(choice)}</option> })
                        .collect_view()}
                </select>
            </div>
            {move || match kind.get() {
                RewardKind::EurosOff => Some(view! { <Field id="reward-value" label=move || t!(i18n, rewards.value_euros) value problem=field_problem(error, "value") inputmode="decimal" required=true /> }.into_any()),
                RewardKind::StoreCredit => Some(view! { <Field id="reward-value" label=move || t!(i18n, rewards.value_credit) value problem=field_problem(error, "value") inputmode="decimal" required=true /> }.into_any()),
                RewardKind::PercentOff => Some(view! { <Field id="reward-value" label=move || t!(i18n, rewards.value_percent) value problem=field_problem(error, "value") input_type="number" inputmode="numeric" required=true /> }.into_any()),
                RewardKind::FreeProduct | RewardKind::FreeText => None,
            }}
            <Field id="reward-cost" label=move || t!(i18n, rewards.cost_field) value=cost problem=field_problem(error, "cost") input_type="number" inputmode="numeric" required=true />
            <Field id="reward-validity" label=move || t!(i18n, rewards.validity_field) value=validity_days problem=field_problem(error, "validity_days") input_type="number" inputmode="numeric" />
            <FormError error=form.form_error() />
            <div class="actions actions-start">
                <button type="submit" disabled=move || form.saving.get()>{t!(i18n, rewards.add)}</button>
            </div>
        </form>
    }
}

fn state_text(i18n: leptos_i18n::I18nContext<Locale>, state: ProgrammeState) -> String {
    match state {
        ProgrammeState::Running => t_string!(i18n, programme.state_running),
        ProgrammeState::Suspended => t_string!(i18n, programme.state_suspended),
        ProgrammeState::NotStarted => t_string!(i18n, programme.state_not_started),
        ProgrammeState::Over => t_string!(i18n, programme.state_over),
    }
    .to_string()
}

/// The live programme in a few lines, and what the owner can do to it as a whole.
#[component]
fn Summary(programme: ProgrammeView, owner: bool, on_changed: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let form = FormState::new();
    let rule = programme.rule;
    let state = programme.state;
    let expiry = programme.points_expiry.map(|expiry| {
        move || match expiry {
            PointsExpiry::Earned { months } => {
                t_string!(i18n, programme.expiry_rule_earned, months).to_string()
            }
            PointsExpiry::LastVisit { months } => {
                t_string!(i18n, programme.expiry_rule_last_visit, months).to_string()
            }
        }
    });
    let starts = programme.starts_on.format("%d/%m/%Y").to_string();
    let ends = programme
        .ends_on
        .map(|day| day.format("%d/%m/%Y").to_string());
    let act = move |step: ProgrammeStep| {
        if step == ProgrammeStep::End {
            let question = t_string!(i18n, programme.confirm_end).to_string();
            if !window().confirm_with_message(&question).unwrap_or(false) {
                return;
            }
        }
        // The owner may have left the page before the answer: then nothing is left to refresh.
        form.send(
            move || step_programme(step),
            move |_| {
                on_changed.try_run(());
            },
        );
    };
    let suspended = state == ProgrammeState::Suspended;
    view! {
        <section class="programme-summary" aria-labelledby="programme-name">
            <h2 id="programme-name">{programme.name.clone()}</h2>
            <p>
                <span class="badge">{move || state_text(i18n, state)}</span>
            </p>
            <p>{move || rule_text(i18n, &rule)}</p>
            {expiry.map(|text| view! { <p>{text}</p> })}
            <p class="meta">
                {move || {
                    let start = starts.clone();
                    match ends.clone() {
                        Some(end) => t_string!(i18n, programme.dates_until, start, end).to_string(),
                        None => t_string!(i18n, programme.dates_from, start).to_string(),
                    }
                }}
            </p>
            {owner
                .then(|| {
                    view! {
                        <div class="actions actions-start">
                            {if suspended {
                                view! {
                                    <button type="button" disabled=move || form.saving.get() on:click=move |_| act(ProgrammeStep::Resume)>
                                        {t!(i18n, programme.resume)}
                                    </button>
                                }
                                    .into_any()
                            } else {
                                view! {
                                    <button type="button" class="secondary" disabled=move || form.saving.get() on:click=move |_| act(ProgrammeStep::Suspend)>
                                        {t!(i18n, programme.suspend)}
                                    </button>
                                }
                                    .into_any()
                            }}
                            <button type="button" class="danger" disabled=move || form.saving.get() on:click=move |_| act(ProgrammeStep::End)>
                                {t!(i18n, programme.end)}
                            </button>
                        </div>
                    }
                })}
            <FormError error=form.error />
        </section>
    }
}

fn kind_text(i18n: leptos_i18n::I18nContext<Locale>, kind: ProgrammeKind) -> String {
    match kind {
        ProgrammeKind::PerEuro => t_string!(i18n, programme.kind_per_euro),
        ProgrammeKind::PerVisit => t_string!(i18n, programme.kind_per_visit),
        ProgrammeKind::StampCard => t_string!(i18n, programme.kind_stamp_card),
        ProgrammeKind::Manual => t_string!(i18n, programme.kind_manual),
    }
    .to_string()
}

/// One radio button per option, the chosen one checked.
fn radio_choices<T>(
    name: &'static str,
    options: &'static [T],
    code: fn(T) -> &'static str,
    chosen: RwSignal<T>,
    label: impl Fn(T) -> String + Copy + Send + Sync + 'static,
) -> impl IntoView
where
    T: Copy + PartialEq + Send + Sync + 'static,
{
    options
        .iter()
        .map(|&choice| {
            view! {
                <label class="checkbox">
                    <input
                        type="radio"
                        name=name
                        value=code(choice)
                        prop:checked=move || chosen.get() == choice
                        on:change=move |_| chosen.set(choice)
                    />
                    {move || label(choice)}
                </label>
            }
        })
        .collect_view()
}

/// The settings, checked in the browser first with the model's rules, then by the server.
#[component]
fn SettingsForm(initial: ProgrammeForm, kind_fixed: bool, on_saved: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let name = RwSignal::new(initial.name);
    let kind = RwSignal::new(initial.kind);
    let points_per_euro = RwSignal::new(initial.points_per_euro);
    let rounding = RwSignal::new(initial.rounding);
    let minimum = RwSignal::new(initial.minimum);
    let points_per_visit = RwSignal::new(initial.points_per_visit);
    let once_per_day = RwSignal::new(initial.once_per_day);
    let card_stamps = RwSignal::new(initial.card_stamps);
    let per_item = RwSignal::new(initial.per_item);
    let starts_on = RwSignal::new(initial.starts_on);
    let ends_on = RwSignal::new(initial.ends_on);
    let expiry = RwSignal::new(initial.expiry);
    let expiry_months = RwSignal::new(initial.expiry_months);
    let form = FormState::new();
    let typed = move || ProgrammeForm {
        name: name.get(),
        kind: kind.get(),
        points_per_euro: points_per_euro.get(),
        rounding: rounding.get(),
        minimum: minimum.get(),
        points_per_visit: points_per_visit.get(),
        once_per_day: once_per_day.get(),
        card_stamps: card_stamps.get(),
        per_item: per_item.get(),
        starts_on: starts_on.get(),
        ends_on: ends_on.get(),
        expiry: expiry.get(),
        expiry_months: expiry_months.get(),
    };
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        let settings = untrack(typed);
        if let Err(invalid) = settings.validate() {
            form.error.set(Some(invalid));
            return;
        }
        form.send(
            move || async move {
                if kind_fixed {
                    change_programme(settings).await
                } else {
                    start_programme(settings).await
                }
            },
            move |_| {
                on_saved.try_run(());
            },
        );
    };
    let error: Signal<Option<AppError>> = form.error.into();
    let kind_problem = field_problem(error, "kind");
    let preview = move || {
        typed()
            .validate()
            .ok()
            .map(|settings| rule_text(i18n, &settings.rule))
    };
    view! {
        <form class="narrow" on:submit=submit novalidate>
            <Field id="programme-name-field" label=move || t!(i18n, programme.name) value=name problem=field_problem(error, "name") autocomplete="off" required=true />
            <fieldset class="choice">
                <legend>{t!(i18n, programme.kind)}</legend>
                {ProgrammeKind::ALL
                    .iter()
                    .map(|&choice| {
                        view! {
                            <label class="checkbox">
                                <input
                                    type="radio"
                                    name="kind"
                                    value=choice.code()
                                    disabled=kind_fixed
                                    prop:checked=move || kind.get() == choice
                                    on:change=move |_| kind.set(choice)
                                />
                                {move || kind_text(i18n, choice)}
                            </label>
                        }
                    })
                    .collect_view()}
                {move || kind_problem.get().map(|problem| view! { <p class="field-error">{problem_text(i18n, &problem)}</p> })}
            </fieldset>
            {move || match kind.get() {
                ProgrammeKind::PerEuro => {
                    view! {
                        <Field id="points_per_euro" label=move || t!(i18n, programme.points_per_euro) value=points_per_euro problem=field_problem(error, "points_per_euro") input_type="number" inputmode="numeric" required=true />
                        <fieldset class="choice">
                            <legend>{t!(i18n, programme.rounding)}</legend>
                            {radio_choices("rounding", Rounding::ALL, Rounding::code, rounding, move |choice| match choice {
                                Rounding::StartedEuro => t_string!(i18n, programme.rounding_started).to_string(),
                                Rounding::WholeEuro => t_string!(i18n, programme.rounding_whole).to_string(),
                            })}
                        </fieldset>
                        <Field id="minimum" label=move || t!(i18n, programme.minimum) value=minimum problem=field_problem(error, "minimum") inputmode="decimal" />
                    }
                        .into_any()
                }
                ProgrammeKind::PerVisit => {
                    view! {
                        <Field id="points_per_visit" label=move || t!(i18n, programme.points_per_visit) value=points_per_visit problem=field_problem(error, "points_per_visit") input_type="number" inputmode="numeric" required=true />
                        <label class="checkbox">
                            <input type="checkbox" prop:checked=move || once_per_day.get() on:change=move |event| once_per_day.set(event_target_checked(&event)) />
                            {t!(i18n, programme.once_per_day)}
                        </label>
                    }
                        .into_any()
                }
                ProgrammeKind::StampCard => {
                    view! {
                        <Field id="card_stamps" label=move || t!(i18n, programme.card_stamps) value=card_stamps problem=field_problem(error, "card_stamps") input_type="number" inputmode="numeric" required=true />
                        <label class="checkbox">
                            <input type="checkbox" prop:checked=move || per_item.get() on:change=move |event| per_item.set(event_target_checked(&event)) />
                            {t!(i18n, programme.per_item)}
                        </label>
                    }
                        .into_any()
                }
                ProgrammeKind::Manual => view! { <p class="meta">{t!(i18n, programme.rule_manual)}</p> }.into_any(),
            }}
            <Field id="starts_on" label=move || t!(i18n, programme.starts_on) value=starts_on problem=field_problem(error, "starts_on") input_type="date" />
            <Field id="ends_on" label=move || t!(i18n, programme.ends_on) value=ends_on problem=field_problem(error, "ends_on") input_type="date" />
            <fieldset class="choice">
                <legend>{t!(i18n, programme.expiry)}</legend>
                {radio_choices("expiry", ExpiryChoice::ALL, ExpiryChoice::code, expiry, move |choice| match choice {
                    ExpiryChoice::Never => t_string!(i18n, programme.expiry_never).to_string(),
                    ExpiryChoice::AfterEarned => t_string!(i18n, programme.expiry_after_earned).to_string(),
                    ExpiryChoice::AfterLastVisit => t_string!(i18n, programme.expiry_after_last_visit).to_string(),
                })}
            </fieldset>
            {move || {
                (expiry.get() != ExpiryChoice::Never)
                    .then(|| {
                        view! {
                            <Field id="expiry_months" label=move || t!(i18n, programme.expiry_months) value=expiry_months problem=field_problem(error, "expiry_months") input_type="number" inputmode="numeric" required=true />
                        }
                    })
            }}
            <p class="earn-preview" role="status">{preview}</p>
            <FormError error=form.form_error() />
            <div class="actions actions-start">
                <button type="submit" disabled=move || form.saving.get()>
                    {if kind_fixed { t!(i18n, programme.save_changes).into_any() } else { t!(i18n, programme.start).into_any() }}
                </button>
            </div>
        </form>
    }
}
