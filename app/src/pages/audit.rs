//! The owner's audit log: sign-ins, password changes, client edits and transactions, newest
//! first, filtered by event and days.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::audit::audit_log;
use crate::components::day_range::DayRangeFields;
use crate::components::errors::error_text;
use crate::components::pager::Pager;
use crate::i18n::*;
use crate::model::audit::{AUDIT_PAGE_SIZE, AuditEntryView, AuditFilter, AuditKind};
use crate::model::routes;

fn kind_label(i18n: leptos_i18n::I18nContext<Locale>, kind: AuditKind) -> String {
    match kind {
        AuditKind::LoginSucceeded => t_string!(i18n, audit.kinds.login_succeeded),
        AuditKind::LoginFailed => t_string!(i18n, audit.kinds.login_failed),
        AuditKind::LoginThrottled => t_string!(i18n, audit.kinds.login_throttled),
        AuditKind::Logout => t_string!(i18n, audit.kinds.logout),
        AuditKind::PasswordResetRequested => t_string!(i18n, audit.kinds.password_reset_requested),
        AuditKind::PasswordChanged => t_string!(i18n, audit.kinds.password_changed),
        AuditKind::ClientCreated => t_string!(i18n, audit.kinds.client_created),
        AuditKind::ClientUpdated => t_string!(i18n, audit.kinds.client_updated),
        AuditKind::TransactionRecorded => t_string!(i18n, audit.kinds.transaction_recorded),
        AuditKind::TransactionModified => t_string!(i18n, audit.kinds.transaction_modified),
        AuditKind::NoteAdded => t_string!(i18n, audit.kinds.note_added),
        AuditKind::ConsentChanged => t_string!(i18n, audit.kinds.consent_changed),
        AuditKind::StaffInvited => t_string!(i18n, audit.kinds.staff_invited),
        AuditKind::InvitationCancelled => t_string!(i18n, audit.kinds.invitation_cancelled),
        AuditKind::RoleChanged => t_string!(i18n, audit.kinds.role_changed),
        AuditKind::AccountDisabled => t_string!(i18n, audit.kinds.account_disabled),
        AuditKind::AccountEnabled => t_string!(i18n, audit.kinds.account_enabled),
        AuditKind::DataExported => t_string!(i18n, audit.kinds.data_exported),
        AuditKind::ClientLabelled => t_string!(i18n, audit.kinds.client_labelled),
        AuditKind::ClientUnlabelled => t_string!(i18n, audit.kinds.client_unlabelled),
        AuditKind::GroupCreated => t_string!(i18n, audit.kinds.group_created),
        AuditKind::GroupDeleted => t_string!(i18n, audit.kinds.group_deleted),
        AuditKind::ClientsMerged => t_string!(i18n, audit.kinds.clients_merged),
        AuditKind::ClientErased => t_string!(i18n, audit.kinds.client_erased),
        AuditKind::ProgrammeStarted => t_string!(i18n, audit.kinds.programme_started),
        AuditKind::ProgrammeChanged => t_string!(i18n, audit.kinds.programme_changed),
        AuditKind::ProgrammeSuspended => t_string!(i18n, audit.kinds.programme_suspended),
        AuditKind::ProgrammeResumed => t_string!(i18n, audit.kinds.programme_resumed),
        AuditKind::ProgrammeEnded => t_string!(i18n, audit.kinds.programme_ended),
        AuditKind::RewardAdded => t_string!(i18n, audit.kinds.reward_added),
        AuditKind::RewardRetired => t_string!(i18n, audit.kinds.reward_retired),
        AuditKind::RewardClaimed => t_string!(i18n, audit.kinds.reward_claimed),
        AuditKind::RewardRevoked => t_string!(i18n, audit.kinds.reward_revoked),
        AuditKind::RewardExtended => t_string!(i18n, audit.kinds.reward_extended),
        AuditKind::PointsExpired => t_string!(i18n, audit.kinds.points_expired),
        AuditKind::ClientsExported => t_string!(i18n, audit.kinds.clients_exported),
        AuditKind::TransactionsExported => t_string!(i18n, audit.kinds.transactions_exported),
        AuditKind::ClientKept => t_string!(i18n, audit.kinds.client_kept),
        AuditKind::RetentionChanged => t_string!(i18n, audit.kinds.retention_changed),
        AuditKind::ClientsImported => t_string!(i18n, audit.kinds.clients_imported),
        AuditKind::ApiKeyCreated => t_string!(i18n, audit.kinds.api_key_created),
        AuditKind::ApiKeyRevoked => t_string!(i18n, audit.kinds.api_key_revoked),
        AuditKind::ApiClientRead => t_string!(i18n, audit.kinds.api_client_read),
        AuditKind::CampaignSent => t_string!(i18n, audit.kinds.campaign_sent),
        AuditKind::CampaignTested => t_string!(i18n, audit.kinds.campaign_tested),
        AuditKind::MemberCardIssued => t_string!(i18n, audit.kinds.member_card_issued),
        AuditKind::MemberCardReplaced => t_string!(i18n, audit.kinds.member_card_replaced),
        AuditKind::SheetWritten => t_string!(i18n, audit.kinds.sheet_written),
        AuditKind::SheetCorrected => t_string!(i18n, audit.kinds.sheet_corrected),
        AuditKind::TermsPublished => t_string!(i18n, audit.kinds.terms_published),
        AuditKind::TermsAccepted => t_string!(i18n, audit.kinds.terms_accepted),
        AuditKind::CreditAdded => t_string!(i18n, audit.kinds.credit_added),
        AuditKind::CreditUsed => t_string!(i18n, audit.kinds.credit_used),
        AuditKind::CreditReversed => t_string!(i18n, audit.kinds.credit_reversed),
        AuditKind::GiftCardSold => t_string!(i18n, audit.kinds.gift_card_sold),
        AuditKind::GiftCardSpent => t_string!(i18n, audit.kinds.gift_card_spent),
        AuditKind::GiftCardCancelled => t_string!(i18n, audit.kinds.gift_card_cancelled),
        AuditKind::TicketWritten => t_string!(i18n, audit.kinds.ticket_written),
        AuditKind::AutomaticMailChanged => t_string!(i18n, audit.kinds.automatic_mail_changed),
    }
    .to_string()
}

