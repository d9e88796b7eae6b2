//! The rows of a CDR export file, and the push decoder that turns the file's
//! bytes into them as they arrive: gzip (or not), then CSV, one chunk at a time.

use crate::error::{DecodeError, Error};
use bytes::{Buf, Bytes};
use chrono::{DateTime, NaiveDateTime, Utc};
use csv_core::{ReadRecordResult, Reader};
use flate2::bufread::MultiGzDecoder;
use serde::{Serialize, Serializer};
use std::{
    collections::BTreeMap,
    fmt,
    io::{self, BufRead, Read},
    time::Duration,
};

/// The name errors of the download carry; it is not an operation of the API
/// but the SDK's step of fetching and reading the export file.
pub(crate) const DOWNLOAD: &str = "download_cdr_export";

/// One call of a CDR export: a row of its CSV file.
///
/// Every column the file documents has a field, `None` when the file lacks
/// the column or leaves the cell empty. Columns this version does not know
/// are kept in [`extra`](Self::extra), so a column Flowroute adds never
/// breaks reading.
///
/// Money is kept as the decimal text Flowroute writes (`"0.00474784"`, US
/// dollars): exact, where `f64` would round, and summing thousands of calls
/// in floating point drifts. Parse it with a decimal type for arithmetic.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[non_exhaustive]
pub struct CdrRecord {
    /// Whether the call came in to or went out from your account.
    pub direction: Option<CallDirection>,
    /// When the call started.
    pub start_time: Option<DateTime<Utc>>,
    /// When the call ended.
    pub end_time: Option<DateTime<Utc>>,
    /// The number called, as written in the file (such as `18774551500`).
    pub destination: Option<String>,
    /// The alias of your number on the call.
    pub number_alias: Option<String>,
    /// The caller-id number, as written in the file (such as `+12063389999`).
    pub callerid: Option<String>,
    /// What the call cost in all, fees included, in US dollars (decimal text).
    pub total_cost: Option<String>,
    /// Where the destination is, such as `UNITED STATES - TOLL FREE`.
    pub destination_name: Option<String>,
    /// The country of the caller id, or `N/A`.
    pub callerid_country: Option<String>,
    /// Line information of the caller, as written in the file.
    pub line_information: Option<String>,
    /// How the call ended, such as `completed`.
    pub result: Option<String>,
    /// The final SIP status code, such as `200`.
    pub call_fail_sip_code: Option<u16>,
    /// The reason phrase of that code, such as `OK`.
    pub call_fail_reason: Option<String>,
    /// How long the call lasted.
    pub duration: Option<Duration>,
    /// The duration billed, after rounding up to the billing increments.
    pub billed_duration: Option<Duration>,
    /// The per-minute rate, in US dollars (decimal text).
    pub rate: Option<String>,
    /// The first billing increment.
    pub first_increment: Option<Duration>,
    /// Each later billing increment.
    pub subsequent_increment: Option<Duration>,
    /// The call charge without fees, in US dollars (decimal text).
    pub cost_subtotal: Option<String>,
    /// The connection fee, in US dollars (decimal text).
    pub connect_fee: Option<String>,
    /// The Universal Service Fund fee, in US dollars (decimal text).
    pub usf_fee: Option<String>,
    /// The carrier cost recovery fee, in US dollars (decimal text).
    pub ccrf: Option<String>,
    /// The CNAM lookup fee, in US dollars (decimal text).
    pub cnam_lookup_fee: Option<String>,
    /// The SIP `X-Tag` value of the call.
    pub custom_x_tag: Option<String>,
    /// The address the call came from or went to on your side, such as
    /// `53.186.152.52:5080` (a port may follow).
    pub customer_ip: Option<String>,
    /// Columns this version of the SDK does not know, by header name, with
    /// their text as written (empty cells included).
    pub extra: BTreeMap<String, String>,
}

/// The direction of a call. The file writes `Inbound` and `Outbound`; any
/// other value is kept as written.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CallDirection {
    /// A call to one of your numbers.
    Inbound,
    /// A call you placed.
    Outbound,
    /// A value this version of the SDK does not know, exactly as written.
    Unknown(String),
}

impl CallDirection {
    /// The value as the file writes it.
    pub fn as_str(&self) -> &str {
        match self {
            CallDirection::Inbound => "Inbound",
            CallDirection::Outbound => "Outbound",
            CallDirection::Unknown(other) => other,
        }
    }
}

impl From<&str> for CallDirection {
    fn from(value: &str) -> Self {
        if value.eq_ignore_ascii_case("inbound") {
            CallDirection::Inbound
        } else if value.eq_ignore_ascii_case("outbound") {
            CallDirection::Outbound
        } else {
            CallDirection::Unknown(value.to_string())
        }
    }
}

