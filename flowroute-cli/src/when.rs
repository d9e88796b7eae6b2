//! Moments on the command line: `24h` (ago), `now`, `2024-05-01`,
//! `2024-05-01 13:00`, or RFC 3339; always UTC.

use flowroute::chrono::{DateTime, NaiveDate, NaiveDateTime, TimeDelta, Utc};

/// What `--since` and `--until` accept, for their help.
pub const FORMS: &str = "a time ago (30m, 24h, 7d, 2w), `now`, a UTC date (2024-05-01), a UTC date and time (2024-05-01 13:00), or RFC 3339";

/// Reads a moment relative to the current time.
pub fn parse(input: &str) -> Result<DateTime<Utc>, String> {
    parse_at(input, Utc::now())
}

fn parse_at(input: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    let text = input.trim();
    if text.eq_ignore_ascii_case("now") {
        return Ok(now);
    }
    if let Some(ago) = ago(text) {
        return ago.map(|d| now - d);
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t.with_timezone(&Utc));
    }
    for form in [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(text, form) {
            return Ok(t.and_utc());
        }
    }
    if let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Ok(day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc());
    }
    Err(format!("`{input}` is not a time: use {FORMS}"))
}

/// `None` when `text` is not of the form `<count><unit>`.
fn ago(text: &str) -> Option<Result<TimeDelta, String>> {
    let split = text.find(|c: char| !c.is_ascii_digit())?;
    let (count, unit) = text.split_at(split);
    let count: i64 = count.parse().ok()?;
    let delta = match unit {
        "s" => TimeDelta::try_seconds(count),
        "m" | "min" => TimeDelta::try_minutes(count),
        "h" => TimeDelta::try_hours(count),
        "d" => TimeDelta::try_days(count),
        "w" => TimeDelta::try_weeks(count),
        _ => return None,
    };
    Some(delta.ok_or_else(|| format!("`{text}` is too long ago")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_documented_form_reads() {
        let now = DateTime::parse_from_rfc3339("2024-05-02T10:00:00Z")
            .unwrap()
            .to_utc();
        let at = |s| parse_at(s, now).unwrap().to_rfc3339();
        assert_eq!(at("24h"), "2024-05-01T10:00:00+00:00");
        assert_eq!(at("30m"), "2024-05-02T09:30:00+00:00");
        assert_eq!(at("1w"), "2024-04-25T10:00:00+00:00");
        assert_eq!(at("now"), "2024-05-02T10:00:00+00:00");
        assert_eq!(at("2024-05-01"), "2024-05-01T00:00:00+00:00");
        assert_eq!(at("2024-05-01 13:05"), "2024-05-01T13:05:00+00:00");
        assert_eq!(at("2024-05-01T13:05:00-07:00"), "2024-05-01T20:05:00+00:00");
        let e = parse_at("yesterday", now).unwrap_err();
        assert!(e.contains("not a time"), "{e}");
        assert!(parse_at("5y", now).is_err());
    }
}
