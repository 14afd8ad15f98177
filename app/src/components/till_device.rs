//! The till device: this browser's copy of the shop's clients, kept fresh while online, searched
//! when the network is gone; the transactions made at the till, kept in an outbox and sent oldest
//! first when the network is back (on start, on `online`, when the page is shown again, every
//! 30 s), each under the key made at the tap so the server records it once.

use std::future::Future;
use std::time::Duration;

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;
use wasm_bindgen::JsValue;

use super::device_store::{self as store, CLIENTS, META, OUTBOX, REFUSED, StoreError, Writes};
use crate::api::clients::changed_clients;
use crate::api::ledger::{record_transaction, redeem_points};
use crate::api::programme::current_programme;
use crate::model::auth::CurrentUser;
use crate::model::error::{AppError, FieldProblem};
use crate::model::ledger::{RecordOutcome, RecordRequest, RedeemRequest};
use crate::model::offline::{
    ClientChanges, DEVICE_RESULTS, DeviceClient, DeviceClients, RefusedTransaction, SendOutcome,
    SyncCursor, WaitingKind, WaitingTransaction, provisional_balance,
};
use crate::model::programme::Earning;

/// How often a device with transactions waiting tries to send them.
const RETRY_EVERY: Duration = Duration::from_secs(30);
/// Every how many retries the clients are synced again while the page stays open.
const SYNC_EVERY_RETRIES: u32 = 2;
/// The Web Lock that lets one tab of the browser send the outbox at a time.
const OUTBOX_LOCK: &str = "comptoir-outbox";

const USER_KEY: &str = "user";
const CURSOR_KEY: &str = "cursor";
const PARTIAL_KEY: &str = "partial";
const EARNING_KEY: &str = "earning";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceState {
    /// Reading what the device keeps.
    Starting,
    Ready,
    /// Offline, and no account used this device since its last logout.
    NoAccount,
    /// The browser keeps no data: the till works online only.
    Unavailable,
}

#[derive(Clone, Copy)]
pub struct TillDevice {
    clients: StoredValue<DeviceClients>,
    cursor: StoredValue<Option<SyncCursor>>,
    /// Moves each time the kept clients change: a search on screen runs again.
    pub revision: RwSignal<u64>,
    pub state: RwSignal<DeviceState>,
    pub online: RwSignal<bool>,
    /// The shop has more clients than the device keeps.
    pub partial: RwSignal<bool>,
    /// Oldest first.
    pub waiting: RwSignal<Vec<WaitingTransaction>>,
    pub refused: RwSignal<Vec<RefusedTransaction>>,
    /// Who the device works for: as the server says, or as kept when offline.
    pub user: RwSignal<Option<CurrentUser>>,
    /// The programme's rule as last read, so an earn offline follows it.
    pub earning: RwSignal<Option<Earning>>,
    busy: StoredValue<Busy>,
}

#[derive(Default)]
struct Busy {
    listening: bool,
    syncing: bool,
    flushing: bool,
}

pub fn provide_till_device() {
    provide_context(TillDevice {
        clients: StoredValue::new(DeviceClients::default()),
        cursor: StoredValue::new(None),
        revision: RwSignal::new(0),
        state: RwSignal::new(DeviceState::Starting),
        online: RwSignal::new(true),
        partial: RwSignal::new(false),
        waiting: RwSignal::new(Vec::new()),
        refused: RwSignal::new(Vec::new()),
        user: RwSignal::new(None),
        earning: RwSignal::new(None),
        busy: StoredValue::new(Busy::default()),
    });
}

pub fn use_till_device() -> TillDevice {
    expect_context::<TillDevice>()
}

/// The browser's clock: chrono's needs the `wasmbind` feature, which the server does not.
fn now() -> DateTime<Utc> {
    DateTime::from_timestamp_millis(js_sys::Date::now() as i64).unwrap_or_default()
}

fn same_account(one: &CurrentUser, other: &CurrentUser) -> bool {
    one.user_id == other.user_id && one.shop_id == other.shop_id
}

