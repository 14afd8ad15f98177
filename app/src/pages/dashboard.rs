//! The owner's home: a period's clients, visits, spending, points and rewards, as figures,
//! charts and tables. The address holds the period
//! (`/tableau-de-bord?periode=dates&du=2026-11-01&au=2026-11-30`), so the server renders it and
//! the back button brings the previous one back.

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::params::ParamsMap;

use crate::api::dashboard::shop_dashboard;
use crate::components::chart::{Chart, Series, Shape};
use crate::components::errors::error_text;
use crate::components::field::{Field, field_problem};
use crate::components::tickets::TopItems;
use crate::i18n::*;
use crate::model::dashboard::{Dashboard, DashboardQuery, PeriodChoice, Step, day_label};
use crate::model::error::AppError;
use crate::model::money::{NumberStyle, format_euros_in, format_number};
use crate::model::routes;

/// The dashboard's address for `query`.
pub fn dashboard_href(query: &DashboardQuery) -> String {
    let params: ParamsMap = query.url_pairs().into_iter().collect();
    format!("{}{}", routes::DASHBOARD, params.to_query_string())
}

/// How the reader writes numbers, from the page's language.
pub fn number_style(locale: Locale) -> NumberStyle {
    match locale {
        Locale::en => NumberStyle::English,
        Locale::fr => NumberStyle::French,
    }
}

#[component]
pub fn DashboardPage() -> impl IntoView {
    let i18n = use_i18n();
    let address = use_query_map();
    let navigate = use_navigate();
    let wanted =
        Memo::new(move |_| address.with(|params| DashboardQuery::from_url(|key| params.get(key))));
    let figures = Resource::new(move || wanted.get(), shop_dashboard);
    let from = RwSignal::new(wanted.get_untracked().from);
    let to = RwSignal::new(wanted.get_untracked().to);
    Effect::new(move |_| {
        let query = wanted.get();
        from.set(query.from);
        to.set(query.to);
    });
    let error = Signal::derive(move || match figures.get() {
        Some(Err(failure)) => Some(failure),
        _ => None,
    });
    let show_dates = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let query = DashboardQuery {
            period: PeriodChoice::Dates,
            from: from.get_untracked(),
            to: to.get_untracked(),
        };
        navigate(
            &dashboard_href(&query),
            NavigateOptions {
                scroll: false,
                ..NavigateOptions::default()
            },
        );
    };
    let choice = move |period: PeriodChoice| {
        let label = move || match period {
            PeriodChoice::Week => t_string!(i18n, dashboard.week),
            PeriodChoice::Month => t_string!(i18n, dashboard.month),
            PeriodChoice::Year => t_string!(i18n, dashboard.year),
            PeriodChoice::Dates => t_string!(i18n, dashboard.dates),
        };
        let href = dashboard_href(&DashboardQuery {
            period,
            from: String::new(),
            to: String::new(),
        });
        let current = move || (wanted.read().period == period).then_some("page");
        // A plain link: the router's `A` marks every link to this page as the current one,
        // whatever its query.
        view! {
            <a href=href aria-current=current class="period-choice">
                {label}
            </a>
        }
    };

    view! {
        <h1>{t!(i18n, dashboard.title)}</h1>
        <nav class="period-choices" aria-label=move || t_string!(i18n, dashboard.period)>
            {choice(PeriodChoice::Week)}
            {choice(PeriodChoice::Month)}
            {choice(PeriodChoice::Year)}
            {choice(PeriodChoice::Dates)}
        </nav>
        <Show when=move || wanted.read().period == PeriodChoice::Dates>
            <form class="filters" on:submit=show_dates.clone()>
                <Field id="from" label=move || t!(i18n, common.from) value=from problem=field_problem(error, "from") input_type="date" />
                <Field id="to" label=move || t!(i18n, common.to) value=to problem=field_problem(error, "to") input_type="date" />
                <div class="field">
                    <button type="submit">{t!(i18n, dashboard.show)}</button>
                </div>
            </form>
        </Show>
        <Transition fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
            {move || {
                // Written again in the other language when the reader switches.
                let style = number_style(i18n.get_locale());
                figures
                    .get()
                    .map(|answer| match answer {
                        Ok(dashboard) => view! { <DashboardFigures dashboard style /> }.into_any(),
                        Err(AppError::Invalid(_)) => ().into_any(),
                        Err(failure) => {
                            view! { <p class="form-error" role="alert">{error_text(i18n, &failure)}</p> }
                                .into_any()
                        }
                    })
            }}
        </Transition>
    }
}