impl fmt::Display for CallDirection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for CallDirection {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// The documented columns, in the file's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Known {
    Direction,
    StartTime,
    EndTime,
    Destination,
    NumberAlias,
    Callerid,
    TotalCost,
    DestinationName,
    CalleridCountry,
    LineInformation,
    Result,
    CallFailSipCode,
    CallFailReason,
    Duration,
    BilledDuration,
    Rate,
    FirstIncrement,
    SubsequentIncrement,
    CostSubtotal,
    ConnectFee,
    UsfFee,
    Ccrf,
    CnamLookupFee,
    CustomXTag,
    CustomerIp,
}

impl Known {
    fn from_header(name: &str) -> Option<Known> {
        use Known::*;
        Some(match name.to_ascii_lowercase().as_str() {
            "direction" => Direction,
            "start_time" => StartTime,
            "end_time" => EndTime,
            "destination" => Destination,
            "number_alias" => NumberAlias,
            "callerid" => Callerid,
            "total_cost" => TotalCost,
            "destination_name" => DestinationName,
            "callerid_country" => CalleridCountry,
            "line_information" => LineInformation,
            "result" => Result,
            "call_fail_sip_code" => CallFailSipCode,
            "call_fail_reason" => CallFailReason,
            "duration" => Duration,
            "billed_duration" => BilledDuration,
            "rate" => Rate,
            "first_increment" => FirstIncrement,
            "subsequent_increment" => SubsequentIncrement,
            "cost_subtotal" => CostSubtotal,
            "connect_fee" => ConnectFee,
            "usf_fee" => UsfFee,
            "ccrf" => Ccrf,
            "cnam_lookup_fee" => CnamLookupFee,
            "custom_x_tag" => CustomXTag,
            "customer_ip" => CustomerIp,
            _ => return None,
        })
    }

    /// Stores one non-empty cell, or says why it does not fit the column.
    fn set(self, record: &mut CdrRecord, value: &str) -> Result<(), String> {
        use Known::*;
        let text = || Some(value.to_string());
        match self {
            Direction => record.direction = Some(CallDirection::from(value)),
            StartTime => record.start_time = Some(parse_time(value)?),
            EndTime => record.end_time = Some(parse_time(value)?),
            Destination => record.destination = text(),
            NumberAlias => record.number_alias = text(),
            Callerid => record.callerid = text(),
            TotalCost => record.total_cost = Some(decimal(value)?),
            DestinationName => record.destination_name = text(),
            CalleridCountry => record.callerid_country = text(),
            LineInformation => record.line_information = text(),
            Result => record.result = text(),
            CallFailSipCode => {
                record.call_fail_sip_code = Some(
                    value
                        .parse()
                        .map_err(|_| format!("`{value}` is not a SIP status code"))?,
                );
            }
            CallFailReason => record.call_fail_reason = text(),
            Duration => record.duration = Some(seconds(value)?),
            BilledDuration => record.billed_duration = Some(seconds(value)?),
            Rate => record.rate = Some(decimal(value)?),
            FirstIncrement => record.first_increment = Some(seconds(value)?),
            SubsequentIncrement => record.subsequent_increment = Some(seconds(value)?),
            CostSubtotal => record.cost_subtotal = Some(decimal(value)?),
            ConnectFee => record.connect_fee = Some(decimal(value)?),
            UsfFee => record.usf_fee = Some(decimal(value)?),
            Ccrf => record.ccrf = Some(decimal(value)?),
            CnamLookupFee => record.cnam_lookup_fee = Some(decimal(value)?),
            CustomXTag => record.custom_x_tag = text(),
            CustomerIp => record.customer_ip = text(),
        }
        Ok(())
    }
}

/// Times as the file writes them (`2019-06-25 18:18:54+00`), with RFC 3339
/// and offset-less UTC accepted too, since nothing promises one format.
fn parse_time(value: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_str(value, "%Y-%m-%d %H:%M:%S%.f%#z")
        .or_else(|_| DateTime::parse_from_rfc3339(value))
        .map(|t| t.with_timezone(&Utc))
        .or_else(|_| {
            NaiveDateTime::parse_from_str(value, "%Y-%m-%d %H:%M:%S%.f").map(|t| t.and_utc())
        })
        .map_err(|_| format!("`{value}` is not a time such as `2019-06-25 18:18:54+00`"))
}

/// A money amount: checked to be a decimal number, kept as written.
fn decimal(value: &str) -> Result<String, String> {
    let digits = value.strip_prefix('-').unwrap_or(value);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (whole.is_empty() && fraction.is_empty()) || !all_digits(whole) || !all_digits(fraction) {
        return Err(format!("`{value}` is not a decimal amount"));
    }
    Ok(value.to_string())
}

/// A count of seconds, whole as in the documented file or with a fraction.
fn seconds(value: &str) -> Result<Duration, String> {
    let invalid = || format!("`{value}` is not a number of seconds");
    if let Ok(whole) = value.parse::<u64>() {
        return Ok(Duration::from_secs(whole));
    }
    let secs: f64 = value.parse().map_err(|_| invalid())?;
    Duration::try_from_secs_f64(secs).map_err(|_| invalid())
}

