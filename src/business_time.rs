//! Business time on a calendar: how much open time lies between two instants, and the deadline
//! reached by adding open time (or business days) to an instant. Used by `slac calendar`, the
//! compliance report and the Prometheus rules' offsets.
//!
//! An instant counts when its local wall-clock date is not a holiday and its local time of day
//! lies in one of that weekday's open intervals. Daylight saving time is exact: the day is cut
//! into spans of constant UTC offset (from the IANA data in chrono-tz), and within each span
//! local time runs with UTC, so a spring-forward gap contributes nothing and a repeated
//! fall-back hour counts twice if it lies in open hours, as a clock on the wall would have it.
//!
//! The cost is proportional to the days spanned, never to minutes: each day costs one step per
//! open interval, and whole weeks without holidays or offset changes are skipped at once.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;

use crate::ir::{Calendar, Weekday};

const DAY: i64 = 86_400;
const WEEK: i64 = 7 * DAY;

/// The zone's UTC offset (seconds) at the UTC second `utc`.
pub fn offset_at(tz: Tz, utc: i64) -> i32 {
    DateTime::from_timestamp(utc, 0)
        .map(|t| {
            tz.offset_from_utc_datetime(&t.naive_utc())
                .fix()
                .local_minus_utc()
        })
        .unwrap_or(0)
}

/// The offset at `start`, and every change in `[start, end)` as (UTC second, new offset).
pub fn offset_changes(tz: Tz, start: i64, end: i64) -> (i32, Vec<(i64, i32)>) {
    let base = offset_at(tz, start);
    let mut changes = Vec::new();
    let mut current = base;
    let mut day = start;
    // No zone changes its offset twice within a day, so a daily scan finds every transition
    // and a binary search within the day finds its second.
    while day < end {
        let next = (day + DAY).min(end);
        let after = offset_at(tz, next);
        if after != current {
            let (mut low, mut high) = (day, next);
            while high - low > 1 {
                let middle = low + (high - low) / 2;
                if offset_at(tz, middle) == current {
                    low = middle;
                } else {
                    high = middle;
                }
            }
            changes.push((high, after));
            current = after;
        }
        day = next;
    }
    (base, changes)
}

/// The UTC second at which `date` begins in `tz`: local midnight, or the first local time of
/// the day when a transition skips midnight.
pub fn local_midnight(tz: Tz, date: NaiveDate) -> i64 {
    let midnight = NaiveDateTime::from(date);
    for quarter in 0..96 {
        let local = midnight + chrono::Duration::minutes(15 * quarter);
        if let Some(time) = tz.from_local_datetime(&local).earliest() {
            return time.timestamp();
        }
    }
    midnight.and_utc().timestamp()
}

/// Seconds from 1970-01-01 to local midnight of `date`, as if local time were UTC.
fn wall_seconds(date: NaiveDate) -> i64 {
    NaiveDateTime::from(date).and_utc().timestamp()
}

fn weekday_index(day: Weekday) -> usize {
    match day {
        Weekday::Monday => 0,
        Weekday::Tuesday => 1,
        Weekday::Wednesday => 2,
        Weekday::Thursday => 3,
        Weekday::Friday => 4,
        Weekday::Saturday => 5,
        Weekday::Sunday => 6,
    }
}

/// A calendar ready for arithmetic.
#[derive(Debug)]
pub struct BusinessCalendar {
    tz: Tz,
    /// Open intervals in seconds after local midnight, Monday first.
    weekly: [Vec<(i64, i64)>; 7],
    weekly_open: i64,
    holidays: BTreeSet<NaiveDate>,
    /// The zone's offset changes by block of `BLOCK` seconds, each found once, when first
    /// needed (a span of years asks the time-zone data once per day of one block).
    changes: std::sync::Mutex<HashMap<i64, Vec<(i64, i32)>>>,
}

/// About a year: 365.25 days.
const BLOCK: i64 = 31_557_600;

/// A span of UTC time `[start, end)` with one UTC offset.
#[derive(Debug, Clone, Copy)]
struct Span {
    start: i64,
    end: i64,
    offset: i64,
}

impl BusinessCalendar {
    /// The calendar of the IR; `None` for an unknown time zone (which `slac check` reports).
    pub fn new(calendar: &Calendar) -> Option<BusinessCalendar> {
        let tz: Tz = calendar.timezone.parse().ok()?;
        let mut weekly: [Vec<(i64, i64)>; 7] = Default::default();
        for day in &calendar.weekly_hours {
            weekly[weekday_index(day.day)] = day
                .intervals
                .iter()
                .map(|i| (i64::from(i.start_minute) * 60, i64::from(i.end_minute) * 60))
                .collect();
        }
        let weekly_open = weekly.iter().flatten().map(|(s, e)| e - s).sum();
        let mut holidays = BTreeSet::new();
        for holiday in &calendar.holidays {
            holidays.extend(holiday.first.iter_days().take_while(|d| *d <= holiday.last));
        }
        Some(BusinessCalendar {
            tz,
            weekly,
            weekly_open,
            holidays,
            changes: std::sync::Mutex::new(HashMap::new()),
        })
    }

