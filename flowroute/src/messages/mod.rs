//! SMS and MMS (Messages v2.1): sending, message detail records (MDRs), and the
//! callback URLs Flowroute POSTs inbound messages and delivery receipts to.
//!
//! ```no_run
//! # async fn run(client: flowroute::Client) -> Result<(), flowroute::Error> {
//! use flowroute::messages::Message;
//! let id = client.messages().send(Message::sms("12012673227", "12065551234", "hello")).await?;
//! let record = client.messages().get(&id).await?;
//! println!("{}: {:?}", record.id, record.status);
//! # Ok(()) }
//! ```
//!
//! # Limits
//!
//! Flowroute accepts 5 SMS and 1 MMS per second per access key and endpoint,
//! and answers 429 beyond that; the client's rate limiter keeps to these
//! figures ([`limits`](crate::limits)), and [`Messages::send_all`] sends any
//! number of messages within them. An MMS, text included, may total at most
//! 750 kB; Flowroute fetches the media itself and answers 422 when a file is
//! too large.
//!
//! # Segments
//!
//! An SMS has no documented maximum length, but it is split into segments and
//! billed per segment: an ASCII body of up to 160 characters is one segment;
//! a longer one is split into segments of 140 characters (Flowroute's figure);
//! a body with any non-ASCII character is sent as UCS-2, 70 characters per
//! segment. [`Message::segments`] estimates the count.

mod bulk;
mod price;
mod version;

pub use bulk::{DEFAULT_CONCURRENCY, Progress, SendAll, SendOutcome};
pub use price::PriceDetails;
pub use rust_decimal::Decimal;
pub use version::{MessagingVersion, SentMessage};

use crate::IntoChecked;
use crate::refusal::FirstRefusal;
use crate::urls::http_url;
use crate::{
    Client, Error, MessageId, PhoneNumber,
    pagination::{ListRequest, list_query},
    transport::call,
};
use chrono::{DateTime, Utc};
use flowroute_raw::types;
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use flowroute_raw::open_enums::{CallbackType, MessageDirection, MessageStatus, MessageType};

/// The most an MMS may carry, text included: "750 kB", read as 750 KiB so that
/// only text certainly too large is refused (Flowroute's own 422 names 767 840
/// bytes). The text is the only part the SDK can measure; Flowroute measures
/// the media when it fetches them.
const MMS_MAX_BYTES: usize = 750 * 1024;

/// An ASCII body up to this many characters is one SMS segment.
const SINGLE_SEGMENT_ASCII: usize = 160;
/// Characters per segment of a longer ASCII body, as Flowroute states it.
const SEGMENT_ASCII: usize = 140;
/// UCS-2 code units per segment of a body with any non-ASCII character.
const SEGMENT_UCS2: usize = 70;

/// A message to send: an SMS ([`Message::sms`]) or an MMS ([`Message::mms`]).
///
/// It is checked by [`Messages::send`] before anything is sent: an SMS needs a
/// non-empty body and carries no media; an MMS needs a body, media or both,
/// and its text may not exceed 750 kB; media and DLR URLs must be `http` or
/// `https`.
///
/// ```
/// use flowroute::messages::Message;
/// let sms = Message::sms("12012673227", "+1 206 555 1234", "hello")
///     .dlr_callback("https://example.com/dlr");
/// let mms = Message::mms("12012673227", "12065551234")
///     .body("look")
///     .media_url("https://example.com/cat.gif");
/// ```
///
/// The numbers are [`IntoChecked`]: a [`PhoneNumber`] or text. Text that is
/// not a phone number is kept as a refusal that [`Messages::send`] returns as
/// [`Error::InvalidInput`], so building a message needs no `?`.
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct Message {
    from: Option<PhoneNumber>,
    to: Option<PhoneNumber>,
    refusal: FirstRefusal,
    body: Option<String>,
    media_urls: Vec<String>,
    is_mms: bool,
    text_only: bool,
    dlr_callback: Option<String>,
}

impl Message {
    /// An SMS from a number on your account to `to`.
    pub fn sms(
        from: impl IntoChecked<PhoneNumber>,
        to: impl IntoChecked<PhoneNumber>,
        body: impl Into<String>,
    ) -> Self {
        let mut refusal = FirstRefusal::default();
        let mut number = |field, value: Result<PhoneNumber, Error>| {
            value
                .map_err(|e| refusal.note_error(e.with_field(field)))
                .ok()
        };
        let from = number("from", from.into_checked());
        let to = number("to", to.into_checked());
        Message {
            from,
            to,
            refusal,
            body: Some(body.into()),
            media_urls: Vec::new(),
            is_mms: false,
            text_only: false,
            dlr_callback: None,
        }
    }

