//! The owner's e-mails to clients who agreed: write one to a segment, see it as a client will,
//! try it on one's own address, send; then follow each campaign's messages.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};

use crate::api::campaigns::{
    automatic_mails, list_campaigns, preview_campaign, read_campaign, save_automatic_mail,
    send_campaign, test_campaign,
};
use crate::components::errors::{FormError, error_text};
use crate::components::field::{Field, field_problem};
use crate::components::form_state::FormState;
use crate::components::pager::Pager;
use crate::i18n::*;
use crate::model::campaigns::{
    AutomationForm, AutomationView, CAMPAIGN_PAGE_SIZE, CampaignDetail, CampaignForm, CampaignList,
    CampaignPreview, CampaignSummary, EXPIRY_REMINDER_DAYS, MailCounts, MailKind, MailLine,
    MailStatus, Segment, SegmentForm, SegmentLabel,
};
use crate::model::error::AppError;
use crate::model::routes;

#[component]
pub fn CampaignsPage() -> impl IntoView {
    let i18n = use_i18n();
    let listed = Resource::new(|| (), |()| list_campaigns());
    view! {
        <h1>{t!(i18n, campaigns.title)}</h1>
        <p>{t!(i18n, campaigns.intro)}</p>
        <Transition fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
            {move || {
                listed
                    .get()
                    .map(|answer| match answer {
                        Err(failure) => view! { <p class="form-error" role="alert">{error_text(i18n, &failure)}</p> }.into_any(),
                        Ok(found) => view! { <CampaignsOverview found /> }.into_any(),
                    })
            }}
        </Transition>
    }
}

