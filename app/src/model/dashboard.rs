//! The owner's dashboard: a period's figures in the shop's calendar, and how they are written
//! (`12,50 €`, `23/11` in French; `€12.50`, `23 Nov` in English).

use chrono::{Datelike, Duration, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use super::tickets::TopItem;

use super::error::{AppError, FieldProblem};
use super::money::NumberStyle;

/// The longest period shown: two years and a day, so any "this year against last" fits.
pub const MAX_PERIOD_DAYS: i64 = 732;

/// A period up to this many days is drawn day by day; a longer one month by month.
pub const MAX_DAILY_POINTS: i64 = 62;

/// How many clients the "best clients" table lists.
pub const BEST_CLIENTS: u64 = 5;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum PeriodChoice {
    /// The last 7 days, today included.
    Week,
    /// The last 30 days, today included.
    #[default]
    Month,
    /// The last 12 months, today included.
    Year,
    /// Two days typed by the owner, both included.
    Dates,
}

coded!(PeriodChoice {
    Week => "7j",
    Month => "30j",
    Year => "12m",
    Dates => "dates",
});

/// The dashboard's address: `/tableau-de-bord?periode=dates&du=2026-11-01&au=2026-11-30`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DashboardQuery {
    pub period: PeriodChoice,
    pub from: String,
    pub to: String,
}

impl DashboardQuery {
    pub fn from_url(param: impl Fn(&str) -> Option<String>) -> Self {
        Self {
            period: param("periode")
                .and_then(|code| PeriodChoice::from_code(&code))
                .unwrap_or_default(),
            from: param("du").unwrap_or_default(),
            to: param("au").unwrap_or_default(),
        }
    }

    /// The address's pairs, defaults left out; typed dates only with the dates choice.
    pub fn url_pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        if self.period != PeriodChoice::default() {
            pairs.push(("periode", self.period.code().to_owned()));
        }
        if self.period == PeriodChoice::Dates {
            pairs.push(("du", self.from.clone()));
            pairs.push(("au", self.to.clone()));
        }
        pairs
    }

    /// The first and last days asked for, given today in the shop's calendar.
    pub fn days(&self, today: NaiveDate) -> Result<(NaiveDate, NaiveDate), AppError> {
        let back = |days: i64| today - Duration::days(days - 1);
        match self.period {
            PeriodChoice::Week => Ok((back(7), today)),
            PeriodChoice::Month => Ok((back(30), today)),
            PeriodChoice::Year => {
                let year_ago = today.checked_sub_months(Months::new(12)).unwrap_or(today);
                Ok((year_ago + Duration::days(1), today))
            }
            PeriodChoice::Dates => {
                let from = typed_day("from", &self.from)?;
                let to = typed_day("to", &self.to)?;
                if to < from {
                    return Err(AppError::invalid("to", FieldProblem::EndBeforeStart));
                }
                if to > today {
                    return Err(AppError::invalid("to", FieldProblem::DateInFuture));
                }
                if (to - from).num_days() + 1 > MAX_PERIOD_DAYS {
                    return Err(AppError::invalid(
                        "from",
                        FieldProblem::PeriodTooLong {
                            max_days: MAX_PERIOD_DAYS,
                        },
                    ));
                }
                Ok((from, to))
            }
        }
    }
}

fn typed_day(field: &str, text: &str) -> Result<NaiveDate, AppError> {
    match text.trim() {
        "" => Err(AppError::invalid(field, FieldProblem::Required)),
        text => NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map_err(|_| AppError::invalid(field, FieldProblem::InvalidDate)),
    }
}

/// What one point of a chart covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Step {
    Day,
    Month,
}

impl Step {
    pub fn for_period(from: NaiveDate, to: NaiveDate) -> Self {
        if (to - from).num_days() + 1 > MAX_DAILY_POINTS {
            Step::Month
        } else {
            Step::Day
        }
    }

    /// The first day of the step holding `day`.
    pub fn start(self, day: NaiveDate) -> NaiveDate {
        match self {
            Step::Day => day,
            Step::Month => day.with_day(1).unwrap_or(day),
        }
    }