    /// An MMS from a number on your account to `to`; add a
    /// [`body`](Self::body), [`media_url`](Self::media_url)s, or both.
    pub fn mms(from: impl IntoChecked<PhoneNumber>, to: impl IntoChecked<PhoneNumber>) -> Self {
        Message {
            is_mms: true,
            body: None,
            ..Message::sms(from, to, "")
        }
    }

    /// The text (replacing any set before).
    pub fn body(mut self, body: impl Into<String>) -> Self {
        self.body = Some(body.into());
        self
    }

    /// Attaches a publicly reachable media file (MMS only); may be called again
    /// for more files, all within the 750 kB total.
    pub fn media_url(mut self, url: impl Into<String>) -> Self {
        self.media_urls.push(url.into());
        self
    }

    /// Sends the text as an MMS without media (Flowroute's `is_mms`), for
    /// instance to avoid splitting a long text into SMS segments.
    pub fn text_only_mms(mut self) -> Self {
        self.is_mms = true;
        self.text_only = true;
        self
    }

    /// Where Flowroute POSTs this message's delivery receipts, instead of the
    /// number's or the account's DLR callback URL.
    pub fn dlr_callback(mut self, url: impl Into<String>) -> Self {
        self.dlr_callback = Some(url.into());
        self
    }

    /// An estimate of the SMS segments the body is billed as (see the
    /// [module docs](self)): 1 for an ASCII body up to 160 characters, else one
    /// per 140 characters; with any non-ASCII character, one per 70 UCS-2
    /// characters. An MMS is one message; an empty body is 0 segments.
    ///
    /// ```
    /// use flowroute::messages::Message;
    /// let sms = |text: &str| Message::sms("12012673227", "12065551234", text);
    /// assert_eq!(sms(&"a".repeat(160)).segments(), 1);
    /// assert_eq!(sms(&"a".repeat(161)).segments(), 2);
    /// assert_eq!(sms(&"é".repeat(80)).segments(), 2);
    /// ```
    pub fn segments(&self) -> u32 {
        if self.is_mms {
            return 1;
        }
        let body = self.body.as_deref().unwrap_or_default();
        let count = if body.is_ascii() {
            match body.len() {
                0 => 0,
                n if n <= SINGLE_SEGMENT_ASCII => 1,
                n => n.div_ceil(SEGMENT_ASCII),
            }
        } else {
            body.encode_utf16().count().div_ceil(SEGMENT_UCS2)
        };
        u32::try_from(count).unwrap_or(u32::MAX)
    }

    /// The body for `version`: v2.1 takes 11-digit North American numbers,
    /// v2.2 any E.164 number written with its `+`.
    fn into_raw(self, version: MessagingVersion) -> Result<types::NewMessage, Error> {
        self.refusal.check()?;
        let (Some(from), Some(to)) = (self.from, self.to) else {
            unreachable!("a number that did not parse is a noted refusal")
        };
        let (from, to) = match version {
            MessagingVersion::V2_1 => (
                north_american("from", from)?.to_string(),
                north_american("to", to)?.to_string(),
            ),
            MessagingVersion::V2_2 => (from.to_e164_plus(), to.to_e164_plus()),
        };
        let body_len = self.body.as_deref().map_or(0, str::len);
        if !self.is_mms {
            if body_len == 0 {
                return Err(Error::invalid_input(
                    "body",
                    "is empty; an SMS needs text (use Message::mms for media)",
                ));
            }
            if !self.media_urls.is_empty() {
                return Err(Error::invalid_input(
                    "media_url",
                    "an SMS carries no media; build the message with Message::mms",
                ));
            }
        } else {
            if body_len == 0 && self.media_urls.is_empty() {
                return Err(Error::invalid_input(
                    "body",
                    "an MMS needs a body, a media URL or both",
                ));
            }
            if self.text_only && !self.media_urls.is_empty() {
                return Err(Error::invalid_input(
                    "media_url",
                    "a text-only MMS carries no media; drop text_only_mms() or the media",
                ));
            }
            if body_len > MMS_MAX_BYTES {
                return Err(Error::invalid_input(
                    "body",
                    format!(
                        "is {body_len} bytes; an MMS may total at most 750 kB ({MMS_MAX_BYTES} bytes), text included"
                    ),
                ));
            }
        }
        let media_urls = self
            .media_urls
            .iter()
            .map(|url| http_url("media_url", url))
            .collect::<Result<Vec<_>, _>>()?;
        let dlr_callback = self
            .dlr_callback
            .as_deref()
            .map(|url| http_url("dlr_callback", url))
            .transpose()?;
        Ok(types::NewMessage {
            // `media_urls` already make a message an MMS; `is_mms` is what
            // Flowroute documents for the text-only kind.
            is_mms: (self.is_mms && media_urls.is_empty()).then_some(true),
            body: self.body.filter(|b| !b.is_empty()),
            dlr_callback,
            from,
            media_urls,
            to,
        })
    }
}