#[component]
fn DashboardFigures(dashboard: Dashboard, style: NumberStyle) -> impl IntoView {
    let i18n = use_i18n();
    let number = move |value: i64| format_number(value, style);
    let euros = move |cents: i64| format_euros_in(cents, style);
    let totals = dashboard.totals;
    let from = day_label(dashboard.from, style);
    let to = day_label(dashboard.to, style);
    let returning = match (dashboard.returning_percent(), style) {
        (Some(percent), NumberStyle::French) => format!("{percent}\u{a0}%"),
        (Some(percent), NumberStyle::English) => format!("{percent}%"),
        (None, _) => "—".to_owned(),
    };
    let returning_of = (dashboard.returning_clients, dashboard.active_clients);
    let basket = totals
        .average_basket_cents()
        .map_or_else(|| "—".to_owned(), euros);
    let tile = |label: String, value: String| {
        let name = label.clone();
        view! {
            <div class="tile" role="group" aria-label=name>
                <dt>{label}</dt>
                <dd>{value}</dd>
            </div>
        }
    };

    let labels: Vec<String> = dashboard
        .steps
        .iter()
        .map(|step| dashboard.step.label(step.start, style))
        .collect();
    let values = |pick: fn(&crate::model::dashboard::Figures) -> i64| -> Vec<i64> {
        dashboard
            .steps
            .iter()
            .map(|step| pick(&step.figures))
            .collect()
    };
    let counted = |name: String, values: Vec<i64>, class: &'static str| Series {
        formatted: values.iter().map(|value| number(*value)).collect(),
        name,
        values,
        class,
    };
    let by_month = dashboard.step == Step::Month;
    let label_header = if by_month {
        t_string!(i18n, dashboard.month_header).to_string()
    } else {
        t_string!(i18n, dashboard.day_header).to_string()
    };
    let visits_title = if by_month {
        t_string!(i18n, dashboard.visits_by_month).to_string()
    } else {
        t_string!(i18n, dashboard.visits_by_day).to_string()
    };
    let visits = vec![counted(
        t_string!(i18n, dashboard.visits).to_string(),
        values(|figures| figures.visits),
        "series-a",
    )];
    let points = vec![
        counted(
            t_string!(i18n, dashboard.points_issued).to_string(),
            values(|figures| figures.points_issued),
            "series-a",
        ),
        counted(
            t_string!(i18n, dashboard.points_used).to_string(),
            values(|figures| figures.points_used),
            "series-b",
        ),
    ];
    let spent_values = values(|figures| figures.spent_cents);
    let spent = vec![Series {
        name: t_string!(i18n, dashboard.spent).to_string(),
        formatted: spent_values.iter().map(|cents| euros(*cents)).collect(),
        values: spent_values,
        class: "series-a",
    }];

    let best_rows: Vec<_> = dashboard
        .best_clients
        .into_iter()
        .map(|best| {
            view! {
                <tr>
                    <th scope="row">
                        <A href=routes::client_file(best.client_id)>{best.name.clone()}</A>
                    </th>
                    <td>{number(best.visits)}</td>
                    <td>{euros(best.spent_cents)}</td>
                </tr>
            }
        })
        .collect();
    let has_best = !best_rows.is_empty();
    let (top_services, top_products) = (dashboard.top_services, dashboard.top_products);
    let count_label = Callback::new(number);

    view! {
        <p class="period-range" role="status">
            {t_string!(i18n, dashboard.range, from, to).to_string()}
        </p>
        <dl class="tiles">
            {tile(t_string!(i18n, dashboard.active_clients).to_string(), number(dashboard.active_clients))}
            {tile(t_string!(i18n, dashboard.new_clients).to_string(), number(totals.new_clients))}
            {tile(
                t_string!(i18n, dashboard.returning, returning_count = returning_of.0, active_count = returning_of.1).to_string(),
                returning,
            )}
            {tile(t_string!(i18n, dashboard.visits).to_string(), number(totals.visits))}
            {tile(t_string!(i18n, dashboard.spent).to_string(), euros(totals.spent_cents))}
            {tile(t_string!(i18n, dashboard.basket).to_string(), basket)}
            {tile(t_string!(i18n, dashboard.points_issued).to_string(), number(totals.points_issued))}
            {tile(t_string!(i18n, dashboard.points_used).to_string(), number(totals.points_used))}
            {tile(t_string!(i18n, dashboard.points_expired).to_string(), number(totals.points_expired))}
            {tile(t_string!(i18n, dashboard.rewards_earned).to_string(), number(totals.rewards_earned))}
            {tile(t_string!(i18n, dashboard.rewards_claimed).to_string(), number(totals.rewards_claimed))}
            {tile(t_string!(i18n, dashboard.rewards_expired).to_string(), number(dashboard.rewards_expired))}
        </dl>
        <div class="charts">
            <Chart
                title=visits_title
                label_header=label_header.clone()
                labels=labels.clone()
                series=visits
                shape=Shape::Line
                axis_label=count_label
            />
            <Chart
                title=t_string!(i18n, dashboard.points_chart).to_string()
                label_header=label_header.clone()
                labels=labels.clone()
                series=points
                shape=Shape::Bars
                axis_label=count_label
            />
            <Chart
                title=t_string!(i18n, dashboard.spent_chart).to_string()
                label_header
                labels
                series=spent
                shape=Shape::Bars
                axis_label=Callback::new(euros)
            />
        </div>
        <section class="best-clients" aria-labelledby="best-clients-title">
            <h2 id="best-clients-title">{t!(i18n, dashboard.best_clients)}</h2>
            {if has_best {
                view! {
                    <table>
                        <thead>
                            <tr>
                                <th scope="col">{t!(i18n, dashboard.client)}</th>
                                <th scope="col">{t!(i18n, dashboard.visits)}</th>
                                <th scope="col">{t!(i18n, dashboard.spent)}</th>
                            </tr>
                        </thead>
                        <tbody>{best_rows}</tbody>
                    </table>
                }
                    .into_any()
            } else {
                view! { <p>{t!(i18n, dashboard.no_sales)}</p> }.into_any()
            }}
        </section>
        <section class="best-sellers" aria-labelledby="best-sellers-title">
            <h2 id="best-sellers-title">{t!(i18n, tickets.best_sellers)}</h2>
            <div class="top-items">
                <TopItems title=move || t!(i18n, tickets.services) items=top_services />
                <TopItems title=move || t!(i18n, tickets.products) items=top_products />
            </div>
        </section>
    }
}
