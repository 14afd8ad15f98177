//! The till's dialogs: points earned and, optionally, the amount spent; or points used. Keyboard
//! first: they open with the points field focused and Enter saves.

use leptos::prelude::*;

use super::modal::Modal;
use super::points_form::PointsForm;
use super::programme::use_till_programme;
use crate::api::ledger::{record_transaction, redeem_points};
use crate::i18n::*;
use crate::model::client::ClientRow;
use crate::model::ledger::{RecordOutcome, RecordRequest, RedeemRequest};
use crate::model::programme::{Earning, EarningRule};

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
            on_close
        >
            {move || {
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
                                on_saved=on_recorded
                            />
                        }
                    })
            }}
        </Modal>
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
