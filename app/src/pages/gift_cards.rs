//! Gift cards at the till: sell one (an amount, who it is for, who buys it, until when), find
//! one by its code, the shop's latest; a card's page shows what is left, spends it, prints it,
//! and lets the owner cancel it.

use leptos::prelude::*;
use leptos::web_sys::SubmitEvent;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

use crate::api::clients::get_client;
use crate::api::gift_cards::{
    cancel_gift_card, find_gift_card, recent_gift_cards, sell_gift_card, spend_gift_card,
};
use crate::components::errors::{FormError, error_text};
use crate::components::field::{Field, field_problem};
use crate::components::form_state::{FormState, OperationKey};
use crate::components::gift_cards::{BUYER_KEY, GiftCardList, state_text};
use crate::components::printing::{Printed, print};
use crate::components::session::use_session;
use crate::i18n::*;
use crate::model::auth::Role;
use crate::model::error::AppError;
use crate::model::gift_cards::{
    GiftCardForm, GiftCardSaleRequest, GiftCardSpendRequest, GiftCardState, GiftCardView,
    GiftEntryKind, gift_code_in, printed_gift_code,
};
use crate::model::money::format_euros;
use crate::model::routes;

#[component]
pub fn GiftCardsPage() -> impl IntoView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    let query = use_query_map();
    let buyer_id = move || {
        query
            .read()
            .get(BUYER_KEY)
            .and_then(|id| id.parse::<i64>().ok())
    };
    let buyer = Resource::new(buyer_id, |buyer_id| async move {
        match buyer_id {
            Some(id) => get_client(id).await.map(|detail| Some(detail.row)),
            None => Ok(None),
        }
    });
    let recent = Resource::new(|| (), |()| recent_gift_cards());

    let typed_code = RwSignal::new(String::new());
    let code_problem = RwSignal::new(false);
    let find = {
        let navigate = navigate.clone();
        move |event: SubmitEvent| {
            event.prevent_default();
            match gift_code_in(&typed_code.get_untracked()) {
                Some(code) => {
                    code_problem.set(false);
                    navigate(
                        &routes::gift_card_page(&printed_gift_code(&code)),
                        Default::default(),
                    );
                }
                None => code_problem.set(true),
            }
        }
    };

    let amount = RwSignal::new(String::new());
    let beneficiary = RwSignal::new(String::new());
    let valid_until = RwSignal::new(String::new());
    let form = FormState::new();
    let key = OperationKey::new();
    let sell = move |event: SubmitEvent| {
        event.prevent_default();
        let request = GiftCardSaleRequest {
            form: GiftCardForm {
                amount: amount.get_untracked(),
                buyer_client_id: buyer_id(),
                beneficiary_client_id: None,
                beneficiary_name: beneficiary.get_untracked(),
                valid_until: valid_until.get_untracked(),
            },
            idempotency_key: key.current(),
        };
        let navigate = navigate.clone();
        form.send_or(
            move || sell_gift_card(request),
            move |card: GiftCardView| {
                key.renew();
                navigate(&routes::gift_card_page(&card.code), Default::default());
            },
            move |failure| key.after_failure(failure),
        );
    };
    let error: Signal<Option<AppError>> = form.error.into();
    view! {
        <h1>{t!(i18n, gift_cards.title)}</h1>
        <form class="filters" on:submit=find novalidate>
            <div class="field">
                <label for="gift-code">{t!(i18n, gift_cards.find_label)}</label>
                <input
                    id="gift-code"
                    type="search"
                    autocomplete="off"
                    placeholder="KDO-XXXX-XXXX-XXXX"
                    aria-invalid=move || code_problem.get().then_some("true")
                    prop:value=move || typed_code.get()
                    on:input=move |event| typed_code.set(event_target_value(&event))
                />
                {move || code_problem.get().then(|| view! {
                    <p class="field-error" role="alert">{t!(i18n, gift_cards.not_a_code)}</p>
                })}
            </div>
            <div class="field">
                <button type="submit">{t!(i18n, gift_cards.find)}</button>
            </div>
        </form>
        <section aria-labelledby="sell-title">
            <h2 id="sell-title">{t!(i18n, gift_cards.sell_title)}</h2>
            <form class="narrow" on:submit=sell novalidate>
                <Transition>
                    {move || buyer.get().map(|answer| match answer {
                        Ok(Some(row)) => {
                            let name = row.full_name();
                            Some(view! { <p>{move || t_string!(i18n, gift_cards.bought_by, name = name.clone()).to_string()}</p> }.into_any())
                        }
                        Ok(None) => None,
                        Err(failure) => Some(view! { <p class="form-error" role="alert">{error_text(i18n, &failure)}</p> }.into_any()),
                    })}
                </Transition>
                <Field id="gift-amount" label=move || t!(i18n, gift_cards.amount) value=amount problem=field_problem(error, "amount") inputmode="decimal" required=true />
                <Field id="gift-beneficiary" label=move || t!(i18n, gift_cards.beneficiary) value=beneficiary problem=field_problem(error, "beneficiary_name") required=true />
                <Field id="gift-valid-until" label=move || t!(i18n, gift_cards.valid_until_field) value=valid_until problem=field_problem(error, "valid_until") input_type="date" />
                <FormError error=form.form_error() />
                <div class="actions actions-start">
                    <button type="submit" disabled=move || form.saving.get()>{t!(i18n, gift_cards.sell)}</button>
                </div>
            </form>
        </section>
        <section aria-labelledby="recent-title">
            <h2 id="recent-title">{t!(i18n, gift_cards.recent)}</h2>
            <Transition fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
                {move || recent.get().map(|answer| match answer {
                    Ok(cards) if cards.is_empty() => view! { <p class="hint">{t!(i18n, gift_cards.none)}</p> }.into_any(),
                    Ok(cards) => view! { <GiftCardList cards /> }.into_any(),
                    Err(failure) => view! { <p class="form-error" role="alert">{error_text(i18n, &failure)}</p> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

#[component]
pub fn GiftCardPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let code = move || params.read().get("code").unwrap_or_default();
    let card = Resource::new(code, find_gift_card);
    // A spend or a cancellation answers with the card after it.
    let changed = RwSignal::new(None::<GiftCardView>);
    Effect::new(move |_| {
        code();
        changed.set(None);
    });
    let shown = move || match changed.get() {
        Some(card) => Some(Ok(card)),
        None => card.get(),
    };
    view! {
        <p class="no-print"><A href=routes::GIFT_CARDS>{t!(i18n, gift_cards.back)}</A></p>
        <Suspense fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
            {move || shown().map(|answer| match answer {
                Ok(card) => view! { <GiftCardDetail card changed /> }.into_any(),
                Err(AppError::NotFound) => view! {
                    <h1>{t!(i18n, gift_cards.title_one)}</h1>
                    <p class="form-error" role="alert">{t!(i18n, gift_cards.unknown)}</p>
                }
                .into_any(),
                Err(failure) => view! { <p class="form-error" role="alert">{error_text(i18n, &failure)}</p> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn GiftCardDetail(card: GiftCardView, changed: RwSignal<Option<GiftCardView>>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let owner_signed_in =
        move || matches!(session.user.get(), Some(Ok(Some(user))) if user.role == Role::Owner);
    let left = format_euros(card.balance_cents);
    let valid = card.state == GiftCardState::Valid;
    let cancelled = card.state == GiftCardState::Cancelled;
    let state = card.state;
    let code = card.code.clone();
    let entries = card.entries.clone();
    view! {
        <h1>{move || t_string!(i18n, gift_cards.heading, code = code.clone()).to_string()}</h1>
        <p class="credit-balance">{move || t_string!(i18n, gift_cards.left, amount = left.clone()).to_string()} " · " {move || state_text(i18n, state)}</p>
        {card.cancel_reason.clone().map(|reason| view! {
            <p>{move || t_string!(i18n, gift_cards.cancelled_because, reason = reason.clone()).to_string()}</p>
        })}
        {card.buyer.clone().map(|(id, name)| view! {
            <p>{t!(i18n, gift_cards.buyer)} " " <A href=routes::client_file(id)>{name}</A></p>
        })}
        <GiftCardFace card=card.clone() />
        <div class="actions actions-start no-print">
            <button type="button" class="secondary" on:click=move |_| print(Printed::GiftCard)>
                {t!(i18n, gift_cards.print)}
            </button>
        </div>
        {valid.then(|| view! { <SpendForm code=card.code.clone() changed /> })}
        {move || (!cancelled && owner_signed_in()).then(|| view! { <CancelForm code=card.code.clone() changed /> })}
        <h2>{t!(i18n, gift_cards.history)}</h2>
        <ul class="gift-card-entries">
            {entries
                .into_iter()
                .map(|entry| {
                    let kind = entry.kind;
                    let kind = move || match kind {
                        GiftEntryKind::Sale => t_string!(i18n, gift_cards.entry_sale),
                        GiftEntryKind::Spend => t_string!(i18n, gift_cards.entry_spend),
                        GiftEntryKind::Cancel => t_string!(i18n, gift_cards.entry_cancel),
                    };
                    view! {
                        <li>{entry.recorded_at} " · " {kind} " · " {format_euros(entry.amount_cents)} " · " {entry.author_name}</li>
                    }
                })
                .collect_view()}
        </ul>
    }
}

/// The card as printed, in the member card's format: the shop, the amount, for whom, the code
/// as text and as a QR code, the date it is valid until.
#[component]
fn GiftCardFace(card: GiftCardView) -> impl IntoView {
    let i18n = use_i18n();
    let initial = format_euros(card.initial_cents);
    let whom = card.beneficiary_name.clone();
    let until = card.valid_until.clone();
    let code = card.code.clone();
    view! {
        <figure class="member-card gift-card" data-testid="gift-card">
            <div class="member-card-text">
                <strong class="member-card-shop">{card.shop_name.clone()}</strong>
                <span class="member-card-name">{move || t_string!(i18n, gift_cards.face_amount, amount = initial.clone()).to_string()}</span>
                <span>{move || t_string!(i18n, gift_cards.for_whom, name = whom.clone()).to_string()}</span>
                <span class="member-card-code">{card.code.clone()}</span>
                <small>{move || t_string!(i18n, gift_cards.until, date = until.clone()).to_string()}</small>
            </div>
            <div
                class="member-card-qr"
                role="img"
                aria-label=move || t_string!(i18n, gift_cards.qr_label, code = code.clone()).to_string()
                inner_html=card.qr_svg.clone()
            ></div>
        </figure>
    }
}

#[component]
fn SpendForm(code: String, changed: RwSignal<Option<GiftCardView>>) -> impl IntoView {
    let i18n = use_i18n();
    let amount = RwSignal::new(String::new());
    let form = FormState::new();
    let key = OperationKey::new();
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        let request = GiftCardSpendRequest {
            code: code.clone(),
            amount: amount.get_untracked(),
            idempotency_key: key.current(),
        };
        form.send_or(
            move || spend_gift_card(request),
            move |card| {
                key.renew();
                amount.set(String::new());
                changed.set(Some(card));
            },
            move |failure| key.after_failure(failure),
        );
    };
    let error: Signal<Option<AppError>> = form.error.into();
    view! {
        <form class="narrow no-print" on:submit=submit novalidate>
            <h2>{t!(i18n, gift_cards.spend_title)}</h2>
            <Field id="spend-amount" label=move || t!(i18n, gift_cards.spend_amount) value=amount problem=field_problem(error, "amount") inputmode="decimal" required=true />
            <FormError error=form.form_error() />
            <div class="actions actions-start">
                <button type="submit" disabled=move || form.saving.get()>{t!(i18n, gift_cards.spend)}</button>
            </div>
        </form>
    }
}

#[component]
fn CancelForm(code: String, changed: RwSignal<Option<GiftCardView>>) -> impl IntoView {
    let i18n = use_i18n();
    let reason = RwSignal::new(String::new());
    let form = FormState::new();
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        let (code, reason) = (code.clone(), reason.get_untracked());
        form.send(
            move || cancel_gift_card(code, reason),
            move |card| changed.set(Some(card)),
        );
    };
    let error: Signal<Option<AppError>> = form.error.into();
    view! {
        <form class="narrow no-print" on:submit=submit novalidate>
            <h2>{t!(i18n, gift_cards.cancel_title)}</h2>
            <Field id="cancel-reason" label=move || t!(i18n, gift_cards.cancel_reason) value=reason problem=field_problem(error, "reason") required=true />
            <FormError error=form.form_error() />
            <div class="actions actions-start">
                <button type="submit" class="danger" disabled=move || form.saving.get()>{t!(i18n, gift_cards.cancel)}</button>
            </div>
        </form>
    }
}
