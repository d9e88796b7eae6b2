//! Flowroute's inventory of numbers to buy: search by digits or place,
//! browse area codes, exchanges and pricing tiers, and purchase.

use super::{AvailableNumberType, NumberChange, NumberType, Numbers, SearchOrderBy, check_digits};
use crate::awaitable::send_on_await;
use crate::{
    Client, Error, IntoChecked, PhoneNumber,
    pagination::{ListRequest, list_query},
    transport::call_with_status,
};
use flowroute_raw::types;
use serde::{Deserialize, Serialize};

/// A number in Flowroute's inventory, ready to [purchase](Numbers::purchase).
///
/// Attributes Flowroute leaves out are `None` rather than guessed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AvailableNumber {
    /// The number, such as `16463439507`.
    pub number: PhoneNumber,
    /// The recurring monthly charge, in US dollars.
    pub monthly_cost: Option<f64>,
    /// The one-time setup charge, in US dollars.
    pub setup_cost: Option<f64>,
    /// The kind of number; [`NumberType::Unknown`] with an empty value when Flowroute sent none.
    pub number_type: NumberType,
    /// The abbreviated rate centre, lower case (such as `nwyrcyzn01`).
    pub rate_center: Option<String>,
    /// The two-letter state or province, lower case in Flowroute's answers.
    pub state: Option<String>,
    /// The per-minute charge for inbound calls, in US dollars.
    pub inbound_rate: Option<f64>,
    /// The rating class, such as `local`.
    pub rate_type: Option<String>,
    /// The pricing tier, such as `Standard`.
    pub tier: Option<String>,
    /// The ISO 3166-1 alpha-2 country.
    pub iso_country: Option<String>,
}

impl AvailableNumber {
    pub(crate) fn from_raw(raw: types::PurchasablePhoneNumber) -> AvailableNumber {
        let a = raw.attributes.unwrap_or_default();
        AvailableNumber {
            number: PhoneNumber::from_server(a.value.unwrap_or(raw.id)),
            monthly_cost: a.monthly_cost,
            setup_cost: a.setup_cost,
            number_type: a
                .number_type
                .unwrap_or_else(|| NumberType::Unknown(String::new())),
            rate_center: a.rate_center,
            state: a.state,
            inbound_rate: a.inbound_rate,
            rate_type: a.rate_type,
            tier: a.tier,
            iso_country: a.iso_country,
        }
    }
}

/// A North American area code (NPA) with purchasable numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AreaCode {
    /// The three digits, such as `201`.
    pub code: String,
}

/// A central-office exchange (NPA-NXX) with purchasable numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Exchange {
    /// The six digits, area code then exchange, such as `347215`.
    pub code: String,
}

/// A pricing tier with purchasable numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Tier {
    /// The tier's name, which is also its id, such as `Standard` or `US Promo $0.0/$0.50/$0.005`.
    pub name: String,
}

fn check_two_letters(value: &str, what: &str) -> Result<String, String> {
    if value.len() == 2 && value.bytes().all(|b| b.is_ascii_alphabetic()) {
        Ok(value.to_string())
    } else {
        Err(format!("`{value}` is not a two-letter {what}"))
    }
}

fn check_setup_cost(value: f64) -> Result<f64, String> {
    if value.is_finite() && value >= 0.0 {
        Ok(value)
    } else {
        Err(format!(
            "{value} is not an amount of US dollars (finite, at least 0)"
        ))
    }
}

fn check_area_code(value: &str) -> Result<String, String> {
    let bytes = value.as_bytes();
    if bytes.len() != 3 || !bytes.iter().all(u8::is_ascii_digit) {
        return Err(format!("`{value}` is not three digits, such as `347`"));
    }
    if !matches!(bytes[0], b'2'..=b'9') {
        return Err(format!(
            "`{value}` starts with {}; North American area codes start with 2–9",
            bytes[0] as char
        ));
    }
    Ok(value.to_string())
}

