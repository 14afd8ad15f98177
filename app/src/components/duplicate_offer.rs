//! When a new client's e-mail or phone is already on a file: that file is offered instead of a
//! duplicate. A shared phone (a family's landline) may still get a file of its own, once
//! confirmed.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::i18n::*;
use crate::model::error::{AppError, ExistingClient, SharedContact};
use crate::model::routes;

/// The existing client and the shared contact, if `error` is about a duplicate.
pub fn duplicate_of(error: Option<AppError>) -> Option<(ExistingClient, SharedContact)> {
    match error {
        Some(AppError::DuplicateClient { existing, by }) => Some((existing, by)),
        _ => None,
    }
}

/// Every error but a duplicate, which `DuplicateOffer` shows.
pub fn other_than_duplicate(error: RwSignal<Option<AppError>>) -> Signal<Option<AppError>> {
    Signal::derive(move || {
        error
            .get()
            .filter(|error| !matches!(error, AppError::DuplicateClient { .. }))
    })
}

#[component]
pub fn DuplicateOffer(
    error: RwSignal<Option<AppError>>,
    /// Creates the file anyway, sharing the phone.
    on_share_phone: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        duplicate_of(error.get()).map(|(existing, by)| {
            let name = existing.name;
            let href = routes::client_file(existing.id);
            let balance = existing.points_balance;
            view! {
                <div class="form-error duplicate" role="alert">
                    <p>
                        {move || match by {
                            SharedContact::Email => t_string!(i18n, duplicates.same_email).to_string(),
                            SharedContact::Phone => t_string!(i18n, duplicates.same_phone).to_string(),
                        }}
                        " "
                        <A href=href>{name}</A>
                        " "
                        {move || t_string!(i18n, duplicates.balance, balance).to_string()}
                    </p>
                    {(by == SharedContact::Phone)
                        .then(|| {
                            view! {
                                <button type="button" class="secondary" on:click=move |_| on_share_phone.run(())>
                                    {t!(i18n, duplicates.create_anyway)}
                                </button>
                            }
                        })}
                </div>
            }
        })
    }
}
