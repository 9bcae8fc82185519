//! cookiecutter's `{% now %}` (its TimeExtension, on arrow): `arrow.now(tz)`, optionally
//! `.shift(days=1, …)`, formatted with Python's `strftime` in the C locale. The clock is the
//! host's, given as an RFC 3339 time whose offset is the `'local'` zone.

use crate::calendar::{civil_from_days, days_from_civil};

/// A moment and the offset it is shown in.
#[derive(Debug, Clone, Copy)]
pub(super) struct Moment {
    /// Microseconds since 1970-01-01T00:00:00Z.
    micros: i64,
    /// Seconds east of UTC.
    offset: i32,
    /// Whether the zone is UTC itself (`%Z` prints `UTC`).
    utc: bool,
}

/// The clock, parsed from `YYYY-MM-DDTHH:MM:SS[.ffffff](Z|±HH:MM)`.
pub(super) fn parse_now(text: &str) -> Result<Moment, String> {
    let bad = || format!("`now` must be an RFC 3339 time such as 2024-05-01T12:00:00+02:00, not `{text}`");
    let b = text.as_bytes();
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || !matches!(b[10], b'T' | b't' | b' ')
        || b[13] != b':'
        || b[16] != b':'
    {
        return Err(bad());
    }
    let num = |from: usize, to: usize| text.get(from..to).and_then(|s| s.parse::<i64>().ok()).ok_or_else(bad);
    let (year, month, day) = (num(0, 4)?, num(5, 7)?, num(8, 10)?);
    let (hour, minute, second) = (num(11, 13)?, num(14, 16)?, num(17, 19)?);
    let mut rest = &text[19..];
    let mut micros = 0i64;
    if let Some(fraction) = rest.strip_prefix('.') {
        let digits: String = fraction.chars().take_while(char::is_ascii_digit).collect();
        rest = &fraction[digits.len()..];
        let padded = format!("{digits:0<6}");
        micros = padded[..6].parse().map_err(|_| bad())?;
    }
    let offset = match rest {
        "Z" | "z" => 0,
        _ => parse_offset(rest).ok_or_else(bad)?,
    };
    if !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return Err(bad());
    }
    let local = days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second;
    Ok(Moment { micros: (local - i64::from(offset)) * 1_000_000 + micros, offset, utc: offset == 0 })
}

/// The host's clock in UTC as `parse_now` reads it, for callers given no clock (the JavaScript
/// wrapper passes its local time instead, so `'local'` is the host's zone there).
pub(super) fn host_now_utc() -> String {
    #[cfg(target_arch = "wasm32")]
    let micros = (js_sys::Date::now() * 1000.0) as i64;
    #[cfg(not(target_arch = "wasm32"))]
    let micros = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX));
    strftime(Moment { micros, offset: 0, utc: true }, "%Y-%m-%dT%H:%M:%S.%f+00:00")
}

/// `±HH:MM`, `±HHMM` or `±HH` (arrow's offset forms) → seconds.
fn parse_offset(text: &str) -> Option<i32> {
    let sign = match text.chars().next()? {
        '+' => 1,
        '-' => -1,
        _ => return None,
    };
    let digits: String = text[1..].chars().filter(|c| *c != ':').collect();
    if !text[1..].chars().all(|c| c.is_ascii_digit() || c == ':') || !(digits.len() == 2 || digits.len() == 4) {
        return None;
    }
    let hours: i32 = digits[..2].parse().ok()?;
    let minutes: i32 = if digits.len() == 4 { digits[2..].parse().ok()? } else { 0 };
    Some(sign * (hours * 3600 + minutes * 60))
}

/// `arrow.now(tz)`: `utc`, `local` (the clock's own offset) or a fixed offset; named zones
/// would need a time zone database.
pub(super) fn now_in(clock: Moment, zone: &str) -> Result<Moment, String> {
    match zone {
        "local" => Ok(clock),
        "utc" | "UTC" | "Z" | "z" => Ok(Moment { offset: 0, utc: true, ..clock }),
        other => match parse_offset(other) {
            Some(offset) => Ok(Moment { offset, utc: false, ..clock }),
            None => Err(format!(
                "the time zone `{other}` is not supported: Trellis knows 'utc', 'local' (the clock's offset) and fixed offsets such as '+02:00'"
            )),
        },
    }
}