    pub fn timezone(&self) -> Tz {
        self.tz
    }

    /// Whether the calendar opens at all on the local date `date`.
    pub fn is_open_day(&self, date: NaiveDate) -> bool {
        !self.holidays.contains(&date)
            && !self.weekly[date.weekday().num_days_from_monday() as usize].is_empty()
    }

    /// The spans of constant offset covering `[start, end)`.
    fn spans(&self, start: i64, end: i64) -> Vec<Span> {
        let base = offset_at(self.tz, start);
        let mut changes = Vec::new();
        if let Ok(mut cache) = self.changes.lock() {
            for block in start.div_euclid(BLOCK)..=(end - 1).div_euclid(BLOCK) {
                let found = cache.entry(block).or_insert_with(|| {
                    // From a second early, so that a change at the block's first second is seen.
                    let (from, to) = (block * BLOCK, (block + 1) * BLOCK);
                    let (_, all) = offset_changes(self.tz, from - 1, to);
                    all.into_iter().filter(|(at, _)| *at >= from).collect()
                });
                changes.extend(found.iter().filter(|(at, _)| *at > start && *at < end));
            }
        } else {
            changes = offset_changes(self.tz, start, end).1;
        }
        let mut spans = Vec::with_capacity(changes.len() + 1);
        let (mut from, mut offset) = (start, i64::from(base));
        for (at, next) in changes {
            spans.push(Span {
                start: from,
                end: at,
                offset,
            });
            from = at;
            offset = i64::from(next);
        }
        spans.push(Span {
            start: from,
            end,
            offset,
        });
        spans
    }

    /// The open UTC ranges of the local date `date` within `spans`, in order.
    fn open_ranges(&self, date: NaiveDate, spans: &[Span], out: &mut Vec<(i64, i64)>) {
        out.clear();
        if self.holidays.contains(&date) {
            return;
        }
        let midnight = wall_seconds(date);
        for &(open, close) in &self.weekly[date.weekday().num_days_from_monday() as usize] {
            for span in spans {
                let start = span.start.max(midnight + open - span.offset);
                let end = span.end.min(midnight + close - span.offset);
                if end > start {
                    out.push((start, end));
                }
            }
        }
        out.sort_unstable();
    }

    /// Whether `[week_start, week_start + 7 days)` of local dates has no holiday and the week
    /// (with a day's margin) no offset change, so it holds exactly the weekly open time.
    fn is_plain_week(&self, first: NaiveDate, spans: &[Span]) -> bool {
        let last = first + Days::new(6);
        if self.holidays.range(first..=last).next().is_some() {
            return false;
        }
        let from = wall_seconds(first) - 2 * DAY;
        let to = wall_seconds(first) + WEEK + 2 * DAY;
        spans.iter().filter(|s| s.end > from && s.start < to).count() == 1
    }

    /// The open seconds from `from` to `to` (zero when `to` is not after `from`).
    pub fn elapsed(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
        let (from, to) = (from.timestamp(), to.timestamp());
        if to <= from {
            return 0;
        }
        let spans = self.spans(from - 2 * DAY, to + 2 * DAY);
        let mut date = self.local_date(from) - Days::new(1);
        let last = self.local_date(to) + Days::new(1);
        let mut total = 0;
        let mut ranges = Vec::new();
        while date <= last {
            // A whole week strictly inside the span, without holidays or offset changes.
            let week_start = wall_seconds(date) - 14 * 3_600;
            let week_end = wall_seconds(date) + WEEK + 14 * 3_600;
            if week_start > from && week_end < to && self.is_plain_week(date, &spans) {
                total += self.weekly_open;
                date = date + Days::new(7);
                continue;
            }
            self.open_ranges(date, &spans, &mut ranges);
            for &(start, end) in &ranges {
                let (start, end) = (start.max(from), end.min(to));
                if end > start {
                    total += end - start;
                }
            }
            date = date + Days::new(1);
        }
        total
    }

    /// The open seconds of the local date `date` (23 or 25 hours for a day open around the
    /// clock when the clocks change).
    pub fn open_seconds_on(&self, date: NaiveDate) -> i64 {
        let midnight = wall_seconds(date);
        let spans = self.spans(midnight - 2 * DAY, midnight + 3 * DAY);
        let mut ranges = Vec::new();
        self.open_ranges(date, &spans, &mut ranges);
        ranges.iter().map(|(start, end)| end - start).sum()
    }