    /// `23/11` or `23 Nov` for a day; `nov. 2026` or `Nov 2026` for a month.
    pub fn label(self, start: NaiveDate, style: NumberStyle) -> String {
        match (self, style) {
            (Step::Day, NumberStyle::French) => start.format("%d/%m").to_string(),
            (Step::Day, NumberStyle::English) => start.format("%-d %b").to_string(),
            (Step::Month, NumberStyle::French) => {
                format!(
                    "{} {}",
                    FRENCH_MONTHS[start.month0() as usize],
                    start.year()
                )
            }
            (Step::Month, NumberStyle::English) => start.format("%b %Y").to_string(),
        }
    }
}

/// A whole day: `23/11/2026` or `23 Nov 2026`.
pub fn day_label(day: NaiveDate, style: NumberStyle) -> String {
    match style {
        NumberStyle::French => day.format("%d/%m/%Y").to_string(),
        NumberStyle::English => day.format("%-d %b %Y").to_string(),
    }
}

const FRENCH_MONTHS: [&str; 12] = [
    "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.",
    "déc.",
];

/// Figures that add up from day to day.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figures {
    /// Purchases recorded (each is a visit).
    pub visits: i64,
    /// Purchases that carried an amount: the average basket's divisor.
    pub paid_visits: i64,
    /// Amounts spent, corrections included.
    pub spent_cents: i64,
    pub points_issued: i64,
    pub points_used: i64,
    pub points_expired: i64,
    pub new_clients: i64,
    pub rewards_earned: i64,
    pub rewards_claimed: i64,
}

impl Figures {
    pub fn add(&mut self, other: &Figures) {
        self.visits += other.visits;
        self.paid_visits += other.paid_visits;
        self.spent_cents += other.spent_cents;
        self.points_issued += other.points_issued;
        self.points_used += other.points_used;
        self.points_expired += other.points_expired;
        self.new_clients += other.new_clients;
        self.rewards_earned += other.rewards_earned;
        self.rewards_claimed += other.rewards_claimed;
    }

    /// The average of purchases that carried an amount; none without any.
    pub fn average_basket_cents(&self) -> Option<i64> {
        (self.paid_visits > 0).then(|| self.spent_cents / self.paid_visits)
    }
}

