//! Messages v2.1 and v2.2 side by side: one account, two path prefixes, and
//! what differs between them on the wire.

use crate::messaging::{MMS_NANODOLLARS, SMS_SEGMENT_NANODOLLARS, segments};
use serde_json::{Value, json};

/// The Messaging API version a request came in on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Version {
    V2_1,
    V2_2,
}

impl Version {
    /// The path prefix, `/v2.1` or `/v2.2`.
    pub(crate) fn prefix(self) -> &'static str {
        match self {
            Version::V2_1 => "/v2.1",
            Version::V2_2 => "/v2.2",
        }
    }

    /// A number as the request wrote it, in the simulator's own form (11
    /// digits). v2.2 writes `+E.164` (its send-an-sms page); its send-an-mms
    /// page still shows the bare form, so both are taken there.
    pub(crate) fn read_number(self, raw: &str) -> String {
        match self {
            Version::V2_1 => raw.to_string(),
            Version::V2_2 => raw.strip_prefix('+').unwrap_or(raw).to_string(),
        }
    }
}

/// The surcharge per segment in the simulator's rate table: none, so that a
/// record's `amount_nanodollars` (v2.1) and its v2.2 `charged_cost` agree.
const SURCHARGE_NANODOLLARS: i64 = 0;

/// `price_details` of a message, by Flowroute's formula `charged_cost =
/// (base_rate + surcharge_rate) × segment_count`, amounts as decimal strings
/// (the community Go client reads strings; the docs say "decimal").
pub(crate) fn price_details(body: Option<&str>, is_mms: bool) -> Value {
    let (base, count) = if is_mms {
        (MMS_NANODOLLARS, 1)
    } else {
        (
            SMS_SEGMENT_NANODOLLARS,
            segments(body.unwrap_or_default()).1,
        )
    };
    let charged = (base + SURCHARGE_NANODOLLARS) * count;
    json!({
        "base_rate": usd(base),
        "surcharge_rate": usd(SURCHARGE_NANODOLLARS),
        "segment_count": count,
        "charged_cost": usd(charged),
    })
}

/// Nanodollars as US dollars with at least four decimals, exactly.
fn usd(nanodollars: i64) -> String {
    let sign = if nanodollars < 0 { "-" } else { "" };
    let n = nanodollars.unsigned_abs();
    let mut text = format!("{sign}{}.{:09}", n / 1_000_000_000, n % 1_000_000_000);
    while text.ends_with('0') && text.len() - text.find('.').unwrap_or(0) > 5 {
        text.pop();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_follow_the_formula_in_exact_decimals() {
        assert_eq!(usd(4_000_000), "0.0040");
        assert_eq!(usd(19_500_000), "0.0195");
        assert_eq!(usd(1_234_567_891), "1.234567891");
        let sms = price_details(Some(&"a".repeat(161)), false);
        assert_eq!(sms["segment_count"], 2);
        assert_eq!(sms["charged_cost"], "0.0080");
        let mms = price_details(None, true);
        assert_eq!(
            (mms["base_rate"].as_str(), mms["segment_count"].as_i64()),
            (Some("0.0195"), Some(1))
        );
    }

    #[test]
    fn v2_2_numbers_lose_their_plus() {
        assert_eq!(Version::V2_2.read_number("+12065551234"), "12065551234");
        assert_eq!(Version::V2_2.read_number("12065551234"), "12065551234");
        assert_eq!(Version::V2_1.read_number("+12065551234"), "+12065551234");
    }
}
