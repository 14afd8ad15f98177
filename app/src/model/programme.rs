//! The loyalty programme: the owner's settings, and the rule that turns a purchase into points.
//! The till shows the points a purchase gives before saving and the server decides them, both
//! with `Earning::values` below.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::error::{AppError, FieldErrors, FieldProblem};
use super::fields::{text_field, whole_number};
use super::ledger::{TransactionForm, TransactionValues};
use super::money::parse_euros;

/// The largest purchase the till accepts: 100,000 €. More is a typo.
pub const MAX_PURCHASE_CENTS: i64 = 10_000_000;
pub const MAX_POINTS_PER_EURO: i64 = 100;
pub const MAX_POINTS_PER_VISIT: i64 = 1_000;
pub const MIN_CARD_STAMPS: i64 = 2;
pub const MAX_CARD_STAMPS: i64 = 50;
/// Most items one purchase counts on a stamp card.
pub const MAX_ITEMS: i64 = 99;
pub const MAX_NAME_CHARS: usize = 80;
/// Points kept at most ten years.
pub const MAX_EXPIRY_MONTHS: i64 = 120;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum ProgrammeKind {
    #[default]
    PerEuro,
    PerVisit,
    StampCard,
    /// Points typed at the till, as before any programme.
    Manual,
}

coded!(ProgrammeKind {
    PerEuro => "per_euro",
    PerVisit => "per_visit",
    StampCard => "stamp_card",
    Manual => "manual",
});

/// How a purchase in euros and cents counts: 12,40 € is 13 started euros, or 12 whole ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Rounding {
    #[default]
    StartedEuro,
    WholeEuro,
}

coded!(Rounding {
    StartedEuro => "started",
    WholeEuro => "whole",
});

/// How purchases earn, as the programme states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EarningRule {
    PerEuro {
        points: i64,
        rounding: Rounding,
        minimum_cents: Option<i64>,
    },
    PerVisit {
        points: i64,
        /// A second purchase the same day (in the shop's zone) earns nothing.
        once_per_day: bool,
    },
    StampCard {
        /// Stamps on a full card.
        stamps: i64,
        /// One stamp per item bought, the till typing the count; else one per visit.
        per_item: bool,
    },
    Manual,
}

impl EarningRule {
    pub fn kind(&self) -> ProgrammeKind {
        match self {
            Self::PerEuro { .. } => ProgrammeKind::PerEuro,
            Self::PerVisit { .. } => ProgrammeKind::PerVisit,
            Self::StampCard { .. } => ProgrammeKind::StampCard,
            Self::Manual => ProgrammeKind::Manual,
        }
    }

    /// The points of a purchase of `amount_cents` (per euro) or of `items` (a stamp per item).
    pub fn points_for(&self, amount_cents: i64, items: i64) -> i64 {
        match *self {
            Self::PerEuro {
                points,
                rounding,
                minimum_cents,
            } => {
                if minimum_cents.is_some_and(|minimum| amount_cents < minimum) {
                    return 0;
                }
                let euros = match rounding {
                    Rounding::StartedEuro => (amount_cents + 99) / 100,
                    Rounding::WholeEuro => amount_cents / 100,
                };
                euros * points
            }
            Self::PerVisit { points, .. } => points,
            Self::StampCard { per_item, .. } => {
                if per_item {
                    items
                } else {
                    1
                }
            }
            Self::Manual => 0,
        }
    }
}

/// When points expire, if the programme says they do. Written as ledger entries by the hourly
/// job; a balance is never rewritten.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "after", rename_all = "snake_case")]
pub enum PointsExpiry {
    /// Points expire `months` after they were earned; points used are taken from the oldest.
    Earned { months: i64 },
    /// The whole balance expires after `months` without a visit.
    LastVisit { months: i64 },
}

/// The expiry choice as the settings form offers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum ExpiryChoice {
    #[default]
    Never,
    AfterEarned,
    AfterLastVisit,
}

coded!(ExpiryChoice {
    Never => "never",
    AfterEarned => "earned",
    AfterLastVisit => "last_visit",
});

impl PointsExpiry {
    pub fn months(&self) -> i64 {
        match *self {
            Self::Earned { months } | Self::LastVisit { months } => months,
        }
    }

    pub fn choice(expiry: Option<Self>) -> ExpiryChoice {
        match expiry {
            None => ExpiryChoice::Never,
            Some(Self::Earned { .. }) => ExpiryChoice::AfterEarned,
            Some(Self::LastVisit { .. }) => ExpiryChoice::AfterLastVisit,
        }
    }
}