/// One point of the charts: the figures of the step starting on `start`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepFigures {
    pub start: NaiveDate,
    pub figures: Figures,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BestClient {
    pub client_id: i64,
    pub name: String,
    pub visits: i64,
    pub spent_cents: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dashboard {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub step: Step,
    pub totals: Figures,
    /// Clients with at least one purchase in the period.
    pub active_clients: i64,
    /// Of those, the ones who came at least twice up to the period's end.
    pub returning_clients: i64,
    /// Rewards whose validity ran out in the period without being used.
    pub rewards_expired: i64,
    /// Every step of the period, empty ones included, oldest first.
    pub steps: Vec<StepFigures>,
    pub best_clients: Vec<BestClient>,
    /// The services and products the tickets of the period name most.
    #[serde(default)]
    pub top_services: Vec<TopItem>,
    #[serde(default)]
    pub top_products: Vec<TopItem>,
}

impl Dashboard {
    /// The returning clients' share of the active ones, in whole percent.
    pub fn returning_percent(&self) -> Option<i64> {
        (self.active_clients > 0)
            .then(|| (self.returning_clients * 100 + self.active_clients / 2) / self.active_clients)
    }
}

/// Every step's start from `from` to `to`, for charts without gaps.
pub fn step_starts(from: NaiveDate, to: NaiveDate, step: Step) -> Vec<NaiveDate> {
    let mut starts = Vec::new();
    let mut start = step.start(from);
    while start <= to {
        starts.push(start);
        start = match step {
            Step::Day => start + Duration::days(1),
            Step::Month => start + Months::new(1),
        };
    }
    starts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap_or_default()
    }

    fn dates(from: &str, to: &str) -> DashboardQuery {
        DashboardQuery {
            period: PeriodChoice::Dates,
            from: from.into(),
            to: to.into(),
        }
    }

    fn problem(query: &DashboardQuery) -> Option<FieldProblem> {
        match query.days(day("2026-12-03")) {
            Err(AppError::Invalid(errors)) => errors.0.first().map(|(_, problem)| problem.clone()),
            _ => None,
        }
    }

    #[test]
    fn the_periods_end_today_and_count_today() {
        let today = day("2026-12-03");
        let period = |period| DashboardQuery {
            period,
            ..DashboardQuery::default()
        };
        assert_eq!(
            period(PeriodChoice::Week).days(today),
            Ok((day("2026-11-27"), today))
        );
        assert_eq!(
            period(PeriodChoice::Month).days(today),
            Ok((day("2026-11-04"), today))
        );
        assert_eq!(
            period(PeriodChoice::Year).days(today),
            Ok((day("2025-12-04"), today))
        );
        assert_eq!(
            dates("2026-11-01", "2026-11-30").days(today),
            Ok((day("2026-11-01"), day("2026-11-30")))
        );
    }

    #[test]
    fn typed_dates_are_checked() {
        assert_eq!(
            problem(&dates("", "2026-11-30")),
            Some(FieldProblem::Required)
        );
        assert_eq!(
            problem(&dates("2026-11-31", "2026-12-01")),
            Some(FieldProblem::InvalidDate)
        );
        assert_eq!(
            problem(&dates("2026-11-30", "2026-11-01")),
            Some(FieldProblem::EndBeforeStart)
        );
        assert_eq!(
            problem(&dates("2026-11-30", "2026-12-04")),
            Some(FieldProblem::DateInFuture)
        );
        assert_eq!(
            problem(&dates("2023-01-01", "2026-12-01")),
            Some(FieldProblem::PeriodTooLong {
                max_days: MAX_PERIOD_DAYS
            })
        );
    }

    #[test]
    fn the_address_keeps_the_choice_and_typed_dates_only_with_dates() {
        let read = |pairs: &[(&'static str, String)]| {
            DashboardQuery::from_url(crate::model::routes::param_in(pairs))
        };
        assert_eq!(DashboardQuery::default().url_pairs(), vec![]);
        let typed = dates("2026-11-01", "2026-11-30");
        assert_eq!(read(&typed.url_pairs()), typed);
        let year = DashboardQuery {
            period: PeriodChoice::Year,
            from: "2026-11-01".into(),
            to: String::new(),
        };
        assert_eq!(year.url_pairs(), vec![("periode", "12m".to_owned())]);
        assert_eq!(
            read(&[("periode", "n'importe".into())]).period,
            PeriodChoice::Month
        );
    }

    #[test]
    fn long_periods_are_drawn_by_month_without_gaps() {
        assert_eq!(
            Step::for_period(day("2026-11-04"), day("2026-12-03")),
            Step::Day
        );
        let (from, to) = (day("2025-12-04"), day("2026-12-03"));
        let step = Step::for_period(from, to);
        assert_eq!(step, Step::Month);
        let starts = step_starts(from, to, step);
        assert_eq!(starts.len(), 13);
        assert_eq!(starts[0], day("2025-12-01"));
        assert_eq!(starts[12], day("2026-12-01"));
        assert_eq!(
            step_starts(day("2026-11-27"), day("2026-12-03"), Step::Day).len(),
            7
        );
    }

    #[test]
    fn labels_follow_the_reader() {
        let start = day("2026-11-23");
        assert_eq!(Step::Day.label(start, NumberStyle::French), "23/11");
        assert_eq!(Step::Day.label(start, NumberStyle::English), "23 Nov");
        assert_eq!(Step::Month.label(start, NumberStyle::French), "nov. 2026");
        assert_eq!(Step::Month.label(start, NumberStyle::English), "Nov 2026");
        assert_eq!(day_label(start, NumberStyle::French), "23/11/2026");
        assert_eq!(day_label(start, NumberStyle::English), "23 Nov 2026");
    }

    #[test]
    fn the_average_basket_and_returning_share_need_a_divisor() {
        let figures = Figures {
            visits: 3,
            paid_visits: 2,
            spent_cents: 2_501,
            ..Figures::default()
        };
        assert_eq!(figures.average_basket_cents(), Some(1_250));
        assert_eq!(Figures::default().average_basket_cents(), None);
    }
}
