//! Reading the ticket and outage CSV files of a report. Every row that cannot be used is
//! reported with its line number and counted; none is dropped silently.

use std::io::Read;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One ticket as exported from a service desk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ticket {
    pub line: usize,
    pub id: String,
    pub service: String,
    pub priority: String,
    pub site: Option<String>,
    pub opened_at: DateTime<Utc>,
    pub first_response_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    /// Business seconds the clock was stopped (waiting for the customer).
    pub paused_seconds: i64,
}

/// A period during which a service (or one site of it) was down.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outage {
    pub line: usize,
    pub service: String,
    pub site: Option<String>,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

/// The file of a report's data a row comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DataFile {
    Outages,
    Tickets,
}

impl DataFile {
    pub fn name(self) -> &'static str {
        match self {
            DataFile::Outages => "outages",
            DataFile::Tickets => "tickets",
        }
    }
}

/// A row that could not be used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BadRow {
    pub file: DataFile,
    /// The line of the file, 1 being the header.
    pub line: usize,
    pub problem: String,
}

impl super::spool::Record for BadRow {
    fn write(&self, out: &mut Vec<u8>) -> std::io::Result<()> {
        super::spool::store(self, out)
    }

    fn read(bytes: &[u8]) -> std::io::Result<(Self, &[u8])> {
        super::spool::load(bytes)
    }
}

const TICKET_COLUMNS: [&str; 8] = [
    "id",
    "service",
    "priority",
    "site",
    "opened_at",
    "first_response_at",
    "resolved_at",
    "paused_seconds",
];
const OUTAGE_COLUMNS: [&str; 4] = ["service", "site", "start", "end"];

/// The position of each wanted column in the header, or a description of what is missing.
fn columns(
    header: &csv::StringRecord,
    wanted: &[&str],
    optional: &[&str],
) -> Result<Vec<Option<usize>>, String> {
    let found: Vec<Option<usize>> = wanted
        .iter()
        .map(|w| header.iter().position(|h| h.trim() == *w))
        .collect();
    let missing: Vec<&str> = wanted
        .iter()
        .zip(&found)
        .filter(|(w, f)| f.is_none() && !optional.contains(w))
        .map(|(w, _)| *w)
        .collect();
    if missing.is_empty() {
        Ok(found)
    } else {
        Err(format!(
            "the header lacks {}; the columns are {}",
            missing.join(", "),
            wanted.join(",")
        ))
    }
}

fn field(record: &csv::StringRecord, index: Option<usize>) -> &str {
    index.and_then(|i| record.get(i)).map(str::trim).unwrap_or("")
}

fn instant(text: &str, column: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| {
            format!("`{column}` is `{text}`, not an RFC 3339 instant such as 2026-10-09T15:00:00+02:00")
        })
}

fn optional_instant(text: &str, column: &str) -> Result<Option<DateTime<Utc>>, String> {
    if text.is_empty() {
        Ok(None)
    } else {
        instant(text, column).map(Some)
    }
}

fn non_empty(text: &str) -> Option<String> {
    (!text.is_empty()).then(|| text.to_string())
}

/// The usable rows of a file and the rows that could not be used.
pub type Rows<T> = (Vec<T>, Vec<BadRow>);

/// Makes a row from a record, the positions of the wanted columns in it, and its line.
type ParseRow<T> = fn(&csv::StringRecord, &[Option<usize>], usize) -> Result<T, String>;

/// The rows of a CSV file as they are read: each one parsed, or the reason it cannot be used.
pub struct RowReader<R, T> {
    records: csv::StringRecordsIntoIter<R>,
    file: DataFile,
    at: Vec<Option<usize>>,
    index: usize,
    parse: ParseRow<T>,
}

impl<R: Read, T> RowReader<R, T> {
    /// Reads the header and finds the `wanted` columns; the error is a problem with the whole
    /// file.
    fn new(
        reader: R,
        file: DataFile,
        wanted: &[&str],
        optional: &[&str],
        parse: ParseRow<T>,
    ) -> Result<Self, String> {
        let mut csv = csv::ReaderBuilder::new().flexible(true).from_reader(reader);
        let header = csv
            .headers()
            .map_err(|e| format!("cannot read the header: {e}"))?;
        let at = columns(header, wanted, optional)?;
        Ok(RowReader {
            records: csv.into_records(),
            file,
            at,
            index: 0,
            parse,
        })
    }
}

impl<R: Read, T> Iterator for RowReader<R, T> {
    type Item = Result<T, BadRow>;

