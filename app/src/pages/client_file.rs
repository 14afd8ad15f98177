//! A client's page: figures, contact details, consents, notes, and the activity timeline where a
//! transaction can be modified.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::{A, Redirect};
use leptos_router::hooks::use_params_map;

use crate::api::client_file::{add_note, client_activity};
use crate::api::clients::{get_client, unlink_phone};
use crate::api::labels::list_labels;
use crate::api::rewards::rewards_of_client;
use crate::components::activity_table::{ActivityTable, channel_text, source_text};
use crate::components::client_form::{ClientFormDialog, ClientFormMode};
use crate::components::consent_dialog::ConsentDialog;
use crate::components::country::place_line;
use crate::components::earned_rewards::EarnedRewards;
use crate::components::errors::{FormError, error_text};
use crate::components::field::{Field, field_problem};
use crate::components::form_state::FormState;
use crate::components::gift_cards::ClientGiftCards;
use crate::components::labels::{GroupPicker, LabelChips, TagEditor};
use crate::components::member_card::MemberCardSection;
use crate::components::merge_dialog::MergeDialog;
use crate::components::modify_dialog::ModifyDialog;
use crate::components::pager::Pager;
use crate::components::session::use_session;
use crate::components::store_credit::StoreCredit;
use crate::components::technical_sheets::TechnicalSheets;
use crate::components::terms::TermsStanding;
use crate::components::tickets::ClientVisitsSection;
use crate::components::transaction_dialog::{RedeemDialog, TransactionDialog};
use crate::i18n::*;
use crate::model::auth::Role;
use crate::model::client::ClientRow;
use crate::model::client_file::ClientDetail;
use crate::model::client_file::{ACTIVITY_PAGE_SIZE, ActivityFilter, ConsentStatus, NoteForm};
use crate::model::country::Country;
use crate::model::error::AppError;
use crate::model::labels::{LabelKind, ShopLabels};
use crate::model::ledger::{RecordOutcome, TransactionView};
use crate::model::money::format_euros;
use crate::model::routes;

#[derive(Clone, Debug, PartialEq)]
enum OpenDialog {
    None,
    Edit(Box<ClientDetail>),
    Record(ClientRow),
    Redeem(ClientRow),
    Modify(TransactionView),
    Consents(Vec<ConsentStatus>),
    Merge(ClientRow),
}