/// Arrow's `shift(**{interval: float(sign + value)})` for `offset` = `"days=1, hours=2"`:
/// years/months/quarters first (day clamped to the month), then the rest as a timedelta.
pub(super) fn shift(moment: Moment, sign: &str, offset: &str) -> Result<Moment, String> {
    let mut months = 0f64;
    let mut micros = 0f64;
    for param in offset.split(',') {
        let (interval, value) = param
            .split_once('=')
            .ok_or_else(|| format!("the shift `{param}` is not `interval=value` (e.g. 'days=1')"))?;
        let value: f64 = format!("{sign}{}", value.trim())
            .parse()
            .map_err(|_| format!("could not convert string to float: '{sign}{}'", value.trim()))?;
        match interval.trim() {
            "years" => months += value * 12.0,
            "quarters" => months += value * 3.0,
            "months" => months += value,
            "weeks" => micros += value * 7.0 * 86_400e6,
            "days" => micros += value * 86_400e6,
            "hours" => micros += value * 3_600e6,
            "minutes" => micros += value * 60e6,
            "seconds" => micros += value * 1e6,
            "microseconds" => micros += value,
            other => return Err(format!("the shift interval `{other}` is not supported (years, quarters, months, weeks, days, hours, minutes, seconds, microseconds)")),
        }
    }
    if months.fract() != 0.0 {
        return Err("Non-integer years and months are ambiguous and not currently supported.".into());
    }
    // Either part alone longer than Python's whole date range leaves it whatever the start; the
    // checks also keep the arithmetic below far from i64's bounds.
    if months.abs() > 12.0 * 10_000.0 || micros.abs() > 10_000.0 * 366.0 * 86_400e6 {
        return Err(OUT_OF_RANGE.into());
    }
    let mut moment = moment;
    if months != 0.0 {
        let local = moment.micros.div_euclid(1_000_000) + i64::from(moment.offset);
        let fraction = moment.micros.rem_euclid(1_000_000);
        let (days, seconds) = (local.div_euclid(86_400), local.rem_euclid(86_400));
        let (year, month, day) = civil_from_days(days);
        let total = year * 12 + (month - 1) + months as i64;
        let (year, month) = (total.div_euclid(12), total.rem_euclid(12) + 1);
        if !(1..=9999).contains(&year) {
            // dateutil's relativedelta, which arrow shifts months with, says so.
            return Err(format!("year {year} is out of range"));
        }
        let day = day.min(days_in_month(year, month));
        let local = days_from_civil(year, month, day) * 86_400 + seconds;
        moment.micros = (local - i64::from(moment.offset)) * 1_000_000 + fraction;
    }
    moment.micros += micros.round_ties_even() as i64;
    within_python_range(moment)
}

/// Python's `OverflowError` when a shift leaves the years `datetime` holds.
const OUT_OF_RANGE: &str = "date value out of range";

/// `moment` when its local date lies in years 1 to 9999, as Python's `datetime` requires (arrow's
/// shift past them raises, so cookiecutter fails the render).
fn within_python_range(moment: Moment) -> Result<Moment, String> {
    let local_seconds = moment.micros.div_euclid(1_000_000) + i64::from(moment.offset);
    let first = days_from_civil(1, 1, 1) * 86_400;
    let end = days_from_civil(10_000, 1, 1) * 86_400;
    if (first..end).contains(&local_seconds) {
        Ok(moment)
    } else {
        Err(OUT_OF_RANGE.into())
    }
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

const DAYS: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Python's `datetime.strftime` in the C locale (glibc's directives).
pub(super) fn strftime(moment: Moment, format: &str) -> String {
    let local = moment.micros.div_euclid(1_000_000) + i64::from(moment.offset);
    let micro = moment.micros.rem_euclid(1_000_000);
    let days = local.div_euclid(86_400);
    let secs = local.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    let (hour, minute, second) = (secs / 3600, secs / 60 % 60, secs % 60);
    let weekday = (days + 3).rem_euclid(7); // 0 = Monday
    let yday = days - days_from_civil(year, 1, 1) + 1;
    let hour12 = if hour % 12 == 0 { 12 } else { hour % 12 };
    let sunday_week = (yday + 6 - (weekday + 1) % 7) / 7;
    let monday_week = (yday + 6 - weekday) / 7;
    let (iso_year, iso_week) = iso_week(year, yday, weekday);
    let offset = {
        let sign = if moment.offset < 0 { '-' } else { '+' };
        let abs = moment.offset.abs();
        format!("{sign}{:02}{:02}", abs / 3600, abs / 60 % 60)
    };
    let mut out = String::new();
    let mut chars = format.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let Some(d) = chars.next() else {
            out.push('%');
            break;
        };
        let piece = match d {
            'a' => DAYS[weekday as usize][..3].to_string(),
            'A' => DAYS[weekday as usize].to_string(),
            'b' | 'h' => MONTHS[month as usize - 1][..3].to_string(),
            'B' => MONTHS[month as usize - 1].to_string(),
            'c' => format!(
                "{} {} {:>2} {hour:02}:{minute:02}:{second:02} {year}",
                &DAYS[weekday as usize][..3],
                &MONTHS[month as usize - 1][..3],
                day
            ),
            'C' => format!("{:02}", year.div_euclid(100)),
            'd' => format!("{day:02}"),
            'D' | 'x' => format!("{month:02}/{day:02}/{:02}", year.rem_euclid(100)),
            'e' => format!("{day:>2}"),
            'f' => format!("{micro:06}"),
            'F' => format!("{year}-{month:02}-{day:02}"),
            'G' => iso_year.to_string(),
            'g' => format!("{:02}", iso_year.rem_euclid(100)),
            'H' => format!("{hour:02}"),
            'I' => format!("{hour12:02}"),
            'j' => format!("{yday:03}"),
            'k' => format!("{hour:>2}"),
            'l' => format!("{hour12:>2}"),
            'm' => format!("{month:02}"),
            'M' => format!("{minute:02}"),
            'n' => "\n".into(),
            'p' => if hour < 12 { "AM" } else { "PM" }.into(),
            'P' => if hour < 12 { "am" } else { "pm" }.into(),
            'r' => format!("{hour12:02}:{minute:02}:{second:02} {}", if hour < 12 { "AM" } else { "PM" }),
            'R' => format!("{hour:02}:{minute:02}"),
            's' => (moment.micros.div_euclid(1_000_000)).to_string(),
            'S' => format!("{second:02}"),
            't' => "\t".into(),
            'T' | 'X' => format!("{hour:02}:{minute:02}:{second:02}"),
            'u' => (weekday + 1).to_string(),
            'U' => format!("{sunday_week:02}"),
            'V' => format!("{iso_week:02}"),
            'w' => ((weekday + 1) % 7).to_string(),
            'W' => format!("{monday_week:02}"),
            'y' => format!("{:02}", year.rem_euclid(100)),
            'Y' => year.to_string(),
            'z' => offset.clone(),
            'Z' => {
                if moment.utc {
                    "UTC".into()
                } else {
                    String::new()
                }
            }
            '%' => "%".into(),
            other => format!("%{other}"),
        };
        out.push_str(&piece);
    }
    out
}