/// A purchase being configured, from [`Numbers::purchase`].
#[derive(Debug)]
#[must_use = "nothing is bought until you `.await` it"]
pub struct PurchaseNumber {
    client: Client,
    number: Result<PhoneNumber, Error>,
    cnam_lookups_enabled: Option<bool>,
    messaging_enabled: Option<bool>,
}

send_on_await! {
    /// `.await` buys the number. The new number starts on the built-in `sip-reg` route.
    ///
    /// Sent again by this SDK only after a 429 (refused before anything was
    /// done): when the answer is lost (a timeout, a dropped connection) the
    /// number may still have been bought, so check with [`Numbers::get`]
    /// before buying again.
    ///
    /// # Errors
    ///
    /// A 404 [`Error::Api`] when the number is not in the inventory (bought by
    /// someone since the search); a 403 when the account may not buy it, which
    /// Flowroute also answers for insufficient funds. After a [`Error::Transport`] or
    /// [`Error::Timeout`], look the number up with [`Numbers::get`] before buying
    /// again.
    ///
    /// Example: [`Numbers`](Numbers#example).
    PurchaseNumber => NumberChange
}

impl PurchaseNumber {
    /// Looks up the caller's name (a charged CNAM dip) on every inbound call.
    /// Unset, the account's "CNAM Lookups by Default" preference applies.
    pub fn cnam_lookups_enabled(mut self, enabled: bool) -> Self {
        self.cnam_lookups_enabled = Some(enabled);
        self
    }

    /// Enables SMS/MMS once the number is bought (charged per Flowroute's
    /// pricing). Provisioning runs after the purchase; see
    /// [`NumberChange::messaging_provisioning_failed`].
    pub fn messaging_enabled(mut self, enabled: bool) -> Self {
        self.messaging_enabled = Some(enabled);
        self
    }

    async fn send(self) -> Result<NumberChange, Error> {
        let number = self.number?;
        let mut request = self
            .client
            .raw()
            .purchase_a_phone_number()
            .number_id(number.as_str());
        if let Some(enabled) = self.cnam_lookups_enabled {
            request = request.cnam_lookups_enabled(enabled);
        }
        if let Some(enabled) = self.messaging_enabled {
            request = request.messaging_enabled(enabled);
        }
        call_with_status(request.send())
            .await
            .map(NumberChange::from_answer)
    }
}

const COUNTRY: &str = "ISO 3166-1 country code such as `US`";

fn check_rate_center(rate_center: &str) -> Result<String, String> {
    // Flowroute's examples write rate centres without spaces, but whether
    // `new york` matches is the server's call: it is sent, encoded.
    match rate_center.trim() {
        "" => Err("is empty; give a rate centre such as `seattle`".to_string()),
        name => Ok(name.to_string()),
    }
}

/// `rate_center` alone is ambiguous; the setters cannot see each other.
fn check_search(query: &AvailableNumberQuery) -> Result<(), Error> {
    if query.rate_center.is_some() && query.state.is_none() {
        return Err(Error::invalid_input(
            "state",
            "is required with rate_center: rate centre names repeat from state to state",
        ));
    }
    Ok(())
}

list_query! {
    /// Filters for [`Numbers::search`].
    AvailableNumberQuery for search_for_purchasable_phone_numbers
        -> AvailableNumber = AvailableNumber::from_raw, checked by check_search;
    /// Only numbers starting with these digits. Flowroute assumes country code 1
    /// (`646` finds `1646…`) unless the value starts with `+` and a country
    /// code, such as `+44`.
    starts_with(digits: &str) -> String = check_digits(digits, true);
    /// Only numbers containing these digits.
    contains(digits: &str) -> String = check_digits(digits, false);
    /// Only numbers ending with these digits.
    ends_with(digits: &str) -> String = check_digits(digits, false);
    /// Only numbers in this rate centre, by its case-insensitive abbreviation
    /// (such as `seattle`). Needs [`state`](Self::state) too: rate centre
    /// names repeat from state to state.
    rate_center(rate_center: &str) -> String = check_rate_center(rate_center);
    /// Only numbers in this US state or Canadian province, by its two-letter
    /// code (such as `WA` or `AB`, any case).
    state(state: &str) -> String = check_two_letters(state, "state or province code such as `WA`");
    /// Only toll-free or only long-code numbers.
    number_type(number_type: AvailableNumberType) -> AvailableNumberType = Ok(number_type);
    /// Only numbers in this country, by its ISO 3166-1 alpha-2 code (such as `BE`).
    iso_country(country: &str) -> String = check_two_letters(country, COUNTRY);
    /// Sorts the results by this field. For a direction, pass the form
    /// `field,asc` or `field,desc` as `SearchOrderBy::from("monthly_cost,desc")`.
    order_by(order_by: SearchOrderBy) -> SearchOrderBy = Ok(order_by);
}

