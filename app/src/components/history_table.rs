//! The table of ledger entries shared by the client page and the journal: reversed entries are
//! struck through, each modifiable entry has its "Modifier" button.

use leptos::prelude::*;
use leptos_router::components::A;

use super::session::use_session;
use crate::i18n::*;
use crate::model::auth::Role;
use crate::model::ledger::{EntryKind, TransactionView};
use crate::model::money::format_euros;
use crate::model::routes;

#[component]
pub fn HistoryTable(
    entries: Vec<TransactionView>,
    /// Show the client column (the journal does, a client's own page does not).
    show_client: bool,
    on_modify: Callback<TransactionView>,
) -> impl IntoView {
    let rows = entries
        .into_iter()
        .map(|entry| view! { <TransactionRow entry show_client on_modify /> })
        .collect_view();
    view! {
        <div class="table-wrap">
            <LedgerTable show_client>{rows}</LedgerTable>
        </div>
    }
}

/// A table of ledger entries with its column titles. On a phone each row is drawn as a card
/// (style.css, `.ledger-table`); the explicit roles keep it a table for assistive technologies,
/// which some browsers stop doing once a table is not displayed as one.
#[component]
pub fn LedgerTable(show_client: bool, children: Children) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <table class="ledger-table" role="table">
            <thead role="rowgroup">
                <tr role="row">
                    <th scope="col" role="columnheader">{t!(i18n, history.date)}</th>
                    {show_client.then(|| view! { <th scope="col" role="columnheader">{t!(i18n, history.client)}</th> })}
                    <th scope="col" role="columnheader">{t!(i18n, history.kind)}</th>
                    <th scope="col" role="columnheader" class="number">{t!(i18n, history.points)}</th>
                    <th scope="col" role="columnheader" class="number">{t!(i18n, history.amount)}</th>
                    <th scope="col" role="columnheader">{t!(i18n, history.author)}</th>
                    <th scope="col" role="columnheader">{t!(i18n, history.actions)}</th>
                </tr>
            </thead>
            <tbody role="rowgroup">{children()}</tbody>
        </table>
    }
}

/// One ledger entry as a table row: date, [client,] kind, points, amount, author, "Modifier".
#[component]
pub fn TransactionRow(
    entry: TransactionView,
    show_client: bool,
    on_modify: Callback<TransactionView>,
) -> impl IntoView {
    let i18n = use_i18n();
    let kind_label = move |kind: EntryKind| match kind {
        EntryKind::Earn => t_string!(i18n, history.earn),
        EntryKind::Reversal => t_string!(i18n, history.reversal),
        EntryKind::Correction => t_string!(i18n, history.correction),
        EntryKind::Redeem => t_string!(i18n, history.redeem),
        EntryKind::Transfer => t_string!(i18n, history.transfer),
        EntryKind::Expire => t_string!(i18n, history.expire),
        EntryKind::Import => t_string!(i18n, history.import),
    };
    let kind = entry.kind;
    let badge_class = match kind {
        EntryKind::Earn => "badge",
        EntryKind::Reversal => "badge reversal",
        EntryKind::Correction => "badge correction",
        EntryKind::Redeem => "badge redeem",
        EntryKind::Transfer => "badge",
        EntryKind::Expire => "badge redeem",
        EntryKind::Import => "badge",
    };
    let reversed = entry.reversed_by.is_some();
    let id = entry.id;
    let refers_to = entry.refers_to;
    let modify_label = move || t_string!(i18n, history.modify_label, id).to_string();
    let for_dialog = entry.clone();
    let can_be_modified = entry.can_be_modified();
    // Correcting the ledger is the owner's; staff see the history without the button.
    let session = use_session();
    let owner_signed_in =
        move || matches!(session.user.get(), Some(Ok(Some(user))) if user.role == Role::Owner);
    let client_name = entry.client_name.clone();
    let client_id = entry.client_id;
    view! {
        <tr role="row" class:reversed=reversed data-entry-id=id>
            <td role="cell">{entry.recorded_at.clone()}</td>
            {show_client
                .then(|| {
                    view! {
                        <td role="cell" class="keep">
                            // An erased client has no name left, and no page.
                            {if client_name.is_empty() {
                                view! { <span>{t!(i18n, history.erased_client)}</span> }.into_any()
                            } else {
                                view! { <A href=routes::client_file(client_id)>{client_name}</A> }.into_any()
                            }}
                        </td>
                    }
                })}
            <td role="cell" class="keep">
                <span class=badge_class>{move || kind_label(kind)}</span>
                {refers_to.map(|id| view! { " " <small>{move || t_string!(i18n, history.refers_to, id).to_string()}</small> })}
                {reversed.then(|| view! { " " <small>"(" {t!(i18n, history.modified)} ")"</small> })}
            </td>
            // The labels name the columns on a phone's cards.
            <td role="cell" class="number" data-label=move || t_string!(i18n, history.points)>
                {format!("{:+}", entry.points)}
            </td>
            <td role="cell" class="number" data-label=move || t_string!(i18n, history.amount)>
                {entry.amount_cents.map(format_euros).unwrap_or_default()}
            </td>
            <td role="cell" class="keep" data-label=move || t_string!(i18n, history.author)>
                {entry.author_name.clone()}
            </td>
            <td role="cell" class="keep">
                {move || {
                    let for_dialog = for_dialog.clone();
                    (owner_signed_in() && can_be_modified)
                        .then(move || {
                        view! {
                            <button
                                type="button"
                                class="secondary"
                                aria-label=modify_label
                                on:click=move |_| on_modify.run(for_dialog.clone())
                            >
                                {t!(i18n, history.modify)}
                            </button>
                        }
                    })
                }}
            </td>
        </tr>
    }
}
