//! What a typical program needs, in one import:
//!
//! ```no_run
//! use flowroute::prelude::*;
//!
//! # async fn run() -> Result<(), Error> {
//! let client = Client::from_env()?;
//! let mut numbers = client.numbers().list().items();
//! while let Some(number) = numbers.try_next().await? {
//!     println!("{}", number.number);
//! }
//! let since = Utc::now() - TimeDelta::hours(1);
//! let sent: Vec<_> = client.messages().list(since).items().try_collect().await?;
//! # let _ = sent; Ok(()) }
//! ```
//!
//! It holds the client and its error, the checked value types (phone numbers
//! and ids), the inputs of the calls that take one (a [`Message`], a
//! [`NewRoute`]…), `StatusCode` to match [`Error::status`] against,
//! `futures`' stream traits for the list streams, and the `chrono` types a
//! time window is written with. Glob-importing it cannot clash with your own
//! imports: a name you import yourself wins.

pub use crate::cdrs::CdrFilter;
pub use crate::chrono::{DateTime, TimeDelta, Utc};
pub use crate::e911::{E911AddressType, E911Country, NewE911Address};
pub use crate::messages::{CallbackType, Message};
pub use crate::routes::{NewRoute, RouteType};
pub use crate::{
    CdrExportId, Client, CnamId, E911Id, Error, IntoChecked, MessageId, PhoneNumber, RouteId,
};
pub use futures_util::{StreamExt, TryStreamExt};
pub use reqwest::StatusCode;