/// Oldest first in the outbox's key order.
fn outbox_key(transaction: &WaitingTransaction) -> JsValue {
    JsValue::from_str(&format!(
        "{:015}-{}",
        transaction.made_at.timestamp_millis(),
        transaction.idempotency_key
    ))
}

fn client_key(id: i64) -> JsValue {
    JsValue::from_f64(id as f64)
}

fn storage_failed(error: StoreError) -> AppError {
    web_sys::console::warn_1(&error.to_string().into());
    AppError::Communication(error.to_string())
}

impl TillDevice {
    /// Starts for the account the server signed in; a device last used by another account
    /// forgets that one's data first.
    pub fn start(self, user: CurrentUser) {
        let current = self.user.get_untracked();
        if current
            .as_ref()
            .is_some_and(|current| same_account(current, &user))
            && self.state.get_untracked() == DeviceState::Ready
        {
            return;
        }
        spawn_local(async move { self.open(Some(user)).await });
    }

    /// Starts from what the device kept: the server is out of reach.
    pub fn start_offline(self) {
        if self.state.get_untracked() == DeviceState::Ready {
            return;
        }
        spawn_local(async move { self.open(None).await });
    }

    async fn open(self, signed_in: Option<CurrentUser>) {
        if let Err(error) = self.load(signed_in).await {
            web_sys::console::warn_1(&error.to_string().into());
            self.state.set(DeviceState::Unavailable);
            return;
        }
        self.listen();
        if self.state.get_untracked() == DeviceState::Ready && self.online.get_untracked() {
            self.sync().await;
            self.flush().await;
        }
    }

    async fn load(self, signed_in: Option<CurrentUser>) -> Result<(), StoreError> {
        self.online.set(navigator_online());
        let kept: Option<CurrentUser> = store::get(META, USER_KEY).await?;
        let user = match (signed_in, kept) {
            (Some(signed_in), Some(kept)) if !same_account(&signed_in, &kept) => {
                store::delete_everything().await?;
                signed_in
            }
            (Some(signed_in), _) => signed_in,
            (None, Some(kept)) => kept,
            (None, None) => {
                self.state.set(DeviceState::NoAccount);
                return Ok(());
            }
        };
        let writes = Writes::begin(&[META]).await?;
        writes.put(META, &USER_KEY.into(), &user)?;
        writes.commit().await?;
        let clients: Vec<DeviceClient> = store::all(CLIENTS).await?;
        let waiting: Vec<WaitingTransaction> = store::all(OUTBOX).await?;
        let mut refused: Vec<RefusedTransaction> = store::all(REFUSED).await?;
        refused.sort_by_key(|refused| refused.transaction.made_at);
        self.cursor.set_value(store::get(META, CURSOR_KEY).await?);
        self.partial
            .set(store::get(META, PARTIAL_KEY).await?.unwrap_or(false));
        self.earning.set(store::get(META, EARNING_KEY).await?);
        self.clients.set_value(DeviceClients::new(clients));
        self.waiting.set(waiting);
        self.refused.set(refused);
        self.user.set(Some(user));
        self.revision.update(|revision| *revision += 1);
        self.state.set(DeviceState::Ready);
        Ok(())
    }

    /// The network's comings and goings, the page shown again, and the outbox's retries.
    fn listen(self) {
        let first = self
            .busy
            .try_update_value(|busy| !std::mem::replace(&mut busy.listening, true));
        if first != Some(true) {
            return;
        }
        let _ = window_event_listener(leptos::ev::online, move |_| {
            self.online.set(true);
            spawn_local(async move {
                self.sync().await;
                self.flush().await;
            });
        });
        let _ = window_event_listener(leptos::ev::offline, move |_| self.online.set(false));
        let _ = window_event_listener(leptos::ev::visibilitychange, move |_| {
            let shown = document().visibility_state() == web_sys::VisibilityState::Visible;
            if shown && navigator_online() {
                spawn_local(self.flush());
            }
        });
        let ticks = StoredValue::new(0u32);
        let _ = set_interval_with_handle(
            move || {
                if self.state.get_untracked() != DeviceState::Ready || !navigator_online() {
                    return;
                }
                ticks.update_value(|ticks| *ticks = ticks.wrapping_add(1));
                if !self.waiting.with_untracked(Vec::is_empty) {
                    spawn_local(self.flush());
                }
                if ticks.get_value().is_multiple_of(SYNC_EVERY_RETRIES) {
                    spawn_local(self.sync());
                }
            },
            RETRY_EVERY,
        );
    }

