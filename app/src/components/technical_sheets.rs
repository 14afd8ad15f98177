//! A salon's technical sheets on the client's page: written at a visit, newest first, corrected
//! by their author the same day, printed one at a time.

use leptos::prelude::*;
use leptos::web_sys::SubmitEvent;

use crate::api::sheets::{client_sheets, correct_sheet, write_sheet};
use crate::components::browser_data::load_in_browser;
use crate::components::errors::{FormError, error_text};
use crate::components::field::{Field, field_problem};
use crate::components::form_state::FormState;
use crate::components::modal::{DialogActions, Modal};
use crate::components::printing::{Printed, print};
use crate::i18n::*;
use crate::model::error::AppError;
use crate::model::sheets::{SheetForm, TechnicalSheet};

/// What the dialog does: a new sheet, or the correction of one.
#[derive(Clone)]
enum Writing {
    New,
    Correction(TechnicalSheet),
}

#[component]
pub fn TechnicalSheets(client_id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let (sheets, reload) = load_in_browser(move || client_sheets(client_id));
    let writing = RwSignal::new(None::<Writing>);
    let printing = RwSignal::new(None::<i64>);
    let close = Callback::new(move |()| writing.set(None));
    let saved = Callback::new(move |()| {
        writing.set(None);
        reload.run(());
    });
    let list = move || match sheets.get() {
        None => view! { <p class="loading">{t!(i18n, common.loading)}</p> }.into_any(),
        Some(Err(failure)) => {
            view! { <p class="form-error" role="alert">{error_text(i18n, &failure)}</p> }.into_any()
        }
        Some(Ok(list)) if list.is_empty() => {
            view! { <p class="hint">{t!(i18n, sheets.none)}</p> }.into_any()
        }
        Some(Ok(list)) => list
            .into_iter()
            .map(|sheet| view! { <SheetCard sheet writing printing /> })
            .collect_view()
            .into_any(),
    };
    view! {
        <section class="technical-sheets" aria-labelledby="sheets-title">
            <div class="section-head">
                <h2 id="sheets-title">{t!(i18n, sheets.title)}</h2>
                <button type="button" class="secondary no-print" on:click=move |_| writing.set(Some(Writing::New))>
                    {t!(i18n, sheets.new)}
                </button>
            </div>
            {list}
            {move || writing.get().map(|mode| view! { <SheetDialog client_id mode on_close=close on_saved=saved /> })}
        </section>
    }
}

#[component]
fn SheetCard(
    sheet: TechnicalSheet,
    writing: RwSignal<Option<Writing>>,
    printing: RwSignal<Option<i64>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = sheet.id;
    let heading_id = format!("sheet-{id}");
    let labelled_by = heading_id.clone();
    let when = sheet.written_at.clone();
    let by = sheet.author_name.clone();
    let pose = sheet.pose_minutes;
    let correction = sheet.clone();
    let print_label = {
        let when = when.clone();
        move || t_string!(i18n, sheets.print_one, date = when.clone()).to_string()
    };
    view! {
        <article class="technical-sheet" class:print-target=move || printing.get() == Some(id) aria-labelledby=labelled_by>
            <h3 id=heading_id>{move || t_string!(i18n, sheets.heading, date = when.clone()).to_string()}</h3>
            <p class="hint">
                {move || t_string!(i18n, sheets.by, name = by.clone()).to_string()}
                {sheet.corrected.then(|| view! { " · " {t!(i18n, sheets.corrected)} })}
            </p>
            <dl class="sheet-lines">
                <SheetLine label=move || t!(i18n, sheets.formula) text=sheet.formula.clone() />
                <SheetLine label=move || t!(i18n, sheets.products) text=sheet.products.clone() />
                {pose.map(|minutes| view! {
                    <dt>{t!(i18n, sheets.pose)}</dt>
                    <dd>{move || t_string!(i18n, sheets.minutes, minutes = minutes).to_string()}</dd>
                })}
                <SheetLine label=move || t!(i18n, sheets.remarks) text=sheet.remarks.clone() />
            </dl>
            <div class="actions actions-start no-print">
                <button type="button" class="secondary" aria-label=print_label on:click=move |_| {
                    printing.set(Some(id));
                    print(Printed::TechnicalSheet);
                }>{t!(i18n, sheets.print)}</button>
                {sheet.editable.then(|| view! {
                    <button type="button" class="secondary" on:click=move |_| writing.set(Some(Writing::Correction(correction.clone())))>
                        {t!(i18n, sheets.correct)}
                    </button>
                })}
            </div>
        </article>
    }
}

/// One line of a sheet, left out when nothing was written in it.
#[component]
fn SheetLine(#[prop(into)] label: ViewFn, text: String) -> impl IntoView {
    (!text.is_empty())
        .then(|| view! { <dt>{move || label.run()}</dt><dd class="note-text">{text}</dd> })
}

#[component]
fn SheetDialog(
    client_id: i64,
    mode: Writing,
    on_close: Callback<()>,
    on_saved: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let (start, corrected_id) = match &mode {
        Writing::New => (
            SheetForm {
                client_id,
                ..SheetForm::default()
            },
            None,
        ),
        Writing::Correction(sheet) => (sheet.form(client_id), Some(sheet.id)),
    };
    let formula = RwSignal::new(start.formula);
    let products = RwSignal::new(start.products);
    let pose_minutes = RwSignal::new(start.pose_minutes);
    let remarks = RwSignal::new(start.remarks);
    let form = FormState::new();
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        let sheet = SheetForm {
            client_id,
            formula: formula.get_untracked(),
            products: products.get_untracked(),
            pose_minutes: pose_minutes.get_untracked(),
            remarks: remarks.get_untracked(),
        };
        if let Err(invalid) = sheet.validate() {
            form.error.set(Some(invalid));
            return;
        }
        form.send(
            move || async move {
                match corrected_id {
                    Some(sheet_id) => correct_sheet(sheet_id, sheet).await,
                    None => write_sheet(sheet).await,
                }
            },
            move |_| on_saved.run(()),
        );
    };
    let error: Signal<Option<AppError>> = form.error.into();
    let title = move || match corrected_id {
        Some(_) => t_string!(i18n, sheets.correct_title),
        None => t_string!(i18n, sheets.new),
    };
    view! {
        <Modal title_id="sheet-dialog-title" title=title on_close>
            <form on:submit=submit novalidate>
                <Field id="formula" label=move || t!(i18n, sheets.formula) value=formula problem=field_problem(error, "formula") multiline=true />
                <Field id="products" label=move || t!(i18n, sheets.products) value=products problem=field_problem(error, "products") multiline=true />
                <Field
                    id="pose_minutes"
                    label=move || t!(i18n, sheets.pose_label)
                    value=pose_minutes
                    problem=field_problem(error, "pose_minutes")
                    inputmode="numeric"
                />
                <Field id="remarks" label=move || t!(i18n, sheets.remarks) value=remarks problem=field_problem(error, "remarks") multiline=true />
                <FormError error=form.form_error() />
                <DialogActions on_close saving=form.saving />
            </form>
        </Modal>
    }
}
