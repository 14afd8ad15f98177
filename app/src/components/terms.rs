//! The programme's terms where staff meet a client: on the client's page (which version the
//! client accepted, when and how) and in the till's dialog, which asks again when the owner
//! published a new version since.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::terms::{accept_terms, current_terms, publish_terms, terms_of_client};
use crate::components::browser_data::load_in_browser;
use crate::components::errors::{FormError, error_text};
use crate::components::field::{Field, field_problem};
use crate::components::form_state::FormState;
use crate::i18n::*;
use crate::model::error::AppError;
use crate::model::terms::{AcceptanceRequest, AcceptanceSource, ClientTerms, TermsForm, TermsView};

pub fn source_text(i18n: leptos_i18n::I18nContext<Locale>, source: AcceptanceSource) -> String {
    match source {
        AcceptanceSource::Till => t_string!(i18n, terms.sources.till),
        AcceptanceSource::Form => t_string!(i18n, terms.sources.form),
        AcceptanceSource::Import => t_string!(i18n, terms.sources.import),
    }
    .to_string()
}

/// Where the client stands. `compact` (the till's dialog) shows only a request to ask, when
/// one is due; the client's page shows the whole standing.
#[component]
pub fn TermsStanding(client_id: i64, #[prop(optional)] compact: bool) -> impl IntoView {
    let i18n = use_i18n();
    let text = RwSignal::new(None::<TermsView>);
    // With the text to accept, when the client's page asks again.
    let (standing, _) = load_in_browser(move || async move {
        let answer = terms_of_client(client_id).await;
        if !compact && answer.as_ref().is_ok_and(ClientTerms::due) {
            text.set(current_terms().await.ok().flatten());
        }
        answer
    });
    let source = RwSignal::new(AcceptanceSource::Till);
    let sending = RwSignal::new(false);
    let error = RwSignal::new(None::<AppError>);
    let accept = move |version: i32| {
        sending.set(true);
        spawn_local(async move {
            let request = AcceptanceRequest {
                client_id,
                version,
                source: source.get_untracked(),
            };
            match accept_terms(request).await {
                Ok(now) => {
                    standing.set(Some(Ok(now)));
                    error.set(None);
                }
                Err(failure) => error.set(Some(failure)),
            }
            sending.set(false);
        });
    };
    let accepted_line = move |terms: &ClientTerms| {
        terms.accepted.as_ref().map(|yes| {
            let (version, date, how, name) = (
                yes.version,
                yes.accepted_at.clone(),
                yes.source,
                yes.author_name.clone(),
            );
            view! {
                <p>
                    {move || {
                        let how = source_text(i18n, how);
                        t_string!(i18n, terms.accepted, version = version, date = date.clone(), source = how, name = name.clone())
                            .to_string()
                    }}
                </p>
            }
        })
    };
    let shown = move || {
        let terms = match standing.get() {
            None => return None,
            Some(Err(failure)) => {
                return (!compact).then(|| view! { <p class="form-error" role="alert">{error_text(i18n, &failure)}</p> }.into_any());
            }
            Some(Ok(terms)) => terms,
        };
        let current = terms.current_version?;
        let due = terms.due();
        if compact && !due {
            return None;
        }
        let ask = due.then(|| {
            view! {
                <p class="terms-due">
                    <strong>{move || t_string!(i18n, terms.due, version = current).to_string()}</strong>
                </p>
                {(!compact).then(|| view! {
                    <div class="field inline-field">
                        <label for="terms-source">{t!(i18n, terms.source)}</label>
                        <select
                            id="terms-source"
                            on:change=move |event| {
                                if let Some(chosen) = AcceptanceSource::from_code(&event_target_value(&event)) {
                                    source.set(chosen);
                                }
                            }
                        >
                            <option value="till" selected=true>{t!(i18n, terms.sources.till)}</option>
                            <option value="form">{t!(i18n, terms.sources.form)}</option>
                        </select>
                    </div>
                })}
                <div class="actions actions-start">
                    <button type="button" disabled=move || sending.get() on:click=move |_| accept(current)>
                        {move || t_string!(i18n, terms.accept, version = current).to_string()}
                    </button>
                </div>
            }
        });
        Some(
            view! {
                {(!compact).then(|| accepted_line(&terms))}
                {ask}
                {(!compact).then_some(move || text.get().map(|shown_terms| {
                    let version = shown_terms.version;
                    view! {
                        <details>
                            <summary>{move || t_string!(i18n, terms.read, version = version).to_string()}</summary>
                            <p class="note-text">{shown_terms.body}</p>
                        </details>
                    }
                }))}
            }
            .into_any(),
        )
    };
    view! {
        {move || {
            shown().map(|body| {
                if compact {
                    view! { <div class="terms-standing compact" role="note">{body}</div> }.into_any()
                } else {
                    view! {
                        <section class="terms-standing" aria-labelledby="terms-title">
                            <h2 id="terms-title">{t!(i18n, terms.title)}</h2>
                            {body}
                        </section>
                    }
                    .into_any()
                }
            })
        }}
        {move || error.get().map(|failure| view! { <p class="form-error" role="alert">{error_text(i18n, &failure)}</p> })}
    }
}