#[component]
pub fn ClientFilePage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let client_id = move || {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<i64>().ok())
    };
    // Bumped after every change, so the figures and the timeline are read again.
    let version = RwSignal::new(0u32);
    let filter = RwSignal::new(ActivityFilter::All);
    let page = RwSignal::new(0u64);
    let detail = Resource::new(
        move || (client_id(), version.get()),
        |(client_id, _)| async move {
            match client_id {
                Some(client_id) => get_client(client_id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    let activity = Resource::new(
        move || (client_id(), version.get(), filter.get(), page.get()),
        |(client_id, _, filter, page)| async move {
            match client_id {
                Some(client_id) => client_activity(client_id, filter, page).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    let shop_labels = Resource::new(move || version.get(), |_| list_labels());
    let rewards = Resource::new(
        move || (client_id(), version.get()),
        |(client_id, _)| async move {
            match client_id {
                Some(client_id) => rewards_of_client(client_id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    let dialog = RwSignal::new(OpenDialog::None);
    let close = Callback::new(move |()| dialog.set(OpenDialog::None));
    let refresh = move || {
        dialog.set(OpenDialog::None);
        version.update(|version| *version += 1);
    };
    let saved = Callback::new(move |_: ClientRow| refresh());
    let labels_changed = Callback::new(move |()| refresh());
    let changed = Callback::new(move |_: RecordOutcome| refresh());
    let rewards_changed = Callback::new(move |()| refresh());
    let session = use_session();
    let owner_signed_in = Signal::derive(
        move || matches!(session.user.get(), Some(Ok(Some(user))) if user.role == Role::Owner),
    );
    let consents_saved = Callback::new(move |_: Vec<ConsentStatus>| refresh());
    let note_added = Callback::new(move |()| {
        page.set(0);
        refresh();
    });
    let on_modify =
        Callback::new(move |entry: TransactionView| dialog.set(OpenDialog::Modify(entry)));
    let go_to_page = Callback::new(move |chosen: u64| page.set(chosen));
    let filter_options = move || {
        ActivityFilter::ALL
            .iter()
            .map(|option| {
                let option = *option;
                let label = move || match option {
                    ActivityFilter::All => t_string!(i18n, activity.filters.all),
                    ActivityFilter::Transactions => t_string!(i18n, activity.filters.transactions),
                    ActivityFilter::Notes => t_string!(i18n, activity.filters.notes),
                    ActivityFilter::Consents => t_string!(i18n, activity.filters.consents),
                    ActivityFilter::Edits => t_string!(i18n, activity.filters.edits),
                };
                view! { <option value=option.code() selected=move || filter.get() == option>{label}</option> }
            })
            .collect_view()
    };

    view! {
        <p>
            <A href=routes::CLIENTS>"← " {t!(i18n, client_file.back)}</A>
        </p>
        <Suspense fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
            {move || {
                detail
                    .get()
                    .map(|answer| match answer {
                        Err(failure) => view! { <p class="form-error" role="alert">{error_text(i18n, &failure)}</p> }.into_any(),
                        // The address of a merged file leads to the file it joined.
                        Ok(client) if client_id() != Some(client.row.id) => {
                            view! { <Redirect path=routes::client_file(client.row.id) /> }.into_any()
                        }
                        Ok(client) => view! { <ClientSummary client dialog refreshed=saved labels_changed shop_labels /> }.into_any(),
                    })
            }}
        </Suspense>
        <EarnedRewards earned=rewards owner=owner_signed_in on_claimed=changed on_changed=rewards_changed />
        {move || client_id().map(|client_id| view! { <StoreCredit client_id /> })}
        {move || client_id().map(|client_id| view! { <ClientGiftCards client_id /> })}
        {move || client_id().map(|client_id| view! { <TermsStanding client_id /> })}
        {move || client_id().map(|client_id| view! { <MemberCardSection client_id /> })}
        {move || client_id().map(|client_id| view! { <TechnicalSheets client_id /> })}
        {move || client_id().map(|client_id| view! { <ClientVisitsSection client_id /> })}
        {move || client_id().map(|client_id| view! { <NoteEditor client_id on_added=note_added /> })}
        <h2>{t!(i18n, client_file.activity)}</h2>
        <div class="field inline-field">
            <label for="activity-filter">{t!(i18n, activity.show)}</label>
            <select
                id="activity-filter"
                on:change=move |event| {
                    if let Some(chosen) = ActivityFilter::from_code(&event_target_value(&event)) {
                        filter.set(chosen);
                        page.set(0);
                    }
                }
            >
                {filter_options}
            </select>
        </div>
        <Suspense fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
            {move || {
                activity
                    .get()
                    .map(|answer| match answer {
                        Err(_) => ().into_any(),
                        Ok(found) if found.items.is_empty() => view! { <p>{t!(i18n, client_file.no_activity)}</p> }.into_any(),
                        Ok(found) => {
                            let count = found.total;
                            view! {
                                <p class="result-count" role="status">{move || t_string!(i18n, activity.total, count).to_string()}</p>
                                <ActivityTable items=found.items on_modify />
                                <Pager page=found.page total=count page_size=ACTIVITY_PAGE_SIZE on_page=go_to_page />
                            }
                            .into_any()
                        }
                    })
            }}
        </Suspense>
        {move || match dialog.get() {
            OpenDialog::None => None,
            OpenDialog::Edit(client) => {
                let mode = ClientFormMode::Edit { client_id: client.row.id, current: Box::new(client.form) };
                Some(view! { <ClientFormDialog mode on_close=close on_saved=saved /> }.into_any())
            }
            OpenDialog::Record(client) => Some(view! { <TransactionDialog client on_close=close on_recorded=changed /> }.into_any()),
            OpenDialog::Redeem(client) => Some(view! { <RedeemDialog client on_close=close on_redeemed=changed /> }.into_any()),
            OpenDialog::Modify(transaction) => Some(view! { <ModifyDialog transaction on_close=close on_modified=changed /> }.into_any()),
            OpenDialog::Merge(kept) => Some(view! { <MergeDialog kept on_close=close on_merged=saved /> }.into_any()),
            OpenDialog::Consents(current) => client_id().map(|client_id| {
                view! { <ConsentDialog client_id current on_close=close on_saved=consents_saved /> }.into_any()
            }),
        }}
    }
}

#[component]
fn ClientSummary(
    client: ClientDetail,
    dialog: RwSignal<OpenDialog>,
    refreshed: Callback<ClientRow>,
    labels_changed: Callback<()>,
    /// The shop's tags and groups, for the suggestions and the group checkboxes.
    shop_labels: Resource<Result<ShopLabels, AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let row = client.row.clone();
    let form = client.form.clone();
    let stats = client.stats.clone();
    let for_edit = client.clone();
    let for_record = row.clone();
    let for_redeem = row.clone();
    let for_merge = row.clone();
    let has_points = row.points_balance > 0;
    let consents = client.consents.clone();
    let for_consents = client.consents.clone();
    let client_id = row.id;
    let labels = row.labels.clone();
    let session = use_session();
    let owner_signed_in =
        move || matches!(session.user.get(), Some(Ok(Some(user))) if user.role == Role::Owner);
    let dash = || t_string!(i18n, common.none).to_string();
    let figure = move |value: Option<String>| value.unwrap_or_else(dash);
    view! {
        <h1>{row.full_name()}</h1>
        <dl class="summary">
            <div>
                <dt>{t!(i18n, client_file.balance)}</dt>
                <dd data-testid="balance">{row.points_balance}</dd>
            </div>
            <div>
                <dt>{t!(i18n, client_file.visits)}</dt>
                <dd data-testid="visits">{stats.visits}</dd>
            </div>
            <div>
                <dt>{t!(i18n, client_file.first_visit)}</dt>
                <dd>{figure(stats.first_visit.clone())}</dd>
            </div>
            <div>
                <dt>{t!(i18n, client_file.last_visit)}</dt>
                <dd>{figure(stats.last_visit.clone())}</dd>
            </div>
            <div>
                <dt>{t!(i18n, client_file.total_spent)}</dt>
                <dd data-testid="total-spent">{format_euros(stats.total_spent_cents)}</dd>
            </div>
            <div>
                <dt>{t!(i18n, client_file.average_basket)}</dt>
                <dd data-testid="average-basket">
                    {figure(stats.average_basket_cents.map(format_euros))}
                </dd>
            </div>
            <div>
                <dt>{t!(i18n, client_file.created)}</dt>
                <dd>{client.created_at.clone()}</dd>
            </div>
        </dl>
        <div class="actions actions-start">
            <button type="button" on:click=move |_| dialog.set(OpenDialog::Record(for_record.clone()))>
                {t!(i18n, client_file.add_transaction)}
            </button>
            <button
                type="button"
                class="secondary"
                disabled=!has_points
                on:click=move |_| dialog.set(OpenDialog::Redeem(for_redeem.clone()))
            >
                {t!(i18n, client_file.use_points)}
            </button>
            <button type="button" class="secondary" on:click=move |_| dialog.set(OpenDialog::Edit(Box::new(for_edit.clone())))>
                {t!(i18n, client_file.edit)}
            </button>
            {move || {
                let for_merge = for_merge.clone();
                owner_signed_in()
                    .then(|| {
                        view! {
                            <A href=format!("/journal?client={client_id}") attr:class="button secondary">
                                {t!(i18n, client_file.see_journal)}
                            </A>
                            <button type="button" class="secondary" on:click=move |_| dialog.set(OpenDialog::Merge(for_merge.clone()))>
                                {t!(i18n, merge.open)}
                            </button>
                        }
                    })
            }}
        </div>
        <h2>{t!(i18n, client_file.details)}</h2>
        <dl class="details">
            <dt>{t!(i18n, client_form.email)}</dt>
            <dd>{form.email.clone()}</dd>
            <dt>{t!(i18n, client_form.phone)}</dt>
            <dd>
                {if form.phone.is_empty() {
                    dash().into_any()
                } else {
                    view! { <PhoneLine client_id=row.id phone=form.phone.clone() on_unlinked=refreshed /> }.into_any()
                }}
            </dd>
            <dt>{t!(i18n, client_form.address)}</dt>
            <dd>
                {[form.address.clone(), place_line(i18n, &form.postal_code, &form.city, Country::from_stored(&form.country))]
                    .into_iter()
                    .filter(|part| !part.is_empty())
                    .collect::<Vec<_>>()
                    .join(", ")}
            </dd>
            <dt>{t!(i18n, client_form.birth_date)}</dt>
            <dd>{form.birth_date.clone()}</dd>
            <dt>{t!(i18n, client_form.note)}</dt>
            <dd class="note-text">{form.note.clone()}</dd>
        </dl>
        // Plain links: the browser saves the file, with or without the app's script.
        <p class="exports">
            <a href=format!("/export/client/{}/json", row.id) download rel="external">{t!(i18n, client_file.export_json)}</a>
            " · "
            <a href=format!("/export/client/{}/csv", row.id) download rel="external">{t!(i18n, client_file.export_csv)}</a>
        </p>
        <h2>{t!(i18n, labels.title)}</h2>
        <Transition>
            {move || {
                let labels = labels.clone();
                // Logging out from this page disposes the resource before this closure's last run.
                shop_labels
                    .try_get()
                    .flatten()
                    .and_then(Result::ok)
                    .map(|shop| {
                        let tags = shop.tags.into_iter().map(|counted| counted.label).collect();
                        let groups: Vec<_> = shop.groups.into_iter().map(|counted| counted.label).collect();
                        let client_groups: Vec<_> =
                            labels.iter().filter(|label| label.kind == LabelKind::Group).cloned().collect();
                        view! {
                            <TagEditor client_id labels=labels.clone() shop_tags=tags on_changed=labels_changed />
                            {if owner_signed_in() {
                                (!groups.is_empty())
                                    .then(|| view! { <GroupPicker client_id labels shop_groups=groups on_changed=labels_changed /> })
                                    .into_any()
                            } else {
                                (!client_groups.is_empty())
                                    .then(|| view! { <h3>{t!(i18n, labels.groups)}</h3> <LabelChips labels=client_groups /> })
                                    .into_any()
                            }}
                        }
                    })
            }}
        </Transition>
        <h2>{t!(i18n, consents.title)}</h2>
        <dl class="details" data-testid="consents">
            {consents.into_iter().map(|status| view! { <ConsentLine status /> }).collect_view()}
        </dl>
        <div class="actions actions-start">
            <button type="button" class="secondary" on:click=move |_| dialog.set(OpenDialog::Consents(for_consents.clone()))>
                {t!(i18n, consents.change)}
            </button>
        </div>
    }
}

/// The phone number, and unlinking it once the client says it is no longer theirs.
#[component]
fn PhoneLine(client_id: i64, phone: String, on_unlinked: Callback<ClientRow>) -> impl IntoView {
    let i18n = use_i18n();
    let confirming = RwSignal::new(false);
    let form = FormState::new();
    let unlink = move |_| {
        form.send(
            move || unlink_phone(client_id),
            move |row| on_unlinked.run(row),
        );
    };
    view! {
        <span>{phone.clone()}</span>
        " "
        {move || {
            if confirming.get() {
                let phone = phone.clone();
                view! {
                    <span class="confirm" role="group" aria-label=move || t_string!(i18n, client_file.unlink_phone)>
                        {move || {
                            let phone = phone.clone();
                            t_string!(i18n, client_file.unlink_question, phone).to_string()
                        }}
                        " "
                        <button type="button" class="danger" disabled=move || form.saving.get() on:click=unlink>
                            {t!(i18n, client_file.unlink_confirm)}
                        </button>
                        " "
                        <button type="button" class="secondary" on:click=move |_| confirming.set(false)>
                            {t!(i18n, common.cancel)}
                        </button>
                    </span>
                }
                .into_any()
            } else {
                view! {
                    <button type="button" class="link" on:click=move |_| confirming.set(true)>
                        {t!(i18n, client_file.unlink_phone)}
                    </button>
                }
                .into_any()
            }
        }}
        <FormError error=form.form_error() />
    }
}

#[component]
fn ConsentLine(status: ConsentStatus) -> impl IntoView {
    let i18n = use_i18n();
    let channel = status.channel;
    // A closure, so a language switch rewrites the sentence.
    let answer = move || match &status.latest {
        None => t_string!(i18n, consents.never_asked).to_string(),
        Some(answer) => {
            let when = answer.changed_at.clone();
            let source = source_text(i18n, answer.source);
            let author = answer.author_name.clone();
            if answer.granted {
                t_string!(i18n, consents.granted_on, when, source, author).to_string()
            } else {
                t_string!(i18n, consents.refused_on, when, source, author).to_string()
            }
        }
    };
    view! {
        <dt>{move || channel_text(i18n, channel)}</dt>
        <dd>{answer}</dd>
    }
}

/// A note typed on the client's page; it joins the timeline with its author and time.
#[component]
fn NoteEditor(client_id: i64, on_added: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let body = RwSignal::new(String::new());
    let form = FormState::new();
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        let note = NoteForm {
            client_id,
            body: body.get_untracked(),
        };
        if let Err(invalid) = note.validate() {
            form.error.set(Some(invalid));
            return;
        }
        form.send(
            move || add_note(note),
            move |()| {
                body.set(String::new());
                on_added.run(());
            },
        );
    };
    let error: Signal<Option<AppError>> = form.error.into();
    view! {
        <form class="note-editor" on:submit=submit novalidate>
            <Field
                id="body"
                label=move || t!(i18n, client_file.new_note)
                value=body
                problem=field_problem(error, "body")
                multiline=true
            />
            <FormError error=form.form_error() />
            <div class="actions actions-start">
                <button type="submit" disabled=move || form.saving.get()>{t!(i18n, client_file.add_note)}</button>
            </div>
        </form>
    }
}