/// Messages v2.1 documents its numbers as 11-digit North American ones.
fn north_american(field: &'static str, number: PhoneNumber) -> Result<PhoneNumber, Error> {
    number.north_american(
        field,
        "Flowroute's Messages v2.1 sends from and to 11-digit North American numbers \
         (Messages v2.2 takes any E.164 number: `messaging_version(MessagingVersion::V2_2)`)",
    )
}

/// A callback type goes into a path that also serves message ids: a value this
/// SDK does not know must still look like a callback name.
fn check_callback_type(callback_type: &CallbackType) -> Result<(), Error> {
    let name = callback_type.as_str();
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return Err(Error::invalid_input(
            "callback type",
            format!("`{name}` is not a callback name such as `sms_callback`"),
        ));
    }
    Ok(())
}

/// A message detail record (MDR): one SMS or MMS, inbound or outbound, as
/// Flowroute recorded it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Mdr {
    /// The record id (`mdr2-…`).
    pub id: MessageId,
    /// The sender.
    pub from: PhoneNumber,
    /// The recipient.
    pub to: PhoneNumber,
    /// The text; `None` for an MMS without text.
    pub body: Option<String>,
    /// Whether Flowroute received the message or sent it for you.
    pub direction: MessageDirection,
    /// The kind of Flowroute number involved.
    pub message_type: MessageType,
    /// The last known state (`delivered`, `message buffered`, …); `None` when
    /// Flowroute sends none or an empty one (inbound MMS).
    pub status: Option<MessageStatus>,
    /// Whether the message is an MMS.
    pub is_mms: bool,
    /// When Flowroute received or sent the message.
    pub timestamp: Option<DateTime<Utc>>,
    /// The charge in billionths of a US dollar, as sent (`4000000` = $0.004);
    /// 0 when Flowroute leaves it out.
    pub amount_nanodollars: i64,
    /// The charge as Flowroute formats it, such as `$0.0040`.
    pub amount_display: Option<String>,
    /// The body's character encoding: 0 for ASCII (GSM), 8 for UCS-2.
    pub message_encoding: Option<i64>,
    /// Delivery receipts so far (outbound SMS only; empty otherwise).
    pub delivery_receipts: Vec<DeliveryReceipt>,
    /// The ids of an MMS's media files.
    pub media_ids: Vec<String>,
    /// The URL an inbound SMS was delivered to.
    pub message_callback_url: Option<String>,
    /// What the message cost, when the record says (Messages v2.2 may).
    pub price: Option<PriceDetails>,
}

impl Mdr {
    pub(crate) fn from_raw(mdr: types::Mdr) -> Mdr {
        let a = mdr.attributes.unwrap_or_default();
        let number = |n: Option<String>| PhoneNumber::from_server(n.unwrap_or_default());
        Mdr {
            id: MessageId::from_server(mdr.id),
            from: number(a.from),
            to: number(a.to),
            body: a.body,
            // A record without these is one Flowroute did not describe; keep it
            // visible rather than failing the whole page.
            direction: a
                .direction
                .unwrap_or_else(|| MessageDirection::Unknown(String::new())),
            message_type: a
                .message_type
                .unwrap_or_else(|| MessageType::Unknown(String::new())),
            status: known_status(a.status),
            is_mms: a.is_mms.unwrap_or_default(),
            timestamp: a.timestamp,
            amount_nanodollars: a.amount_nanodollars.unwrap_or_default(),
            amount_display: a.amount_display,
            message_encoding: a.message_encoding.map(i64::from),
            delivery_receipts: a
                .delivery_receipts
                .unwrap_or_default()
                .into_iter()
                .map(DeliveryReceipt::from_raw)
                .collect(),
            media_ids: mdr
                .relationships
                .and_then(|r| r.media)
                .map(|m| m.data.into_iter().map(|media| media.id).collect())
                .unwrap_or_default(),
            price: PriceDetails::find(&a.price_details, &serde_json::Map::new()),
            message_callback_url: a.message_callback_url,
        }
    }
}

