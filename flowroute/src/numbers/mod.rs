//! Phone numbers, all through [`Numbers`]: the ones on your account (list,
//! details, update, release), and Flowroute's inventory of numbers to buy
//! (search by digits or place, browse area codes, exchanges and pricing tiers,
//! purchase).
//!
//! Costs are kept as Flowroute sends them: `f64` US dollars.

mod inventory;

pub use inventory::{
    AreaCode, AreaCodeQuery, AvailableNumber, AvailableNumberQuery, Exchange, ExchangeQuery,
    PurchaseNumber, Tier, TierQuery,
};

use crate::IntoChecked;
use crate::awaitable::send_on_await;
use crate::urls::http_url;
use crate::{
    Client, CnamId, E911Id, Error, PhoneNumber, RouteId,
    pagination::{ListRequest, list_query},
    routes::{Route, RouteType},
    transport::{call, call_with_status},
};
use flowroute_raw::types;
use reqwest::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub use flowroute_raw::open_enums::{AvailableNumberType, NumberType, SearchOrderBy};

/// A phone number on your account.
///
/// Attributes Flowroute leaves out are `None` rather than guessed; the first six
/// fields are in every documented answer, the rest only in newer ones (such as
/// purchase answers).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AccountNumber {
    /// The number, such as `12012673227`.
    pub number: PhoneNumber,
    /// Your name for the number (not unique, at most 64 characters).
    pub alias: Option<String>,
    /// Whether the caller's name is looked up (a charged CNAM dip) on inbound calls.
    pub cnam_lookups_enabled: Option<bool>,
    /// The kind of number; [`NumberType::Unknown`] with an empty value when Flowroute sent none.
    pub number_type: NumberType,
    /// The abbreviated rate centre, lower case (such as `oradell`).
    pub rate_center: Option<String>,
    /// The two-letter state or province, lower case in Flowroute's answers (such as `nj`).
    pub state: Option<String>,
    /// Whether SMS/MMS is enabled; stays `false` until a requested messaging provisioning finishes.
    pub messaging_enabled: Option<bool>,
    /// The number's status, such as `PURCHASED`.
    pub status: Option<String>,
    /// A free-text note.
    pub note: Option<String>,
    /// The ISO 3166-1 alpha-2 country, such as `US`.
    pub iso_country: Option<String>,
    /// The rating class, such as `local`.
    pub rate_type: Option<String>,
    /// The pricing tier, such as `Standard`.
    pub tier: Option<String>,
    /// The recurring monthly charge, in US dollars.
    pub monthly_cost: Option<f64>,
    /// The one-time setup charge, in US dollars.
    pub setup_cost: Option<f64>,
    /// The per-minute charge for inbound calls, in US dollars.
    pub inbound_rate: Option<f64>,
}

impl AccountNumber {
    pub(crate) fn from_raw(raw: types::PhoneNumber) -> AccountNumber {
        let a = raw.attributes.unwrap_or_default();
        AccountNumber {
            number: PhoneNumber::from_server(a.value.unwrap_or(raw.id)),
            alias: a.alias,
            cnam_lookups_enabled: a.cnam_lookups_enabled,
            // Same choice as for routes: a number Flowroute did not type stays
            // visible rather than failing the whole answer.
            number_type: a
                .number_type
                .unwrap_or_else(|| NumberType::Unknown(String::new())),
            rate_center: a.rate_center,
            state: a.state,
            messaging_enabled: a.messaging_enabled,
            status: a.status,
            note: a.note,
            iso_country: a.iso_country,
            rate_type: a.rate_type,
            tier: a.tier,
            monthly_cost: a.monthly_cost,
            setup_cost: a.setup_cost,
            inbound_rate: a.inbound_rate,
        }
    }
}

/// One number on your account with what is assigned to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NumberDetails {
    /// The number and its attributes: `details.attributes.number`,
    /// `details.attributes.alias`…
    pub attributes: AccountNumber,
    /// The route inbound calls go to first.
    pub primary_route: Option<RouteId>,
    /// The route used when the primary route fails.
    pub failover_route: Option<RouteId>,
    /// The E911 address record assigned to the number.
    pub e911_address: Option<E911Id>,
    /// The outbound caller-ID name (CNAM) record assigned to the number.
    pub cnam_preset: Option<CnamId>,
    /// The id of the messaging-provisioning job, when one was started.
    pub message_provision: Option<String>,
    /// The routes Flowroute sent along (`included`): normally the primary and failover routes.
    pub routes: Vec<Route>,
    /// The other related resources Flowroute sent along (CNAM records, E911
    /// addresses, messaging-provisioning statuses), as sent.
    pub other_included: Vec<Related>,
}