/// What was sent, a new e-mail, and the automatic ones.
#[component]
fn CampaignsOverview(found: CampaignList) -> impl IntoView {
    let i18n = use_i18n();
    let list = if found.campaigns.is_empty() {
        view! { <p>{t!(i18n, campaigns.empty)}</p> }.into_any()
    } else {
        let rows = found
            .campaigns
            .into_iter()
            .map(|campaign| view! { <CampaignRow campaign /> })
            .collect_view();
        view! {
            <div class="table-wrap">
                <table>
                    <thead>
                        <tr>
                            <th scope="col">{t!(i18n, campaigns.subject)}</th>
                            <th scope="col">{t!(i18n, campaigns.segment)}</th>
                            <th scope="col">{t!(i18n, campaigns.sent_on)}</th>
                            <th scope="col">{t!(i18n, campaigns.progress)}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
        .into_any()
    };
    let automations = found
        .automations
        .into_iter()
        .map(|automation| view! { <AutomationEditor automation /> })
        .collect_view();
    view! {
        <NewCampaign labels=found.labels />
        <h2>{t!(i18n, campaigns.sent)}</h2>
        {list}
        <h2>{t!(i18n, campaigns.automatic)}</h2>
        <p>{t!(i18n, campaigns.automatic_intro)} " " <A href=routes::AUTOMATIC_MAILS>{t!(i18n, campaigns.automatic_log)}</A></p>
        {automations}
    }
}

/// The segment in words: "Tous les clients d'accord", "Tag : VIP", "Sans visite depuis 90 jours".
fn segment_text(
    i18n: leptos_i18n::I18nContext<Locale>,
    segment: Segment,
    label: Option<String>,
) -> String {
    match segment {
        Segment::AllConsenting => t_string!(i18n, campaigns.segment_all).to_string(),
        Segment::Label(_) => {
            let name = label.unwrap_or_default();
            t_string!(i18n, campaigns.segment_label_named, name).to_string()
        }
        Segment::Lapsed(days) => t_string!(i18n, campaigns.segment_lapsed_days, days).to_string(),
    }
}

fn counts_text(i18n: leptos_i18n::I18nContext<Locale>, counts: MailCounts) -> String {
    let (sent, total, waiting) = (counts.sent, counts.total(), counts.waiting);
    let mut text = t_string!(i18n, campaigns.sent_of, sent, total).to_string();
    if waiting > 0 {
        text.push_str(" · ");
        text.push_str(&t_string!(i18n, campaigns.waiting, waiting).to_string());
    }
    let not_sent = counts.failed + counts.unsubscribed + counts.skipped;
    if not_sent > 0 {
        text.push_str(" · ");
        text.push_str(&t_string!(i18n, campaigns.not_sent, count = not_sent).to_string());
    }
    text
}

#[component]
fn CampaignRow(campaign: CampaignSummary) -> impl IntoView {
    let i18n = use_i18n();
    let segment = segment_text(i18n, campaign.segment, campaign.label_name);
    let counts = campaign.counts;
    view! {
        <tr>
            <td><A href=routes::campaign_page(campaign.id)>{campaign.subject}</A></td>
            <td>{segment}</td>
            <td class="keep">{format!("{} · {}", campaign.created_at, campaign.author_name)}</td>
            <td>{move || counts_text(i18n, counts)}</td>
        </tr>
    }
}

#[component]
fn NewCampaign(labels: Vec<SegmentLabel>) -> impl IntoView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    let subject = RwSignal::new(String::new());
    let body = RwSignal::new(String::new());
    let kind = RwSignal::new("all".to_owned());
    let label_id = RwSignal::new(labels.first().map(|label| label.id));
    let days = RwSignal::new("90".to_owned());
    let preview = RwSignal::new(None::<CampaignPreview>);
    let tested = RwSignal::new(None::<String>);
    let form = FormState::new();
    let wanted = move || CampaignForm {
        subject: subject.get_untracked(),
        body: body.get_untracked(),
        segment: SegmentForm {
            kind: kind.get_untracked(),
            label_id: label_id.get_untracked(),
            days: days.get_untracked(),
        },
    };
    // Checked here first, with the server's own rules, so a slip shows at once.
    let checked = move || match wanted().validate() {
        Ok(_) => Some(wanted()),
        Err(failure) => {
            form.error.set(Some(failure));
            None
        }
    };
    let show_preview = move |_| {
        tested.set(None);
        if let Some(wanted) = checked() {
            form.send(
                move || preview_campaign(wanted),
                move |shown| preview.set(Some(shown)),
            );
        }
    };
    let send_test = move |_| {
        tested.set(None);
        if let Some(wanted) = checked() {
            form.send(
                move || test_campaign(wanted),
                move |to| tested.set(Some(to)),
            );
        }
    };
    let send = move |_| {
        tested.set(None);
        let Some(wanted) = checked() else {
            return;
        };
        let navigate = navigate.clone();
        form.send(
            move || async move {
                let shown = preview_campaign(wanted.clone()).await?;
                let count = shown.recipients;
                let question = t_string!(i18n, campaigns.confirm_send, count).to_string();
                if !window().confirm_with_message(&question).unwrap_or(false) {
                    return Ok(None);
                }
                send_campaign(wanted).await.map(Some)
            },
            move |sent: Option<i64>| {
                if let Some(campaign_id) = sent {
                    navigate(&routes::campaign_page(campaign_id), Default::default());
                }
            },
        );
    };
    let error: Signal<Option<AppError>> = form.error.into();
    let fields = fields_of(MailKind::Campaign);
    let has_labels = !labels.is_empty();
    let labels = StoredValue::new(labels);
    let label_options = move || {
        labels.with_value(|labels| {
            labels
                .iter()
                .map(|label| {
                    let name = label.name.clone();
                    let text = if label.is_group {
                        t_string!(i18n, campaigns.group_named, name).to_string()
                    } else {
                        t_string!(i18n, campaigns.tag_named, name).to_string()
                    };
                    view! { <option value=label.id.to_string()>{text}</option> }
                })
                .collect_view()
        })
    };
    view! {
        <form class="narrow" novalidate on:submit=|event| event.prevent_default() aria-label=move || t_string!(i18n, campaigns.new)>
            <h2>{t!(i18n, campaigns.new)}</h2>
            <div class="field">
                <label for="segment">{t!(i18n, campaigns.segment)}</label>
                <select id="segment" on:change=move |event| kind.set(event_target_value(&event))>
                    <option value="all" selected=true>{t!(i18n, campaigns.segment_all)}</option>
                    {has_labels.then(|| view! { <option value="label">{t!(i18n, campaigns.segment_label)}</option> })}
                    <option value="lapsed">{t!(i18n, campaigns.segment_lapsed)}</option>
                </select>
                {move || field_problem(error, "segment").get().map(|problem| view! { <p class="field-error">{crate::components::errors::problem_text(i18n, &problem)}</p> })}
            </div>
            <Show when=move || kind.get() == "label">
                <div class="field">
                    <label for="label">{t!(i18n, campaigns.label)}</label>
                    <select id="label" on:change=move |event| label_id.set(event_target_value(&event).parse().ok())>
                        {label_options}
                    </select>
                </div>
            </Show>
            <Show when=move || kind.get() == "lapsed">
                <Field id="days" label=move || t!(i18n, campaigns.days) value=days problem=field_problem(error, "days") input_type="number" inputmode="numeric" required=true />
            </Show>
            <Field id="subject" label=move || t!(i18n, campaigns.subject) value=subject problem=field_problem(error, "subject") required=true />
            <Field id="body" label=move || t!(i18n, campaigns.body) value=body problem=field_problem(error, "body") required=true multiline=true />
            <p class="hint">{move || t_string!(i18n, campaigns.fields_hint, fields = fields.clone()).to_string()}</p>
            <FormError error=form.form_error() />
            <div class="actions actions-start">
                <button type="button" class="secondary" disabled=move || form.saving.get() on:click=show_preview>{t!(i18n, campaigns.preview)}</button>
                <button type="button" class="secondary" disabled=move || form.saving.get() on:click=send_test>{t!(i18n, campaigns.test)}</button>
                <button type="button" disabled=move || form.saving.get() on:click=send>{t!(i18n, campaigns.send)}</button>
            </div>
            {move || tested.get().map(|to| view! { <p role="status">{t_string!(i18n, campaigns.tested, to).to_string()}</p> })}
            {move || preview.get().map(|shown| view! { <PreviewBox shown /> })}
        </form>
    }
}