/// A status, unless Flowroute sent an empty one: it does for inbound MMS,
/// where no state applies.
pub(crate) fn known_status(status: Option<MessageStatus>) -> Option<MessageStatus> {
    status.filter(|s| !s.as_str().is_empty())
}

/// One delivery receipt (DLR) of an outbound SMS. Usually there are two:
/// level 1 when Flowroute hands the message to the carrier, level 2 with the
/// carrier's answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DeliveryReceipt {
    /// 1 for the hand-over to the carrier, 2 for what happened after.
    pub level: Option<i32>,
    /// The state, such as `message buffered`.
    pub status: Option<MessageStatus>,
    /// Flowroute's receipt code, such as `1003`. Flowroute sends it as a number,
    /// a string or null; it is kept as text.
    pub status_code: Option<String>,
    /// The code in words, such as `Message accepted by Carrier`.
    pub status_code_description: Option<String>,
    /// When the receipt was recorded.
    pub timestamp: Option<DateTime<Utc>>,
}

impl DeliveryReceipt {
    pub(crate) fn from_raw(dlr: types::DeliveryReceipt) -> DeliveryReceipt {
        DeliveryReceipt {
            level: dlr.level,
            status: known_status(dlr.status),
            status_code: match dlr.status_code {
                None | Some(Value::Null) => None,
                Some(Value::String(s)) => Some(s),
                Some(other) => Some(other.to_string()),
            },
            status_code_description: dlr.status_code_description,
            timestamp: dlr.timestamp,
        }
    }
}

/// A registered messaging callback URL.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Callback {
    /// The URL Flowroute POSTs to.
    pub callback_url: Option<String>,
    /// The product the callback belongs to, such as `dlr`.
    pub product: Option<String>,
    /// The Messaging API version deciding the shape of the POSTs (not always sent).
    pub api_version: Option<String>,
}

impl Callback {
    pub(crate) fn from_raw(doc: types::CallbackDocument) -> Callback {
        let a = doc.data.attributes.unwrap_or_default();
        Callback {
            callback_url: a.callback_url,
            product: a.product,
            api_version: a.api_version,
        }
    }
}

/// The window ends no earlier than it starts.
fn check_window(query: &MdrQuery) -> Result<(), Error> {
    match query.end {
        Some(end) if end < query.start => Err(Error::invalid_input(
            "end",
            format!(
                "{} is before the start {}",
                end.to_rfc3339(),
                query.start.to_rfc3339()
            ),
        )),
        _ => Ok(()),
    }
}

list_query! {
    /// Filters for [`Messages::list`]: the time window.
    MdrQuery(start: DateTime<Utc> => start_date(*start))
        for look_up_a_set_of_messages | look_up_a_set_of_messages_v2_2
        -> Mdr = Mdr::from_raw, checked by check_window;
    /// The last moment to include; without it the window runs to now. Must not
    /// be before the start.
    end(end: impl Into<DateTime<Utc>>) -> DateTime<Utc> = Ok(end.into()) => end_date;
}

/// Messages and messaging callbacks, from [`Client::messages`].
///
/// # Example
///
/// ```no_run
/// use flowroute::messages::{CallbackType, Message};
/// # async fn run(client: flowroute::Client, from: flowroute::PhoneNumber, to: flowroute::PhoneNumber) -> Result<(), flowroute::Error> {
/// let messages = client.messages();
/// let id = messages.send(Message::sms(from, to, "Your code is 123456")).await?;
/// let record = messages.get(&id).await?;
/// messages.set_account_callback(CallbackType::SmsCallback, "https://example.com/sms").await?;
/// let since = flowroute::chrono::Utc::now() - flowroute::chrono::TimeDelta::hours(1);
/// let last_hour = messages.list(since).max_items(100).all().await?;
/// # let _ = (record, last_hour); Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Messages {
    client: Client,
}

