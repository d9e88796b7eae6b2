//! The one error type of the crate, and how every failure of the generated client
//! becomes one.

mod api;
mod decode;

#[cfg(feature = "__fuzz")]
pub(crate) use api::parse_error_document;
pub(crate) use api::retry_after_header;
pub use api::{ApiError, ApiErrorDetail, ErrorDetail};
pub use decode::DecodeError;
pub(crate) use decode::mask_text;

use crate::retry::{self, Failure};
use reqwest::StatusCode;
use std::{fmt, time::Duration};

/// Which of the client's time limits ended a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimeLimit {
    /// Opening the connection
    /// ([`ClientBuilder::connect_timeout`](crate::ClientBuilder::connect_timeout)).
    /// The request never left, so nothing was done.
    Connect,
    /// One attempt, from sending to the last byte of the answer
    /// ([`ClientBuilder::request_timeout`](crate::ClientBuilder::request_timeout));
    /// for a CDR download, the longest silence between two pieces of the file.
    Request,
    /// The whole call, retries and waits included
    /// ([`ClientBuilder::deadline`](crate::ClientBuilder::deadline)).
    Deadline,
}

impl fmt::Display for TimeLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TimeLimit::Connect => "connect timeout",
            TimeLimit::Request => "request timeout",
            TimeLimit::Deadline => "deadline",
        })
    }
}

/// The innermost cause of an error: reqwest's own message ("error sending
/// request") says nothing a user can act on, its root ("connection refused",
/// "dns error", "invalid peer certificate") does.
fn root_cause(error: &reqwest::Error) -> String {
    let mut cause: &dyn std::error::Error = error;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

/// Everything that can go wrong, from a rejected phone number to a 503.
///
/// `Debug` shows what `Display` does, followed by the chain of causes, so that
/// `fn main() -> Result<(), flowroute::Error>` prints a sentence; `{:#?}`
/// shows the fields.
///
/// # Statuses Flowroute answers
///
/// Every call can fail with [`Transport`](Error::Transport),
/// [`Timeout`](Error::Timeout), [`Redirect`](Error::Redirect),
/// [`ResponseTooLarge`](Error::ResponseTooLarge) or [`Decode`](Error::Decode),
/// and a call with arguments with [`InvalidInput`](Error::InvalidInput)
/// before anything is sent. Flowroute's own refusals are [`Api`](Error::Api),
/// whose [`ApiError`] holds the status and Flowroute's `detail`. It documents
/// these for every operation (a method's `# Errors` section says what they
/// mean for it):
///
/// | status | meaning |
/// |---|---|
/// | 400 Bad Request | the request was missing required data or could not be read |
/// | 401 Unauthorized | the access key or secret key is wrong |
/// | 403 Forbidden | the account may not do this: also insufficient funds, and some duplicates and conflicts |
/// | 404 Not Found | no such number, route, record or message on the account |
/// | 405 Method Not Allowed | the path does not take this method (a client bug; report it) |
/// | 415 Unsupported Media Type | the body's type or data was refused (writes only) |
/// | 422 Unprocessable Entity | a value was invalid; `detail` names it |
/// | 429 Too Many Requests | a per-key, per-endpoint rate limit (5 SMS/s, 1 MMS/s); retried where safe |
/// | 500 Internal Server Error, 503 Service Unavailable | Flowroute's side; 503 during maintenance, retried where safe |
///
/// Which calls are retried, and after which of these, is in [`retry`](crate::retry).
#[derive(thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Flowroute answered with an error status.
    #[error("{0}")]
    Api(Box<ApiError>),
    /// The request could not be sent, or the connection broke while reading the answer.
    #[error("could not reach {} for {operation}: {}", host.as_deref().unwrap_or("Flowroute"), root_cause(source))]
    Transport {
        /// The operation (`operationId`) being called.
        operation: &'static str,
        /// The host that was tried (never the path or query, which can hold
        /// phone numbers or signatures).
        host: Option<String>,
        /// What reqwest reported; its innermost cause is in the message.
        #[source]
        source: reqwest::Error,
    },
    /// A time limit ran out before the answer was complete.
    #[error("{operation} timed out: the {limit} of {configured:?} ran out")]
    Timeout {
        /// The operation (`operationId`) being called.
        operation: &'static str,
        /// Which limit fired.
        limit: TimeLimit,
        /// That limit's configured value.
        configured: Duration,
    },
    /// The server answered with a redirect. Flowroute documents none, and
    /// following one would send the request (a message, a purchase) again to
    /// wherever the `Location` points, so API calls never follow them.
    #[error("{operation} was answered with a redirect ({status}) to {}; API calls follow no redirects", location_host.as_deref().unwrap_or("an unnamed location"))]
    Redirect {
        /// The operation (`operationId`) being called.
        operation: &'static str,
        /// The 3xx status.
        status: StatusCode,
        /// The host the `Location` header named (never its path or query),
        /// `None` when it named none or was relative.
        location_host: Option<String>,
    },
    /// The client's rate limiter ([`limits`](crate::limits)) had no permit
    /// for this call before its deadline, so the call was not sent (again).
    /// With `attempts` 1 nothing was sent at all; after a 429, the earlier
    /// attempts were refused by Flowroute unprocessed. Either way nothing was
    /// done, and the call is safe to send again later.
    #[error(
        "{operation} was not sent: the client's {bucket} rate limit ({per_second} a second) had no permit before the deadline (the next in {wait:?})"
    )]
    RateLimited {
        /// The operation (`operationId`) being called.
        operation: &'static str,
        /// The budget that was exhausted.
        bucket: crate::limits::Bucket,
        /// Its figure.
        per_second: u32,
        /// How much longer the call would have had to wait.
        wait: Duration,
        /// Attempts sent before, each answered 429 (0 when none was sent).
        attempts: u32,
    },
    /// The client's shared rate limiter ([`limits`](crate::limits)) could not
    /// be asked for a permit (a Redis server out of reach) and is set to fail
    /// closed, so the call was not sent. Safe to send again later.
    #[error("{operation} was not sent: the shared {bucket} rate limiter is unavailable ({reason})")]
    RateLimiterUnavailable {
        /// The operation (`operationId`) being called.
        operation: &'static str,
        /// The budget the call counts against.
        bucket: crate::limits::Bucket,
        /// What failed, without addresses or credentials.
        reason: String,
    },
    /// The answer was larger than the client's limit
    /// ([`ClientBuilder::max_response_bytes`](crate::ClientBuilder::max_response_bytes)).
    #[error("Flowroute's answer to {operation} is larger than the limit of {limit} bytes")]
    ResponseTooLarge {
        /// The operation (`operationId`) being called.
        operation: &'static str,
        /// The limit in bytes.
        limit: usize,
    },
    /// [`ListRequest::all`](crate::pagination::ListRequest::all) was about to
    /// hold more than its cap of items in memory.
    #[error(
        "{operation} has more than {cap} items, the cap of `all()`; stream them with `items()`, or set `max_items(..)` to collect more"
    )]
    TooManyItems {
        /// The list operation (`operationId`).
        operation: &'static str,
        /// The cap that was reached.
        cap: usize,
    },
    /// Flowroute answered with a success status, but not with the documented shape.
    #[error("{0}")]
    Decode(Box<DecodeError>),
    /// An argument was rejected before any request was sent.
    #[error("invalid {field}: {reason}")]
    InvalidInput {
        /// The argument or field at fault.
        field: &'static str,
        /// Why it was rejected.
        reason: String,
    },
    /// A webhook body could not be read (from
    /// [`webhooks::parse`](crate::webhooks::parse) and the event types'
    /// `parse`), converted with `?` in code that returns this error type.
    #[error(transparent)]
    Webhook(#[from] crate::webhooks::WebhookError),
    /// The client could not be built as configured.
    #[error("invalid configuration: {reason}")]
    Config {
        /// What is wrong and how to fix it.
        reason: String,
    },
    /// Flowroute's answers broke an invariant the SDK relies on, such as a
    /// pagination that does not move forward.
    #[error("unexpected behaviour from Flowroute in {operation}: {reason}")]
    Protocol {
        /// The operation (`operationId`) being called.
        operation: &'static str,
        /// What was seen.
        reason: String,
    },
}