#[component]
fn PreviewBox(shown: CampaignPreview) -> impl IntoView {
    let i18n = use_i18n();
    let count = shown.recipients;
    let whose = shown
        .client_name
        .map(|name| t_string!(i18n, campaigns.preview_for, name).to_string());
    view! {
        <section class="notice" role="status" aria-label=move || t_string!(i18n, campaigns.preview_title)>
            <p><strong>{move || t_string!(i18n, campaigns.recipients, count).to_string()}</strong></p>
            {whose.map(|whose| view! { <p>{whose}</p> })}
            <p><strong>{shown.subject}</strong></p>
            <pre class="mail-body">{shown.body}</pre>
        </section>
    }
}

/// The fields a kind of e-mail may hold, as the owner types them: `{prenom} {nom} …`.
fn fields_of(kind: MailKind) -> String {
    kind.fields()
        .iter()
        .map(|field| format!("{{{}}}", field.code()))
        .collect::<Vec<_>>()
        .join(" ")
}

fn kind_text(i18n: leptos_i18n::I18nContext<Locale>, kind: MailKind) -> String {
    match kind {
        MailKind::Campaign => t_string!(i18n, campaigns.kinds.campaign).to_string(),
        MailKind::Welcome => t_string!(i18n, campaigns.kinds.welcome).to_string(),
        MailKind::Birthday => t_string!(i18n, campaigns.kinds.birthday).to_string(),
        MailKind::RewardEarned => t_string!(i18n, campaigns.kinds.reward_earned).to_string(),
        MailKind::RewardExpiring => {
            let days = EXPIRY_REMINDER_DAYS;
            t_string!(i18n, campaigns.kinds.reward_expiring, days).to_string()
        }
    }
}