/// A column of the file, in header order.
#[derive(Debug)]
enum Column {
    Known(Known, String),
    Extra(String),
}

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
/// A row longer than this is not a call record (an unterminated quote
/// swallowing the file, say); the limit keeps memory bounded.
const MAX_ROW_BYTES: usize = 1 << 20;
const MAX_COLUMNS: usize = 4096;
/// The inflated text held at once. Inflating into this fixed buffer, and
/// only once its rows are handed out, is what keeps a file that expands a
/// thousandfold (or a millionfold) from expanding in memory.
const TEXT_BUFFER: usize = 32 * 1024;
/// How much text is read without a row coming out before control goes back
/// to the caller (a file of blank lines, say): no single poll runs long.
const WORK_PER_STEP: usize = 1 << 20;

/// The bytes received and not yet decoded: one network chunk at most, since
/// the next is asked for only when this one is used up.
struct Input {
    chunk: Bytes,
    ended: bool,
}

impl Read for Input {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(out.len());
        out[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

/// Out of bytes before the body ended reads as `WouldBlock`, which flate2's
/// gzip reader passes on with its state kept, to be resumed after a push.
impl BufRead for Input {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.chunk.is_empty() && !self.ended {
            return Err(io::ErrorKind::WouldBlock.into());
        }
        Ok(&self.chunk)
    }

    fn consume(&mut self, n: usize) {
        self.chunk.advance(n);
    }
}

enum Body {
    /// Waiting for the first two bytes, to tell gzip from plain text.
    Sniffing(Input),
    Plain(Input),
    Gzip {
        inflate: Box<MultiGzDecoder<Input>>,
        /// Inflated text; `text[start..end]` is not parsed yet.
        text: Box<[u8]>,
        start: usize,
        end: usize,
    },
}

impl Body {
    fn input(&mut self) -> &mut Input {
        match self {
            Body::Sniffing(input) | Body::Plain(input) => input,
            Body::Gzip { inflate, .. } => inflate.get_mut(),
        }
    }
}

/// What [`RecordDecoder::next`] has for the caller.
// The record moves straight on into the stream's item, which is as large;
// boxing it would cost an allocation per row for nothing.
#[allow(clippy::large_enum_variant)]
pub(super) enum Step {
    /// A record, or an error in a row's place, or the error that ends the file.
    Item(Result<CdrRecord, Error>),
    /// Every row of the bytes pushed so far is out: push the next chunk (or
    /// call `finish` at the end of the body).
    NeedInput,
    /// Much was read without a row coming out; call again after letting
    /// other tasks run.
    Busy,
    /// Nothing more will come.
    Done,
}

/// The CSV parser and the row it is filling.
struct Rows {
    csv: Reader,
    bytes: Vec<u8>,
    ends: Vec<usize>,
    len: usize,
    ends_len: usize,
}

/// What one step of the CSV parser found.
enum Parsed {
    /// A whole row is in `Rows`.
    Row,
    /// The input is used up without completing a row.
    InputEmpty,
    /// The end of the data.
    End,
    /// The row grew past a limit; the reason.
    TooLarge(String),
}

impl Rows {
    /// Reads `input` until a row is complete or the input is used up; returns
    /// how much it read. An empty `input` with `end` is the end of the data.
    fn read(&mut self, input: &[u8], end: bool) -> (usize, Parsed) {
        let mut read = 0;
        loop {
            if input.len() == read && !end {
                return (read, Parsed::InputEmpty);
            }
            let (result, n, written, ended) = self.csv.read_record(
                &input[read..],
                &mut self.bytes[self.len..],
                &mut self.ends[self.ends_len..],
            );
            read += n;
            self.len += written;
            self.ends_len += ended;
            match result {
                ReadRecordResult::InputEmpty => return (read, Parsed::InputEmpty),
                ReadRecordResult::End => return (read, Parsed::End),
                ReadRecordResult::Record => return (read, Parsed::Row),
                ReadRecordResult::OutputFull if self.bytes.len() >= MAX_ROW_BYTES => {
                    let reason = format!(
                        "a row is longer than {MAX_ROW_BYTES} bytes, which no call record is; the file is not a CDR export or is damaged"
                    );
                    return (read, Parsed::TooLarge(reason));
                }
                ReadRecordResult::OutputFull => {
                    let grown = self.bytes.len() * 2;
                    self.bytes.resize(grown, 0);
                }
                ReadRecordResult::OutputEndsFull if self.ends.len() >= MAX_COLUMNS => {
                    let reason = format!("a row has more than {MAX_COLUMNS} columns");
                    return (read, Parsed::TooLarge(reason));
                }
                ReadRecordResult::OutputEndsFull => {
                    let grown = self.ends.len() * 2;
                    self.ends.resize(grown, 0);
                }
            }
        }
    }