impl Error {
    pub(crate) fn invalid_input(field: &'static str, reason: impl Into<String>) -> Self {
        Error::InvalidInput {
            field,
            reason: reason.into(),
        }
    }

    /// The same refusal, naming the argument it came from (`from`, `to`)
    /// rather than the type that refused it.
    pub(crate) fn with_field(self, field: &'static str) -> Self {
        match self {
            Error::InvalidInput { reason, .. } => Error::InvalidInput { field, reason },
            other => other,
        }
    }

    pub(crate) fn config(reason: impl Into<String>) -> Self {
        Error::Config {
            reason: reason.into(),
        }
    }

    /// The HTTP status Flowroute answered with, for [`Error::Api`].
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(e) => Some(e.status),
            _ => None,
        }
    }

    /// The API error, when Flowroute answered with an error status.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }

    /// Whether the failure may go away by itself: connection failures,
    /// timeouts, 429 and 502/503/504. Validation errors never do.
    ///
    /// This says nothing about whether sending the request again is *safe*:
    /// a send that timed out may have reached Flowroute. Ask
    /// [`is_safe_to_retry`](Self::is_safe_to_retry) before repeating a call.
    pub fn is_transient(&self) -> bool {
        self.failure().is_some_and(retry::transient)
    }

    /// Whether the call may be sent again without risk of doing it twice:
    /// the failure is [transient](Self::is_transient), and either the
    /// operation has the same effect however often it runs (reads, setting a
    /// route or a callback URL), or the request certainly did nothing (the
    /// connection never opened, or Flowroute refused it with 429).
    ///
    /// A `send_a_message` that timed out or got a 503 is **not** safe: the
    /// message may have gone out. See [`retry`](crate::retry) for the classes.
    pub fn is_safe_to_retry(&self) -> bool {
        let Some(failure) = self.failure() else {
            return false;
        };
        retry::transient(failure)
            && retry::safe_to_repeat(retry::class_of(self.operation()), failure)
    }

    /// The operation (`operationId`) the error happened in, when a request was
    /// involved.
    pub fn operation(&self) -> &'static str {
        match self {
            Error::Api(e) => e.operation,
            Error::Decode(e) => e.operation,
            Error::Transport { operation, .. }
            | Error::Timeout { operation, .. }
            | Error::Redirect { operation, .. }
            | Error::ResponseTooLarge { operation, .. }
            | Error::TooManyItems { operation, .. }
            | Error::Protocol { operation, .. } => operation,
            Error::RateLimited { operation, .. }
            | Error::RateLimiterUnavailable { operation, .. } => operation,
            Error::InvalidInput { .. } | Error::Config { .. } | Error::Webhook(_) => "",
        }
    }

    /// What this error says of the attempt, for the retry rules.
    fn failure(&self) -> Option<Failure> {
        match self {
            Error::Api(e) => Some(Failure::Status(e.status.as_u16())),
            Error::Transport { source, .. } if source.is_connect() => Some(Failure::Connect),
            // A body cut short is as transient as a dropped connection.
            Error::Transport { source, .. }
                if source.is_timeout()
                    || source.is_request()
                    || source.is_body()
                    || source.is_decode() =>
            {
                Some(Failure::Lost)
            }
            Error::Timeout {
                limit: TimeLimit::Connect,
                ..
            } => Some(Failure::Connect),
            Error::Timeout { .. } => Some(Failure::Lost),
            // Nothing left, or what did was refused unprocessed: like a
            // connection that never opened, transient and safe to repeat.
            Error::RateLimited { .. } | Error::RateLimiterUnavailable { .. } => {
                Some(Failure::Connect)
            }
            _ => None,
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if f.alternate() {
            return self.fields(f);
        }
        write!(f, "{self}")?;
        let mut cause = std::error::Error::source(self);
        if cause.is_some() {
            f.write_str("\n\nCaused by:")?;
        }
        let mut n = 0;
        while let Some(c) = cause {
            write!(f, "\n    {n}: {c}")?;
            n += 1;
            cause = c.source();
        }
        Ok(())
    }
}