    /// The kept clients a search finds, as the server would (`model::offline`).
    pub fn search(self, text: &str) -> Vec<DeviceClient> {
        self.revision.track();
        self.clients.with_value(|kept| {
            kept.search(text, DEVICE_RESULTS)
                .into_iter()
                .cloned()
                .collect()
        })
    }

    pub fn kept_count(self) -> usize {
        self.revision.track();
        self.clients.with_value(DeviceClients::len)
    }

    /// The client's balance as the device knows it, with what waits to be sent.
    pub fn balance_of(self, client: &DeviceClient) -> i64 {
        self.waiting
            .with(|waiting| provisional_balance(&client.row, waiting))
    }

    /// Asks the server for the clients changed since the device's cursor, until none is left.
    pub async fn sync(self) {
        let started = self
            .busy
            .try_update_value(|busy| !std::mem::replace(&mut busy.syncing, true));
        if started != Some(true) {
            return;
        }
        loop {
            match changed_clients(self.cursor.get_value()).await {
                Ok(changes) => {
                    if let Err(error) = self.keep(&changes).await {
                        web_sys::console::warn_1(&error.to_string().into());
                        break;
                    }
                    if !changes.more {
                        break;
                    }
                }
                Err(failure) => {
                    self.failed(&failure);
                    break;
                }
            }
        }
        if let Ok(programme) = current_programme().await {
            let earning = programme.map_or(Earning::ByHand, |programme| programme.earning());
            self.earning.set(Some(earning));
            if let Ok(writes) = Writes::begin(&[META]).await
                && writes.put(META, &EARNING_KEY.into(), &earning).is_ok()
            {
                let _ = writes.commit().await;
            }
        }
        self.busy.update_value(|busy| busy.syncing = false);
    }

    async fn keep(self, changes: &ClientChanges) -> Result<(), StoreError> {
        // An answer that comes back after a logout is not kept.
        if !self.signed_in() {
            return Ok(());
        }
        let dropped = self
            .clients
            .try_update_value(|kept| kept.apply(changes))
            .unwrap_or_default();
        let writes = Writes::begin(&[CLIENTS, META]).await?;
        for client in &changes.clients {
            writes.put(CLIENTS, &client_key(client.row.id), client)?;
        }
        for id in changes.gone.iter().chain(&dropped) {
            writes.delete(CLIENTS, &client_key(*id))?;
        }
        writes.put(META, &CURSOR_KEY.into(), &changes.next)?;
        writes.put(META, &PARTIAL_KEY.into(), &changes.partial)?;
        writes.commit().await?;
        self.cursor.set_value(Some(changes.next));
        self.partial.set(changes.partial);
        if !changes.clients.is_empty() || !changes.gone.is_empty() {
            self.revision.update(|revision| *revision += 1);
        }
        Ok(())
    }

    fn signed_in(self) -> bool {
        self.user.with_untracked(Option::is_some)
    }

    fn failed(self, failure: &AppError) {
        if matches!(failure, AppError::Communication(_)) {
            self.online.set(false);
        }
    }

