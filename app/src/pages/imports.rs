//! Importing the shop's client list (owner): the upload form and the earlier imports, then for
//! one import its columns' fields, a preview of how each row is taken, the progress while the
//! server writes it, and what it did.

use std::time::Duration;

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::imports::{
    change_import_mapping, client_import, client_imports, start_client_import,
};
use crate::components::errors::{FormError, error_text, problem_text, problem_text_in};
use crate::components::form_state::FormState;
use crate::i18n::*;
use crate::model::error::{AppError, FieldProblem};
use crate::model::imports::{
    ImportField, ImportListItem, ImportStatus, ImportSummary, ImportView, MAX_IMPORT_BYTES,
    PreviewRow, RowCheck, UPLOAD_FILE_FIELD, UploadProblem,
};
use crate::model::routes;

/// How often a running import's page reads its progress again.
const PROGRESS_EVERY: Duration = Duration::from_millis(700);

/// A field's name in `locale`: the mapping's choices, and the reasons a row was refused.
pub fn field_label_in(locale: Locale, field: ImportField) -> String {
    match field {
        ImportField::Ignore => td_string!(locale, imports.fields.ignore),
        ImportField::Civility => td_string!(locale, imports.fields.civility),
        ImportField::FirstName => td_string!(locale, imports.fields.first_name),
        ImportField::LastName => td_string!(locale, imports.fields.last_name),
        ImportField::Email => td_string!(locale, imports.fields.email),
        ImportField::Phone => td_string!(locale, imports.fields.phone),
        ImportField::Address => td_string!(locale, imports.fields.address),
        ImportField::PostalCode => td_string!(locale, imports.fields.postal_code),
        ImportField::City => td_string!(locale, imports.fields.city),
        ImportField::BirthDate => td_string!(locale, imports.fields.birth_date),
        ImportField::Note => td_string!(locale, imports.fields.note),
        ImportField::Points => td_string!(locale, imports.fields.points),
        ImportField::EmailConsent => td_string!(locale, imports.fields.email_consent),
        ImportField::SmsConsent => td_string!(locale, imports.fields.sms_consent),
        ImportField::TermsAccepted => td_string!(locale, imports.fields.terms_accepted),
    }
    .to_string()
}

/// Why a row was refused, in `locale`: "Date de naissance : date invalide". The fields are the
/// client form's, named as the mapping names them.
pub fn reason_text_in(locale: Locale, field: &str, problem: &FieldProblem) -> String {
    let field = match ImportField::from_code(field) {
        Some(field) => field_label_in(locale, field),
        None => td_string!(locale, imports.fields.file).to_string(),
    };
    let problem = problem_text_in(locale, problem);
    td_string!(locale, imports.reason, field, problem).to_string()
}

fn status_label(i18n: leptos_i18n::I18nContext<Locale>, status: ImportStatus) -> String {
    match status {
        ImportStatus::Draft => t_string!(i18n, imports.status_draft),
        ImportStatus::Running => t_string!(i18n, imports.status_running),
        ImportStatus::Done => t_string!(i18n, imports.status_done),
    }
    .to_string()
}

fn upload_problem_text(i18n: leptos_i18n::I18nContext<Locale>, problem: UploadProblem) -> String {
    match problem {
        UploadProblem::NoFile => t_string!(i18n, imports.no_file),
        UploadProblem::Empty => t_string!(i18n, imports.empty),
        UploadProblem::TooLarge => t_string!(i18n, imports.too_large),
        UploadProblem::NotCsv => t_string!(i18n, imports.not_csv),
    }
    .to_string()
}

fn totals_text(i18n: leptos_i18n::I18nContext<Locale>, summary: ImportSummary) -> String {
    let ImportSummary {
        created,
        merged,
        skipped,
        refused,
        ..
    } = summary;
    t_string!(i18n, imports.totals, created, merged, skipped, refused).to_string()
}

