//! "Caisse": the till that keeps working without a network. It searches the clients this device
//! keeps and puts each transaction in the device's outbox, sent at once when online and later
//! otherwise. Its page, as the server renders it, holds no one's data: the service worker keeps
//! it and opens it when the network is gone; everything is drawn in the browser.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use uuid::Uuid;

use crate::api::auth::signed_in_user;
use crate::components::country::place_line;
use crate::components::errors::{error_text, problem_text};
use crate::components::modal::Modal;
use crate::components::points_form::PointsForm;
use crate::components::session::use_session;
use crate::components::till_device::{DeviceState, DeviceStatus, TillDevice, use_till_device};
use crate::i18n::*;
use crate::model::cards::card_in;
use crate::model::error::AppError;
use crate::model::ledger::TransactionForm;
use crate::model::offline::{DeviceClient, RefusedTransaction, WaitingKind, WaitingTransaction};
use crate::model::programme::Earning;
use crate::model::routes;

#[component]
pub fn TillPage() -> impl IntoView {
    let i18n = use_i18n();
    let device = use_till_device();
    let navigate = use_navigate();
    let session = use_session();
    // Drawn once in the browser: what the server rendered (and the worker kept) is the frame.
    let mounted = RwSignal::new(false);
    Effect::new(move |_| {
        mounted.set(true);
        let navigate = navigate.clone();
        spawn_local(async move {
            let answer = signed_in_user().await;
            // The kept page was rendered for no one: the other pages follow the server's answer.
            if answer.is_ok() {
                session.user.set(Some(answer.clone()));
            }
            match answer {
                Ok(Some(user)) if user.role.in_shop() => device.start(user),
                Ok(Some(user)) => navigate(user.role.home(), Default::default()),
                Ok(None) => navigate(routes::LOGIN, Default::default()),
                // The server out of reach: the device works with what it kept.
                Err(_) => device.start_offline(),
            }
        });
    });
    let body = move || {
        if !mounted.get() {
            return view! { <p class="loading">{t!(i18n, till.opening)}</p> }.into_any();
        }
        match device.state.get() {
            DeviceState::Starting => {
                view! { <p class="loading">{t!(i18n, till.opening)}</p> }.into_any()
            }
            DeviceState::NoAccount => view! {
                <h2>{t!(i18n, till.no_connection)}</h2>
                <p>{t!(i18n, till.no_account)}</p>
                <p><A href=routes::LOGIN>{t!(i18n, login.title)}</A></p>
            }
            .into_any(),
            DeviceState::Unavailable => {
                view! { <p class="form-error" role="alert">{t!(i18n, till.unavailable)}</p> }
                    .into_any()
            }
            DeviceState::Ready => view! { <TillDesk device /> }.into_any(),
        }
    };
    view! {
        <header class="app-header till-header">
            <span class="brand">
                {move || {
                    device
                        .user
                        .get()
                        .map_or_else(|| "Comptoir".to_owned(), |user| user.shop_name)
                }}
            </span>
            // The other pages need the server; they are loaded from it whole, with the session
            // (this page may have been opened from the worker's copy, rendered for no one).
            <nav aria-label=move || t_string!(i18n, nav.main)>
                {move || {
                    device
                        .online
                        .get()
                        .then(|| view! { <a href=routes::CLIENTS class="primary" rel="external">{t!(i18n, nav.clients)}</a> })
                }}
            </nav>
            {move || mounted.get().then(|| view! { <DeviceStatus /> })}
        </header>
        <main class="till">
            <h1>{t!(i18n, till.title)}</h1>
            {body}
        </main>
    }
}

#[derive(Clone, PartialEq)]
enum TillDialog {
    Earn(DeviceClient),
    Redeem(DeviceClient),
}