    /// Puts a transaction made at the till in the outbox, and sends it at once if it can.
    pub async fn queue(
        self,
        client: &DeviceClient,
        kind: WaitingKind,
        points: i64,
        idempotency_key: Uuid,
    ) -> Result<WaitingTransaction, AppError> {
        // The same key twice (a double tap) is one transaction.
        if let Some(queued) = self.waiting.with_untracked(|waiting| {
            waiting
                .iter()
                .find(|queued| queued.idempotency_key == idempotency_key)
                .cloned()
        }) {
            return Ok(queued);
        }
        let balance = self.balance_of(client);
        if points < 0 && balance + points < 0 {
            // As the server says it, next to the field.
            return Err(AppError::invalid(
                "points",
                FieldProblem::NotEnoughPoints { balance },
            ));
        }
        let transaction = WaitingTransaction {
            idempotency_key,
            client_id: client.row.id,
            client_name: client.row.full_name(),
            kind,
            points,
            made_at: now(),
        };
        let writes = Writes::begin(&[OUTBOX]).await.map_err(storage_failed)?;
        writes
            .put(OUTBOX, &outbox_key(&transaction), &transaction)
            .map_err(storage_failed)?;
        writes.commit().await.map_err(storage_failed)?;
        self.waiting
            .update(|waiting| waiting.push(transaction.clone()));
        if navigator_online() {
            spawn_local(self.flush());
        }
        Ok(transaction)
    }

    /// Sends the outbox, oldest first, in one tab of the browser at a time; stops at the first
    /// transaction that cannot be sent now (it keeps its place).
    pub fn flush(self) -> impl Future<Output = ()> + 'static {
        exclusively(OUTBOX_LOCK, async move {
            let started = self
                .busy
                .try_update_value(|busy| !std::mem::replace(&mut busy.flushing, true));
            if started != Some(true) {
                return;
            }
            if let Err(error) = self.send_waiting().await {
                web_sys::console::warn_1(&error.to_string().into());
            }
            self.busy.update_value(|busy| busy.flushing = false);
        })
    }

    async fn send_waiting(self) -> Result<(), StoreError> {
        if !self.signed_in() {
            return Ok(());
        }
        // Another tab may have sent some meanwhile: the outbox as stored is the truth.
        let waiting: Vec<WaitingTransaction> = store::all(OUTBOX).await?;
        self.waiting.set(waiting.clone());
        for transaction in waiting {
            let answer = send(&transaction).await;
            let outcome = SendOutcome::of(&answer.as_ref().map(|_| ()).map_err(Clone::clone));
            let writes = match outcome {
                SendOutcome::Later => {
                    if let Err(failure) = &answer {
                        self.failed(failure);
                    }
                    return Ok(());
                }
                SendOutcome::Recorded => {
                    let writes = Writes::begin(&[OUTBOX, CLIENTS]).await?;
                    if let Ok(outcome) = &answer {
                        self.recorded(&writes, outcome)?;
                    }
                    writes
                }
                SendOutcome::Refused => {
                    let refused = RefusedTransaction {
                        transaction: transaction.clone(),
                        reason: answer.err().unwrap_or(AppError::Internal),
                        refused_at: now(),
                    };
                    let writes = Writes::begin(&[OUTBOX, REFUSED]).await?;
                    writes.put(
                        REFUSED,
                        &transaction.idempotency_key.to_string().into(),
                        &refused,
                    )?;
                    self.refused.update(|list| list.push(refused));
                    writes
                }
            };
            writes.delete(OUTBOX, &outbox_key(&transaction))?;
            writes.commit().await?;
            self.waiting.update(|waiting| {
                waiting.retain(|queued| queued.idempotency_key != transaction.idempotency_key);
            });
        }
        Ok(())
    }

    /// The client as the server has it after a transaction was recorded.
    fn recorded(self, writes: &Writes, outcome: &RecordOutcome) -> Result<(), StoreError> {
        let updated = self.clients.try_update_value(|kept| {
            let mut client = kept.get(outcome.client.id)?.clone();
            client.row = outcome.client.clone();
            kept.put(client.clone());
            Some(client)
        });
        if let Some(Some(client)) = updated {
            writes.put(CLIENTS, &client_key(client.row.id), &client)?;
            self.revision.update(|revision| *revision += 1);
        }
        Ok(())
    }

    /// Staff dealt with a refused transaction: it leaves the list.
    pub async fn dismiss(self, idempotency_key: Uuid) -> Result<(), AppError> {
        let writes = Writes::begin(&[REFUSED]).await.map_err(storage_failed)?;
        writes
            .delete(REFUSED, &idempotency_key.to_string().into())
            .map_err(storage_failed)?;
        writes.commit().await.map_err(storage_failed)?;
        self.refused.update(|list| {
            list.retain(|refused| refused.transaction.idempotency_key != idempotency_key);
        });
        Ok(())
    }

    /// Forgets everything the device keeps: at logout.
    pub async fn forget_everything(self) {
        self.user.set(None);
        if let Err(error) = store::delete_everything().await {
            web_sys::console::warn_1(&error.to_string().into());
        }
        self.clients.set_value(DeviceClients::default());
        self.cursor.set_value(None);
        self.waiting.set(Vec::new());
        self.refused.set(Vec::new());
        self.earning.set(None);
        self.partial.set(false);
        self.state.set(DeviceState::Starting);
        self.revision.update(|revision| *revision += 1);
    }
}