/// Points of a client that will expire, and on which day (in the shop's calendar, `02/06/2027`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpiringPoints {
    pub points: i64,
    pub on: String,
}

/// What the till does with an earn today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Earning {
    /// No programme, or a manual one: the points are typed.
    #[default]
    ByHand,
    /// A running programme's rule (never `Manual`).
    Rule(EarningRule),
    /// The programme is suspended, not started or over: the purchase is recorded, no points.
    Paused,
}

impl Earning {
    /// Whether the till asks for the amount (a per-euro rule needs it; elsewhere it is optional).
    pub fn needs_amount(&self) -> bool {
        matches!(self, Self::Rule(EarningRule::PerEuro { .. }))
    }

    /// Whether the till asks how many items were bought.
    pub fn asks_items(&self) -> bool {
        matches!(
            self,
            Self::Rule(EarningRule::StampCard { per_item: true, .. })
        )
    }

    pub fn asks_points(&self) -> bool {
        matches!(self, Self::ByHand)
    }

    /// The earn the form describes under this programme: the points typed by hand, or those the
    /// rule gives. Every mistake is reported at once, next to its field.
    pub fn values(&self, form: &TransactionForm) -> Result<TransactionValues, AppError> {
        if self.asks_points() {
            return form.validate();
        }
        let mut errors = FieldErrors::default();
        let amount_cents = match parse_euros(&form.amount) {
            Ok(None) if self.needs_amount() => {
                errors.add("amount", FieldProblem::Required);
                None
            }
            Ok(Some(cents)) if !(1..=MAX_PURCHASE_CENTS).contains(&cents) => {
                errors.add(
                    "amount",
                    FieldProblem::AmountOutOfRange {
                        max_euros: MAX_PURCHASE_CENTS / 100,
                    },
                );
                None
            }
            Ok(amount) => amount,
            Err(problem) => {
                errors.add("amount", problem);
                None
            }
        };
        let items = if self.asks_items() {
            match form.items.trim().parse::<i64>() {
                Ok(items) if (1..=MAX_ITEMS).contains(&items) => items,
                _ if form.items.trim().is_empty() => {
                    errors.add("items", FieldProblem::Required);
                    0
                }
                _ => {
                    errors.add("items", FieldProblem::ItemsOutOfRange { max: MAX_ITEMS });
                    0
                }
            }
        } else {
            1
        };
        errors.into_result()?;
        let points = match self {
            Self::Rule(rule) => rule.points_for(amount_cents.unwrap_or_default(), items),
            Self::ByHand | Self::Paused => 0,
        };
        Ok(TransactionValues {
            points,
            amount_cents,
        })
    }
}

/// Where the programme stands today, in the shop's calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProgrammeState {
    Running,
    Suspended,
    /// Its start date is still to come.
    NotStarted,
    /// Its end date has passed.
    Over,
}

impl ProgrammeState {
    pub fn of(
        starts_on: NaiveDate,
        ends_on: Option<NaiveDate>,
        suspended: bool,
        today: NaiveDate,
    ) -> Self {
        if ends_on.is_some_and(|end| today > end) {
            Self::Over
        } else if today < starts_on {
            Self::NotStarted
        } else if suspended {
            Self::Suspended
        } else {
            Self::Running
        }
    }
}

/// The shop's programme as the pages show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgrammeView {
    pub id: i64,
    pub name: String,
    pub rule: EarningRule,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub state: ProgrammeState,
    pub points_expiry: Option<PointsExpiry>,
}

impl ProgrammeView {
    pub fn earning(&self) -> Earning {
        match (self.state, self.rule) {
            (ProgrammeState::Running, EarningRule::Manual) => Earning::ByHand,
            (ProgrammeState::Running, rule) => Earning::Rule(rule),
            _ => Earning::Paused,
        }
    }