    /// The fields of the row just read; the next row starts empty.
    fn take(&mut self) -> Vec<String> {
        let mut start = 0;
        let fields = self.ends[..self.ends_len]
            .iter()
            .map(|&end| {
                // Invalid UTF-8 in one cell should not cost the whole export.
                let field = String::from_utf8_lossy(&self.bytes[start..end]).into_owned();
                start = end;
                field
            })
            .collect();
        self.len = 0;
        self.ends_len = 0;
        fields
    }
}

/// Turns the export file into records as its bytes arrive, one record per
/// call: a pushed chunk is inflated into a fixed buffer and parsed only as
/// far as the next row, and the next chunk is asked for only once the last
/// is used up. It holds one network chunk, [`TEXT_BUFFER`] of text and one
/// row at most, whatever the file's size or compression ratio.
///
/// A row that does not fit its columns gives an error in its place and the
/// rows after it still come; a broken file (corrupt gzip, a row over
/// [`MAX_ROW_BYTES`], no known column in the header) gives a last error.
pub(super) struct RecordDecoder {
    body: Body,
    rows: Rows,
    columns: Option<Vec<Column>>,
    row: u64,
    /// Text read since the last item, for [`Step::Busy`].
    work: usize,
    /// The error that ends the file, handed out before `Done`.
    failure: Option<Error>,
    done: bool,
}

impl RecordDecoder {
    pub(super) fn new() -> Self {
        RecordDecoder {
            body: Body::Sniffing(Input {
                chunk: Bytes::new(),
                ended: false,
            }),
            rows: Rows {
                csv: Reader::new(),
                bytes: vec![0; 4096],
                ends: vec![0; 64],
                len: 0,
                ends_len: 0,
            },
            columns: None,
            row: 0,
            work: 0,
            failure: None,
            done: false,
        }
    }

    /// Takes the next chunk of the body, after [`Step::NeedInput`].
    pub(super) fn push(&mut self, chunk: Bytes) {
        let input = self.body.input();
        input.chunk = if input.chunk.is_empty() {
            chunk
        } else {
            // Only while sniffing, with one byte held: the copy is small.
            [&input.chunk[..], &chunk[..]].concat().into()
        };
    }

    /// The body has ended.
    pub(super) fn finish(&mut self) {
        self.body.input().ended = true;
    }

    /// Ends decoding with `error` (a broken connection), after the rows
    /// already decoded.
    pub(super) fn fail(&mut self, error: Error) {
        if !self.done && self.failure.is_none() {
            self.failure = Some(error);
        }
    }

    /// Decodes as far as the next record.
    pub(super) fn next(&mut self) -> Step {
        loop {
            if let Some(error) = self.failure.take() {
                self.done = true;
                return Step::Item(Err(error));
            }
            if self.done {
                return Step::Done;
            }
            if self.work > WORK_PER_STEP {
                self.work = 0;
                return Step::Busy;
            }
            let (text, end): (&[u8], bool) = match &mut self.body {
                Body::Sniffing(input) => {
                    if input.chunk.len() < GZIP_MAGIC.len() && !input.ended {
                        return Step::NeedInput;
                    }
                    let input = std::mem::replace(
                        input,
                        Input {
                            chunk: Bytes::new(),
                            ended: false,
                        },
                    );
                    self.body = if input.chunk.starts_with(&GZIP_MAGIC) {
                        Body::Gzip {
                            inflate: Box::new(MultiGzDecoder::new(input)),
                            text: vec![0; TEXT_BUFFER].into_boxed_slice(),
                            start: 0,
                            end: 0,
                        }
                    } else {
                        Body::Plain(input)
                    };
                    continue;
                }
                Body::Plain(input) => {
                    if input.chunk.is_empty() && !input.ended {
                        return Step::NeedInput;
                    }
                    (&input.chunk, input.ended)
                }
                Body::Gzip {
                    inflate,
                    text,
                    start,
                    end,
                } => {
                    if start == end {
                        match inflate.read(text) {
                            Ok(0) => (&[][..], true),
                            Ok(n) => {
                                (*start, *end) = (0, n);
                                continue;
                            }
                            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                                return Step::NeedInput;
                            }
                            Err(e) => {
                                self.failure = Some(corrupt_gzip(&e));
                                continue;
                            }
                        }
                    } else {
                        (&text[*start..*end], false)
                    }
                }
            };
            let (read, parsed) = self.rows.read(text, end);
            self.work += read;
            match &mut self.body {
                Body::Plain(input) => input.chunk.advance(read),
                Body::Gzip { start, .. } => *start += read,
                Body::Sniffing(_) => unreachable!("the body is sniffed before any parsing"),
            }
            match parsed {
                Parsed::InputEmpty => {}
                Parsed::End => self.done = true,
                Parsed::TooLarge(reason) => {
                    self.failure = Some(decode(format!("row {}", self.row + 1), reason, &[]));
                }
                Parsed::Row => {
                    if let Some(item) = self.on_row() {
                        self.work = 0;
                        return Step::Item(item);
                    }
                }
            }
        }
    }

    /// The bytes the decoder holds for pending output: the unread chunk, the
    /// text buffer and the row being filled.
    #[cfg(any(test, feature = "__fuzz"))]
    pub(super) fn held_bytes(&self) -> usize {
        let (input, text) = match &self.body {
            Body::Sniffing(input) | Body::Plain(input) => (input.chunk.len(), 0),
            Body::Gzip { inflate, text, .. } => (inflate.get_ref().chunk.len(), text.len()),
        };
        input + text + self.rows.bytes.len() + self.rows.ends.len() * size_of::<usize>()
    }