#[component]
fn TillDesk(device: TillDevice) -> impl IntoView {
    let i18n = use_i18n();
    let text = RwSignal::new(String::new());
    let found = Memo::new(move |_| device.search(&text.read()));
    let dialog = RwSignal::new(None::<TillDialog>);
    let notice = RwSignal::new(None::<String>);
    // A card scanned (a scanner types it and Enter): its client's dialog opens, the box empties.
    let on_keydown = move |event: leptos::ev::KeyboardEvent| {
        if event.key() != "Enter" {
            return;
        }
        event.prevent_default();
        if card_in(&text.get_untracked()).is_some()
            && let [client] = found.get_untracked().as_slice()
        {
            dialog.set(Some(TillDialog::Earn(client.clone())));
            text.set(String::new());
        }
    };
    let saved = Callback::new(move |transaction: WaitingTransaction| {
        dialog.set(None);
        let name = transaction.client_name;
        let points = transaction.points;
        notice.set(Some(t_string!(i18n, till.queued, name, points).to_string()));
    });
    let close = Callback::new(move |()| dialog.set(None));
    let kept = move || {
        let count = device.kept_count();
        t_string!(i18n, till.kept, count).to_string()
    };
    view! {
        <p class="device-kept">
            {kept}
            {move || device.partial.get().then(|| view! { " " {t!(i18n, till.partial)} })}
        </p>
        <div class="search">
            <label for="till-search">{t!(i18n, clients.search)}</label>
            <input
                id="till-search"
                type="search"
                autocomplete="off"
                autofocus=true
                placeholder=move || t_string!(i18n, clients.search_hint)
                prop:value=move || text.get()
                on:input=move |event| text.set(event_target_value(&event))
                on:keydown=on_keydown
            />
        </div>
        <p class="till-notice" role="status">{move || notice.get()}</p>
        {move || {
            let found = found.get();
            if found.is_empty() {
                return view! { <p>{t!(i18n, till.empty)}</p> }.into_any();
            }
            view! {
                <ul class="client-list" aria-label=move || t_string!(i18n, clients.list)>
                    {found
                        .into_iter()
                        .map(|client| view! { <TillCard client device dialog /> })
                        .collect_view()}
                </ul>
            }
            .into_any()
        }}
        <RefusedList device />
        <WaitingList device />
        {move || {
            dialog
                .get()
                .map(|open| {
                    let (client, uses_points) = match open {
                        TillDialog::Earn(client) => (client, false),
                        TillDialog::Redeem(client) => (client, true),
                    };
                    view! { <TillTransaction client device uses_points on_close=close on_saved=saved /> }
                })
        }}
    }
}

#[component]
fn TillCard(
    client: DeviceClient,
    device: TillDevice,
    dialog: RwSignal<Option<TillDialog>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let name = client.row.full_name();
    let label = move |earn: bool| {
        let name = name.clone();
        Signal::derive(move || {
            let name = name.clone();
            if earn {
                t_string!(i18n, till.add_points, name).to_string()
            } else {
                t_string!(i18n, till.use_points, name).to_string()
            }
        })
    };
    let (add_label, use_label) = (label(true), label(false));
    let row = client.row.clone();
    let known = client.row.points_balance;
    let balance = {
        let client = client.clone();
        Memo::new(move |_| device.balance_of(&client))
    };
    let (for_earn, for_redeem) = (client.clone(), client);
    view! {
        <li class="client-card" data-client-id=row.id>
            <div class="identity">
                <div class="name">{row.full_name()}</div>
                <div class="meta">
                    <span>{row.email.clone()}</span>
                    {row.phone.clone().map(|phone| view! { <span>{phone}</span> })}
                </div>
            </div>
            <div class="meta">
                {place_line(i18n, row.postal_code.as_deref().unwrap_or_default(), row.city.as_deref().unwrap_or_default(), row.country)}
            </div>
            <div class="points">
                <span class="visually-hidden">{t!(i18n, clients.points_label)} " "</span>
                {move || {
                    let points = balance.get();
                    t_string!(i18n, clients.points, points).to_string()
                }}
                {move || {
                    let points = balance.get() - known;
                    (points != 0)
                        .then(|| {
                            let points = format!("{points:+}");
                            view! {
                                <span class="badge pending">
                                    {move || {
                                        let points = points.clone();
                                        t_string!(i18n, till.pending_points, points).to_string()
                                    }}
                                </span>
                            }
                        })
                }}
            </div>
            <div class="row-actions">
                <button
                    type="button"
                    class="icon-button"
                    aria-label=use_label
                    title=use_label
                    on:click=move |_| dialog.set(Some(TillDialog::Redeem(for_redeem.clone())))
                >
                    "−"
                </button>
                <button
                    type="button"
                    class="icon-button"
                    aria-label=add_label
                    title=add_label
                    on:click=move |_| dialog.set(Some(TillDialog::Earn(for_earn.clone())))
                >
                    "+"
                </button>
            </div>
        </li>
    }
}

