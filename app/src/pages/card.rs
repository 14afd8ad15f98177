//! A member card's page, opened from its QR code on the client's phone with no account: the
//! shop, the client's first name, the points and the reward waiting, and the QR code to show at
//! the till. Nothing else of the client's file; the token in the address is the key.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::cards::public_member_card;
use crate::components::errors::error_text;
use crate::i18n::*;
use crate::model::cards::PublicCard;
use crate::model::error::AppError;

#[component]
pub fn CardPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let card = Resource::new(token, public_member_card);
    view! {
        <main class="auth-card card-page">
            <Suspense fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
                {move || {
                    card.get()
                        .map(|answer| match answer {
                            Ok(card) => view! { <CardView card /> }.into_any(),
                            Err(AppError::NotFound) => view! {
                                <h1>{t!(i18n, cards.title)}</h1>
                                <p class="form-error" role="alert">{t!(i18n, cards.invalid)}</p>
                            }
                            .into_any(),
                            Err(failure) => view! {
                                <h1>{t!(i18n, cards.title)}</h1>
                                <p class="form-error" role="alert">{error_text(i18n, &failure)}</p>
                            }
                            .into_any(),
                        })
                }}
            </Suspense>
        </main>
    }
}

#[component]
fn CardView(card: PublicCard) -> impl IntoView {
    let i18n = use_i18n();
    let PublicCard {
        shop_name,
        first_name,
        points,
        reward,
        rewards_waiting,
        qr_svg,
    } = card;
    let shop = shop_name.clone();
    let more = rewards_waiting.saturating_sub(1);
    view! {
        <h1>{move || t_string!(i18n, cards.page_title, shop = shop.clone()).to_string()}</h1>
        <p>{move || t_string!(i18n, cards.hello, name = first_name.clone()).to_string()}</p>
        <p class="card-points" data-testid="card-points">{move || t_string!(i18n, cards.points, points).to_string()}</p>
        {reward.map(|reward| view! {
            <p data-testid="card-reward">
                {move || t_string!(i18n, cards.reward, reward = reward.clone()).to_string()}
                {(more > 0).then(|| view! { " " {move || t_string!(i18n, cards.more_rewards, count = more).to_string()} })}
            </p>
        })}
        <div class="member-card-qr" role="img" aria-label=move || t_string!(i18n, cards.title) inner_html=qr_svg></div>
        <p>{t!(i18n, cards.show_at_till)}</p>
        <p class="hint">{t!(i18n, cards.add_to_home)}</p>
    }
}