/// The inputs' ids, one set per automatic e-mail, so the four forms of the page stay apart.
fn input_ids(kind: MailKind) -> (&'static str, &'static str, &'static str) {
    match kind {
        MailKind::Welcome => ("welcome-on", "welcome-subject", "welcome-body"),
        MailKind::Birthday => ("birthday-on", "birthday-subject", "birthday-body"),
        MailKind::RewardEarned => ("earned-on", "earned-subject", "earned-body"),
        MailKind::RewardExpiring | MailKind::Campaign => {
            ("expiring-on", "expiring-subject", "expiring-body")
        }
    }
}

/// One automatic e-mail: on or off, and its text.
#[component]
fn AutomationEditor(automation: AutomationView) -> impl IntoView {
    let i18n = use_i18n();
    let kind = automation.kind;
    let enabled = RwSignal::new(automation.enabled);
    let subject = RwSignal::new(automation.subject);
    let body = RwSignal::new(automation.body);
    let saved = RwSignal::new(false);
    let form = FormState::new();
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        saved.set(false);
        let wanted = AutomationForm {
            kind,
            enabled: enabled.get_untracked(),
            subject: subject.get_untracked(),
            body: body.get_untracked(),
        };
        if let Err(failure) = wanted.validate() {
            form.error.set(Some(failure));
            return;
        }
        form.send(
            move || save_automatic_mail(wanted),
            move |_| saved.set(true),
        );
    };
    let error: Signal<Option<AppError>> = form.error.into();
    let (on_id, subject_id, body_id) = input_ids(kind);
    let title = move || kind_text(i18n, kind);
    let fields = fields_of(kind);
    view! {
        <form class="narrow automatic-mail" on:submit=submit novalidate aria-label=title>
            <h3>{title}</h3>
            <div class="field">
                <label for=on_id>
                    <input id=on_id type="checkbox" prop:checked=move || enabled.get() on:change=move |event| enabled.set(event_target_checked(&event)) />
                    " "
                    {t!(i18n, campaigns.enabled)}
                </label>
            </div>
            <Field id=subject_id label=move || t!(i18n, campaigns.subject) value=subject problem=field_problem(error, "subject") required=true />
            <Field id=body_id label=move || t!(i18n, campaigns.body) value=body problem=field_problem(error, "body") required=true multiline=true />
            <p class="hint">{move || t_string!(i18n, campaigns.fields_hint, fields = fields.clone()).to_string()}</p>
            <FormError error=form.form_error() />
            <div class="actions actions-start">
                <button type="submit" disabled=move || form.saving.get()>{t!(i18n, common.save)}</button>
            </div>
            {move || saved.get().then(|| view! { <p class="form-notice" role="status">{t!(i18n, campaigns.automatic_saved)}</p> })}
        </form>
    }
}

/// The automatic e-mails sent or waiting, newest first.
#[component]
pub fn AutomaticMailsPage() -> impl IntoView {
    let i18n = use_i18n();
    let page = RwSignal::new(0u64);
    let found = Resource::new(move || page.get(), automatic_mails);
    let go_to_page = Callback::new(move |wanted: u64| page.set(wanted));
    view! {
        <p><A href=routes::CAMPAIGNS>{t!(i18n, campaigns.back)}</A></p>
        <h1>{t!(i18n, campaigns.automatic_log)}</h1>
        <Transition fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
            {move || {
                found
                    .get()
                    .map(|answer| match answer {
                        Err(failure) => view! { <p class="form-error" role="alert">{error_text(i18n, &failure)}</p> }.into_any(),
                        Ok(log) if log.lines.is_empty() => view! { <p>{t!(i18n, campaigns.automatic_empty)}</p> }.into_any(),
                        Ok(log) => view! {
                            <MessagesTable lines=log.lines page=log.page total=log.total with_kind=true on_page=go_to_page />
                        }
                            .into_any(),
                    })
            }}
        </Transition>
    }
}