    /// The open UTC ranges within `[from, to)`, in order.
    pub fn open_ranges_between(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
        let (from, to) = (from.timestamp(), to.timestamp());
        let mut found = Vec::new();
        if to <= from {
            return found;
        }
        let spans = self.spans(from - 2 * DAY, to + 2 * DAY);
        let mut date = self.local_date(from) - Days::new(1);
        let last = self.local_date(to) + Days::new(1);
        let mut ranges = Vec::new();
        while date <= last {
            self.open_ranges(date, &spans, &mut ranges);
            for &(start, end) in &ranges {
                let (start, end) = (start.max(from), end.min(to));
                if let (true, Some(a), Some(b)) = (
                    end > start,
                    DateTime::from_timestamp(start, 0),
                    DateTime::from_timestamp(end, 0),
                ) {
                    found.push((a, b));
                }
            }
            date = date + Days::new(1);
        }
        found
    }

    fn local_date(&self, utc: i64) -> NaiveDate {
        DateTime::from_timestamp(utc, 0)
            .map(|t| t.with_timezone(&self.tz).date_naive())
            .unwrap_or_default()
    }

    /// The instant reached after `seconds` of open time from `from`; `from` itself for zero.
    /// A deadline that falls exactly at a closing time is that closing time. `None` when the
    /// calendar has no open time at all, or the deadline lies beyond the year 9999.
    pub fn add(&self, from: DateTime<Utc>, seconds: i64) -> Option<DateTime<Utc>> {
        if seconds <= 0 {
            return Some(from);
        }
        if self.weekly_open == 0 {
            return None;
        }
        let start = from.timestamp();
        // Enough time to hold the open seconds, with every holiday and a margin.
        let weeks = seconds / self.weekly_open + 2 + (self.holidays.len() as i64) / 5 + 1;
        let horizon = start + weeks.checked_mul(WEEK)?;
        if horizon > 253_402_300_799 {
            return None;
        }
        let spans = self.spans(start - 2 * DAY, horizon + 2 * DAY);
        let mut remaining = seconds;
        let mut date = self.local_date(start) - Days::new(1);
        let mut ranges = Vec::new();
        while wall_seconds(date) < horizon + 2 * DAY {
            let week_start = wall_seconds(date) - 14 * 3_600;
            if week_start > start && remaining > self.weekly_open && self.is_plain_week(date, &spans) {
                remaining -= self.weekly_open;
                date = date + Days::new(7);
                continue;
            }
            self.open_ranges(date, &spans, &mut ranges);
            for &(range_start, end) in &ranges {
                let range_start = range_start.max(start);
                if end <= range_start {
                    continue;
                }
                if end - range_start >= remaining {
                    return DateTime::from_timestamp(range_start + remaining, 0);
                }
                remaining -= end - range_start;
            }
            date = date + Days::new(1);
        }
        None
    }

    /// The deadline `days` business days after `from`. The clock starts at `from`, or at the
    /// next opening when `from` is outside open hours; the deadline is the same local time of
    /// day on the `days`-th open day after that day, or that day's closing time when it closes
    /// earlier (and the first instant after a time that daylight saving skips). Zero days is
    /// the start itself.
    pub fn add_business_days(&self, from: DateTime<Utc>, days: u32) -> Option<DateTime<Utc>> {
        let start = self.next_open(from)?;
        if days == 0 {
            return Some(start);
        }
        let local = start.with_timezone(&self.tz);
        let time_of_day = local.time();
        let mut date = local.date_naive();
        let mut counted = 0;
        // A calendar open on at least one weekday finds an open day within every 7 + holidays.
        let limit = (days as usize + 1) * 7 + self.holidays.len() + 7;
        for _ in 0..limit {
            date = date.succ_opt()?;
            if self.is_open_day(date) {
                counted += 1;
                if counted == days {
                    return self.on_day(date, time_of_day);
                }
            }
        }
        None
    }

    /// `time` on the open local date `date`, clamped to the day's open hours.
    fn on_day(&self, date: NaiveDate, time: chrono::NaiveTime) -> Option<DateTime<Utc>> {
        let midnight = wall_seconds(date);
        let spans = self.spans(midnight - 2 * DAY, midnight + 3 * DAY);
        let mut ranges = Vec::new();
        self.open_ranges(date, &spans, &mut ranges);
        let first = ranges.first()?.0;
        let last = ranges.last()?.1;
        let wanted = NaiveDateTime::new(date, time);
        let at = match self.tz.from_local_datetime(&wanted).earliest() {
            Some(t) => t.timestamp(),
            // Skipped by daylight saving time: the first instant after the gap.
            None => ranges
                .iter()
                .map(|r| r.0)
                .find(|s| self.local_naive(*s) > wanted)
                .unwrap_or(last),
        };
        DateTime::from_timestamp(at.clamp(first, last), 0)
    }

