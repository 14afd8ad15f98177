//! Gift cards in lists: the shop's latest on the gift cards page, a client's bought and received
//! on their page.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::gift_cards::client_gift_cards;
use crate::components::browser_data::load_in_browser;
use crate::components::errors::error_text;
use crate::i18n::*;
use crate::model::gift_cards::{GiftCardLine, GiftCardState};
use crate::model::money::format_euros;
use crate::model::routes;

/// The query key naming the client who buys, from their page's "Offrir une carte-cadeau".
pub const BUYER_KEY: &str = "acheteur";

pub fn state_text(i18n: leptos_i18n::I18nContext<Locale>, state: GiftCardState) -> String {
    match state {
        GiftCardState::Valid => t_string!(i18n, gift_cards.state_valid),
        GiftCardState::UsedUp => t_string!(i18n, gift_cards.state_used_up),
        GiftCardState::Expired => t_string!(i18n, gift_cards.state_expired),
        GiftCardState::Cancelled => t_string!(i18n, gift_cards.state_cancelled),
    }
    .to_string()
}

/// Cards in a list: code (a link to the card), amount, what is left, state, date, for whom.
#[component]
pub fn GiftCardList(cards: Vec<GiftCardLine>, #[prop(optional)] with_role: bool) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ul class="gift-card-list">
            {cards
                .into_iter()
                .map(|card| {
                    let initial = format_euros(card.initial_cents);
                    let left = format_euros(card.balance_cents);
                    let until = card.valid_until.clone();
                    let whom = card.beneficiary_name.clone();
                    let state = card.state;
                    view! {
                        <li>
                            <A href=routes::gift_card_page(&card.code)>{card.code.clone()}</A>
                            " · " {initial.clone()}
                            " · " {move || t_string!(i18n, gift_cards.left, amount = left.clone()).to_string()}
                            " · " {move || state_text(i18n, state)}
                            " · " {move || t_string!(i18n, gift_cards.until, date = until.clone()).to_string()}
                            " · " {move || t_string!(i18n, gift_cards.for_whom, name = whom.clone()).to_string()}
                            {with_role.then(|| view! {
                                " · "
                                {if card.bought { t!(i18n, gift_cards.bought).into_any() } else { t!(i18n, gift_cards.received).into_any() }}
                            })}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}

/// A client's gift cards, bought and received, and the link to sell one they buy.
#[component]
pub fn ClientGiftCards(client_id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let (cards, _) = load_in_browser(move || client_gift_cards(client_id));
    let sell = format!("{}?{BUYER_KEY}={client_id}", routes::GIFT_CARDS);
    view! {
        <section class="client-gift-cards no-print" aria-labelledby="client-gift-cards-title">
            <div class="section-head">
                <h2 id="client-gift-cards-title">{t!(i18n, gift_cards.title)}</h2>
                <A href=sell attr:class="button secondary">{t!(i18n, gift_cards.offer)}</A>
            </div>
            {move || match cards.get() {
                None => view! { <p class="loading">{t!(i18n, common.loading)}</p> }.into_any(),
                Some(Err(failure)) => view! { <p class="form-error" role="alert">{error_text(i18n, &failure)}</p> }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! { <p class="hint">{t!(i18n, gift_cards.none_for_client)}</p> }.into_any(),
                Some(Ok(list)) => view! { <GiftCardList cards=list with_role=true /> }.into_any(),
            }}
        </section>
    }
}
