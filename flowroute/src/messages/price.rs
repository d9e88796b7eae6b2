//! What a message cost, as Messages v2.2 reports it (`price_details`).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::str::FromStr;

/// The price of a message, in US dollars, exact: Messages v2.2 returns it
/// with every send (and may with message records).
///
/// Flowroute's formula is `charged_cost = (base_rate + surcharge_rate) ×
/// segment_count`; [`expected_cost`](Self::expected_cost) computes it from
/// the parts so that you can compare. A part Flowroute leaves out, or sends
/// in a form that is not a number, is `None`: the price never costs you the
/// message.
///
/// Where the sources disagree, every reading is accepted: the object under
/// `data.attributes` (the Go client) or under `data` (a generated third-party
/// spec); amounts as JSON numbers or as strings (`"0.0040"`); `surcharge` as
/// another name of `surcharge_rate`; the segment count as a number or a
/// string.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PriceDetails {
    /// The price of one segment.
    pub base_rate: Option<Decimal>,
    /// The surcharge on one segment (carrier fees).
    pub surcharge_rate: Option<Decimal>,
    /// How many segments the message was billed as.
    pub segment_count: Option<u32>,
    /// What the message cost in all.
    pub charged_cost: Option<Decimal>,
}

impl PriceDetails {
    /// `(base_rate + surcharge_rate) × segment_count`, when all three are known.
    pub fn expected_cost(&self) -> Option<Decimal> {
        let segments = Decimal::from(self.segment_count?);
        Some((self.base_rate? + self.surcharge_rate?) * segments)
    }

    /// The price from whichever of the two places holds one; `None` when
    /// neither holds anything.
    pub(crate) fn find(attributes: &Map<String, Value>, data: &Map<String, Value>) -> Option<Self> {
        [attributes, data]
            .into_iter()
            .find(|object| !object.is_empty())
            .map(PriceDetails::read)
    }

    fn read(object: &Map<String, Value>) -> PriceDetails {
        let amount = |names: &[&str]| names.iter().find_map(|name| decimal(object.get(*name)?));
        PriceDetails {
            base_rate: amount(&["base_rate"]),
            surcharge_rate: amount(&["surcharge_rate", "surcharge"]),
            segment_count: object.get("segment_count").and_then(count),
            charged_cost: amount(&["charged_cost"]),
        }
    }
}

/// An amount from a JSON number or a numeric string. A number is read from
/// its shortest decimal form (`0.004`), which is exact for every amount
/// Flowroute writes with fewer than 16 significant digits.
fn decimal(value: &Value) -> Option<Decimal> {
    let text = match value {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.trim().trim_start_matches('$').to_string(),
        _ => return None,
    };
    Decimal::from_str(&text)
        .or_else(|_| Decimal::from_scientific(&text))
        .ok()
}

fn count(value: &Value) -> Option<u32> {
    match value {
        Value::Number(n) => n.as_u64().and_then(|n| u32::try_from(n).ok()),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn object(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => Map::new(),
        }
    }

    #[test]
    fn reads_strings_numbers_and_the_other_name_of_the_surcharge() {
        let go_client = object(json!({"base_rate": "0.0040", "charged_cost": "0.0070",
            "segment_count": 1, "surcharge_rate": "0.0030"}));
        let generated_spec = object(json!({"base_rate": 0.004, "charged_cost": 0.014,
            "segment_count": "2", "surcharge": 0.003}));
        let a = PriceDetails::find(&go_client, &Map::new()).unwrap();
        let b = PriceDetails::find(&Map::new(), &generated_spec).unwrap();
        assert_eq!(a.base_rate, Some(Decimal::new(40, 4)));
        assert_eq!(a.charged_cost, Some(Decimal::new(70, 4)));
        assert_eq!(b.surcharge_rate, Some(Decimal::new(3, 3)));
        assert_eq!(b.segment_count, Some(2));
        for price in [a, b] {
            assert_eq!(price.expected_cost(), price.charged_cost, "{price:?}");
        }
    }

    #[test]
    fn the_formula_is_exact_where_f64_is_not() {
        // 0.1 + 0.2 is 0.30000000000000004 in f64.
        let price =
            PriceDetails::read(&object(json!({"base_rate": "0.1", "surcharge_rate": "0.2",
            "segment_count": 3, "charged_cost": "0.9"})));
        assert_eq!(price.expected_cost(), Some(Decimal::new(9, 1)));
        assert_eq!(price.expected_cost(), price.charged_cost);
    }

    #[test]
    fn an_unreadable_part_is_none_and_an_empty_object_no_price() {
        let price = PriceDetails::read(&object(json!({"base_rate": "cheap", "segment_count": -1,
            "charged_cost": null, "surcharge_rate": "$0.0030"})));
        assert_eq!(price.base_rate, None);
        assert_eq!(price.segment_count, None);
        assert_eq!(price.charged_cost, None);
        assert_eq!(price.surcharge_rate, Some(Decimal::new(30, 4)));
        assert_eq!(price.expected_cost(), None);
        assert_eq!(PriceDetails::find(&Map::new(), &Map::new()), None);
    }
}