    fn local_naive(&self, utc: i64) -> NaiveDateTime {
        DateTime::from_timestamp(utc, 0)
            .map(|t| t.with_timezone(&self.tz).naive_local())
            .unwrap_or_default()
    }

    /// `from` if the calendar is open then, else the next opening.
    pub fn next_open(&self, from: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let start = from.timestamp();
        let spans = self.spans(
            start - 2 * DAY,
            start + 60 * DAY + (self.holidays.len() as i64) * DAY,
        );
        let mut date = self.local_date(start) - Days::new(1);
        let mut ranges = Vec::new();
        while let Some(span) = spans.last() {
            if wall_seconds(date) > span.end {
                return None;
            }
            self.open_ranges(date, &spans, &mut ranges);
            if let Some(&(s, _)) = ranges.iter().find(|(_, e)| *e > start) {
                return DateTime::from_timestamp(s.max(start), 0);
            }
            date = date.succ_opt()?;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{ClockInterval, DayHours, Holiday, Origin};

    fn calendar(zone: &str, days: &[Weekday], open: u32, close: u32, holidays: &[&str]) -> BusinessCalendar {
        let ir = Calendar {
            id: "c".into(),
            title: None,
            timezone: zone.into(),
            always_open: false,
            weekly_hours: days
                .iter()
                .map(|d| DayHours {
                    day: *d,
                    intervals: vec![ClockInterval {
                        start: String::new(),
                        end: String::new(),
                        start_minute: open,
                        end_minute: close,
                    }],
                })
                .collect(),
            weekly_open_seconds: 0,
            holidays: holidays
                .iter()
                .map(|h| {
                    let date = NaiveDate::parse_from_str(h, "%Y-%m-%d").unwrap_or_default();
                    Holiday {
                        first: date,
                        last: date,
                        name: String::new(),
                    }
                })
                .collect(),
            origin: Origin::default(),
        };
        BusinessCalendar::new(&ir).unwrap_or_else(|| unreachable!())
    }

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default()
    }

    const WEEKDAYS: [Weekday; 5] = [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
    ];

    #[test]
    fn a_friday_afternoon_ticket_is_due_on_monday() {
        // 08:00-17:00 in Berlin; 4 h from Friday 15:00 local: 2 h on Friday, 2 h on Monday.
        let office = calendar("Europe/Berlin", &WEEKDAYS, 480, 1020, &[]);
        let due = office.add(at("2026-10-09T15:00:00+02:00"), 4 * 3600);
        assert_eq!(due, Some(at("2026-10-12T10:00:00+02:00")));
        assert_eq!(
            office.elapsed(at("2026-10-09T15:00:00+02:00"), at("2026-10-12T10:00:00+02:00")),
            4 * 3600
        );
    }

    #[test]
    fn the_repeated_fall_back_hour_counts_twice() {
        // Open around the clock on Sundays; Berlin's 2026-10-25 has 25 hours.
        let sundays = calendar("Europe/Berlin", &[Weekday::Sunday], 0, 1440, &[]);
        let day = sundays.elapsed(at("2026-10-24T00:00:00Z"), at("2026-10-27T00:00:00Z"));
        assert_eq!(day, 25 * 3600);
        // And 2026-03-29 has 23.
        let spring = sundays.elapsed(at("2026-03-28T00:00:00Z"), at("2026-03-31T00:00:00Z"));
        assert_eq!(spring, 23 * 3600);
    }

    #[test]
    fn business_days_keep_the_time_of_day() {
        let office = calendar("America/New_York", &WEEKDAYS, 540, 1020, &["2026-07-03"]);
        // Thursday 2026-07-02 10:00; Friday is a holiday, so 1 business day is Monday 10:00.
        let due = office.add_business_days(at("2026-07-02T10:00:00-04:00"), 1);
        assert_eq!(due, Some(at("2026-07-06T10:00:00-04:00")));
        // Opened on Saturday: the clock starts Monday 09:00, due Tuesday 09:00.
        let due = office.add_business_days(at("2026-07-04T12:00:00-04:00"), 1);
        assert_eq!(due, Some(at("2026-07-07T09:00:00-04:00")));
        assert_eq!(
            office.add(at("2026-07-04T12:00:00-04:00"), 0),
            Some(at("2026-07-04T12:00:00-04:00"))
        );
    }

    #[test]
    fn long_spans_are_counted_by_weeks() {
        let office = calendar("Europe/Berlin", &WEEKDAYS, 480, 1020, &["2026-12-25"]);
        // 2026 has 261 weekdays, one of them the holiday: 260 days of 9 hours.
        let year = office.elapsed(at("2026-01-01T00:00:00+01:00"), at("2027-01-01T00:00:00+01:00"));
        assert_eq!(year, 260 * 9 * 3600);
    }
}