/// ISO 8601 year and week of a date (`weekday` 0 = Monday).
fn iso_week(year: i64, yday: i64, weekday: i64) -> (i64, i64) {
    let week = (yday - (weekday + 1) + 10) / 7;
    let weeks_in = |y: i64| {
        let jan1 = (days_from_civil(y, 1, 1) + 3).rem_euclid(7);
        let leap = days_in_month(y, 2) == 29;
        if jan1 == 3 || (leap && jan1 == 2) {
            53
        } else {
            52
        }
    };
    if week < 1 {
        (year - 1, weeks_in(year - 1))
    } else if week > weeks_in(year) {
        (year + 1, 1)
    } else {
        (year, week)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_python_strftime() {
        let clock = parse_now("2024-02-29T23:30:05.25+02:00").unwrap();
        assert_eq!(strftime(clock, "%Y-%m-%d %H:%M:%S.%f %z %a %b %j"), "2024-02-29 23:30:05.250000 +0200 Thu Feb 060");
        let utc = now_in(clock, "utc").unwrap();
        assert_eq!(strftime(utc, "%Y-%m-%d %H:%M %Z"), "2024-02-29 21:30 UTC");
        let shifted = shift(utc, "+", "days=1, hours=3").unwrap();
        assert_eq!(strftime(shifted, "%Y-%m-%d %H:%M"), "2024-03-02 00:30");
        let year_later = shift(utc, "+", "years=1").unwrap();
        assert_eq!(strftime(year_later, "%Y-%m-%d"), "2025-02-28");
        assert!(now_in(clock, "Europe/Paris").is_err());
    }

    /// Shifts past year 9999 (or before year 1) fail as Python's datetime does, however large,
    /// instead of wrapping around in 64-bit arithmetic.
    #[test]
    fn shifts_out_of_pythons_range_fail() {
        let utc = parse_now("2024-02-29T21:30:00Z").unwrap();
        assert_eq!(shift(utc, "+", "years=7976").unwrap_err(), "year 10000 is out of range");
        assert_eq!(shift(utc, "-", "years=2024").unwrap_err(), "year 0 is out of range");
        for (sign, offset) in [
            ("+", "years=1e15"),
            ("+", "days=3000000"),
            ("-", "days=1e13"),
            ("+", "microseconds=1e300"),
            ("+", "years=5000, days=1500000"),
        ] {
            assert_eq!(shift(utc, sign, offset).unwrap_err(), OUT_OF_RANGE, "{sign}{offset}");
        }
        let last = shift(utc, "+", "years=7975, months=10, days=2").unwrap();
        assert_eq!(strftime(last, "%Y-%m-%d"), "9999-12-31");
        let first = shift(utc, "-", "years=2023, months=1, days=28").unwrap();
        // glibc prints `%Y` unpadded, as Python on Linux does.
        assert_eq!(strftime(first, "%Y-%m-%d"), "1-01-01");
    }
}
