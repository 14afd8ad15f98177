//! Countries as the pages name them, and the client form's country list.

use leptos::prelude::*;
use leptos_i18n::I18nContext;

use super::errors::problem_text;
use super::field::field_problem;
use super::session::use_session;
use crate::i18n::*;
use crate::model::country::Country;
use crate::model::error::AppError;

pub fn country_name(i18n: I18nContext<Locale>, country: Country) -> String {
    country_name_in(i18n.get_locale(), country)
}

pub fn country_name_in(locale: Locale, country: Country) -> String {
    match country {
        Country::France => td_string!(locale, countries.france),
        Country::Belgium => td_string!(locale, countries.belgium),
        Country::Switzerland => td_string!(locale, countries.switzerland),
        Country::Luxembourg => td_string!(locale, countries.luxembourg),
        Country::Germany => td_string!(locale, countries.germany),
        Country::Italy => td_string!(locale, countries.italy),
        Country::Spain => td_string!(locale, countries.spain),
        Country::Monaco => td_string!(locale, countries.monaco),
        Country::Andorra => td_string!(locale, countries.andorra),
        Country::Netherlands => td_string!(locale, countries.netherlands),
        Country::Portugal => td_string!(locale, countries.portugal),
        Country::UnitedKingdom => td_string!(locale, countries.united_kingdom),
    }
    .to_string()
}

/// The signed-in shop's country: where its clients live unless their file says otherwise.
pub fn home_country() -> Country {
    use_session()
        .user
        .get_untracked()
        .and_then(|user| user.ok().flatten())
        .map(|user| user.country)
        .unwrap_or_default()
}

/// A client's town as a page shows it: `1000 Bruxelles, Belgique`, the country named only when
/// it is not the shop's own.
pub fn place_line(
    i18n: I18nContext<Locale>,
    postal_code: &str,
    city: &str,
    country: Country,
) -> String {
    let town = format!("{postal_code} {city}").trim().to_owned();
    if country == home_country() {
        return town;
    }
    [town, country_name(i18n, country)]
        .into_iter()
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The country list of the client form, the shop's own first.
#[component]
pub fn CountrySelect(value: RwSignal<String>, error: Signal<Option<AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    let problem = field_problem(error, "country");
    let home = home_country();
    let countries = std::iter::once(home)
        .chain(Country::ALL.iter().copied().filter(move |c| *c != home))
        .collect::<Vec<_>>();
    view! {
        <div class="field">
            <label for="country">{t!(i18n, client_form.country)}</label>
            <select
                id="country"
                name="country"
                aria-invalid=move || problem.get().map(|_| "true")
                aria-describedby=move || problem.get().map(|_| "country-error")
                prop:value=move || value.get()
                on:change=move |event| value.set(event_target_value(&event))
            >
                {countries
                    .into_iter()
                    .map(|country| {
                        view! {
                            <option value=country.code() selected=move || value.get() == country.code()>
                                {move || country_name(i18n, country)}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            {move || problem.get().map(|problem| view! { <p class="field-error" id="country-error">{problem_text(i18n, &problem)}</p> })}
        </div>
    }
}
