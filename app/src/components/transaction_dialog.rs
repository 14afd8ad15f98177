//! The till's dialog: points earned and, optionally, the amount spent. Keyboard first: it opens
//! with the points field focused and Enter saves.

use leptos::prelude::*;

use super::modal::Modal;
use super::points_form::PointsForm;
use crate::api::ledger::record_transaction;
use crate::i18n::*;
use crate::model::client::ClientRow;
use crate::model::ledger::{RecordOutcome, RecordRequest};

#[component]
pub fn TransactionDialog(
    client: ClientRow,
    on_close: Callback<()>,
    on_recorded: Callback<RecordOutcome>,
) -> impl IntoView {
    let i18n = use_i18n();
    let client_id = client.id;
    let name = client.full_name();
    view! {
        <Modal
            title_id="transaction-title"
            title=move || {
                let name = name.clone();
                t_string!(i18n, transaction.title, name).to_string()
            }
            on_close
        >
            <PointsForm
                send=move |form, idempotency_key| record_transaction(RecordRequest { client_id, form, idempotency_key })
                on_close
                on_saved=on_recorded
            />
        </Modal>
    }
}
