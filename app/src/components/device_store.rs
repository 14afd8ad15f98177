//! What a till device keeps in its browser's IndexedDB: the shop's clients (`model::offline`),
//! the transactions waiting to be sent, those the server refused, and who is signed in. Values
//! are stored as JSON text under explicit keys; the database is deleted whole at logout.

use std::cell::RefCell;

use js_sys::{Array, Function, Promise};
use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbObjectStore, IdbRequest, IdbTransaction, IdbTransactionMode};

const DATABASE: &str = "comptoir-till";
const VERSION: u32 = 1;
/// A client's row by id.
pub const CLIENTS: &str = "clients";
/// Transactions waiting to be sent, keyed so the oldest comes first.
pub const OUTBOX: &str = "outbox";
/// Transactions the server refused, by idempotency key.
pub const REFUSED: &str = "refused";
/// Who is signed in, the sync cursor, the programme's rule.
pub const META: &str = "meta";
const STORES: [&str; 4] = [CLIENTS, OUTBOX, REFUSED, META];

#[derive(Debug, Clone, thiserror::Error)]
pub enum StoreError {
    /// No IndexedDB here (an old browser, some private modes): the till works online only.
    #[error("this browser keeps no data")]
    Unavailable,
    #[error("device storage failed: {0}")]
    Failed(String),
}

impl From<JsValue> for StoreError {
    fn from(value: JsValue) -> Self {
        let text = value
            .dyn_ref::<js_sys::Error>()
            .map(|error| String::from(error.message()))
            .or_else(|| {
                value
                    .dyn_ref::<web_sys::DomException>()
                    .map(|error| error.message())
            })
            .or_else(|| value.as_string())
            .unwrap_or_else(|| format!("{value:?}"));
        Self::Failed(text)
    }
}

thread_local! {
    /// The open connection: one per page, reused by every read and write.
    static OPEN: RefCell<Option<IdbDatabase>> = const { RefCell::new(None) };
}

/// Waits for a request's answer.
async fn answer(request: &IdbRequest) -> Result<JsValue, StoreError> {
    let promise = Promise::new(&mut |resolve: Function, reject: Function| {
        let done = request.clone();
        let on_success = Closure::once_into_js(move || {
            let _ = resolve.call1(&JsValue::UNDEFINED, &done.result().unwrap_or_default());
        });
        let failed = request.clone();
        let on_error = Closure::once_into_js(move || {
            let error = failed
                .error()
                .ok()
                .flatten()
                .map_or(JsValue::UNDEFINED, JsValue::from);
            let _ = reject.call1(&JsValue::UNDEFINED, &error);
        });
        request.set_onsuccess(Some(on_success.unchecked_ref()));
        request.set_onerror(Some(on_error.unchecked_ref()));
    });
    Ok(JsFuture::from(promise).await?)
}

/// Waits for a write transaction to be stored for good.
async fn committed(transaction: &IdbTransaction) -> Result<(), StoreError> {
    let promise = Promise::new(&mut |resolve: Function, reject: Function| {
        let on_complete = Closure::once_into_js(move || {
            let _ = resolve.call0(&JsValue::UNDEFINED);
        });
        let failed = transaction.clone();
        let reject_too = reject.clone();
        let on_error = Closure::once_into_js(move || {
            let error = failed.error().map_or(JsValue::UNDEFINED, JsValue::from);
            let _ = reject.call1(&JsValue::UNDEFINED, &error);
        });
        let on_abort = Closure::once_into_js(move || {
            let _ = reject_too.call1(&JsValue::UNDEFINED, &"aborted".into());
        });
        transaction.set_oncomplete(Some(on_complete.unchecked_ref()));
        transaction.set_onerror(Some(on_error.unchecked_ref()));
        transaction.set_onabort(Some(on_abort.unchecked_ref()));
    });
    JsFuture::from(promise).await?;
    Ok(())
}

fn factory() -> Result<web_sys::IdbFactory, StoreError> {
    web_sys::window()
        .and_then(|window| window.indexed_db().ok().flatten())
        .ok_or(StoreError::Unavailable)
}