/// The upload form (a plain form post: it works before the page is interactive) and the
/// shop's earlier imports.
#[component]
pub fn ImportsPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    // A file over the limit is refused here, before megabytes travel for nothing; the server
    // refuses it too when the page is not interactive yet.
    let too_large = RwSignal::new(false);
    let file_input: NodeRef<leptos::html::Input> = NodeRef::new();
    let problem = move || {
        if too_large.get() {
            return Some(UploadProblem::TooLarge);
        }
        query
            .read()
            .get("erreur")
            .and_then(|code| UploadProblem::from_code(&code))
    };
    let check_size = move |event: leptos::ev::SubmitEvent| {
        let size = file_input
            .get_untracked()
            .and_then(|input| input.files())
            .and_then(|files| files.get(0))
            .map_or(0.0, |file| file.size());
        let over = size > MAX_IMPORT_BYTES as f64;
        too_large.set(over);
        if over {
            event.prevent_default();
        }
    };
    let listed = Resource::new(|| (), |()| client_imports());
    view! {
        <h1>{t!(i18n, imports.title)}</h1>
        <p>{t!(i18n, imports.intro)}</p>
        <form class="narrow" method="post" action=routes::IMPORT_UPLOAD enctype="multipart/form-data" on:submit=check_size aria-label=move || t_string!(i18n, imports.title)>
            <div class="field">
                <label for="import-file">{t!(i18n, imports.file)}</label>
                <input id="import-file" node_ref=file_input on:change=move |_| too_large.set(false) type="file" name=UPLOAD_FILE_FIELD accept=".csv,.txt,text/csv,text/plain" required aria-invalid=move || problem().is_some().to_string() aria-describedby="import-file-problem" />
                {move || problem().map(|problem| view! {
                    <p id="import-file-problem" class="field-error" role="alert">{upload_problem_text(i18n, problem)}</p>
                })}
            </div>
            <div class="actions actions-start">
                <button type="submit">{t!(i18n, imports.send)}</button>
            </div>
        </form>
        <h2>{t!(i18n, imports.earlier)}</h2>
        <Transition fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
            {move || listed.get().map(|answer| match answer {
                Err(failure) => view! { <p class="form-error" role="alert">{error_text(i18n, &failure)}</p> }.into_any(),
                Ok(imports) if imports.is_empty() => view! { <p>{t!(i18n, imports.none)}</p> }.into_any(),
                Ok(imports) => view! { <ImportList imports /> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn ImportList(imports: Vec<ImportListItem>) -> impl IntoView {
    let i18n = use_i18n();
    let rows = imports
        .into_iter()
        .map(|import| {
            let name = import.file_name.clone();
            let open_label = move || t_string!(i18n, imports.open, name = name.clone()).to_string();
            view! {
                <tr>
                    <td><A href=routes::import_page(import.id) attr:aria-label=open_label>{import.file_name}</A></td>
                    <td>{import.uploaded}</td>
                    <td>{move || status_label(i18n, import.status)}</td>
                    <td>{move || totals_text(i18n, import.summary)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table>
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, imports.file_name)}</th>
                        <th scope="col">{t!(i18n, imports.uploaded)}</th>
                        <th scope="col">{t!(i18n, imports.status)}</th>
                        <th scope="col">{t!(i18n, imports.result)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// One import: mapping and preview while a draft, progress while it runs, figures when done.
#[component]
pub fn ImportPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let import_id = move || {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<i64>().ok())
    };
    // Bumped to read the import again: after confirming, and while it runs.
    let version = RwSignal::new(0u32);
    let found = Resource::new(
        move || (import_id(), version.get()),
        |(import_id, _)| async move {
            match import_id {
                Some(import_id) => client_import(import_id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    let refresh = Callback::new(move |()| version.update(|version| *version += 1));
    view! {
        <p><A href=routes::IMPORTS>{t!(i18n, imports.back)}</A></p>
        <Transition fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
            {move || found.get().map(|answer| match answer {
                Err(failure) => view! { <p class="form-error" role="alert">{error_text(i18n, &failure)}</p> }.into_any(),
                Ok(import) => match import.status {
                    ImportStatus::Draft => view! { <DraftImport import on_started=refresh /> }.into_any(),
                    ImportStatus::Running => view! { <RunningImport import on_tick=refresh /> }.into_any(),
                    ImportStatus::Done => view! { <FinishedImport import /> }.into_any(),
                },
            })}
        </Transition>
    }
}

#[component]
fn DraftImport(import: ImportView, on_started: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let import_id = import.id;
    let file_name = import.file_name.clone();
    let headers = import.headers.clone();
    let current = RwSignal::new(import);
    let form = FormState::new();
    let choose = move |column: usize, field: ImportField| {
        let mut mapping = current.with_untracked(|import| import.mapping.clone());
        if let Some(slot) = mapping.get_mut(column) {
            *slot = field;
        }
        form.send(
            move || change_import_mapping(import_id, mapping),
            move |view| current.set(view),
        );
    };
    let confirm = move |_| {
        form.send(
            move || start_client_import(import_id),
            move |()| on_started.run(()),
        );
    };
    let error: Signal<Option<AppError>> = form.error.into();
    let mapping_problem = move || match error.get() {
        Some(AppError::Invalid(problems)) => match problems.get("mapping") {
            Some(FieldProblem::Required) => {
                Some(t_string!(i18n, imports.mapping_required).to_string())
            }
            Some(FieldProblem::InvalidChoice) => {
                Some(t_string!(i18n, imports.mapping_twice).to_string())
            }
            Some(problem) => Some(problem_text(i18n, problem)),
            None => None,
        },
        _ => None,
    };
    let columns = headers
        .iter()
        .enumerate()
        .map(|(column, header)| {
            let id = format!("import-column-{column}");
            let name = header.clone();
            let label = move || t_string!(i18n, imports.column, name = name.clone()).to_string();
            let selected = move || {
                current.with(|import| import.mapping.get(column).copied().unwrap_or(ImportField::Ignore))
            };
            let options = ImportField::ALL
                .iter()
                .map(|field| {
                    let field = *field;
                    view! {
                        <option value=field.code() selected=move || selected() == field>
                            {move || field_label_in(i18n.get_locale(), field)}
                        </option>
                    }
                })
                .collect_view();
            view! {
                <div class="field">
                    <label for=id.clone()>{label}</label>
                    <select
                        id=id
                        disabled=move || form.saving.get()
                        on:change=move |event| {
                            let field = ImportField::from_code(&event_target_value(&event)).unwrap_or(ImportField::Ignore);
                            choose(column, field);
                        }
                    >
                        {options}
                    </select>
                </div>
            }
        })
        .collect_view();
    view! {
        <h1>{file_name}</h1>
        <section aria-labelledby="import-mapping-title">
            <h2 id="import-mapping-title">{t!(i18n, imports.mapping)}</h2>
            <p>{t!(i18n, imports.mapping_intro)}</p>
            <div class="import-mapping">{columns}</div>
            {move || mapping_problem().map(|text| view! { <p class="form-error" role="alert">{text}</p> })}
        </section>
        <p role="status">
            {move || current.with(|import| {
                let counts = import.counts;
                let rows = import.summary.rows_total;
                t_string!(i18n, imports.counts, rows, new = counts.new, duplicate = counts.duplicate, invalid = counts.invalid).to_string()
            })}
        </p>
        <h2>{t!(i18n, imports.preview)}</h2>
        {move || current.with(|import| view! { <PreviewTable headers=import.headers.clone() rows=import.preview.clone() /> })}
        <FormError error=form.form_error() />
        <div class="actions actions-start">
            <button type="button" on:click=confirm disabled=move || form.saving.get()>{t!(i18n, imports.confirm)}</button>
        </div>
    }
}

#[component]
fn PreviewTable(headers: Vec<String>, rows: Vec<PreviewRow>) -> impl IntoView {
    let i18n = use_i18n();
    let width = headers.len();
    let head = headers
        .into_iter()
        .map(|header| view! { <th scope="col">{header}</th> })
        .collect_view();
    let body = rows
        .into_iter()
        .map(|row| {
            let (class, check) = match row.check {
                RowCheck::New => ("", t_string!(i18n, imports.new).to_string()),
                RowCheck::Duplicate { name } => {
                    ("", t_string!(i18n, imports.duplicate, name).to_string())
                }
                RowCheck::Invalid(problems) => {
                    let locale = i18n.get_locale_untracked();
                    let reasons: Vec<String> = problems
                        .0
                        .iter()
                        .map(|(field, problem)| reason_text_in(locale, field, problem))
                        .collect();
                    (
                        "refused",
                        format!(
                            "{} — {}",
                            t_string!(i18n, imports.invalid),
                            reasons.join(" ; ")
                        ),
                    )
                }
            };
            let mut cells = row.cells;
            cells.resize(width, String::new());
            let cells = cells
                .into_iter()
                .map(|cell| view! { <td>{cell}</td> })
                .collect_view();
            view! {
                <tr class=class>
                    <td>{row.line}</td>
                    <td>{check}</td>
                    {cells}
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table>
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, imports.line)}</th>
                        <th scope="col">{t!(i18n, imports.check)}</th>
                        {head}
                    </tr>
                </thead>
                <tbody>{body}</tbody>
            </table>
        </div>
    }
}

#[component]
fn RunningImport(import: ImportView, on_tick: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let ImportSummary {
        rows_total: total,
        rows_done: done,
        ..
    } = import.summary;
    // Read again shortly; the next answer replaces this view.
    Effect::new(move |_| set_timeout(move || on_tick.run(()), PROGRESS_EVERY));
    view! {
        <h1>{import.file_name}</h1>
        <progress max=total.max(1).to_string() value=done.to_string() aria-label=move || t_string!(i18n, imports.progress)></progress>
        <p role="status">{move || t_string!(i18n, imports.running, done, total).to_string()}</p>
    }
}

#[component]
fn FinishedImport(import: ImportView) -> impl IntoView {
    let i18n = use_i18n();
    let summary = import.summary;
    let refused = summary.refused;
    view! {
        <h1>{import.file_name}</h1>
        <p role="status">{t!(i18n, imports.done)}</p>
        <dl class="tiles">
            <div class="tile"><dt>{t!(i18n, imports.created)}</dt><dd>{summary.created}</dd></div>
            <div class="tile"><dt>{t!(i18n, imports.merged)}</dt><dd>{summary.merged}</dd></div>
            <div class="tile"><dt>{t!(i18n, imports.skipped)}</dt><dd>{summary.skipped}</dd></div>
            <div class="tile"><dt>{t!(i18n, imports.refused)}</dt><dd>{refused}</dd></div>
        </dl>
        {(refused > 0).then(|| view! {
            <p><a href=routes::import_refusals(import.id) download>{t!(i18n, imports.refused_download)}</a></p>
        })}
        <p><A href=routes::CLIENTS>{t!(i18n, imports.see_clients)}</A></p>
    }
}