impl Client {
    /// SMS and MMS, their detail records and messaging callback URLs.
    pub fn messages(&self) -> Messages {
        Messages {
            client: self.clone(),
        }
    }
}

impl Messages {
    /// Sends an SMS or MMS and returns its id once Flowroute has queued it
    /// (202); delivery is reported later through delivery receipts.
    ///
    /// The message is checked first (see [`Message`]); a rejected one never
    /// reaches Flowroute. The client's rate limiter ([`limits`](crate::limits))
    /// spaces sends to Flowroute's 5 SMS and 1 MMS a second; the wait counts
    /// against the call's deadline.
    ///
    /// Sent again by the SDK only after a 429, Flowroute's refusal of a
    /// request it did nothing with. After anything else (a timeout, a broken
    /// connection, a 5xx) the message may have been sent, and sending it again
    /// could deliver it twice: look for it with [`list`](Self::list) before
    /// retrying yourself.
    ///
    /// # Errors
    ///
    /// A 403 [`Error::Api`] when the account may not send this message (Flowroute
    /// also answers 403 for insufficient funds); a 422 naming a value it refused;
    /// a 429 when Flowroute still refused it after the retries;
    /// [`Error::RateLimited`] when the limiter had no permit before the
    /// deadline (nothing was sent); [`Error::InvalidInput`] for a message
    /// refused before sending. After an [`Error::Transport`] or
    /// [`Error::Timeout`] the message may have gone.
    ///
    /// Example: [`Messages`](Messages#example).
    pub async fn send(&self, message: Message) -> Result<SentMessage, Error> {
        let version = self.version();
        let body = message.into_raw(version)?;
        let raw = self.client.raw();
        let doc = match version {
            MessagingVersion::V2_1 => call(raw.send_a_message().body(body).send()).await?,
            MessagingVersion::V2_2 => call(raw.send_a_message_v2_2().body(body).send()).await?,
        };
        let data = doc.data;
        let price = PriceDetails::find(
            &data.attributes.map(|a| a.price_details).unwrap_or_default(),
            &data.price_details,
        );
        Ok(SentMessage {
            id: MessageId::from_server(data.id),
            price,
            version,
        })
    }

    fn version(&self) -> MessagingVersion {
        self.client.messaging_version()
    }

    /// The detail records of the messages sent and received from `start` on
    /// (UTC), inbound and outbound; narrow the window with
    /// [`end`](ListRequest::end). Flowroute documents no maximum page size for
    /// this list.
    ///
    /// Example: [`Messages`](Messages#example).
    pub fn list(&self, start: impl Into<DateTime<Utc>>) -> ListRequest<MdrQuery> {
        ListRequest::new(&self.client, MdrQuery::new(start.into()))
    }

    /// The detail record of one message.
    ///
    /// # Errors
    ///
    /// A 404 [`Error::Api`] when there is no message with this id;
    /// [`Error::InvalidInput`] when `id` is not an `mdr2-` id.
    ///
    /// Example: [`Messages`](Messages#example).
    pub async fn get(&self, id: impl IntoChecked<MessageId>) -> Result<Mdr, Error> {
        let id = id.into_checked()?;
        let raw = self.client.raw();
        let doc = match self.version() {
            MessagingVersion::V2_1 => {
                let request = raw.look_up_a_message_detail_record();
                call(request.message_id(id.as_str()).send()).await?
            }
            MessagingVersion::V2_2 => {
                let request = raw.look_up_a_message_detail_record_v2_2();
                call(request.message_id(id.as_str()).send()).await?
            }
        };
        Ok(Mdr::from_raw(doc.data))
    }

    /// Sets the URL Flowroute POSTs to for every number on the account (a
    /// number's own URL, or a message's DLR URL, takes precedence).
    ///
    /// # Errors
    ///
    /// A 422 [`Error::Api`] when Flowroute refuses the URL;
    /// [`Error::InvalidInput`] when it is not an http(s) URL.
    ///
    /// Example: [`Messages`](Messages#example).
    pub async fn set_account_callback(
        &self,
        callback_type: CallbackType,
        url: impl AsRef<str>,
    ) -> Result<(), Error> {
        check_callback_type(&callback_type)?;
        let body = types::CallbackUrlBody {
            callback_url: http_url("callback_url", url.as_ref())?,
        };
        let raw = self.client.raw();
        match self.version() {
            MessagingVersion::V2_1 => {
                let request = raw.set_account_callback_url();
                call(request.callback_type(callback_type).body(body).send()).await
            }
            MessagingVersion::V2_2 => {
                let request = raw.set_account_callback_url_v2_2();
                call(request.callback_type(callback_type).body(body).send()).await
            }
        }
    }

