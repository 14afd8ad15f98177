//! Times shown in the shop's time zone, the French way (`23/11/2026 14:05`).

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

use crate::model::error::{AppError, FieldProblem};

/// The shop's zone. Shops are created in a known zone; one the library does not know is a
/// configuration fault, logged, and shown in French time rather than refusing the page.
pub fn shop_zone(time_zone: &str) -> Tz {
    time_zone.parse().unwrap_or_else(|_| {
        tracing::error!(
            time_zone,
            "unknown shop time zone; showing Europe/Paris times"
        );
        chrono_tz::Europe::Paris
    })
}

pub fn format_date(moment: DateTime<Utc>, zone: Tz) -> String {
    moment.with_timezone(&zone).format("%d/%m/%Y").to_string()
}

pub fn format_date_time(moment: DateTime<Utc>, zone: Tz) -> String {
    moment
        .with_timezone(&zone)
        .format("%d/%m/%Y %H:%M")
        .to_string()
}

/// The shop's calendar day today, e.g. to refuse a birth date in the future.
pub fn today(zone: Tz) -> NaiveDate {
    Utc::now().with_timezone(&zone).date_naive()
}

/// The first instant of `day` in the shop's zone, as UTC.
pub fn start_of_day(day: NaiveDate, zone: Tz) -> DateTime<Utc> {
    use chrono::TimeZone;
    let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    zone.from_local_datetime(&midnight)
        .earliest()
        .map(|local| local.with_timezone(&Utc))
        .unwrap_or_else(|| midnight.and_utc())
}

/// A day typed in a filter as `YYYY-MM-DD`; empty means no bound.
pub fn parse_day(field: &str, text: &str) -> Result<Option<NaiveDate>, AppError> {
    match text.trim() {
        "" => Ok(None),
        text => NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| AppError::invalid(field, FieldProblem::InvalidDate)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn times_are_shown_in_the_shop_zone() {
        let moment = Utc
            .with_ymd_and_hms(2026, 11, 23, 23, 30, 0)
            .single()
            .unwrap_or_default();
        assert_eq!(
            format_date_time(moment, shop_zone("Europe/Paris")),
            "24/11/2026 00:30"
        );
        assert_eq!(
            format_date(moment, shop_zone("Indian/Reunion")),
            "24/11/2026"
        );
    }

    #[test]
    fn a_day_starts_at_local_midnight() {
        let day = NaiveDate::from_ymd_opt(2026, 7, 14).unwrap_or_default();
        let start = start_of_day(day, shop_zone("Europe/Paris"));
        assert_eq!(
            start,
            Utc.with_ymd_and_hms(2026, 7, 13, 22, 0, 0)
                .single()
                .unwrap_or_default()
        );
    }
}
