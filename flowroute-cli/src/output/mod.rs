//! What goes to stdout: one record or a list, as a table (the default), one
//! JSON document, one JSON object per line, or CSV. Lists are written as
//! they arrive, page by page; diagnostics go to stderr.

mod cells;
mod rows;
mod table;

pub use cells::{Row, single, to_json};

use crate::exit::CliError;
use clap::ValueEnum;
use flowroute::pagination::Page;
use futures_util::{Stream, StreamExt};
use serde::Serialize;
use serde_json::Value;
use std::io::{IsTerminal, Write};
use std::marker::PhantomData;

/// How records are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned columns for people (the default).
    Table,
    /// One JSON document: an object, or an array for a list.
    Json,
    /// One JSON object per line, written as each page arrives.
    Ndjson,
    /// Comma-separated values with a header row.
    Csv,
}

/// A table holds its rows to align them; past this many it prints what it
/// has and starts another, so that memory stays bounded on `--all`.
const TABLE_CHUNK: usize = 1000;

/// Where and how the command's records are written.
#[derive(Debug, Clone, Copy)]
pub struct Output {
    format: Format,
    /// Whether stdout is a terminal: tables are then fitted to its width.
    terminal: bool,
}

impl Output {
    pub fn new(format: Format) -> Output {
        Output {
            format,
            terminal: std::io::stdout().is_terminal(),
        }
    }

    pub fn format(&self) -> Format {
        self.format
    }

    /// Writes one record.
    pub fn one<T: Serialize>(&self, record: &T) -> Result<(), CliError> {
        let value = to_json(record);
        let mut out = std::io::stdout().lock();
        match self.format {
            Format::Table => {
                let text = table::vertical(&cells::flatten(&value), self.width());
                writeln!(out, "{text}")?;
            }
            Format::Json => {
                serde_json::to_writer_pretty(&mut out, &value).map_err(std::io::Error::from)?;
                writeln!(out)?;
            }
            Format::Ndjson => {
                serde_json::to_writer(&mut out, &value).map_err(std::io::Error::from)?;
                writeln!(out)?;
            }
            Format::Csv => {
                let fields = cells::top_level(&value);
                let mut csv = csv::Writer::from_writer(out);
                csv.write_record(fields.iter().map(|(k, _)| k))
                    .and_then(|()| csv.write_record(fields.iter().map(|(_, v)| v)))
                    .and_then(|()| csv.flush().map_err(csv::Error::from))
                    .map_err(csv_error)?;
            }
        }
        Ok(())
    }

    /// Writes what a change did: `text` for a table, `record` otherwise.
    pub fn done(&self, record: Value, text: &str) -> Result<(), CliError> {
        match self.format {
            Format::Table => {
                writeln!(std::io::stdout().lock(), "{text}")?;
                Ok(())
            }
            _ => self.one(&record),
        }
    }

    /// Writes a list page by page, as the pages arrive; returns how many
    /// records were written.
    pub async fn pages<T, S>(&self, mut pages: S) -> Result<usize, CliError>
    where
        T: Row,
        S: Stream<Item = Result<Page<T>, flowroute::Error>> + Unpin,
    {
        let mut list = self.list::<T>();
        while let Some(page) = pages.next().await {
            for item in &page?.items {
                list.push(item)?;
            }
            list.flush()?;
        }
        list.finish()
    }

    /// A list written record by record.
    pub fn list<T: Row>(&self) -> ListWriter<T> {
        ListWriter {
            output: *self,
            count: 0,
            table_rows: Vec::new(),
            csv: None,
            _records: PhantomData,
        }
    }

    fn width(&self) -> Option<u16> {
        self.terminal
            .then(|| console::Term::stdout().size_checked().map(|(_, w)| w))
            .flatten()
    }
}

/// A list being written; see [`Output::list`].
pub struct ListWriter<T> {
    output: Output,
    count: usize,
    table_rows: Vec<Vec<String>>,
    /// The CSV writer and its header, once the first record fixed it.
    csv: Option<(csv::Writer<std::io::Stdout>, Vec<String>)>,
    _records: PhantomData<T>,
}

impl<T: Row> ListWriter<T> {
    pub fn push(&mut self, record: &T) -> Result<(), CliError> {
        let value = to_json(record);
        match self.output.format {
            Format::Table => {
                let row = T::COLUMNS.iter().map(|c| cells::at(&value, c)).collect();
                self.table_rows.push(row);
                if self.table_rows.len() >= TABLE_CHUNK {
                    self.flush()?;
                }
            }
            Format::Json => {
                let mut out = std::io::stdout().lock();
                out.write_all(if self.count == 0 { b"[\n" } else { b",\n" })?;
                serde_json::to_writer(&mut out, &value).map_err(std::io::Error::from)?;
            }
            Format::Ndjson => {
                let mut out = std::io::stdout().lock();
                serde_json::to_writer(&mut out, &value).map_err(std::io::Error::from)?;
                writeln!(out)?;
            }
            Format::Csv => {
                let fields = cells::top_level(&value);
                let (csv, header) = self.csv.get_or_insert_with(|| {
                    let header = fields.iter().map(|(k, _)| k.clone()).collect();
                    (csv::Writer::from_writer(std::io::stdout()), header)
                });
                if self.count == 0 {
                    csv.write_record(header.iter()).map_err(csv_error)?;
                }
                let row = header.iter().map(|key| {
                    fields
                        .iter()
                        .find(|(k, _)| k == key)
                        .map_or("", |(_, v)| v.as_str())
                });
                csv.write_record(row).map_err(csv_error)?;
            }
        }
        self.count += 1;
        Ok(())
    }

    /// Writes out what is held: a table's rows, CSV's buffer.
    pub fn flush(&mut self) -> Result<(), CliError> {
        match self.output.format {
            Format::Table if !self.table_rows.is_empty() => {
                let rows = std::mem::take(&mut self.table_rows);
                let text = table::rows(T::COLUMNS, rows, self.output.width());
                writeln!(std::io::stdout().lock(), "{text}")?;
            }
            Format::Csv => {
                if let Some((csv, _)) = &mut self.csv {
                    csv.flush()?;
                }
            }
            _ => std::io::stdout().lock().flush()?,
        }
        Ok(())
    }

    /// Ends the list; returns how many records were written.
    pub fn finish(mut self) -> Result<usize, CliError> {
        self.flush()?;
        match self.output.format {
            Format::Json => {
                let end: &[u8] = if self.count == 0 { b"[]\n" } else { b"\n]\n" };
                std::io::stdout().lock().write_all(end)?;
            }
            Format::Table if self.count == 0 && self.output.terminal => {
                eprintln!("(none)");
            }
            _ => {}
        }
        Ok(self.count)
    }
}

/// A CSV writer's failure: its I/O error as such (a closed pipe is not a failure).
pub fn csv_error(e: csv::Error) -> CliError {
    match e.into_kind() {
        csv::ErrorKind::Io(io) => CliError::from(io),
        other => CliError::other(format!("cannot write CSV: {other:?}")),
    }
}