    /// The settings form filled with this programme, to change it.
    pub fn form(&self) -> ProgrammeForm {
        let mut form = ProgrammeForm {
            name: self.name.clone(),
            kind: self.rule.kind(),
            starts_on: self.starts_on.to_string(),
            ends_on: self.ends_on.map(|day| day.to_string()).unwrap_or_default(),
            expiry: PointsExpiry::choice(self.points_expiry),
            expiry_months: self
                .points_expiry
                .map_or_else(|| "12".into(), |expiry| expiry.months().to_string()),
            ..ProgrammeForm::default()
        };
        match self.rule {
            EarningRule::PerEuro {
                points,
                rounding,
                minimum_cents,
            } => {
                form.points_per_euro = points.to_string();
                form.rounding = rounding;
                form.minimum = minimum_cents
                    .map(super::money::format_euros_plain)
                    .unwrap_or_default();
            }
            EarningRule::PerVisit {
                points,
                once_per_day,
            } => {
                form.points_per_visit = points.to_string();
                form.once_per_day = once_per_day;
            }
            EarningRule::StampCard { stamps, per_item } => {
                form.card_stamps = stamps.to_string();
                form.per_item = per_item;
            }
            EarningRule::Manual => {}
        }
        form
    }
}

/// What the owner does to the live programme as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProgrammeStep {
    /// Nothing is earned until it resumes; rewards earned can still be claimed.
    Suspend,
    Resume,
    /// The programme stops for good; another may start.
    End,
}

/// The settings form as typed. Only the fields of the chosen kind are read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgrammeForm {
    pub name: String,
    pub kind: ProgrammeKind,
    pub points_per_euro: String,
    pub rounding: Rounding,
    /// Optional minimum purchase, in euros.
    pub minimum: String,
    pub points_per_visit: String,
    pub once_per_day: bool,
    pub card_stamps: String,
    pub per_item: bool,
    /// `YYYY-MM-DD`, as a date input gives it; empty for today.
    pub starts_on: String,
    /// Optional.
    pub ends_on: String,
    #[serde(default)]
    pub expiry: ExpiryChoice,
    /// Months, read unless the points never expire.
    #[serde(default)]
    pub expiry_months: String,
}

impl Default for ProgrammeForm {
    fn default() -> Self {
        Self {
            name: String::new(),
            kind: ProgrammeKind::PerEuro,
            points_per_euro: "1".into(),
            rounding: Rounding::StartedEuro,
            minimum: String::new(),
            points_per_visit: "1".into(),
            once_per_day: true,
            card_stamps: "10".into(),
            per_item: false,
            starts_on: String::new(),
            ends_on: String::new(),
            expiry: ExpiryChoice::Never,
            expiry_months: "12".into(),
        }
    }
}

/// Settings that passed the rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgrammeSettings {
    pub name: String,
    pub rule: EarningRule,
    /// `None`: today, in the shop's calendar (the server knows which day that is).
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub points_expiry: Option<PointsExpiry>,
}

fn day(errors: &mut FieldErrors, field: &str, text: &str) -> Option<NaiveDate> {
    match text.trim() {
        "" => None,
        text => NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map_err(|_| errors.add(field, FieldProblem::InvalidDate))
            .ok(),
    }
}

