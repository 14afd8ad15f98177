//! Where a client lands from an e-mail's unsubscribe link, with no account: the shop and the
//! address (half hidden), and one button. The button is a plain form post, so it works before
//! the page's WebAssembly has loaded, and the same address takes a mail program's one-click post.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::campaigns::read_unsubscribe_link;
use crate::components::errors::error_text;
use crate::i18n::*;
use crate::model::error::AppError;
use crate::model::routes;

#[component]
pub fn UnsubscribePage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let token = move || query.read().get(routes::TOKEN_KEY).unwrap_or_default();
    let found = Resource::new(token, read_unsubscribe_link);
    view! {
        <main class="auth-card">
            <h1>{t!(i18n, unsubscribe.title)}</h1>
            <Suspense fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
                {move || {
                    found
                        .get()
                        .map(|answer| match answer {
                            Err(AppError::NotFound) => view! { <p class="form-error" role="alert">{t!(i18n, unsubscribe.invalid)}</p> }.into_any(),
                            Err(failure) => view! { <p class="form-error" role="alert">{error_text(i18n, &failure)}</p> }.into_any(),
                            Ok(view) if view.subscribed => {
                                let (shop, email) = (view.shop_name, view.masked_email);
                                let action = format!("{}?{}={}", routes::ONE_CLICK_UNSUBSCRIBE, routes::TOKEN_KEY, token());
                                view! {
                                    <p>{move || t_string!(i18n, unsubscribe.question, shop = shop.clone(), email = email.clone()).to_string()}</p>
                                    <form method="post" action=action>
                                        <input type="hidden" name="confirm" value="1" />
                                        <button type="submit">{t!(i18n, unsubscribe.confirm)}</button>
                                    </form>
                                }
                                    .into_any()
                            }
                            Ok(view) => {
                                let (shop, email) = (view.shop_name, view.masked_email);
                                view! {
                                    <p role="status">{move || t_string!(i18n, unsubscribe.done, shop = shop.clone(), email = email.clone()).to_string()}</p>
                                }
                                    .into_any()
                            }
                        })
                }}
            </Suspense>
        </main>
    }
}
