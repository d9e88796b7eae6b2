//! Call detail record (CDR) exports: ask Flowroute to gather the calls of a
//! time window into a file, follow the export until it is ready, then read its
//! calls as a stream of [`CdrRecord`]s.
//!
//! ```no_run
//! # async fn run(client: flowroute::Client) -> Result<(), flowroute::Error> {
//! use chrono::{TimeZone, Utc};
//! use flowroute::cdrs::{CdrExportStatus, CdrFilter};
//! use futures_util::TryStreamExt;
//!
//! let january = CdrFilter::new(
//!     Utc.with_ymd_and_hms(2019, 1, 1, 0, 0, 0).unwrap(),
//!     Utc.with_ymd_and_hms(2019, 2, 1, 0, 0, 0).unwrap(),
//! )
//! .number_aliases(["Office 221"]);
//! let export = client.cdrs().create(january).await?;
//! // … later, or when the callback URL is called:
//! let export = client.cdrs().get(&export.id).await?;
//! if export.status == CdrExportStatus::Completed {
//!     let mut calls = std::pin::pin!(client.cdrs().download(&export));
//!     while let Some(call) = calls.try_next().await? {
//!         println!("{:?} {:?}", call.destination, call.total_cost);
//!     }
//! }
//! # Ok(()) }
//! ```

use crate::IntoChecked;
use crate::awaitable::send_on_await;
use crate::urls::http_url;
mod decoder;
mod download;
mod records;

use crate::{
    CdrExportId, Client, Error,
    pagination::{ListRequest, list_query},
    transport::call,
};
use chrono::{DateTime, SubsecRound, Utc};
use flowroute_raw::types;
use serde::{Deserialize, Serialize};
use std::{net::IpAddr, time::Duration};

#[cfg(feature = "__fuzz")]
pub(crate) use download::decode_all;
pub use flowroute_raw::open_enums::CdrExportStatus;
pub(crate) use records::DOWNLOAD;
pub use records::{COLUMNS, CallDirection, CdrRecord};

/// A CDR export: the job Flowroute runs, and once `completed`, where to get
/// its file and what the exported calls cost.
///
/// Money is kept as the decimal text Flowroute sends (`"34.321300"`, US
/// dollars): exact, where `f64` would round. Times are kept as sent (ISO 8601
/// such as `2019-03-18T23:20:30+00:00`); Flowroute's samples do not all use
/// UTC, so nothing is assumed of them. Until the export completes, the URL,
/// expiry and totals are `None`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CdrExport {
    /// The export's id.
    pub id: CdrExportId,
    /// Where the export stands; only a `completed` export has a file.
    pub status: CdrExportStatus,
    /// Pre-signed link to the gzip-compressed CSV, valid until
    /// [`expires_at`](Self::expires_at) (three days). Read it with
    /// [`Cdrs::download`].
    pub download_url: Option<String>,
    /// The URL told when the export changes status, if one was given.
    pub callback_url: Option<String>,
    /// When the export was requested.
    pub requested_at: Option<String>,
    /// When processing started.
    pub created_at: Option<String>,
    /// When [`download_url`](Self::download_url) stops working.
    pub expires_at: Option<String>,
    /// Everything the exported calls cost, fees and CNAM lookups included, in US dollars.
    pub total_cost: Option<String>,
    /// Call charges without fees, in US dollars.
    pub call_subtotal: Option<String>,
    /// Connection fees of inbound toll-free calls, in US dollars.
    pub connect_fees: Option<String>,
    /// CNAM lookup fees of inbound calls, in US dollars.
    pub cnamlookup_fees: Option<String>,
    /// Universal Service Fund fees, in US dollars.
    pub usf_fees: Option<String>,
    /// Carrier cost recovery fees, in US dollars.
    pub ccrf: Option<String>,
    /// How many calls the export holds.
    pub num_calls: Option<i64>,
    /// Billed minutes of those calls.
    pub billed_minutes: Option<i64>,
    /// The filters as Flowroute echoes them. Kept as sent: the echo differs
    /// from the request (times come back as ISO 8601, a list of aliases has
    /// come back as one string).
    pub filter_parameters: serde_json::Map<String, serde_json::Value>,
}