impl ProgrammeForm {
    pub fn validate(&self) -> Result<ProgrammeSettings, AppError> {
        let mut errors = FieldErrors::default();
        let name = text_field(&mut errors, "name", &self.name, true, MAX_NAME_CHARS, false);
        let rule = match self.kind {
            ProgrammeKind::PerEuro => {
                let points = whole_number(
                    &mut errors,
                    "points_per_euro",
                    &self.points_per_euro,
                    1,
                    MAX_POINTS_PER_EURO,
                );
                let minimum_cents = match parse_euros(&self.minimum) {
                    Ok(Some(cents)) if cents > MAX_PURCHASE_CENTS => {
                        errors.add(
                            "minimum",
                            FieldProblem::AmountOutOfRange {
                                max_euros: MAX_PURCHASE_CENTS / 100,
                            },
                        );
                        None
                    }
                    Ok(cents) => cents.filter(|cents| *cents > 0),
                    Err(problem) => {
                        errors.add("minimum", problem);
                        None
                    }
                };
                points.map(|points| EarningRule::PerEuro {
                    points,
                    rounding: self.rounding,
                    minimum_cents,
                })
            }
            ProgrammeKind::PerVisit => whole_number(
                &mut errors,
                "points_per_visit",
                &self.points_per_visit,
                1,
                MAX_POINTS_PER_VISIT,
            )
            .map(|points| EarningRule::PerVisit {
                points,
                once_per_day: self.once_per_day,
            }),
            ProgrammeKind::StampCard => whole_number(
                &mut errors,
                "card_stamps",
                &self.card_stamps,
                MIN_CARD_STAMPS,
                MAX_CARD_STAMPS,
            )
            .map(|stamps| EarningRule::StampCard {
                stamps,
                per_item: self.per_item,
            }),
            ProgrammeKind::Manual => Some(EarningRule::Manual),
        };
        let starts_on = day(&mut errors, "starts_on", &self.starts_on);
        let ends_on = day(&mut errors, "ends_on", &self.ends_on);
        if let (Some(start), Some(end)) = (starts_on, ends_on)
            && end < start
        {
            errors.add("ends_on", FieldProblem::EndBeforeStart);
        }
        let months = |errors: &mut FieldErrors| {
            whole_number(
                errors,
                "expiry_months",
                &self.expiry_months,
                1,
                MAX_EXPIRY_MONTHS,
            )
        };
        let points_expiry = match self.expiry {
            ExpiryChoice::Never => None,
            ExpiryChoice::AfterEarned => {
                months(&mut errors).map(|months| PointsExpiry::Earned { months })
            }
            ExpiryChoice::AfterLastVisit => {
                months(&mut errors).map(|months| PointsExpiry::LastVisit { months })
            }
        };
        errors.into_result()?;
        match (name, rule) {
            (Some(name), Some(rule)) => Ok(ProgrammeSettings {
                name,
                rule,
                starts_on,
                ends_on,
                points_expiry,
            }),
            _ => Err(AppError::invalid("request", FieldProblem::Malformed)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn per_euro(points: i64, rounding: Rounding, minimum_cents: Option<i64>) -> EarningRule {
        EarningRule::PerEuro {
            points,
            rounding,
            minimum_cents,
        }
    }

    fn earn(amount: &str, items: &str) -> TransactionForm {
        TransactionForm {
            points: String::new(),
            amount: amount.into(),
            items: items.into(),
        }
    }

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap_or_default()
    }

    #[test]
    fn per_euro_counts_started_or_whole_euros_from_the_minimum() {
        let started = per_euro(2, Rounding::StartedEuro, None);
        assert_eq!(started.points_for(1240, 1), 26, "13 started euros");
        assert_eq!(started.points_for(1200, 1), 24, "exactly 12 euros");
        assert_eq!(started.points_for(1, 1), 2, "a cent starts a euro");
        let whole = per_euro(2, Rounding::WholeEuro, None);
        assert_eq!(whole.points_for(1240, 1), 24);
        assert_eq!(whole.points_for(99, 1), 0);
        let with_minimum = per_euro(1, Rounding::WholeEuro, Some(500));
        assert_eq!(with_minimum.points_for(499, 1), 0, "under the minimum");
        assert_eq!(with_minimum.points_for(500, 1), 5);
    }

    #[test]
    fn a_visit_or_a_stamp_does_not_depend_on_the_amount() {
        let visit = EarningRule::PerVisit {
            points: 10,
            once_per_day: true,
        };
        assert_eq!(visit.points_for(0, 1), 10);
        assert_eq!(visit.points_for(123_456, 1), 10);
        let card = EarningRule::StampCard {
            stamps: 10,
            per_item: false,
        };
        assert_eq!(card.points_for(5000, 3), 1, "one stamp per visit");
        let per_item = EarningRule::StampCard {
            stamps: 10,
            per_item: true,
        };
        assert_eq!(per_item.points_for(5000, 3), 3);
    }

    #[test]
    fn the_till_form_follows_the_programme() {
        let rule = Earning::Rule(per_euro(1, Rounding::StartedEuro, None));
        assert_eq!(
            rule.values(&earn("12,40", "")),
            Ok(TransactionValues {
                points: 13,
                amount_cents: Some(1240)
            })
        );
        let stamps = Earning::Rule(EarningRule::StampCard {
            stamps: 10,
            per_item: true,
        });
        assert_eq!(
            stamps.values(&earn("", "4")),
            Ok(TransactionValues {
                points: 4,
                amount_cents: None
            })
        );
        assert_eq!(
            Earning::Paused.values(&earn("8", "")),
            Ok(TransactionValues {
                points: 0,
                amount_cents: Some(800)
            }),
            "a paused programme records the purchase without points"
        );
        let typed = TransactionForm {
            points: "7".into(),
            amount: String::new(),
            items: String::new(),
        };
        assert_eq!(Earning::ByHand.values(&typed).map(|v| v.points), Ok(7));
    }

    #[test]
    fn absurd_purchases_are_refused_next_to_their_field() {
        let rule = Earning::Rule(per_euro(1, Rounding::StartedEuro, None));
        let problem = |earning: Earning, form: TransactionForm, field: &str| {
            earning
                .values(&form)
                .err()
                .and_then(|error| error.field_errors()?.get(field).cloned())
        };
        let out_of_range = Some(FieldProblem::AmountOutOfRange { max_euros: 100_000 });
        assert_eq!(problem(rule, earn("0", ""), "amount"), out_of_range);
        assert_eq!(problem(rule, earn("100000,01", ""), "amount"), out_of_range);
        assert_eq!(
            problem(rule, earn("-5", ""), "amount"),
            Some(FieldProblem::InvalidAmount)
        );
        assert_eq!(
            problem(rule, earn("", ""), "amount"),
            Some(FieldProblem::Required)
        );
        let stamps = Earning::Rule(EarningRule::StampCard {
            stamps: 10,
            per_item: true,
        });
        assert_eq!(
            problem(stamps, earn("", "0"), "items"),
            Some(FieldProblem::ItemsOutOfRange { max: MAX_ITEMS })
        );
        assert_eq!(
            problem(stamps, earn("", ""), "items"),
            Some(FieldProblem::Required)
        );
    }

    #[test]
    fn the_programme_runs_between_its_dates_unless_suspended() {
        let (start, end) = (day("2026-12-01"), Some(day("2026-12-31")));
        let state = |today: &str, suspended| ProgrammeState::of(start, end, suspended, day(today));
        assert_eq!(state("2026-11-30", false), ProgrammeState::NotStarted);
        assert_eq!(state("2026-12-01", false), ProgrammeState::Running);
        assert_eq!(state("2026-12-31", false), ProgrammeState::Running);
        assert_eq!(state("2026-12-15", true), ProgrammeState::Suspended);
        assert_eq!(state("2027-01-01", false), ProgrammeState::Over);
    }

    fn settings_form(kind: ProgrammeKind) -> ProgrammeForm {
        ProgrammeForm {
            name: "Carte café".into(),
            kind,
            starts_on: "2026-12-01".into(),
            ..ProgrammeForm::default()
        }
    }

    #[test]
    fn settings_read_back_from_their_form() {
        for kind in ProgrammeKind::ALL {
            let settings = settings_form(*kind).validate().expect("valid");
            let view = ProgrammeView {
                id: 1,
                name: settings.name.clone(),
                rule: settings.rule,
                starts_on: settings.starts_on.unwrap_or_default(),
                ends_on: settings.ends_on,
                state: ProgrammeState::Running,
                points_expiry: settings.points_expiry,
            };
            assert_eq!(view.form().validate(), Ok(settings), "{kind:?}");
        }
        let mut form = settings_form(ProgrammeKind::PerEuro);
        form.minimum = "7,50".into();
        let view_rule = form.validate().map(|settings| settings.rule);
        assert_eq!(view_rule, Ok(per_euro(1, Rounding::StartedEuro, Some(750))));
    }

    #[test]
    fn bad_settings_are_refused_field_by_field() {
        let problem = |form: ProgrammeForm, field: &str| {
            form.validate()
                .err()
                .and_then(|error| error.field_errors()?.get(field).cloned())
        };
        let mut form = settings_form(ProgrammeKind::PerEuro);
        form.points_per_euro = "0".into();
        assert_eq!(
            problem(form, "points_per_euro"),
            Some(FieldProblem::NumberOutOfRange {
                min: 1,
                max: MAX_POINTS_PER_EURO
            })
        );
        for stamps in ["0", "1", "1000"] {
            let mut form = settings_form(ProgrammeKind::StampCard);
            form.card_stamps = stamps.into();
            assert_eq!(
                problem(form, "card_stamps"),
                Some(FieldProblem::NumberOutOfRange {
                    min: MIN_CARD_STAMPS,
                    max: MAX_CARD_STAMPS
                }),
                "{stamps}"
            );
        }
        let mut form = settings_form(ProgrammeKind::PerVisit);
        form.ends_on = "2026-11-30".into();
        assert_eq!(problem(form, "ends_on"), Some(FieldProblem::EndBeforeStart));
        let mut form = settings_form(ProgrammeKind::Manual);
        form.name = " ".into();
        form.starts_on = "le 3 mars".into();
        assert_eq!(problem(form.clone(), "name"), Some(FieldProblem::Required));
        assert_eq!(problem(form, "starts_on"), Some(FieldProblem::InvalidDate));
    }
}