list_query! {
    /// Filters for [`Numbers::area_codes`].
    AreaCodeQuery for list_available_area_codes -> AreaCode = |code| AreaCode { code: code.id };
    /// Only area codes holding a number whose setup charge is at most this many US dollars.
    max_setup_cost(usd: f64) -> f64 = check_setup_cost(usd);
}

list_query! {
    /// Filters for [`Numbers::exchanges`].
    ExchangeQuery for list_available_exchange_codes -> Exchange = |code| Exchange { code: code.id };
    /// Only exchanges in this three-digit area code, such as `347`.
    area_code(area_code: &str) -> String = check_area_code(area_code) => areacode;
    /// Only exchanges holding a number whose setup charge is at most this many US dollars.
    max_setup_cost(usd: f64) -> f64 = check_setup_cost(usd);
}

list_query! {
    /// The query of [`Numbers::tiers`], which has no filters.
    // The documented `next` link points at another path; Page::from_raw reads
    // only its offset.
    TierQuery for list_available_tiers -> Tier = |tier| Tier { name: tier.id };
}

impl Numbers {
    /// Buys a number found with [`search`](Self::search); set options, then `.await` it.
    /// Sent again only after a 429; see [`PurchaseNumber`].
    ///
    /// Example: [`Numbers`](Numbers#example).
    pub fn purchase(&self, number: impl IntoChecked<PhoneNumber>) -> PurchaseNumber {
        PurchaseNumber {
            client: self.client.clone(),
            number: number.into_checked(),
            cnam_lookups_enabled: None,
            messaging_enabled: None,
        }
    }

    /// Searches Flowroute's inventory for numbers to buy.
    ///
    /// Example: [`Numbers`](Numbers#example).
    pub fn search(&self) -> ListRequest<AvailableNumberQuery> {
        ListRequest::new(&self.client, AvailableNumberQuery::default())
    }

    /// The area codes holding numbers to buy (up to 400 a page).
    ///
    /// Example: [`Numbers`](Numbers#example).
    pub fn area_codes(&self) -> ListRequest<AreaCodeQuery> {
        ListRequest::new(&self.client, AreaCodeQuery::default())
    }

    /// The exchanges holding numbers to buy.
    ///
    /// Example: [`Numbers`](Numbers#example).
    pub fn exchanges(&self) -> ListRequest<ExchangeQuery> {
        ListRequest::new(&self.client, ExchangeQuery::default())
    }

    /// The pricing tiers holding numbers to buy.
    ///
    /// Example: [`Numbers`](Numbers#example).
    pub fn tiers(&self) -> ListRequest<TierQuery> {
        ListRequest::new(&self.client, TierQuery::default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_and_costs_are_checked() {
        assert!(check_two_letters("wa", "state").is_ok());
        assert!(check_two_letters("WAS", "state").is_err());
        assert_eq!(check_area_code("347").as_deref(), Ok("347"));
        assert!(
            check_area_code("047")
                .unwrap_err()
                .contains("start with 2–9")
        );
        assert_eq!(check_setup_cost(0.0), Ok(0.0));
        assert!(check_setup_cost(-0.01).is_err());
    }
}