impl NumberDetails {
    pub(crate) fn from_raw(mut doc: types::PhoneNumberDocument) -> NumberDetails {
        let relationships = doc.data.relationships.take().unwrap_or_default();
        let (routes, others): (Vec<_>, Vec<_>) = doc
            .included
            .into_iter()
            .partition(|item| item.type_ == "route");
        NumberDetails {
            attributes: AccountNumber::from_raw(doc.data),
            primary_route: related_id(relationships.primary_route).map(RouteId::from_server),
            failover_route: related_id(relationships.failover_route).map(RouteId::from_server),
            e911_address: related_id(relationships.e911_address).map(E911Id::from_server),
            cnam_preset: related_id(relationships.cnam_preset).map(CnamId::from_server),
            message_provision: related_id(relationships.message_provision),
            routes: routes.iter().map(route_from_included).collect(),
            other_included: others.into_iter().map(Related::from_raw).collect(),
        }
    }
}

fn related_id(relationship: Option<types::RelationshipToOne>) -> Option<String> {
    relationship.and_then(|r| r.data).map(|d| d.id)
}

/// A route sent in a number's `included`, whose attributes are free-form JSON.
fn route_from_included(item: &types::IncludedResource) -> Route {
    let text = |key: &str| match item.attributes.get(key) {
        Some(Value::String(s)) => Some(s.clone()),
        // Flowroute's own spec types some digit strings as integers.
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    Route {
        id: RouteId::from_server(item.id.clone()),
        route_type: text("route_type")
            .map(RouteType::from)
            .unwrap_or_else(|| RouteType::Unknown(String::new())),
        value: text("value"),
        alias: text("alias"),
        edge_strategy_id: item
            .attributes
            .get("edge_strategy_id")
            .and_then(Value::as_i64)
            .and_then(|id| i32::try_from(id).ok()),
    }
}

/// A related resource sent along with a number, kept as sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Related {
    /// The JSON:API type, such as `cnam`, `e911` or `messaging-provision`.
    pub kind: String,
    /// The resource's id.
    pub id: String,
    /// The resource's attributes.
    pub attributes: Map<String, Value>,
}

impl Related {
    fn from_raw(item: types::IncludedResource) -> Related {
        Related {
            kind: item.type_,
            id: item.id,
            attributes: item.attributes,
        }
    }
}

/// The answer to a purchase or an update: the number as it now is, and whether
/// the messaging part failed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NumberChange {
    /// The number as it now is.
    pub details: NumberDetails,
    /// `true` when Flowroute answered 207 Multi-Status: the purchase or the other
    /// changes went through, but enabling messaging failed. Retry with
    /// [`Numbers::update`] and `messaging_enabled(true)`.
    pub messaging_provisioning_failed: bool,
}

impl NumberChange {
    fn from_answer((status, doc): (StatusCode, types::PhoneNumberDocument)) -> NumberChange {
        NumberChange {
            details: NumberDetails::from_raw(doc),
            messaging_provisioning_failed: status == StatusCode::MULTI_STATUS,
        }
    }
}

/// Checks a digit filter. `allow_country_code` admits `starts_with`'s
/// `+<country code>…` form; without it Flowroute assumes country code 1.
fn check_digits(value: &str, allow_country_code: bool) -> Result<String, String> {
    let digits = match value.strip_prefix('+') {
        Some(rest) if allow_country_code => rest,
        _ => value,
    };
    let form = if allow_country_code {
        "digits, optionally after `+` and a country code"
    } else {
        "digits only"
    };
    if digits.is_empty() {
        return Err(format!("`{value}` has no digits; use {form}"));
    }
    if let Some(c) = digits.chars().find(|c| !c.is_ascii_digit()) {
        return Err(format!("`{value}` contains `{c}`; use {form}"));
    }
    if digits.len() > 15 {
        return Err(format!(
            "`{value}` has {} digits; an E.164 number has at most 15",
            digits.len()
        ));
    }
    Ok(value.to_string())
}

fn check_alias(value: &str) -> Result<types::NumberAlias, String> {
    value.parse().map_err(|_| {
        format!(
            "is {} characters long; Flowroute allows at most 64",
            value.chars().count()
        )
    })
}

