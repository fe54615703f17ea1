//! The clock: Unix seconds as the database keeps them, and the three ways
//! the server shows a time (with `jiff`, no calendar arithmetic of ours):
//! - DICOM dates and times of the objects it makes (`YYYYMMDD`, `HHMMSS`,
//!   UTC: the object carries no time zone offset);
//! - a readable time for printed sheets and staff messages
//!   (`2026-12-01 18:30 UTC`: they travel, a zone name would not help);
//! - a readable local time for the console (`mailslot submissions`), in
//!   the server's time zone (`TZ`, else the system's, else UTC).
//!
//! It also reads the day a console flag names (`--since 2026-12-01`) as
//! that day's start in the same zone.
//!
//! Imports nothing of the crate: everything may use it.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::Timestamp;

/// Seconds since the Unix epoch (0 if the system clock is before it).
pub fn now() -> i64 {
    Timestamp::now().as_second().max(0)
}

/// `t` as a timestamp; times outside jiff's range (years −9999…9999)
/// are clamped to its ends rather than failing: they are never real.
fn timestamp(t: i64) -> Timestamp {
    Timestamp::from_second(t).unwrap_or(if t < 0 {
        Timestamp::MIN
    } else {
        Timestamp::MAX
    })
}

/// DICOM `DA` and `TM` (`YYYYMMDD`, `HHMMSS`) of Unix time `t`, in UTC.
pub fn dicom_date_time(t: i64) -> (String, String) {
    let at = timestamp(t);
    (
        at.strftime("%Y%m%d").to_string(),
        at.strftime("%H%M%S").to_string(),
    )
}

/// Unix time `t` for a printed sheet or a staff message:
/// `2026-12-01 18:30 UTC`.
pub fn readable_utc(t: i64) -> String {
    timestamp(t).strftime("%Y-%m-%d %H:%M UTC").to_string()
}

/// Unix time `t` for the console, in `zone`: `2026-12-01 19:30 CET`
/// (the zone's abbreviation, or its offset where it has none).
pub fn readable_in(t: i64, zone: &TimeZone) -> String {
    timestamp(t)
        .to_zoned_datetime(zone.clone())
        .strftime("%Y-%m-%d %H:%M %Z")
        .to_string()
}

/// Unix time `t` as ISO 8601 in UTC, to the second (`mailslot audit`):
/// `2026-12-01T18:30:05Z`.
pub fn iso_utc(t: i64) -> String {
    timestamp(t).strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// The server's time zone for console output: `TZ`, else the system's,
/// else UTC.
pub fn local_zone() -> TimeZone {
    TimeZone::system()
}

/// Why a day given on the console is not one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("expected a date like 2026-12-31, not `{0}`")]
pub struct BadDay(pub String);

/// The start of day `date` (`YYYY-MM-DD`) in `zone`, in Unix seconds.
pub fn day_start(date: &str, zone: &TimeZone) -> Result<i64, BadDay> {
    let bad = || BadDay(date.to_owned());
    // Exactly YYYY-MM-DD: jiff would also read other ISO 8601 forms.
    if date.len() != 10 || date.as_bytes().get(4) != Some(&b'-') {
        return Err(bad());
    }
    let day: Date = date.parse().map_err(|_| bad())?;
    if day.year() < 1970 {
        return Err(bad());
    }
    start_of(day, zone).ok_or_else(bad)
}

/// The end of day `date` (the next day's start) in `zone`.
pub fn day_end(date: &str, zone: &TimeZone) -> Result<i64, BadDay> {
    let start = day_start(date, zone)?;
    let day: Date = date.parse().map_err(|_| BadDay(date.to_owned()))?;
    day.tomorrow()
        .ok()
        .and_then(|next| start_of(next, zone))
        .filter(|end| *end > start)
        .ok_or_else(|| BadDay(date.to_owned()))
}

fn start_of(day: Date, zone: &TimeZone) -> Option<i64> {
    day.to_zoned_datetime(zone.clone())
        .ok()
        .map(|z| z.timestamp().as_second())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unix_time_becomes_a_dicom_date_and_time() {
        assert_eq!(dicom_date_time(0), ("19700101".into(), "000000".into()));
        // 2024-02-29 23:59:59 UTC
        assert_eq!(
            dicom_date_time(1_709_251_199),
            ("20240229".into(), "235959".into())
        );
    }

    #[test]
    fn times_read_as_people_write_them() {
        assert_eq!(readable_utc(1_709_251_199), "2024-02-29 23:59 UTC");
        assert_eq!(iso_utc(951_782_400 + 3_723), "2000-02-29T01:02:03Z");
        let berlin = TimeZone::get("Europe/Berlin").unwrap_or(TimeZone::fixed(jiff::tz::offset(1)));
        // Winter: UTC+1.
        assert!(readable_in(1_795_824_000, &berlin).starts_with("2026-11-28 01:00 "));
        assert_eq!(
            readable_in(1_795_824_000, &TimeZone::UTC),
            "2026-11-28 00:00 UTC"
        );
    }

    #[test]
    fn console_days_are_whole_days_of_the_zone() {
        let utc = TimeZone::UTC;
        assert_eq!(day_start("1970-01-02", &utc), Ok(86_400));
        assert_eq!(day_end("1970-01-01", &utc), Ok(86_400));
        assert_eq!(day_end("2026-11-27", &utc), Ok(1_795_824_000));
        for date in ["2024-02-29", "2026-12-01", "2100-03-01", "1999-12-31"] {
            let t = day_start(date, &utc).unwrap_or(0);
            assert_eq!(iso_utc(t), format!("{date}T00:00:00Z"));
        }
        for bad in [
            "2026-02-29",
            "tomorrow",
            "2026-13-01",
            "20261201",
            "1969-12-31",
            "2026-1-01",
        ] {
            assert!(day_start(bad, &utc).is_err(), "{bad}");
        }
        assert!(day_end("2028-02-29", &utc).is_ok());
        let plus2 = TimeZone::fixed(jiff::tz::offset(2));
        assert_eq!(day_start("1970-01-02", &plus2), Ok(86_400 - 7_200));
    }
}
