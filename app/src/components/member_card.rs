//! The client's member card on the client's page: the card as printed (credit-card size, the
//! shop's and the client's names, the QR code and its code in text), printing it, opening its
//! page, and replacing a lost one.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::cards::{client_member_card, replace_member_card};
use crate::components::browser_data::load_in_browser;
use crate::components::errors::error_text;
use crate::components::modal::Modal;
use crate::components::printing::{Printed, print};
use crate::i18n::*;
use crate::model::cards::{MemberCard, printed_token};
use crate::model::error::AppError;

#[component]
pub fn MemberCardSection(client_id: i64) -> impl IntoView {
    let i18n = use_i18n();
    // The first view issues the card (a write), which a page rendered by the server must not do.
    let (card, _) = load_in_browser(move || client_member_card(client_id));
    let asking = RwSignal::new(false);
    let replacing = RwSignal::new(false);
    let replaced = RwSignal::new(false);
    let error = RwSignal::new(None::<AppError>);
    let close = Callback::new(move |()| asking.set(false));
    let replace = move |_| {
        replacing.set(true);
        spawn_local(async move {
            match replace_member_card(client_id).await {
                Ok(new_card) => {
                    card.set(Some(Ok(new_card)));
                    replaced.set(true);
                    error.set(None);
                }
                Err(failure) => error.set(Some(failure)),
            }
            replacing.set(false);
            asking.set(false);
        });
    };
    view! {
        <h2>{t!(i18n, cards.title)}</h2>
        {move || match card.get() {
            None => view! { <p class="loading">{t!(i18n, common.loading)}</p> }.into_any(),
            Some(Err(failure)) => view! { <p class="form-error" role="alert">{error_text(i18n, &failure)}</p> }.into_any(),
            Some(Ok(card)) => {
                let name = card.client_name.clone();
                view! {
                    <CardFace card=card.clone() />
                    <div class="actions actions-start no-print">
                        <button type="button" on:click=move |_| print(Printed::MemberCard)>
                            {t!(i18n, cards.print)}
                        </button>
                        <a class="button secondary" href=card.link.clone() target="_blank" rel="noopener">
                            {t!(i18n, cards.open)}
                        </a>
                        <button type="button" class="secondary" on:click=move |_| asking.set(true)>
                            {t!(i18n, cards.replace)}
                        </button>
                    </div>
                    {move || {
                        let name = name.clone();
                        asking.get().then(|| view! {
                            <Modal title_id="replace-card-title" title=move || t_string!(i18n, cards.replace) on_close=close>
                                <p>{move || t_string!(i18n, cards.replace_confirm, name = name.clone()).to_string()}</p>
                                <div class="actions">
                                    <button type="button" class="secondary" on:click=move |_| close.run(())>
                                        {t!(i18n, common.cancel)}
                                    </button>
                                    <button type="button" class="danger" disabled=move || replacing.get() on:click=replace>
                                        {t!(i18n, cards.replace_yes)}
                                    </button>
                                </div>
                            </Modal>
                        })
                    }}
                }
                .into_any()
            }
        }}
        {move || replaced.get().then(|| view! { <p role="status" class="no-print">{t!(i18n, cards.replaced)}</p> })}
        {move || error.get().map(|failure| view! { <p class="form-error" role="alert">{error_text(i18n, &failure)}</p> })}
    }
}

/// The card as printed: 85.6 × 54 mm on paper.
#[component]
fn CardFace(card: MemberCard) -> impl IntoView {
    let i18n = use_i18n();
    let name = card.client_name.clone();
    let date = card.issued_on.clone();
    view! {
        <figure class="member-card" data-testid="member-card">
            <div class="member-card-text">
                <strong class="member-card-shop">{card.shop_name.clone()}</strong>
                <span class="member-card-name">{card.client_name.clone()}</span>
                <span class="member-card-code" data-testid="card-code">
                    {printed_token(&card.token)}
                </span>
                <small>{move || t_string!(i18n, cards.issued, date = date.clone()).to_string()}</small>
            </div>
            <div
                class="member-card-qr"
                role="img"
                aria-label=move || t_string!(i18n, cards.qr_label, name = name.clone()).to_string()
                inner_html=card.qr_svg.clone()
            ></div>
        </figure>
    }
}