/// Changes to a number, from [`Numbers::update`]: only what is set is sent.
#[derive(Debug)]
#[must_use = "nothing is sent until you `.await` it"]
pub struct UpdateNumber {
    client: Client,
    number: Result<PhoneNumber, Error>,
    alias: Option<String>,
    cnam_lookups_enabled: Option<bool>,
    messaging_enabled: Option<bool>,
    messaging_email: Option<bool>,
    messaging_callback_url: Option<String>,
}

send_on_await! {
    /// `.await` sends the changes and returns the number as it now is.
    ///
    /// # Errors
    ///
    /// A 404 [`Error::Api`] when the number is not on the account; a 422 naming
    /// a value Flowroute refused; [`Error::InvalidInput`] for a value checked
    /// before sending.
    ///
    /// Example: [`Numbers`](Numbers#example).
    UpdateNumber => NumberChange
}

impl UpdateNumber {
    /// A new alias: your name for the number, at most 64 characters, not unique.
    pub fn alias(mut self, alias: impl Into<String>) -> Self {
        self.alias = Some(alias.into());
        self
    }

    /// Turns caller-name lookups (charged CNAM dips) on inbound calls on or off.
    pub fn cnam_lookups_enabled(mut self, enabled: bool) -> Self {
        self.cnam_lookups_enabled = Some(enabled);
        self
    }

    /// Turns SMS/MMS on or off; Flowroute runs a provisioning job for it.
    pub fn messaging_enabled(mut self, enabled: bool) -> Self {
        self.messaging_enabled = Some(enabled);
        self
    }

    /// With [`messaging_enabled`](Self::messaging_enabled): e-mail the account
    /// contact when the provisioning job finishes.
    pub fn messaging_email(mut self, email: bool) -> Self {
        self.messaging_email = Some(email);
        self
    }

    /// With [`messaging_enabled`](Self::messaging_enabled): an http(s) URL
    /// Flowroute calls when the provisioning job finishes.
    pub fn messaging_callback_url(mut self, url: impl Into<String>) -> Self {
        self.messaging_callback_url = Some(url.into());
        self
    }

    async fn send(self) -> Result<NumberChange, Error> {
        let number = self.number?;
        let alias = self
            .alias
            .as_deref()
            .map(check_alias)
            .transpose()
            .map_err(|reason| Error::invalid_input("alias", reason))?;
        if self.messaging_enabled.is_none() {
            let orphan = [
                ("messaging_email", self.messaging_email.is_some()),
                (
                    "messaging_callback_url",
                    self.messaging_callback_url.is_some(),
                ),
            ];
            if let Some((field, _)) = orphan.into_iter().find(|(_, set)| *set) {
                return Err(Error::invalid_input(
                    field,
                    "only applies with messaging_enabled(…): it reports the end of a messaging provisioning job",
                ));
            }
        }
        if self.alias.is_none()
            && self.cnam_lookups_enabled.is_none()
            && self.messaging_enabled.is_none()
        {
            return Err(Error::invalid_input(
                "number update",
                "changes nothing; set an alias, CNAM lookups or messaging",
            ));
        }
        if let Some(url) = &self.messaging_callback_url {
            http_url("messaging_callback_url", url)?;
        }
        let body = types::PhoneNumberUpdate {
            type_: types::NumberResourceType::Number,
            alias,
            cnam_lookups_enabled: self.cnam_lookups_enabled,
            messaging_enabled: self.messaging_enabled,
            messaging_email: self.messaging_email,
            messaging_callback_url: self.messaging_callback_url,
        };
        let request = self
            .client
            .raw()
            .update_phone_number_details()
            .number_id(number.as_str())
            .body(body);
        call_with_status(request.send())
            .await
            .map(NumberChange::from_answer)
    }
}

/// The account-number `alias` filter: an exact alias, so never empty.
fn check_alias_filter(alias: &str) -> Result<types::NumberAlias, String> {
    if alias.is_empty() {
        return Err("is empty; leave the filter out to list every number".to_string());
    }
    check_alias(alias)
}