impl Error {
    fn fields(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(e) => f.debug_tuple("Api").field(e).finish(),
            Error::Decode(e) => f.debug_tuple("Decode").field(e).finish(),
            Error::Webhook(e) => f.debug_tuple("Webhook").field(e).finish(),
            Error::Transport {
                operation,
                host,
                source,
            } => f
                .debug_struct("Transport")
                .field("operation", operation)
                .field("host", host)
                .field("source", source)
                .finish(),
            Error::Timeout {
                operation,
                limit,
                configured,
            } => f
                .debug_struct("Timeout")
                .field("operation", operation)
                .field("limit", limit)
                .field("configured", configured)
                .finish(),
            Error::RateLimited {
                operation,
                bucket,
                per_second,
                wait,
                attempts,
            } => f
                .debug_struct("RateLimited")
                .field("operation", operation)
                .field("bucket", bucket)
                .field("per_second", per_second)
                .field("wait", wait)
                .field("attempts", attempts)
                .finish(),
            Error::RateLimiterUnavailable {
                operation,
                bucket,
                reason,
            } => f
                .debug_struct("RateLimiterUnavailable")
                .field("operation", operation)
                .field("bucket", bucket)
                .field("reason", reason)
                .finish(),
            Error::Redirect {
                operation,
                status,
                location_host,
            } => f
                .debug_struct("Redirect")
                .field("operation", operation)
                .field("status", status)
                .field("location_host", location_host)
                .finish(),
            Error::ResponseTooLarge { operation, limit } => f
                .debug_struct("ResponseTooLarge")
                .field("operation", operation)
                .field("limit", limit)
                .finish(),
            Error::TooManyItems { operation, cap } => f
                .debug_struct("TooManyItems")
                .field("operation", operation)
                .field("cap", cap)
                .finish(),
            Error::InvalidInput { field, reason } => f
                .debug_struct("InvalidInput")
                .field("field", field)
                .field("reason", reason)
                .finish(),
            Error::Config { reason } => f.debug_struct("Config").field("reason", reason).finish(),
            Error::Protocol { operation, reason } => f
                .debug_struct("Protocol")
                .field("operation", operation)
                .field("reason", reason)
                .finish(),
        }
    }
}