async fn database() -> Result<IdbDatabase, StoreError> {
    if let Some(open) = OPEN.with_borrow(Clone::clone) {
        return Ok(open);
    }
    let request = factory()?.open_with_u32(DATABASE, VERSION)?;
    let upgrading = request.clone();
    let on_upgrade = Closure::once_into_js(move || {
        if let Ok(database) = upgrading.result().and_then(JsCast::dyn_into::<IdbDatabase>) {
            let existing = database.object_store_names();
            for store in STORES {
                if !existing.contains(store) {
                    let _ = database.create_object_store(store);
                }
            }
        }
    });
    request.set_onupgradeneeded(Some(on_upgrade.unchecked_ref()));
    let database: IdbDatabase = answer(&request).await?.dyn_into()?;
    // Another tab deleting the database (its user logged out) must not wait for this one.
    let closing = database.clone();
    let on_version_change = Closure::<dyn Fn()>::new(move || {
        closing.close();
        OPEN.with_borrow_mut(|open| *open = None);
    });
    database.set_onversionchange(Some(on_version_change.as_ref().unchecked_ref()));
    on_version_change.forget();
    OPEN.with_borrow_mut(|open| *open = Some(database.clone()));
    Ok(database)
}

fn store_in(transaction: &IdbTransaction, store: &str) -> Result<IdbObjectStore, StoreError> {
    Ok(transaction.object_store(store)?)
}

/// One write transaction over the stores named.
pub struct Writes {
    transaction: IdbTransaction,
}

impl Writes {
    pub async fn begin(stores: &[&str]) -> Result<Self, StoreError> {
        let names = Array::new();
        for store in stores {
            names.push(&JsValue::from_str(store));
        }
        let transaction = database()
            .await?
            .transaction_with_str_sequence_and_mode(&names, IdbTransactionMode::Readwrite)?;
        Ok(Self { transaction })
    }

    pub fn put(
        &self,
        store: &str,
        key: &JsValue,
        value: &impl Serialize,
    ) -> Result<(), StoreError> {
        let text =
            serde_json::to_string(value).map_err(|error| StoreError::Failed(error.to_string()))?;
        store_in(&self.transaction, store)?.put_with_key(&JsValue::from_str(&text), key)?;
        Ok(())
    }

    pub fn delete(&self, store: &str, key: &JsValue) -> Result<(), StoreError> {
        store_in(&self.transaction, store)?.delete(key)?;
        Ok(())
    }

    pub fn clear(&self, store: &str) -> Result<(), StoreError> {
        store_in(&self.transaction, store)?.clear()?;
        Ok(())
    }

    pub async fn commit(self) -> Result<(), StoreError> {
        committed(&self.transaction).await
    }
}

/// Every value of a store, in its keys' order; values no longer readable are skipped.
pub async fn all<T: DeserializeOwned>(store: &str) -> Result<Vec<T>, StoreError> {
    let transaction = database().await?.transaction_with_str(store)?;
    let values = answer(&store_in(&transaction, store)?.get_all()?).await?;
    Ok(Array::from(&values)
        .iter()
        .filter_map(|value| value.as_string())
        .filter_map(|text| serde_json::from_str(&text).ok())
        .collect())
}

/// One value, if stored and readable.
pub async fn get<T: DeserializeOwned>(store: &str, key: &str) -> Result<Option<T>, StoreError> {
    let transaction = database().await?.transaction_with_str(store)?;
    let value = answer(&store_in(&transaction, store)?.get(&JsValue::from_str(key))?).await?;
    Ok(value
        .as_string()
        .and_then(|text| serde_json::from_str(&text).ok()))
}

/// Deletes everything the device keeps: at logout, and before another account uses the device.
pub async fn delete_everything() -> Result<(), StoreError> {
    if let Some(open) = OPEN.with_borrow_mut(Option::take) {
        open.close();
    }
    let request = factory()?.delete_database(DATABASE)?;
    answer(&request).await?;
    Ok(())
}