list_query! {
    /// Filters for [`Numbers::list`].
    AccountNumberQuery for list_account_phone_numbers -> AccountNumber = AccountNumber::from_raw;
    /// Only numbers starting with these digits. Flowroute assumes country code 1
    /// (`201` finds `1201…`) unless the value starts with `+` and a country
    /// code, such as `+44`.
    starts_with(digits: &str) -> String = check_digits(digits, true);
    /// Only numbers ending with these digits.
    ends_with(digits: &str) -> String = check_digits(digits, false);
    /// Only numbers containing these digits.
    contains(digits: &str) -> String = check_digits(digits, false);
    /// Only numbers whose alias is exactly this (no partial match; at most 64 characters).
    alias(alias: &str) -> types::NumberAlias = check_alias_filter(alias);
}

/// Phone numbers, from [`Client::numbers`].
///
/// # Example
///
/// ```no_run
/// # async fn run(client: flowroute::Client) -> Result<(), flowroute::Error> {
/// let found = client.numbers().search().starts_with("206").limit(1).page().await?;
/// let number = found.items[0].number.clone();
/// client.numbers().purchase(&number).messaging_enabled(true).await?;
/// client.numbers().update(&number).alias("front desk").await?;
/// let details = client.numbers().get(&number).await?;
/// let all = client.numbers().list().all().await?;
/// client.numbers().release(&number).await?;
/// # let _ = (details, all); Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Numbers {
    client: Client,
}

impl Client {
    /// The numbers on your account, and Flowroute's inventory of numbers to buy.
    pub fn numbers(&self) -> Numbers {
        Numbers {
            client: self.clone(),
        }
    }
}

impl Numbers {
    /// The numbers on your account.
    ///
    /// Example: [`Numbers`](Numbers#example).
    pub fn list(&self) -> ListRequest<AccountNumberQuery> {
        ListRequest::new(&self.client, AccountNumberQuery::default())
    }

    /// One number on your account, with its routes, E911 address and CNAM record.
    ///
    /// # Errors
    ///
    /// A 404 [`Error::Api`] when the number is not on the account; an
    /// [`Error::InvalidInput`] when `number` is not a phone number.
    ///
    /// Example: [`Numbers`](Numbers#example).
    pub async fn get(&self, number: impl IntoChecked<PhoneNumber>) -> Result<NumberDetails, Error> {
        let number = number.into_checked()?;
        let request = self
            .client
            .raw()
            .list_phone_number_details()
            .number_id(number.as_str());
        call(request.send()).await.map(NumberDetails::from_raw)
    }

    /// Gives the number back to Flowroute; it stops working for you at once.
    ///
    /// # Errors
    ///
    /// A 404 [`Error::Api`] when the number is not on the account (also
    /// after a release whose answer was lost: releases are not retried for that
    /// reason); a 403 when the account may not release it.
    ///
    /// Example: [`Numbers`](Numbers#example).
    pub async fn release(&self, number: impl IntoChecked<PhoneNumber>) -> Result<(), Error> {
        let number = number.into_checked()?;
        call(
            self.client
                .raw()
                .release_a_phone_number()
                .number_id(number.as_str())
                .send(),
        )
        .await
    }

    /// Changes a number's alias, CNAM lookups or messaging; set what changes, then `.await` it.
    ///
    /// Example: [`Numbers`](Numbers#example).
    pub fn update(&self, number: impl IntoChecked<PhoneNumber>) -> UpdateNumber {
        UpdateNumber {
            client: self.client.clone(),
            number: number.into_checked(),
            alias: None,
            cnam_lookups_enabled: None,
            messaging_enabled: None,
            messaging_email: None,
            messaging_callback_url: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digit_filters_take_digits_and_starts_with_also_a_country_code() {
        assert_eq!(check_digits("+44", true).as_deref(), Ok("+44"));
        assert_eq!(check_digits("1206", true).as_deref(), Ok("1206"));
        assert_eq!(
            check_digits("123456789012345", false).as_deref(),
            Ok("123456789012345")
        );
        let bad = [
            ("+44", false, "contains `+`"),
            ("1234567890123456", false, "has 16 digits"),
            ("+", true, "has no digits"),
            ("20 6", true, "contains ` `"),
        ];
        for (value, plus, why) in bad {
            let e = check_digits(value, plus).unwrap_err();
            assert!(e.contains(why), "{value}: {e}");
        }
    }

    #[test]
    fn places_and_costs_are_checked() {
        assert!(http_url("messaging_callback_url", "http://localhost:8080/done").is_ok());
        assert!(http_url("messaging_callback_url", "mailto:a@example.com").is_err());
    }
}
