//! The rows of a CDR export file: the typed record, its columns, and how one
//! row of text becomes a record. The bytes become rows in `decoder.rs`.

use crate::error::{DecodeError, Error};
use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::{collections::BTreeMap, fmt, time::Duration};

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
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
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

impl<'de> Deserialize<'de> for CallDirection {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(CallDirection::from(
            std::borrow::Cow::<'de, str>::deserialize(d)?.as_ref(),
        ))
    }
}

/// The columns of a CDR export file Flowroute documents, in the file's order
/// (names as its header writes them).
pub const COLUMNS: [&str; 25] = [
    "direction",
    "start_time",
    "end_time",
    "destination",
    "number_alias",
    "callerid",
    "total_cost",
    "destination_name",
    "callerid_country",
    "line_information",
    "result",
    "call_fail_sip_code",
    "call_fail_reason",
    "duration",
    "billed_duration",
    "rate",
    "first_increment",
    "subsequent_increment",
    "cost_subtotal",
    "connect_fee",
    "usf_fee",
    "ccrf",
    "cnam_lookup_fee",
    "custom_x_tag",
    "customer_ip",
];

/// The documented columns, in the file's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Known {
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
    /// Every column, in [`COLUMNS`]' order.
    const ALL: [Known; 25] = {
        use Known::*;
        [
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
        ]
    };

    pub(super) fn from_header(name: &str) -> Option<Known> {
        COLUMNS
            .iter()
            .position(|column| column.eq_ignore_ascii_case(name))
            .map(|i| Known::ALL[i])
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
pub(super) enum Column {
    Known(Known, String),
    Extra(String),
}

pub(super) fn to_record(
    columns: &[Column],
    fields: Vec<String>,
    row: u64,
) -> Result<CdrRecord, Error> {
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
pub(super) fn decode(path: String, message: String, excerpt: &[u8]) -> Error {
    DecodeError::error(DOWNLOAD, path, message, excerpt, false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cdrs::decoder::testing::*;
    use chrono::TimeZone;

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
}
