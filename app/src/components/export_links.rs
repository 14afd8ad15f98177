//! The two download links of a list: for a spreadsheet in French, and as plain data.

use leptos::prelude::*;

use crate::i18n::*;
use crate::model::exports::ExportFormat;

/// Plain links (`rel="external"`): the browser saves the file, with or without the app's script.
#[component]
pub fn ExportLinks(
    #[prop(into)] label: ViewFn,
    /// The download's address in a format; it may follow the page's filter.
    link: Callback<ExportFormat, String>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <p class="exports">
            {move || label.run()}
            " "
            <a href=move || link.run(ExportFormat::Spreadsheet) download rel="external">{t!(i18n, exports.spreadsheet)}</a>
            " · "
            <a href=move || link.run(ExportFormat::Data) download rel="external">{t!(i18n, exports.data)}</a>
        </p>
    }
}