    fn next(&mut self) -> Option<Self::Item> {
        let record = self.records.next()?;
        self.index += 1;
        let line = record
            .as_ref()
            .ok()
            .and_then(|r| r.position())
            .map_or(self.index + 1, |p| p.line() as usize);
        Some(
            record
                .map_err(|e| e.to_string())
                .and_then(|r| (self.parse)(&r, &self.at, line))
                .map_err(|problem| BadRow {
                    file: self.file,
                    line,
                    problem,
                }),
        )
    }
}

fn collect<T>(rows: impl Iterator<Item = Result<T, BadRow>>) -> Rows<T> {
    let (mut good, mut bad) = (Vec::new(), Vec::new());
    for row in rows {
        match row {
            Ok(row) => good.push(row),
            Err(row) => bad.push(row),
        }
    }
    (good, bad)
}

/// Reads tickets; the error is a problem with the whole file (its header).
pub fn tickets(reader: impl Read) -> Result<Rows<Ticket>, String> {
    ticket_rows(reader).map(collect)
}

/// The tickets of a file one at a time, as they are read; the error is a problem with the
/// whole file (its header).
pub fn ticket_rows<R: Read>(reader: R) -> Result<RowReader<R, Ticket>, String> {
    RowReader::new(
        reader,
        DataFile::Tickets,
        &TICKET_COLUMNS,
        &["site", "paused_seconds"],
        |record, at, line| {
            let get = |column: usize| field(record, at[column]);
            let opened_at = instant(get(4), "opened_at")?;
            let first_response_at = optional_instant(get(5), "first_response_at")?;
            let resolved_at = optional_instant(get(6), "resolved_at")?;
            for (name, value) in [
                ("first_response_at", first_response_at),
                ("resolved_at", resolved_at),
            ] {
                if value.is_some_and(|v| v < opened_at) {
                    return Err(format!("`{name}` is before `opened_at`"));
                }
            }
            let paused_seconds =
                match get(7) {
                    "" => 0,
                    text => text.parse::<i64>().ok().filter(|p| *p >= 0).ok_or_else(|| {
                        format!("`paused_seconds` is `{text}`, not a whole number of seconds")
                    })?,
                };
            if get(0).is_empty() || get(1).is_empty() || get(2).is_empty() {
                return Err("`id`, `service` and `priority` must not be empty".to_string());
            }
            Ok(Ticket {
                line,
                id: get(0).to_string(),
                service: get(1).to_string(),
                priority: get(2).to_string(),
                site: non_empty(get(3)),
                opened_at,
                first_response_at,
                resolved_at,
                paused_seconds,
            })
        },
    )
}

/// Reads outages; the error is a problem with the whole file (its header).
pub fn outages(reader: impl Read) -> Result<Rows<Outage>, String> {
    RowReader::new(
        reader,
        DataFile::Outages,
        &OUTAGE_COLUMNS,
        &["site"],
        |record, at, line| {
            let get = |column: usize| field(record, at[column]);
            let start = instant(get(2), "start")?;
            let end = instant(get(3), "end")?;
            if end < start {
                return Err("`end` is before `start`".to_string());
            }
            if get(0).is_empty() {
                return Err("`service` must not be empty".to_string());
            }
            Ok(Outage {
                line,
                service: get(0).to_string(),
                site: non_empty(get(1)),
                start,
                end,
            })
        },
    )
    .map(collect)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_rows_are_counted_with_their_lines() {
        let text = "id,service,priority,site,opened_at,first_response_at,resolved_at,paused_seconds\n\
                    T1,api,P1,,2026-10-01T09:00:00+02:00,2026-10-01T09:10:00+02:00,,\n\
                    T2,api,P1,,yesterday,,,\n\
                    T3,api,P1,,2026-10-01T09:00:00+02:00,,2026-10-01T08:00:00+02:00,\n\
                    T4,api,P1,,2026-10-01T09:00:00+02:00,,,-5\n";
        let (tickets, bad) = tickets(text.as_bytes()).unwrap_or_default();
        assert_eq!(tickets.len(), 1);
        assert_eq!(tickets[0].line, 2);
        let lines: Vec<usize> = bad.iter().map(|b| b.line).collect();
        assert_eq!(lines, [3, 4, 5]);
        assert!(bad[1].problem.contains("`resolved_at` is before `opened_at`"));
    }

    #[test]
    fn a_missing_column_is_a_problem_of_the_file() {
        let problem = outages("service,start\n".as_bytes()).err().unwrap_or_default();
        assert!(problem.contains("lacks end"), "{problem}");
    }
}