impl CdrExport {
    pub(crate) fn from_raw(export: types::CdrExport) -> CdrExport {
        let a = export.attributes.unwrap_or_default();
        CdrExport {
            id: CdrExportId::from_server(export.id.to_string()),
            // An export without a status is one Flowroute did not describe;
            // keep it visible rather than failing the whole list.
            status: a
                .status
                .unwrap_or_else(|| CdrExportStatus::Unknown(String::new())),
            download_url: a.download_url,
            callback_url: a.callback_url,
            requested_at: a.requested_at,
            created_at: a.created_at,
            expires_at: a.expires_at,
            total_cost: a.total_cost,
            call_subtotal: a.call_subtotal,
            connect_fees: a.connect_fees,
            cnamlookup_fees: a.cnamlookup_fees,
            usf_fees: a.usf_fees,
            ccrf: a.ccrf,
            num_calls: a.num_calls,
            billed_minutes: a.billed_minutes,
            filter_parameters: a.filter_parameters,
        }
    }

    /// A list item, flat or wrapped in `data` (the Python README shows both).
    pub(crate) fn from_list_item(item: types::CdrExportListItem) -> CdrExport {
        match item {
            types::CdrExportListItem::Variant0(export) => CdrExport::from_raw(export),
            types::CdrExportListItem::Variant1(document) => CdrExport::from_raw(document.data),
        }
    }
}

/// Which calls to export: those that started in a time window, optionally
/// narrowed by the other filters. Everything is checked when the export is
/// requested.
///
/// Times are sent to the second, in UTC (`2019-01-01 00:00:00`); a fraction of
/// a second is dropped.
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct CdrFilter {
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    number_aliases: Option<Vec<String>>,
    number_aliases_contains: Option<Vec<String>>,
    destination_numbers: Option<Vec<String>>,
    callerid_numbers: Option<Vec<String>>,
    custom_x_tags: Option<Vec<String>>,
    caller_ip: Option<IpAddr>,
    duration_greater_than: Option<Duration>,
}

fn strings(values: impl IntoIterator<Item = impl AsRef<str>>) -> Option<Vec<String>> {
    Some(
        values
            .into_iter()
            .map(|v| v.as_ref().trim().to_string())
            .collect(),
    )
}

impl CdrFilter {
    /// Calls that started at or after `start` and before `end`.
    pub fn new(start: DateTime<Utc>, end: DateTime<Utc>) -> Self {
        CdrFilter {
            start,
            end,
            number_aliases: None,
            number_aliases_contains: None,
            destination_numbers: None,
            callerid_numbers: None,
            custom_x_tags: None,
            caller_ip: None,
            duration_greater_than: None,
        }
    }

    /// Only calls on numbers with one of these aliases (exact match).
    pub fn number_aliases(mut self, aliases: impl IntoIterator<Item = impl AsRef<str>>) -> Self {
        self.number_aliases = strings(aliases);
        self
    }

    /// Only calls on numbers whose alias contains one of these texts.
    pub fn number_aliases_contains(
        mut self,
        parts: impl IntoIterator<Item = impl AsRef<str>>,
    ) -> Self {
        self.number_aliases_contains = strings(parts);
        self
    }

    /// Only calls to these numbers: digits, optionally after a `+`
    /// (such as `12065551234`; any country).
    pub fn destination_numbers(
        mut self,
        numbers: impl IntoIterator<Item = impl AsRef<str>>,
    ) -> Self {
        self.destination_numbers = strings(numbers);
        self
    }

    /// Only calls whose caller-id number is one of these: digits, optionally
    /// after a `+`.
    pub fn callerid_numbers(mut self, numbers: impl IntoIterator<Item = impl AsRef<str>>) -> Self {
        self.callerid_numbers = strings(numbers);
        self
    }