fn status_text(i18n: leptos_i18n::I18nContext<Locale>, status: MailStatus) -> String {
    match status {
        MailStatus::Queued | MailStatus::Sending => t_string!(i18n, campaigns.status.queued),
        MailStatus::Sent => t_string!(i18n, campaigns.status.sent),
        MailStatus::Failed => t_string!(i18n, campaigns.status.failed),
        MailStatus::Unsubscribed => t_string!(i18n, campaigns.status.unsubscribed),
        MailStatus::Skipped => t_string!(i18n, campaigns.status.skipped),
    }
    .to_string()
}

/// One campaign: its text, and what became of each recipient's message.
#[component]
pub fn CampaignPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let campaign_id = move || {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<i64>().ok())
    };
    let page = RwSignal::new(0u64);
    let found = Resource::new(
        move || (campaign_id(), page.get()),
        |(campaign_id, page)| async move {
            match campaign_id {
                Some(campaign_id) => read_campaign(campaign_id, page).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    let go_to_page = Callback::new(move |wanted: u64| page.set(wanted));
    view! {
        <p><A href=routes::CAMPAIGNS>{t!(i18n, campaigns.back)}</A></p>
        <Transition fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
            {move || {
                found
                    .get()
                    .map(|answer| match answer {
                        Err(failure) => view! { <p class="form-error" role="alert">{error_text(i18n, &failure)}</p> }.into_any(),
                        Ok(detail) => view! { <CampaignView detail on_page=go_to_page /> }.into_any(),
                    })
            }}
        </Transition>
    }
}

/// A campaign: what was written, to whom, and each message's state.
#[component]
fn CampaignView(detail: CampaignDetail, on_page: Callback<u64>) -> impl IntoView {
    let i18n = use_i18n();
    let summary = detail.summary;
    let counts = summary.counts;
    let segment = segment_text(i18n, summary.segment, summary.label_name);
    let author = format!("{} · {}", summary.created_at, summary.author_name);
    view! {
        <h1>{summary.subject}</h1>
        <p>{segment} " · " {author}</p>
        <p role="status">{move || counts_text(i18n, counts)}</p>
        <pre class="mail-body">{detail.body}</pre>
        <h2>{t!(i18n, campaigns.messages)}</h2>
        <MessagesTable lines=detail.lines page=detail.page total=counts.total() on_page />
    }
}

/// Messages, a page at a time: a campaign's, or the automatic ones with their kind.
#[component]
fn MessagesTable(
    lines: Vec<MailLine>,
    page: u64,
    total: u64,
    #[prop(optional)] with_kind: bool,
    on_page: Callback<u64>,
) -> impl IntoView {
    let i18n = use_i18n();
    let rows = lines
        .into_iter()
        .map(|line| view! { <MessageRow line with_kind /> })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table>
                <thead>
                    <tr>
                        {with_kind.then(|| view! { <th scope="col">{t!(i18n, campaigns.kind)}</th> })}
                        <th scope="col">{t!(i18n, campaigns.client)}</th>
                        <th scope="col">{t!(i18n, campaigns.state)}</th>
                        <th scope="col">{t!(i18n, campaigns.when)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <Pager page total page_size=CAMPAIGN_PAGE_SIZE on_page />
    }
}

#[component]
fn MessageRow(line: MailLine, #[prop(optional)] with_kind: bool) -> impl IntoView {
    let i18n = use_i18n();
    let status = line.status;
    let state = move || status_text(i18n, status);
    let kind = line.kind;
    view! {
        <tr>
            {with_kind.then(|| view! { <td>{move || kind_text(i18n, kind)}</td> })}
            <td><A href=routes::client_file(line.client_id)>{line.client_name}</A></td>
            <td>{state} {line.error.map(|error| view! { <span class="hint">" (" {error} ")"</span> })}</td>
            <td class="keep">{line.finished_at.unwrap_or_else(|| "—".to_owned())}</td>
        </tr>
    }
}