async fn send(transaction: &WaitingTransaction) -> Result<RecordOutcome, AppError> {
    let client_id = transaction.client_id;
    let idempotency_key = transaction.idempotency_key;
    match &transaction.kind {
        WaitingKind::Earn(form) => {
            record_transaction(RecordRequest {
                client_id,
                form: form.clone(),
                idempotency_key,
            })
            .await
        }
        WaitingKind::Redeem { points } => {
            redeem_points(RedeemRequest {
                client_id,
                points: points.to_string(),
                idempotency_key,
            })
            .await
        }
    }
}

fn navigator_online() -> bool {
    web_sys::window().is_none_or(|window| window.navigator().on_line())
}

/// Runs `work` holding the browser-wide Web Lock `name` (other tabs wait); without Web Locks,
/// runs it at once.
fn exclusively(
    name: &'static str,
    work: impl Future<Output = ()> + 'static,
) -> impl Future<Output = ()> + 'static {
    use wasm_bindgen::JsCast;
    use wasm_bindgen::prelude::Closure;
    async move {
        let locks = web_sys::window()
            .and_then(|window| js_sys::Reflect::get(&window.navigator(), &"locks".into()).ok())
            .filter(|locks| !locks.is_undefined());
        let request = locks.as_ref().and_then(|locks| {
            js_sys::Reflect::get(locks, &"request".into())
                .ok()?
                .dyn_into::<js_sys::Function>()
                .ok()
        });
        let (Some(locks), Some(request)) = (locks, request) else {
            work.await;
            return;
        };
        let held = Closure::once_into_js(move |_lock: JsValue| {
            wasm_bindgen_futures::future_to_promise(async move {
                work.await;
                Ok(JsValue::UNDEFINED)
            })
        });
        if let Ok(promise) = request.call2(&locks, &name.into(), &held)
            && let Ok(promise) = promise.dyn_into::<js_sys::Promise>()
        {
            let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
        }
    }
}

/// "Hors ligne · 2 en attente d'envoi". In the header of every page it shows only while the
/// network is gone or transactions wait, as a link to the till; the till shows it always.
#[component]
pub fn DeviceStatus(
    /// A link to the till, shown only when there is something to say.
    #[prop(optional)]
    link: bool,
) -> impl IntoView {
    use leptos_router::components::A;

    use crate::i18n::*;
    use crate::model::routes;
    let i18n = use_i18n();
    let device = use_till_device();
    move || {
        let online = device.online.get();
        let count = device.waiting.with(Vec::len);
        if link && online && count == 0 {
            return None;
        }
        let text = move || {
            let state = if online {
                t_string!(i18n, till.online)
            } else {
                t_string!(i18n, till.offline)
            };
            match count {
                0 => state.to_string(),
                _ => format!("{state} · {}", t_string!(i18n, till.waiting_count, count)),
            }
        };
        let status =
            view! { <span class="device-status" class:offline=!online role="status">{text}</span> };
        Some(if link {
            view! { <A href=routes::TILL attr:class="device-link">{status}</A> }.into_any()
        } else {
            status.into_any()
        })
    }
}