    /// The account's URL for one kind of notification.
    ///
    /// # Errors
    ///
    /// A 404 [`Error::Api`] when the account has no URL for this kind.
    ///
    /// Example: [`Messages`](Messages#example).
    pub async fn account_callback(&self, callback_type: CallbackType) -> Result<Callback, Error> {
        check_callback_type(&callback_type)?;
        let raw = self.client.raw();
        let doc = match self.version() {
            MessagingVersion::V2_1 => {
                let request = raw.look_up_account_callback_url();
                call(request.callback_type(callback_type).send()).await?
            }
            MessagingVersion::V2_2 => {
                let request = raw.look_up_account_callback_url_v2_2();
                call(request.callback_type(callback_type).send()).await?
            }
        };
        Ok(Callback::from_raw(doc))
    }

    /// Removes the account's URL for one kind of notification.
    ///
    /// # Errors
    ///
    /// A 404 [`Error::Api`] when the account has no URL for this kind.
    ///
    /// Example: [`Messages`](Messages#example).
    pub async fn remove_account_callback(&self, callback_type: CallbackType) -> Result<(), Error> {
        check_callback_type(&callback_type)?;
        let raw = self.client.raw();
        match self.version() {
            MessagingVersion::V2_1 => {
                let request = raw.remove_account_callback_url();
                call(request.callback_type(callback_type).send()).await
            }
            MessagingVersion::V2_2 => {
                let request = raw.remove_account_callback_url_v2_2();
                call(request.callback_type(callback_type).send()).await
            }
        }
    }

    /// Sets the URL Flowroute POSTs to for one number, overriding the
    /// account's URL for it.
    ///
    /// # Errors
    ///
    /// A 404 [`Error::Api`] when the number is not on the account; a 422 when
    /// Flowroute refuses the URL; [`Error::InvalidInput`] when it is not an
    /// http(s) URL.
    ///
    /// Example: [`Messages`](Messages#example).
    pub async fn set_number_callback(
        &self,
        number: impl IntoChecked<PhoneNumber>,
        callback_type: CallbackType,
        url: impl AsRef<str>,
    ) -> Result<(), Error> {
        let number = number.into_checked()?;
        check_callback_type(&callback_type)?;
        let callback_url = http_url("callback_url", url.as_ref())?;
        let body = types::NumberCallbackUrlDocument {
            data: types::NumberCallbackUrlData {
                attributes: types::NumberCallbackUrlAttributes { callback_url },
            },
        };
        call(
            self.client
                .raw()
                .set_number_callback_url()
                .number_id(number.as_str())
                .callback_type(callback_type)
                .body(body)
                .send(),
        )
        .await
    }

    /// A number's own URL for one kind of notification.
    ///
    /// # Errors
    ///
    /// A 404 [`Error::Api`] when the number is not on the account or has no URL
    /// for this kind.
    ///
    /// Example: [`Messages`](Messages#example).
    pub async fn number_callback(
        &self,
        number: impl IntoChecked<PhoneNumber>,
        callback_type: CallbackType,
    ) -> Result<Callback, Error> {
        let number = number.into_checked()?;
        check_callback_type(&callback_type)?;
        let doc = call(
            self.client
                .raw()
                .look_up_number_callback_url()
                .number_id(number.as_str())
                .callback_type(callback_type)
                .send(),
        )
        .await?;
        Ok(Callback::from_raw(doc))
    }

    /// Removes a number's own URL for one kind of notification; the account's
    /// URL applies to it again.
    ///
    /// # Errors
    ///
    /// A 404 [`Error::Api`] when the number is not on the account or has no URL
    /// for this kind.
    ///
    /// Example: [`Messages`](Messages#example).
    pub async fn remove_number_callback(
        &self,
        number: impl IntoChecked<PhoneNumber>,
        callback_type: CallbackType,
    ) -> Result<(), Error> {
        let number = number.into_checked()?;
        check_callback_type(&callback_type)?;
        call(
            self.client
                .raw()
                .remove_number_callback_url()
                .number_id(number.as_str())
                .callback_type(callback_type)
                .send(),
        )
        .await
    }
}