    /// Only calls whose SIP `X-Tag` header carries one of these values.
    pub fn custom_x_tags(mut self, tags: impl IntoIterator<Item = impl AsRef<str>>) -> Self {
        self.custom_x_tags = strings(tags);
        self
    }

    /// Only calls from this IP address.
    pub fn caller_ip(mut self, ip: IpAddr) -> Self {
        self.caller_ip = Some(ip);
        self
    }

    /// Only calls longer than this, in whole seconds (the filter's unit).
    pub fn duration_greater_than(mut self, duration: Duration) -> Self {
        self.duration_greater_than = Some(duration);
        self
    }

    fn into_raw(self) -> Result<types::CdrFilterParameters, Error> {
        let (start, end) = (self.start.trunc_subsecs(0), self.end.trunc_subsecs(0));
        if start >= end {
            return Err(Error::invalid_input(
                "time window",
                format!("starts at {start} and ends at {end}; the start must come before the end"),
            ));
        }
        let duration_greater_than = self
            .duration_greater_than
            .map(|d| {
                let whole = i64::try_from(d.as_secs())
                    .ok()
                    .filter(|_| d.subsec_nanos() == 0);
                whole.ok_or_else(|| {
                    Error::invalid_input(
                        "duration_greater_than",
                        format!(
                            "{d:?} is not a whole number of seconds, which the filter compares"
                        ),
                    )
                })
            })
            .transpose()?;
        Ok(types::CdrFilterParameters {
            start_call_start_time: start.format(WIRE_TIME).to_string(),
            start_call_end_time: end.format(WIRE_TIME).to_string(),
            number_aliases: texts("number_aliases", self.number_aliases)?,
            number_aliases_contains: texts(
                "number_aliases_contains",
                self.number_aliases_contains,
            )?,
            destination_numbers: numbers("destination_numbers", self.destination_numbers)?,
            callerid_numbers: numbers("callerid_numbers", self.callerid_numbers)?,
            custom_x_tags: texts("custom_x_tags", self.custom_x_tags)?,
            caller_ip: self.caller_ip.map(|ip| ip.to_string()),
            duration_greater_than,
        })
    }
}

/// The filter's time format, as the CDR export docs write it: UTC, a space,
/// no offset.
const WIRE_TIME: &str = "%Y-%m-%d %H:%M:%S";

/// A list filter as sent: unset is left out, while an empty list or an empty
/// value is refused, since sending nothing for it would export every call.
fn texts(field: &'static str, values: Option<Vec<String>>) -> Result<Vec<String>, Error> {
    let Some(values) = values else {
        return Ok(Vec::new());
    };
    if values.is_empty() {
        return Err(Error::invalid_input(
            field,
            "is an empty list, which would not narrow the export at all; leave the filter unset to mean any",
        ));
    }
    if values.iter().any(String::is_empty) {
        return Err(Error::invalid_input(field, "contains an empty value"));
    }
    Ok(values)
}

fn numbers(field: &'static str, values: Option<Vec<String>>) -> Result<Vec<String>, Error> {
    let values = texts(field, values)?;
    if let Some(bad) = values.iter().find(|n| {
        let digits = n.strip_prefix('+').unwrap_or(n);
        digits.is_empty() || digits.len() > 15 || !digits.bytes().all(|b| b.is_ascii_digit())
    }) {
        return Err(Error::invalid_input(
            field,
            format!("`{bad}` is not a phone number; use up to 15 digits, optionally after a +"),
        ));
    }
    Ok(values)
}

/// A CDR export request being configured, from [`Cdrs::create`].
#[derive(Debug)]
#[must_use = "nothing is sent until you `.await` it"]
pub struct CreateCdrExport {
    client: Client,
    filter: CdrFilter,
    callback_url: Option<String>,
}