    /// The most [`held_bytes`](Self::held_bytes) can be with `chunk` bytes pushed at most.
    #[cfg(any(test, feature = "__fuzz"))]
    pub(super) fn held_bytes_limit(chunk: usize) -> usize {
        chunk + GZIP_MAGIC.len() + TEXT_BUFFER + MAX_ROW_BYTES + MAX_COLUMNS * size_of::<usize>()
    }

    /// The record of the row just read, or `None` for the header.
    fn on_row(&mut self) -> Option<Result<CdrRecord, Error>> {
        let fields = self.rows.take();
        let Some(columns) = &self.columns else {
            self.on_header(fields);
            return None;
        };
        self.row += 1;
        Some(to_record(columns, fields, self.row))
    }

    fn on_header(&mut self, fields: Vec<String>) {
        let columns: Vec<Column> = fields
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let name = if i == 0 {
                    name.trim_start_matches('\u{feff}')
                } else {
                    name
                };
                let name = name.trim();
                match Known::from_header(name) {
                    Some(known) => Column::Known(known, name.to_string()),
                    None => Column::Extra(name.to_string()),
                }
            })
            .collect();
        if !columns.iter().any(|c| matches!(c, Column::Known(..))) {
            let reason = "none of the header's columns is a CDR column (direction, start_time, destination, …); the file is not a CDR export".to_string();
            self.failure = Some(decode("header".into(), reason, fields.join(",").as_bytes()));
            return;
        }
        self.columns = Some(columns);
    }
}

fn to_record(columns: &[Column], fields: Vec<String>, row: u64) -> Result<CdrRecord, Error> {
    if fields.len() != columns.len() {
        let reason = format!(
            "has {} fields where the header has {} columns",
            fields.len(),
            columns.len()
        );
        return Err(decode(
            format!("row {row}"),
            reason,
            fields.join(",").as_bytes(),
        ));
    }
    let mut record = CdrRecord::default();
    for (column, value) in columns.iter().zip(&fields) {
        match column {
            Column::Extra(name) => {
                record.extra.insert(name.clone(), value.clone());
            }
            Column::Known(..) if value.is_empty() => {}
            Column::Known(known, name) => {
                if let Err(reason) = known.set(&mut record, value) {
                    let at = format!("row {row}, {name}");
                    return Err(decode(at, reason, fields.join(",").as_bytes()));
                }
            }
        }
    }
    Ok(record)
}

/// Rows hold phone numbers: the excerpt is always masked. The message names
/// only a column's value that failed to parse (a cost, a duration, a time).
fn decode(path: String, message: String, excerpt: &[u8]) -> Error {
    DecodeError::error(DOWNLOAD, path, message, excerpt, false)
}