/// The till's dialog for points earned or used: the same form as online, saved to the outbox.
#[component]
fn TillTransaction(
    client: DeviceClient,
    device: TillDevice,
    /// Points used, rather than earned.
    uses_points: bool,
    on_close: Callback<()>,
    on_saved: Callback<WaitingTransaction>,
) -> impl IntoView {
    let i18n = use_i18n();
    let name = client.row.full_name();
    // The rule as last read online; points typed when the device never read one (the server
    // applies its rule anyway).
    let earning = device.earning.get_untracked().unwrap_or(Earning::ByHand);
    let balance = {
        let client = client.clone();
        Memo::new(move |_| device.balance_of(&client))
    };
    let client = StoredValue::new(client);
    let send = move |form: TransactionForm, key: Uuid| async move {
        let (kind, points) = if uses_points {
            let points = form.validate()?.points;
            (WaitingKind::Redeem { points }, -points)
        } else {
            let points = earning.values(&form)?.points;
            (WaitingKind::Earn(form), points)
        };
        device.queue(&client.get_value(), kind, points, key).await
    };
    let title = move || {
        let name = name.clone();
        if uses_points {
            t_string!(i18n, transaction.redeem_title, name).to_string()
        } else {
            t_string!(i18n, transaction.title, name).to_string()
        }
    };
    view! {
        <Modal title_id="till-transaction-title" title on_close>
            {uses_points
                .then(|| {
                    view! {
                        <p>
                            {move || {
                                let points = balance.get();
                                t_string!(i18n, till.balance_known, points).to_string()
                            }}
                        </p>
                    }
                })}
            <PointsForm uses_points earning send on_close on_saved />
        </Modal>
    }
}

/// Transactions made on this device and not yet recorded by the server.
#[component]
fn WaitingList(device: TillDevice) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        let waiting = device.waiting.get();
        (!waiting.is_empty()).then(|| {
            view! {
                <section class="till-waiting" aria-labelledby="till-waiting-title">
                    <h2 id="till-waiting-title">{t!(i18n, till.waiting_title)}</h2>
                    <ul>
                        {waiting
                            .into_iter()
                            .map(|transaction| view! { <li>{waiting_line(i18n, &transaction)}</li> })
                            .collect_view()}
                    </ul>
                </section>
            }
        })
    }
}

fn waiting_line(
    i18n: leptos_i18n::I18nContext<Locale>,
    transaction: &WaitingTransaction,
) -> impl IntoView + use<> {
    let name = transaction.client_name.clone();
    let points = format!("{:+}", transaction.points);
    let moment = format_moment(transaction);
    move || {
        let (name, points, moment) = (name.clone(), points.clone(), moment.clone());
        t_string!(i18n, till.waiting_line, name, points, moment).to_string()
    }
}

/// `05/12 14:32`, in the device's time zone.
fn format_moment(transaction: &WaitingTransaction) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(
        transaction.made_at.timestamp_millis() as f64,
    ));
    format!(
        "{:02}/{:02} {:02}:{:02}",
        date.get_date(),
        date.get_month() + 1,
        date.get_hours(),
        date.get_minutes()
    )
}

/// Why the server refused: each field's problem when it named one (`Le client n'a que 9 points.`).
fn refusal_text(i18n: leptos_i18n::I18nContext<Locale>, reason: &AppError) -> String {
    match reason.field_errors() {
        Some(errors) if !errors.is_empty() => errors
            .0
            .iter()
            .map(|(_, problem)| problem_text(i18n, problem))
            .collect::<Vec<_>>()
            .join(" "),
        _ => error_text(i18n, reason),
    }
}

/// Transactions the server refused when they were sent: staff settle them with the client.
#[component]
fn RefusedList(device: TillDevice) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        let refused = device.refused.get();
        (!refused.is_empty()).then(|| {
            view! {
                <section class="till-refused" aria-labelledby="till-refused-title">
                    <h2 id="till-refused-title">{t!(i18n, till.refused_title)}</h2>
                    <p>{t!(i18n, till.refused_help)}</p>
                    <ul>
                        {refused
                            .into_iter()
                            .map(|refused| view! { <RefusedLine refused device /> })
                            .collect_view()}
                    </ul>
                </section>
            }
        })
    }
}

#[component]
fn RefusedLine(refused: RefusedTransaction, device: TillDevice) -> impl IntoView {
    let i18n = use_i18n();
    let key = refused.transaction.idempotency_key;
    let reason: AppError = refused.reason.clone();
    let failure = RwSignal::new(None::<AppError>);
    let dismiss = move |_| {
        spawn_local(async move {
            if let Err(error) = device.dismiss(key).await {
                failure.set(Some(error));
            }
        });
    };
    view! {
        <li>
            <span>{waiting_line(i18n, &refused.transaction)}</span>
            " — "
            <span class="form-error">{move || refusal_text(i18n, &reason)}</span>
            " "
            <button type="button" class="secondary" on:click=dismiss>{t!(i18n, till.dismiss)}</button>
            {move || failure.get().map(|failure| view! { <span role="alert">{error_text(i18n, &failure)}</span> })}
        </li>
    }
}