#[component]
fn AuditRow(entry: AuditEntryView) -> impl IntoView {
    let i18n = use_i18n();
    let kind = entry.kind;
    let subject = entry.client_id.map(|client_id| {
        view! { <A href=routes::client_file(client_id)>{t!(i18n, audit.client)}</A> }
    });
    let transaction = entry.entry_id.map(|id| {
        view! { " " <small>{move || t_string!(i18n, audit.transaction, id).to_string()}</small> }
    });
    view! {
        <tr>
            <td>{entry.occurred_at}</td>
            <td class="keep">{move || kind_label(i18n, kind)}</td>
            <td class="keep">{entry.user_name}</td>
            <td class="keep">{entry.source}</td>
            <td>{entry.detail} " " {subject} {transaction}</td>
        </tr>
    }
}

#[component]
pub fn AuditPage() -> impl IntoView {
    let i18n = use_i18n();
    let kind = RwSignal::new(String::new());
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let applied = RwSignal::new(AuditFilter::default());
    let events = Resource::new(move || applied.get(), audit_log);
    let apply = move || {
        applied.set(AuditFilter {
            kind: kind.get_untracked(),
            from: from.get_untracked(),
            to: to.get_untracked(),
            page: 0,
        });
    };
    let go_to_page = Callback::new(move |page: u64| applied.update(|filter| filter.page = page));
    let kind_options = move || {
        AuditKind::ALL
            .iter()
            .copied()
            .map(|option| {
                view! {
                    <option value=option.code() selected=move || kind.get() == option.code()>
                        {move || kind_label(i18n, option)}
                    </option>
                }
            })
            .collect_view()
    };

    view! {
        <h1>{t!(i18n, audit.title)}</h1>
        <form
            class="filters"
            on:submit=move |event| {
                event.prevent_default();
                apply();
            }
        >
            <div class="field">
                <label for="audit-kind">{t!(i18n, audit.kind)}</label>
                <select id="audit-kind" on:change=move |event| kind.set(event_target_value(&event))>
                    <option value="" selected=move || kind.get().is_empty()>
                        {t!(i18n, audit.all_kinds)}
                    </option>
                    {kind_options}
                </select>
            </div>
            <DayRangeFields id_prefix="audit" from to />
            <div class="field">
                <button type="submit">{t!(i18n, audit.apply)}</button>
            </div>
        </form>
        <Transition fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
            {move || {
                events
                    .get()
                    .map(|answer| match answer {
                        Err(failure) => view! { <p class="form-error" role="alert">{error_text(i18n, &failure)}</p> }.into_any(),
                        Ok(found) if found.entries.is_empty() => view! { <p>{t!(i18n, audit.empty)}</p> }.into_any(),
                        Ok(found) => {
                            let count = found.total;
                            let page = found.page;
                            let rows = found
                                .entries
                                .into_iter()
                                .map(|entry| view! { <AuditRow entry /> })
                                .collect_view();
                            view! {
                                <p class="result-count" role="status">{move || t_string!(i18n, audit.total, count).to_string()}</p>
                                <div class="table-wrap">
                                    <table>
                                        <thead>
                                            <tr>
                                                <th scope="col">{t!(i18n, audit.when)}</th>
                                                <th scope="col">{t!(i18n, audit.kind)}</th>
                                                <th scope="col">{t!(i18n, audit.who)}</th>
                                                <th scope="col">{t!(i18n, audit.source)}</th>
                                                <th scope="col">{t!(i18n, audit.detail)}</th>
                                            </tr>
                                        </thead>
                                        <tbody>{rows}</tbody>
                                    </table>
                                </div>
                                <Pager page total=count page_size=AUDIT_PAGE_SIZE on_page=go_to_page />
                            }
                                .into_any()
                        }
                    })
            }}
        </Transition>
    }
}
