//! Which Messaging API version a client speaks, and what a send returns.

use super::PriceDetails;
use crate::{Error, IntoChecked, MessageId};
use serde::{Deserialize, Serialize};
use std::{fmt, str::FromStr};

/// The Messaging API version of a client's `messages()` calls, set with
/// [`ClientBuilder::messaging_version`](crate::ClientBuilder::messaging_version)
/// or [`Client::with_messaging_version`](crate::Client::with_messaging_version).
/// Everything else (ids, pagination, limits, errors, types) is the same for both.
///
/// | | v2.1 (default) | v2.2 |
/// |---|---|---|
/// | paths | `/v2.1/messages…` | `/v2.2/messages…` |
/// | numbers sent | 11 digits, `12065551234`; North American only | `+E.164`, `+12065551234` |
/// | a send returns | the message id | the id and its [`PriceDetails`] |
/// | account callback types | also `dlr_callback` (deprecated) | `sms_callback`, `mms_callback`, `sms_dlr_callback`, `mms_dlr_callback` |
///
/// Per-number callbacks belong to the Numbers API (`/v2/numbers/…`) and are the
/// same whichever version is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub enum MessagingVersion {
    /// Messages v2.1: what Flowroute's official SDKs and the seed use.
    #[default]
    #[serde(rename = "2.1")]
    V2_1,
    /// Messages v2.2: what Flowroute's developer docs now lead with.
    #[serde(rename = "2.2")]
    V2_2,
}

impl MessagingVersion {
    /// The version as Flowroute writes it in paths, `2.1` or `2.2`.
    pub fn as_str(self) -> &'static str {
        match self {
            MessagingVersion::V2_1 => "2.1",
            MessagingVersion::V2_2 => "2.2",
        }
    }
}

impl fmt::Display for MessagingVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for MessagingVersion {
    type Err = Error;

    /// `2.1` or `2.2`, with or without a leading `v`.
    fn from_str(s: &str) -> Result<Self, Error> {
        match s.trim().trim_start_matches(['v', 'V']) {
            "2.1" => Ok(MessagingVersion::V2_1),
            "2.2" => Ok(MessagingVersion::V2_2),
            _ => Err(Error::invalid_input(
                "messaging version",
                format!("`{s}` is not one of 2.1, 2.2"),
            )),
        }
    }
}

/// A message Flowroute accepted, from [`Messages::send`](super::Messages::send).
///
/// It stands for its id wherever one is asked for:
/// `client.messages().get(&sent)` looks it up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SentMessage {
    /// The message detail record id (`mdr2-…`).
    pub id: MessageId,
    /// What it cost, when Flowroute says (Messages v2.2); `None` on v2.1.
    pub price: Option<PriceDetails>,
    /// The version it was sent with.
    pub version: MessagingVersion,
}

impl fmt::Display for SentMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.id, f)
    }
}

impl IntoChecked<MessageId> for &SentMessage {
    fn into_checked(self) -> Result<MessageId, Error> {
        Ok(self.id.clone())
    }
}

impl IntoChecked<MessageId> for SentMessage {
    fn into_checked(self) -> Result<MessageId, Error> {
        Ok(self.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_read_as_people_write_them() {
        for (text, version) in [
            ("2.1", MessagingVersion::V2_1),
            ("v2.2", MessagingVersion::V2_2),
            (" V2.2 ", MessagingVersion::V2_2),
        ] {
            assert_eq!(text.parse::<MessagingVersion>().unwrap(), version);
        }
        assert_eq!(
            serde_json::to_string(&MessagingVersion::V2_2).unwrap(),
            r#""2.2""#,
            "written as Flowroute writes it"
        );
        let e = "3".parse::<MessagingVersion>().unwrap_err().to_string();
        assert!(e.contains("2.1, 2.2"), "{e}");
        assert_eq!(MessagingVersion::default().to_string(), "2.1");
    }
}