send_on_await! {
    /// `.await` requests the export; it starts as `processing`.
    ///
    /// # Errors
    ///
    /// A 422 [`Error::Api`] naming a filter Flowroute refused (a date range it
    /// does not serve); [`Error::InvalidInput`] for a filter checked before
    /// sending.
    ///
    /// Example: [`Cdrs`](Cdrs#example).
    CreateCdrExport => CdrExport
}

impl CreateCdrExport {
    /// An `http` or `https` URL Flowroute calls when the export changes status.
    pub fn callback_url(mut self, url: impl Into<String>) -> Self {
        self.callback_url = Some(url.into());
        self
    }

    async fn send(self) -> Result<CdrExport, Error> {
        let filter_parameters = self.filter.into_raw()?;
        let callback_url = self
            .callback_url
            .map(|u| http_url("callback_url", &u))
            .transpose()?;
        let body = types::NewCdrExportDocument {
            data: types::NewCdrExportData {
                type_: types::CdrExportResourceType::Cdrexport,
                attributes: types::NewCdrExportAttributes {
                    callback_url,
                    filter_parameters,
                },
            },
        };
        let doc = call(self.client.raw().create_cdr_export().body(body).send()).await?;
        Ok(CdrExport::from_raw(doc.data))
    }
}

list_query! {
    /// Filters for [`Cdrs::list`].
    CdrExportQuery for list_cdr_exports -> CdrExport = CdrExport::from_list_item;
    /// Only exports in this status.
    status(status: CdrExportStatus) -> CdrExportStatus = Ok(status);
}

/// CDR exports, from [`Client::cdrs`].
///
/// # Example
///
/// ```no_run
/// use flowroute::cdrs::CdrFilter;
/// use flowroute::chrono::{TimeDelta, Utc};
/// # async fn run(client: flowroute::Client) -> Result<(), flowroute::Error> {
/// let end = Utc::now();
/// let export = client.cdrs().create(CdrFilter::new(end - TimeDelta::days(7), end)).await?;
/// // Later (or from the callback): the export's status, then its rows with `download`.
/// let export = client.cdrs().get(&export.id).await?;
/// # let _ = export; Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Cdrs {
    client: Client,
}

impl Client {
    /// Call detail record exports: request them, follow them, read their calls.
    pub fn cdrs(&self) -> Cdrs {
        Cdrs {
            client: self.clone(),
        }
    }
}

impl Cdrs {
    /// Requests an export of the calls `filter` selects; add a callback URL if
    /// you like, then `.await` it.
    ///
    /// Example: [`Cdrs`](Cdrs#example).
    pub fn create(&self, filter: CdrFilter) -> CreateCdrExport {
        CreateCdrExport {
            client: self.client.clone(),
            filter,
            callback_url: None,
        }
    }

    /// The exports requested on the account.
    ///
    /// Example: [`Cdrs`](Cdrs#example).
    pub fn list(&self) -> ListRequest<CdrExportQuery> {
        ListRequest::new(&self.client, CdrExportQuery::default())
    }

    /// One export: its status and, once `completed`, its download URL and totals.
    ///
    /// # Errors
    ///
    /// A 404 [`Error::Api`] when there is no export with this id.
    ///
    /// Example: [`Cdrs`](Cdrs#example).
    pub async fn get(&self, id: impl IntoChecked<CdrExportId>) -> Result<CdrExport, Error> {
        let id = numeric_id(&id.into_checked()?)?;
        let doc = call(self.client.raw().get_cdr_export().cdrexport_id(id).send()).await?;
        Ok(CdrExport::from_raw(doc.data))
    }
}

/// The path parameter is an integer; a non-numeric id is refused before any request.
fn numeric_id(id: &CdrExportId) -> Result<i64, Error> {
    id.as_str().parse().map_err(|_| {
        Error::invalid_input(
            "CDR export id",
            format!("`{id}` is not a number; CDR export ids are integers"),
        )
    })
}