fn corrupt_gzip(e: &std::io::Error) -> Error {
    decode("body".into(), format!("the gzip data is damaged: {e}"), &[])
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use flate2::{Compression, write::GzEncoder};
    use std::io::Write;

    /// The header and rows of the Python SDK README's sample export.
    const SAMPLE: &str = "direction,start_time,end_time,destination,number_alias,callerid,total_cost,destination_name,callerid_country,line_information,result,call_fail_sip_code,call_fail_reason,duration,billed_duration,rate,first_increment,subsequent_increment,cost_subtotal,connect_fee,usf_fee,ccrf,cnam_lookup_fee,custom_x_tag,customer_ip
Outbound,2019-06-25 18:18:54+00,2019-06-25 18:19:31+00,18774551500,Office Line 2,+12063389999,0.00000000,UNITED STATES - TOLL FREE,N/A,,completed,200,OK,37,42,0.000000,6,6,0.00000000,0.0000,0.00000000,0.00000000,0.00000000,,53.186.152.52:5080
Inbound,2019-06-25 18:18:00+00,2019-06-25 18:18:29+00,12063389999,Office Line 2,+12069928999,0.00474784,UNITED STATES,UNITED STATES,61,completed,200,OK,29,30,0.001500,6,6,0.00075000,0.0000,0.00000000,0.00009784,0.00390000,,53.186.152.52
";

    fn gzip(text: &[u8]) -> Vec<u8> {
        let mut gz = GzEncoder::new(Vec::new(), Compression::default());
        gz.write_all(text).unwrap();
        gz.finish().unwrap()
    }

    /// Decodes `body` fed in chunks of `size` bytes, checking at every step
    /// that the decoder holds no more than its bound.
    fn decode_in_chunks(body: &[u8], size: usize) -> Vec<Result<CdrRecord, Error>> {
        let mut decoder = RecordDecoder::new();
        let mut chunks = body.chunks(size);
        let mut finished = false;
        let mut out = Vec::new();
        loop {
            match decoder.next() {
                Step::Item(item) => out.push(item),
                Step::Busy => {}
                Step::NeedInput => {
                    assert!(!finished, "asked for input after the end of the body");
                    match chunks.next() {
                        Some(chunk) => decoder.push(Bytes::copy_from_slice(chunk)),
                        None => {
                            decoder.finish();
                            finished = true;
                        }
                    }
                }
                Step::Done => return out,
            }
            assert!(decoder.held_bytes() <= RecordDecoder::held_bytes_limit(size));
        }
    }

    fn records(body: &[u8]) -> Vec<CdrRecord> {
        decode_in_chunks(body, 1 << 16)
            .into_iter()
            .map(Result::unwrap)
            .collect()
    }

    fn message(result: &Result<CdrRecord, Error>) -> String {
        result.as_ref().unwrap_err().to_string()
    }

    #[test]
    fn every_documented_column_is_typed() {
        let rows = records(SAMPLE.as_bytes());
        assert_eq!(rows.len(), 2);
        let r = &rows[1];
        assert_eq!(r.direction, Some(CallDirection::Inbound));
        assert_eq!(
            r.start_time,
            Some(Utc.with_ymd_and_hms(2019, 6, 25, 18, 18, 0).unwrap())
        );
        assert_eq!(
            r.end_time,
            Some(Utc.with_ymd_and_hms(2019, 6, 25, 18, 18, 29).unwrap())
        );
        assert_eq!(r.destination.as_deref(), Some("12063389999"));
        assert_eq!(r.number_alias.as_deref(), Some("Office Line 2"));
        assert_eq!(r.callerid.as_deref(), Some("+12069928999"));
        assert_eq!(r.total_cost.as_deref(), Some("0.00474784"));
        assert_eq!(r.destination_name.as_deref(), Some("UNITED STATES"));
        assert_eq!(r.callerid_country.as_deref(), Some("UNITED STATES"));
        assert_eq!(r.line_information.as_deref(), Some("61"));
        assert_eq!(r.result.as_deref(), Some("completed"));
        assert_eq!(r.call_fail_sip_code, Some(200));
        assert_eq!(r.call_fail_reason.as_deref(), Some("OK"));
        assert_eq!(r.duration, Some(Duration::from_secs(29)));
        assert_eq!(r.billed_duration, Some(Duration::from_secs(30)));
        assert_eq!(r.rate.as_deref(), Some("0.001500"));
        assert_eq!(r.first_increment, Some(Duration::from_secs(6)));
        assert_eq!(r.subsequent_increment, Some(Duration::from_secs(6)));
        assert_eq!(r.cost_subtotal.as_deref(), Some("0.00075000"));
        assert_eq!(r.connect_fee.as_deref(), Some("0.0000"));
        assert_eq!(r.usf_fee.as_deref(), Some("0.00000000"));
        assert_eq!(r.ccrf.as_deref(), Some("0.00009784"));
        assert_eq!(r.cnam_lookup_fee.as_deref(), Some("0.00390000"));
        assert_eq!(r.custom_x_tag, None);
        assert_eq!(r.customer_ip.as_deref(), Some("53.186.152.52"));
        assert!(r.extra.is_empty());
        assert_eq!(rows[0].line_information, None, "an empty cell is None");
    }

    #[test]
    fn any_chunking_of_plain_or_gzip_bodies_gives_the_same_records() {
        let whole = records(SAMPLE.as_bytes());
        let zipped = gzip(SAMPLE.as_bytes());
        for size in [1, 2, 3, 7, 64] {
            let plain: Vec<_> = decode_in_chunks(SAMPLE.as_bytes(), size)
                .into_iter()
                .map(Result::unwrap)
                .collect();
            let unzipped: Vec<_> = decode_in_chunks(&zipped, size)
                .into_iter()
                .map(Result::unwrap)
                .collect();
            assert_eq!(plain, whole, "plain in chunks of {size}");
            assert_eq!(unzipped, whole, "gzip in chunks of {size}");
        }
    }

    #[test]
    fn concatenated_gzip_members_are_all_read() {
        let (head, tail) = SAMPLE.split_at(SAMPLE.find("\nInbound").unwrap() + 1);
        let mut body = gzip(head.as_bytes());
        body.extend(gzip(tail.as_bytes()));
        assert_eq!(records(&body), records(SAMPLE.as_bytes()));
    }

    #[test]
    fn unknown_columns_are_kept_and_missing_ones_are_none() {
        let rows =
            records(b"Direction,carrier,duration\r\nOUTBOUND,Acme,\"12\"\r\n\r\nsideways,,3.5");
        assert_eq!(rows.len(), 2, "the blank line is no row");
        assert_eq!(rows[0].direction, Some(CallDirection::Outbound));
        assert_eq!(
            rows[0].extra.get("carrier").map(String::as_str),
            Some("Acme")
        );
        assert_eq!(rows[0].duration, Some(Duration::from_secs(12)));
        assert_eq!(rows[0].total_cost, None);
        assert_eq!(
            rows[1].direction,
            Some(CallDirection::Unknown("sideways".into()))
        );
        assert_eq!(rows[1].direction.as_ref().unwrap().to_string(), "sideways");
        assert_eq!(rows[1].extra.get("carrier").map(String::as_str), Some(""));
        assert_eq!(rows[1].duration, Some(Duration::from_millis(3500)));
    }

    #[test]
    fn quoted_fields_keep_their_commas_quotes_and_newlines() {
        let rows =
            records(b"number_alias,destination\n\"Office, \"\"Main\"\"\nLine\",12065551234\n");
        assert_eq!(
            rows[0].number_alias.as_deref(),
            Some("Office, \"Main\"\nLine")
        );
        assert_eq!(rows[0].destination.as_deref(), Some("12065551234"));
    }

    #[test]
    fn a_malformed_row_is_an_error_in_its_place_and_later_rows_still_come() {
        let body = b"direction,duration,total_cost\nInbound,1,0.1\nInbound,2\nInbound,x,0.1\nInbound,3,$1\nOutbound,4,0.4\n";
        let out = decode_in_chunks(body, 5);
        assert_eq!(out.len(), 5);
        assert_eq!(
            out[0].as_ref().unwrap().duration,
            Some(Duration::from_secs(1))
        );
        let e = message(&out[1]);
        assert!(
            e.contains("`row 2`") && e.contains("has 2 fields where the header has 3 columns"),
            "{e}"
        );
        let e = message(&out[2]);
        assert!(
            e.contains("`row 3, duration`") && e.contains("`x` is not a number of seconds"),
            "{e}"
        );
        assert!(
            e.contains("download_cdr_export") && e.contains("Inbound,x,#.#"),
            "{e}"
        );
        let e = message(&out[3]);
        assert!(
            e.contains("`row 4, total_cost`") && e.contains("`$1` is not a decimal amount"),
            "{e}"
        );
        assert_eq!(
            out[4].as_ref().unwrap().duration,
            Some(Duration::from_secs(4))
        );
        assert!(matches!(out[1], Err(Error::Decode(_))));
    }

    #[test]
    fn a_damaged_gzip_body_ends_with_an_error_after_what_was_read() {
        let mut body = gzip(SAMPLE.as_bytes());
        let last = body.len() - 3;
        body[last] ^= 0xff; // the stored length: only the end can tell
        let out = decode_in_chunks(&body, 16);
        assert_eq!(out.len(), 3);
        assert!(out[0].is_ok() && out[1].is_ok());
        let e = message(&out[2]);
        assert!(e.contains("gzip data is damaged"), "{e}");
    }

    #[test]
    fn a_file_that_is_not_a_cdr_export_is_refused_at_its_header() {
        let out = decode_in_chunks(b"<html><body>Access Denied</body></html>\nmore\n", 8);
        assert_eq!(out.len(), 1);
        let e = message(&out[0]);
        assert!(
            e.contains("`header`") && e.contains("not a CDR export"),
            "{e}"
        );
    }

    #[test]
    fn empty_and_header_only_files_have_no_records() {
        assert!(decode_in_chunks(b"", 1).is_empty());
        assert!(
            decode_in_chunks(b"d", 1).len() == 1,
            "one byte is a header with no known column"
        );
        assert!(decode_in_chunks(b"direction,duration\n", 3).is_empty());
        assert!(decode_in_chunks(&gzip(b""), 3).is_empty());
    }

    #[test]
    fn a_runaway_row_stops_decoding_instead_of_growing_without_bound() {
        let mut body = b"direction,number_alias\nInbound,\"".to_vec();
        body.resize(body.len() + MAX_ROW_BYTES + 10, b'a');
        let out = decode_in_chunks(&body, 1 << 16);
        assert_eq!(out.len(), 1);
        let e = message(&out[0]);
        assert!(e.contains("`row 1`") && e.contains("longer than"), "{e}");
    }

    #[test]
    fn times_are_read_in_the_files_format_and_in_iso_8601() {
        let expected = Utc.with_ymd_and_hms(2019, 6, 25, 18, 18, 54).unwrap();
        for text in [
            "2019-06-25 18:18:54+00",
            "2019-06-25 18:18:54+0000",
            "2019-06-25 20:18:54+02:00",
            "2019-06-25T18:18:54Z",
            "2019-06-25T18:18:54+00:00",
            "2019-06-25 18:18:54",
        ] {
            assert_eq!(parse_time(text), Ok(expected), "{text}");
        }
        assert_eq!(
            parse_time("2019-06-25 18:18:54.25+00")
                .unwrap()
                .timestamp_subsec_millis(),
            250
        );
        assert!(parse_time("25/06/2019").is_err());
    }

    #[test]
    fn money_must_be_decimal_text() {
        for ok in ["0", "0.00474784", "-1.5", ".5", "12."] {
            assert_eq!(decimal(ok).as_deref(), Ok(ok));
        }
        for bad in ["", ".", "-", "1e3", "$1", "1,5", "0.1.2", " 1"] {
            assert!(decimal(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_byte_order_mark_does_not_hide_the_first_column() {
        let rows = records("\u{feff}direction\nInbound\n".as_bytes());
        assert_eq!(rows[0].direction, Some(CallDirection::Inbound));
    }

    /// A deterministic stream of bytes (xorshift), for inputs no one wrote.
    fn noise(seed: u64, len: usize) -> Vec<u8> {
        let mut x = seed | 1;
        (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect()
    }

    /// Files built to expand, nest, stop short or make no sense.
    fn adversarial() -> Vec<(String, Vec<u8>)> {
        let rows = [&b"direction\n"[..], &b"I\n".repeat(1 << 16)].concat();
        let members: Vec<u8> = std::iter::repeat_n(gzip(&b"I\n".repeat(1 << 12)), 16)
            .flatten()
            .collect();
        let mut inputs = vec![
            // Past the longest row and the work done between two items.
            ("zeros".to_string(), gzip(&vec![0; 2 << 20])),
            ("blank lines".to_string(), gzip(&vec![b'\n'; 2 << 20])),
            (
                "one quoted cell".to_string(),
                gzip(&[&b"direction\n\""[..], &vec![b'a'; 2 << 20]].concat()),
            ),
            ("two-byte rows".to_string(), gzip(&rows)),
            (
                "16 members".to_string(),
                [gzip(b"direction\n"), members].concat(),
            ),
            ("gzip in gzip".to_string(), gzip(&gzip(&rows))),
            ("noise".to_string(), noise(1, 64 << 10)),
            (
                "noise after the gzip magic".to_string(),
                [&GZIP_MAGIC[..], &noise(2, 64 << 10)].concat(),
            ),
        ];
        let whole = inputs.clone();
        for (name, body) in whole {
            for cut in [3, 10, body.len() / 2, body.len() - 1] {
                inputs.push((format!("{name}, cut at {cut}"), body[..cut].to_vec()));
            }
            for at in [10, body.len() / 3, body.len() - 5] {
                let mut damaged = body.clone();
                damaged[at] ^= 0x5a;
                inputs.push((format!("{name}, byte {at} flipped"), damaged));
            }
        }
        inputs
    }

    /// The bound holds at every step of every adversarial input in any
    /// chunking (checked in `decode_in_chunks`), nothing panics, a damaged or
    /// truncated gzip file ends with an error, and an undamaged one gives the
    /// same output whatever the chunking. (Where damage is found depends on
    /// the chunking: flate2 drops what it inflated in the call that fails.)
    #[test]
    fn adversarial_inputs_are_decoded_in_bounded_memory_without_panicking() {
        for (name, body) in adversarial() {
            let whole = decode_in_chunks(&body, 1 << 16);
            let damaged = name.contains("flipped");
            for size in [1, 1000, 8192] {
                if size == 1 && body.len() > 1 << 16 {
                    continue;
                }
                let chunked = decode_in_chunks(&body, size);
                if damaged {
                    continue;
                }
                assert_eq!(chunked.len(), whole.len(), "{name} in chunks of {size}");
                let messages = |out: &[Result<CdrRecord, Error>]| -> Vec<String> {
                    out.iter().map(|r| format!("{r:?}")).collect()
                };
                assert_eq!(
                    messages(&chunked),
                    messages(&whole),
                    "{name} in chunks of {size}"
                );
            }
            if (damaged || name.contains("cut at")) && body.starts_with(&GZIP_MAGIC) {
                let last = whole.last().expect("a cut gzip file ends with an error");
                assert!(last.is_err(), "{name}: {last:?}");
            }
        }
    }

    #[test]
    fn two_bytes_rows_expanding_a_thousandfold_come_out_one_at_a_time() {
        let body = gzip(&[&b"direction\n"[..], &b"I\n".repeat(1 << 20)].concat());
        assert!(body.len() < 8 << 10, "{} bytes", body.len());
        let mut decoder = RecordDecoder::new();
        assert!(matches!(decoder.next(), Step::NeedInput));
        decoder.push(Bytes::from(body));
        decoder.finish();
        let mut rows = 0;
        loop {
            match decoder.next() {
                Step::Item(item) => {
                    assert_eq!(
                        item.unwrap().direction,
                        Some(CallDirection::Unknown("I".into()))
                    );
                    rows += 1;
                }
                Step::Busy => {}
                Step::NeedInput => panic!("the whole body was pushed"),
                Step::Done => break,
            }
            // The whole file is pushed: all that bounds what is held is the
            // fixed text buffer and the row.
            assert!(decoder.held_bytes() <= RecordDecoder::held_bytes_limit(8 << 10));
        }
        assert_eq!(rows, 1 << 20);
    }

    #[test]
    fn a_file_of_blank_lines_hands_control_back_while_reading_it() {
        let body = gzip(&vec![b'\n'; 8 << 20]);
        let mut decoder = RecordDecoder::new();
        decoder.push(Bytes::from(body));
        decoder.finish();
        let mut busy = 0;
        loop {
            match decoder.next() {
                Step::Busy => busy += 1,
                Step::Done => break,
                Step::Item(item) => panic!("a blank line is no row: {item:?}"),
                Step::NeedInput => panic!("the whole body was pushed"),
            }
        }
        assert!(busy >= 7, "8 MiB read in steps of at most 1 MiB: {busy}");
    }
}
