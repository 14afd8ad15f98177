//! A client's timeline as a table: transactions as in the journal, and between them the notes,
//! consent changes and edits of the file, each with its date and author.

use leptos::prelude::*;
use leptos_i18n::I18nContext;

use super::history_table::{LedgerTable, TransactionRow};
use crate::i18n::*;
use crate::model::client_file::{
    ActivityEvent, ActivityItem, ConsentChannel, ConsentSource, FileEvent,
};
use crate::model::labels::LabelKind;
use crate::model::ledger::TransactionView;

pub fn channel_text(i18n: I18nContext<Locale>, channel: ConsentChannel) -> String {
    match channel {
        ConsentChannel::Email => t_string!(i18n, consents.email).to_string(),
        ConsentChannel::Sms => t_string!(i18n, consents.sms).to_string(),
    }
}

pub fn source_text(i18n: I18nContext<Locale>, source: ConsentSource) -> String {
    match source {
        ConsentSource::Form => t_string!(i18n, consents.sources.form).to_string(),
        ConsentSource::Till => t_string!(i18n, consents.sources.till).to_string(),
        ConsentSource::Import => t_string!(i18n, consents.sources.import).to_string(),
        ConsentSource::Verbal => t_string!(i18n, consents.sources.verbal).to_string(),
        ConsentSource::Unsubscribe => t_string!(i18n, consents.sources.unsubscribe).to_string(),
    }
}

/// A client form field's label, from the code the audit log keeps.
fn field_label(i18n: I18nContext<Locale>, code: &str) -> String {
    match code {
        "civility" => t_string!(i18n, client_form.civility).to_string(),
        "first_name" => t_string!(i18n, client_form.first_name).to_string(),
        "last_name" => t_string!(i18n, client_form.last_name).to_string(),
        "email" => t_string!(i18n, client_form.email).to_string(),
        "phone" => t_string!(i18n, client_form.phone).to_string(),
        "address" => t_string!(i18n, client_form.address).to_string(),
        "postal_code" => t_string!(i18n, client_form.postal_code).to_string(),
        "city" => t_string!(i18n, client_form.city).to_string(),
        "birth_date" => t_string!(i18n, client_form.birth_date).to_string(),
        "note" => t_string!(i18n, client_form.note).to_string(),
        other => other.to_owned(),
    }
}

#[component]
pub fn ActivityTable(
    items: Vec<ActivityItem>,
    on_modify: Callback<TransactionView>,
) -> impl IntoView {
    let rows = items
        .into_iter()
        .map(|item| match item.event {
            ActivityEvent::Transaction(entry) => {
                view! { <TransactionRow entry show_client=false on_modify /> }.into_any()
            }
            ActivityEvent::File(event) => {
                view! { <FileEventRow at=item.at author=item.author_name event /> }.into_any()
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <LedgerTable show_client=false>{rows}</LedgerTable>
        </div>
    }
}

#[component]
fn FileEventRow(at: String, author: String, event: FileEvent) -> impl IntoView {
    let i18n = use_i18n();
    // A closure, so a language switch rewrites the labels.
    let describe = move || match &event {
        FileEvent::Note { body } => (
            "badge note",
            t_string!(i18n, activity.note).to_string(),
            body.clone(),
        ),
        FileEvent::Consent {
            channel,
            granted,
            source,
        } => {
            let channel = channel_text(i18n, *channel);
            let source = source_text(i18n, *source);
            let detail = if *granted {
                t_string!(i18n, activity.consent_granted, channel, source).to_string()
            } else {
                t_string!(i18n, activity.consent_withdrawn, channel, source).to_string()
            };
            (
                "badge consent",
                t_string!(i18n, activity.consent).to_string(),
                detail,
            )
        }
        FileEvent::Created => (
            "badge edit",
            t_string!(i18n, activity.created).to_string(),
            String::new(),
        ),
        FileEvent::Edited { fields } => {
            let fields = fields
                .iter()
                .map(|code| field_label(i18n, code))
                .collect::<Vec<_>>()
                .join(", ");
            (
                "badge edit",
                t_string!(i18n, activity.edited).to_string(),
                fields,
            )
        }
        FileEvent::Labelled { kind, name, added } => {
            let label = match (kind, added) {
                (LabelKind::Tag, true) => t_string!(i18n, activity.tag_added),
                (LabelKind::Tag, false) => t_string!(i18n, activity.tag_removed),
                (LabelKind::Group, true) => t_string!(i18n, activity.group_added),
                (LabelKind::Group, false) => t_string!(i18n, activity.group_removed),
            };
            ("badge edit", label.to_string(), name.clone())
        }
        FileEvent::Merged { from } => (
            "badge edit",
            t_string!(i18n, activity.merged).to_string(),
            from.clone(),
        ),
    };
    view! {
        <tr role="row">
            <td role="cell">{at}</td>
            <td role="cell" class="activity-detail">
                {move || {
                    let (badge_class, label, detail) = describe();
                    view! {
                        <span class=badge_class>{label}</span>
                        {(!detail.is_empty()).then(|| view! { " " <span class="note-text">{detail}</span> })}
                    }
                }}
            </td>
            <td role="cell"></td>
            <td role="cell"></td>
            <td role="cell" class="keep" data-label=move || t_string!(i18n, history.author)>
                {author}
            </td>
            <td role="cell"></td>
        </tr>
    }
}
