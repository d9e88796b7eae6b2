#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod attempts;
pub mod cdrs;
mod client;
pub mod cnam;
pub mod e911;
mod error;
#[cfg(feature = "__fuzz")]
#[doc(hidden)]
pub mod fuzzing;
mod ids;
pub mod messages;
pub mod numbers;
pub mod pagination;
pub mod porting;
mod refusal;
pub mod retry;
pub mod routes;
mod transport;
mod urls;
pub mod webhooks;

pub use chrono;
pub use client::{
    Client, ClientBuilder, DEFAULT_BASE_URL, DEFAULT_CONNECT_TIMEOUT, DEFAULT_DEADLINE,
    DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_REQUEST_TIMEOUT, ENV_ACCESS_KEY, ENV_BASE_URL,
    ENV_SECRET_KEY,
};
pub use error::{ApiError, ApiErrorDetail, DecodeError, Error, ErrorDetail, TimeLimit};
pub use ids::{CdrExportId, CnamId, E911Id, IntoChecked, MessageId, PhoneNumber, RouteId};

/// The requests the SDK sends that are not operations of the spec, each with
/// its retry class, which the spec's table cannot hold.
pub(crate) const OWN_REQUESTS: &[(&str, flowroute_raw::RetryClass)] = &[
    // A GET of the export file from storage: it changes nothing.
    (cdrs::DOWNLOAD, flowroute_raw::RetryClass::Read),
];