/// The programme page's terms: the version in force for everyone; for the owner, the text to
/// change and publish as a new version.
#[component]
pub fn TermsEditor(#[prop(into)] owner: Signal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let body = RwSignal::new(String::new());
    let (published, _) = load_in_browser(move || async move {
        let answer = current_terms().await;
        if let Ok(Some(terms)) = &answer {
            body.set(terms.body.clone());
        }
        answer
    });
    let form = FormState::new();
    let just_published = RwSignal::new(false);
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        let terms = TermsForm {
            body: body.get_untracked(),
        };
        if let Err(invalid) = terms.validate() {
            form.error.set(Some(invalid));
            return;
        }
        form.send(
            move || publish_terms(terms),
            move |now: TermsView| {
                published.set(Some(Ok(Some(now))));
                just_published.set(true);
            },
        );
    };
    let error: Signal<Option<AppError>> = form.error.into();
    let standing = move || match published.get() {
        None => view! { <p class="loading">{t!(i18n, common.loading)}</p> }.into_any(),
        Some(Err(failure)) => {
            view! { <p class="form-error" role="alert">{error_text(i18n, &failure)}</p> }.into_any()
        }
        Some(Ok(None)) => view! { <p class="hint">{t!(i18n, terms.none)}</p> }.into_any(),
        Some(Ok(Some(terms))) => {
            let (version, date, name) = (
                terms.version,
                terms.published_at.clone(),
                terms.published_by.clone(),
            );
            view! {
                <p>{move || t_string!(i18n, terms.in_force, version = version, date = date.clone(), name = name.clone()).to_string()}</p>
                {(!owner.get()).then(|| view! { <p class="note-text">{terms.body.clone()}</p> })}
            }
            .into_any()
        }
    };
    view! {
        <section class="terms-editor" aria-labelledby="terms-editor-title">
            <h2 id="terms-editor-title">{t!(i18n, terms.title)}</h2>
            {standing}
            {move || owner.get().then(|| view! {
                <form on:submit=submit novalidate>
                    <Field id="terms-body" label=move || t!(i18n, terms.body) value=body problem=field_problem(error, "body") multiline=true />
                    <p class="hint">{t!(i18n, terms.publish_hint)}</p>
                    <FormError error=form.form_error() />
                    <div class="actions actions-start">
                        <button type="submit" disabled=move || form.saving.get()>{t!(i18n, terms.publish)}</button>
                    </div>
                    {move || just_published.get().then(|| view! { <p role="status">{t!(i18n, terms.published)}</p> })}
                </form>
            })}
        </section>
    }
}
