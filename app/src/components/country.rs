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
    match country {
        Country::France => t_string!(i18n, countries.france),
        Country::Belgium => t_string!(i18n, countries.belgium),
        Country::Switzerland => t_string!(i18n, countries.switzerland),
        Country::Luxembourg => t_string!(i18n, countries.luxembourg),
        Country::Germany => t_string!(i18n, countries.germany),
        Country::Italy => t_string!(i18n, countries.italy),
        Country::Spain => t_string!(i18n, countries.spain),
        Country::Monaco => t_string!(i18n, countries.monaco),
        Country::Andorra => t_string!(i18n, countries.andorra),
        Country::Netherlands => t_string!(i18n, countries.netherlands),
        Country::Portugal => t_string!(i18n, countries.portugal),
        Country::UnitedKingdom => t_string!(i18n, countries.united_kingdom),
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
