//! The till's dialogs: points earned and, optionally, the amount spent; or points used. Keyboard
//! first: they open with the points field focused and Enter saves.

use leptos::prelude::*;
use leptos_router::components::A;

use super::earned_rewards::ClaimButton;
use super::modal::Modal;
use super::points_form::PointsForm;
use super::programme::use_till_programme;
use super::terms::TermsStanding;
use crate::api::ledger::{record_transaction, redeem_points};
use crate::i18n::*;
use crate::model::client::ClientRow;
use crate::model::ledger::{RecordOutcome, RecordRequest, RedeemRequest};
use crate::model::money::format_euros;
use crate::model::programme::{Earning, EarningRule};
use crate::model::routes;

#[component]
pub fn TransactionDialog(
    client: ClientRow,
    on_close: Callback<()>,
    on_recorded: Callback<RecordOutcome>,
) -> impl IntoView {
    let i18n = use_i18n();
    let client_id = client.id;
    let name = client.full_name();
    let balance = client.points_balance;
    let credit = client.credit_cents;
    let waiting_before = client
        .waiting_reward
        .as_ref()
        .map_or(0, |waiting| waiting.waiting);
    // A save that brings a reward keeps the dialog open to say so and offer it now; closing
    // then hands the save's outcome to the page.
    let rewarded = RwSignal::new(None::<RecordOutcome>);
    let saved = Callback::new(move |outcome: RecordOutcome| {
        let waiting_now = outcome
            .client
            .waiting_reward
            .as_ref()
            .map_or(0, |waiting| waiting.waiting);
        if waiting_now > waiting_before {
            rewarded.set(Some(outcome));
        } else {
            on_recorded.run(outcome);
        }
    });
    let close = Callback::new(move |()| match rewarded.get_untracked() {
        Some(outcome) => on_recorded.run(outcome),
        None => on_close.run(()),
    });
    // The programme as last loaded shows at once; a change made meanwhile shows when the
    // refresh comes back (the memo keeps the form as typed otherwise).
    let till = use_till_programme();
    if let Some(till) = till {
        till.refresh();
    }
    let earning = Memo::new(move |_| till.map_or(Some(Earning::ByHand), |till| till.earning()));
    view! {
        <Modal
            title_id="transaction-title"
            title=move || {
                let name = name.clone();
                t_string!(i18n, transaction.title, name).to_string()
            }
            on_close=close
        >
            <TermsStanding client_id compact=true />
            {(credit > 0).then(|| view! { <CreditAvailable client_id cents=credit /> })}
            {move || {
                if let Some(outcome) = rewarded.get() {
                    return Some(view! { <RewardEarned outcome on_close=close on_claimed=on_recorded /> }.into_any());
                }
                earning
                    .get()
                    .map(|earning| {
                        view! {
                            {match earning {
                                Earning::Rule(EarningRule::StampCard { stamps, .. }) => Some(view! { <StampCard balance stamps /> }),
                                _ => None,
                            }}
                            <PointsForm
                                earning
                                send=move |form, idempotency_key| record_transaction(RecordRequest { client_id, form, idempotency_key })
                                on_close
                                on_saved=saved
                            />
                        }
                        .into_any()
                    })
            }}
        </Modal>
    }
}

/// The client's store credit, told at the till so the payment can use it (on the client's page).
#[component]
fn CreditAvailable(client_id: i64, cents: i64) -> impl IntoView {
    let i18n = use_i18n();
    let amount = format_euros(cents);
    view! {
        <p class="credit-available" role="note">
            {move || t_string!(i18n, credit.available, amount = amount.clone()).to_string()}
            " "
            <A href=routes::client_file(client_id)>{t!(i18n, credit.use_on_page)}</A>
        </p>
    }
}

/// Said after a save that brought a reward: which one, and the offer to use it now.
#[component]
fn RewardEarned(
    outcome: RecordOutcome,
    on_close: Callback<()>,
    on_claimed: Callback<RecordOutcome>,
) -> impl IntoView {
    let i18n = use_i18n();
    let points = outcome.client.points_balance;
    let waiting = outcome.client.waiting_reward.clone();
    view! {
        {waiting.map(|waiting| {
            let name = waiting.name.clone();
            view! {
                <p class="reward-earned-notice" role="status">
                    {move || {
                        let name = name.clone();
                        t_string!(i18n, transaction.reward_earned, name, points).to_string()
                    }}
                </p>
                <div class="actions">
                    <ClaimButton earned_id=waiting.earned_id name=waiting.name focused=true on_claimed />
                    <button type="button" class="secondary" on:click=move |_| on_close.run(())>
                        {t!(i18n, transaction.reward_later)}
                    </button>
                </div>
            }
        })}
    }
}

/// The client's card as it stands: stamps collected on the current card, out of its size.
#[component]
fn StampCard(balance: i64, stamps: i64) -> impl IntoView {
    let i18n = use_i18n();
    let filled = balance.rem_euclid(stamps.max(1));
    view! {
        <div class="stamp-card">
            <p>{move || t_string!(i18n, transaction.card, filled, stamps).to_string()}</p>
            <p class="stamps" aria-hidden="true">
                {(0..stamps)
                    .map(|index| {
                        let stamped = index < filled;
                        view! { <span class:filled=stamped></span> }
                    })
                    .collect_view()}
            </p>
        </div>
    }
}

#[component]
pub fn RedeemDialog(
    client: ClientRow,
    on_close: Callback<()>,
    on_redeemed: Callback<RecordOutcome>,
) -> impl IntoView {
    let i18n = use_i18n();
    let client_id = client.id;
    let name = client.full_name();
    let balance = client.points_balance;
    view! {
        <Modal
            title_id="redeem-title"
            title=move || {
                let name = name.clone();
                t_string!(i18n, transaction.redeem_title, name).to_string()
            }
            on_close
        >
            <p>{move || t_string!(i18n, transaction.balance_now, balance).to_string()}</p>
            <PointsForm
                uses_points=true
                send=move |form, idempotency_key| redeem_points(RedeemRequest { client_id, points: form.points, idempotency_key })
                on_close
                on_saved=on_redeemed
            />
        </Modal>
    }
}
