// The README is the front page here and on crates.io. Its links name docs.rs
// pages so that they work on crates.io; these definitions come first, so they
// win over the README's (the first definition of a label counts) and link the
// items of this very version on docs.rs and in local docs.
//! [`prelude`]: crate::prelude
//! [`PhoneNumber`]: crate::PhoneNumber
//! [`MessageId`]: crate::MessageId
//! [`RouteId`]: crate::RouteId
//! [`Error`]: crate::Error
//! [`Error::InvalidInput`]: crate::Error::InvalidInput
//! [`Error::is_safe_to_retry`]: crate::Error::is_safe_to_retry
//! [`IntoChecked`]: crate::IntoChecked
//! [`pagination::ListRequest`]: crate::pagination::ListRequest
//! [`retry`]: crate::retry
//! [`limits`]: crate::limits
//! [`ClientBuilder::read_only`]: crate::ClientBuilder::read_only
//! [`webhooks`]: crate::webhooks
//! [`webhooks::InboundMessage`]: crate::webhooks::InboundMessage
//! [`webhooks::DeliveryReceiptEvent`]: crate::webhooks::DeliveryReceiptEvent
//! [`Client::raw`]: crate::Client::raw
//! [`ClientBuilder::http_client`]: crate::ClientBuilder::http_client
//! [`ClientBuilder::max_response_bytes`]: crate::ClientBuilder::max_response_bytes
// Only with the feature do these items exist; without it the README's docs.rs
// links stand.
#![cfg_attr(
    feature = "receiver",
    doc = "[`webhooks::Receiver`]: crate::webhooks::Receiver"
)]
#![cfg_attr(
    feature = "receiver",
    doc = "[`webhooks::serve`]: crate::webhooks::serve"
)]
#![cfg_attr(feature = "redis", doc = "[`redis`]: crate::redis")]
#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod attempts;
mod awaitable;
pub mod cdrs;
mod client;
pub mod cnam;
pub mod e911;
mod error;
#[cfg(feature = "__fuzz")]
#[doc(hidden)]
pub mod fuzzing;
mod ids;
pub mod limits;
pub mod messages;
pub mod numbers;
pub mod pagination;
pub mod porting;
pub mod prelude;
#[cfg(feature = "redis")]
pub mod redis;
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
