//! E911 emergency addresses: the street address emergency services are sent to
//! when one of your numbers dials 911, and which number uses which address.

use crate::IntoChecked;
use crate::awaitable::send_on_await;
use crate::refusal::FirstRefusal;
use crate::{
    Client, E911Id, Error, PhoneNumber,
    pagination::{ListRequest, list_query, reason},
    transport::call,
};
use flowroute_raw::types;
use serde::{Deserialize, Serialize};

pub use flowroute_raw::open_enums::{E911AddressType, E911Country};

/// An E911 address saved on the account, as Flowroute stored it (possibly
/// rewritten to the format emergency call centres expect).
///
/// Every attribute is text, as Flowroute sends it; an attribute Flowroute
/// leaves out is an empty string.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct E911Address {
    /// The record's id.
    pub id: E911Id,
    /// Your name for the address.
    pub label: String,
    /// First name of the person or business at the address.
    pub first_name: String,
    /// Last name of the person or business at the address.
    pub last_name: String,
    /// House or building number, such as `666`.
    pub street_number: String,
    /// Street name, such as `Main St`.
    pub street_name: String,
    /// City.
    pub city: String,
    /// Two-letter state or province code, such as `WA`.
    pub state: String,
    /// Country as sent: normally `US` or `CA`, but records reading `USA` have
    /// been seen, so it is not an [`E911Country`].
    pub country: String,
    /// ZIP or postal code, such as `98101` or `M4C 5K7`.
    pub zip: String,
    /// Kind of unit (suite, floor, …), when the address has one.
    pub address_type: Option<E911AddressType>,
    /// Number or name of the unit, such as `333` or `A-1`.
    pub address_type_number: Option<String>,
}

impl E911Address {
    pub(crate) fn from_raw(address: types::E911Address) -> E911Address {
        let a = address.attributes.unwrap_or_default();
        E911Address {
            id: E911Id::from_server(address.id),
            label: a.label.unwrap_or_default(),
            first_name: a.first_name.unwrap_or_default(),
            last_name: a.last_name.unwrap_or_default(),
            street_number: a.street_number.unwrap_or_default(),
            street_name: a.street_name.unwrap_or_default(),
            city: a.city.unwrap_or_default(),
            state: a.state.unwrap_or_default(),
            country: a.country.unwrap_or_default(),
            zip: a.zip.unwrap_or_default(),
            address_type: a
                .address_type
                .filter(|t| !t.is_empty())
                .map(|t| address_type_from_server(&t)),
            // Python's SDK shows stored records with `""` for "no unit".
            address_type_number: a.address_type_number.filter(|n| !n.is_empty()),
        }
    }
}

/// Flowroute accepts the unit kinds in any letter case and may answer in the
/// case it was given; match the known ones regardless of case.
fn address_type_from_server(value: &str) -> E911AddressType {
    E911AddressType::KNOWN
        .iter()
        .find(|known| known.as_str().eq_ignore_ascii_case(value))
        .cloned()
        .unwrap_or_else(|| E911AddressType::from(value))
}

/// A phone number to which an E911 address is assigned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct E911AssignedNumber {
    /// Flowroute's id of the item: sometimes an internal id (such as
    /// `682705`), sometimes the number itself; use [`number`](Self::number).
    pub id: String,
    /// The phone number (from the item's `value`).
    pub number: Option<PhoneNumber>,
    /// Your alias for the number.
    pub alias: Option<String>,
}

impl E911AssignedNumber {
    pub(crate) fn from_raw(item: types::E911AssignedNumber) -> E911AssignedNumber {
        let a = item.attributes.unwrap_or_default();
        E911AssignedNumber {
            id: item.id,
            number: a
                .value
                .filter(|v| !v.is_empty())
                .map(PhoneNumber::from_server),
            alias: a.alias,
        }
    }
}

/// An E911 address to validate or create. Set every field but the unit, which
/// is optional; [`E911s::validate`] and [`E911s::create`] check them all
/// before sending anything, and name the first field that is missing or
/// malformed.
///
/// ```
/// use flowroute::e911::{E911AddressType, E911Country, NewE911Address};
/// let office = NewE911Address::new()
///     .label("Office Space III")
///     .first_name("Albus")
///     .last_name("Rasputin, Jr.")
///     .street_number("666")
///     .street_name("Main St")
///     .city("Seattle")
///     .state("WA")
///     .country(E911Country::Us)
///     .zip("98101")
///     .unit(E911AddressType::Suite, "333");
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
#[must_use]
pub struct NewE911Address {
    label: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    street_number: Option<String>,
    street_name: Option<String>,
    city: Option<String>,
    state: Option<String>,
    country: Option<E911Country>,
    zip: Option<String>,
    unit: Option<(E911AddressType, String)>,
}

impl NewE911Address {
    /// An address with nothing set yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Your name for the address (required).
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// First name of the person or business at the address (required).
    pub fn first_name(mut self, first_name: impl Into<String>) -> Self {
        self.first_name = Some(first_name.into());
        self
    }

    /// Last name of the person or business at the address (required).
    pub fn last_name(mut self, last_name: impl Into<String>) -> Self {
        self.last_name = Some(last_name.into());
        self
    }

    /// House or building number, such as `666` (required).
    pub fn street_number(mut self, street_number: impl Into<String>) -> Self {
        self.street_number = Some(street_number.into());
        self
    }

    /// Street name, such as `Main St` (required).
    pub fn street_name(mut self, street_name: impl Into<String>) -> Self {
        self.street_name = Some(street_name.into());
        self
    }

    /// City (required).
    pub fn city(mut self, city: impl Into<String>) -> Self {
        self.city = Some(city.into());
        self
    }

    /// Two-letter state or province code such as `WA` (required; sent upper-cased).
    pub fn state(mut self, state: impl Into<String>) -> Self {
        self.state = Some(state.into());
        self
    }

    /// Country, United States or Canada (required).
    pub fn country(mut self, country: E911Country) -> Self {
        self.country = Some(country);
        self
    }

    /// ZIP or postal code, 4 to 7 characters, such as `98101` or `M4C 5K7` (required).
    pub fn zip(mut self, zip: impl Into<String>) -> Self {
        self.zip = Some(zip.into());
        self
    }

    /// The unit within the building: its kind and its number or name, such as
    /// `(Suite, "333")` or `(Apartment, "A-1")`. Flowroute requires the number
    /// whenever a kind is given, hence both at once.
    pub fn unit(mut self, address_type: E911AddressType, number: impl Into<String>) -> Self {
        self.unit = Some((address_type, number.into()));
        self
    }

    /// Checks every field and builds the request body.
    fn into_document(self) -> Result<types::E911AddressInputDocument, Error> {
        let (address_type, address_type_number) = match self.unit {
            Some((kind, number)) => (Some(kind), Some(check_unit_number(number)?)),
            None => (None, None),
        };
        let attributes = types::E911AddressInput {
            label: required("label", self.label)?,
            first_name: required("first_name", self.first_name)?,
            last_name: required("last_name", self.last_name)?,
            street_number: required("street_number", self.street_number)?,
            street_name: required("street_name", self.street_name)?,
            city: required("city", self.city)?,
            state: check_state(&required("state", self.state)?)?,
            country: self.country.ok_or_else(|| {
                Error::invalid_input(
                    "country",
                    "is required; set it with `.country(E911Country::Us)` or `E911Country::Ca`",
                )
            })?,
            zip: check_zip(&required("zip", self.zip)?)?,
            address_type,
            address_type_number,
        };
        Ok(types::E911AddressInputDocument {
            data: types::E911AddressInputData {
                type_: types::E911ResourceType::E911,
                attributes,
            },
        })
    }
}

fn required(field: &'static str, value: Option<String>) -> Result<String, Error> {
    match value {
        None => Err(Error::invalid_input(
            field,
            format!("is required; set it with `.{field}(…)`"),
        )),
        Some(v) => check_not_blank(field, v),
    }
}

fn check_not_blank(field: &'static str, value: String) -> Result<String, Error> {
    if value.trim().is_empty() {
        return Err(Error::invalid_input(field, "is empty"));
    }
    Ok(value)
}

fn check_unit_number(number: String) -> Result<String, Error> {
    if number.trim().is_empty() {
        return Err(Error::invalid_input(
            "address_type_number",
            "is empty; Flowroute requires the unit's number or name whenever an address type is given",
        ));
    }
    Ok(number)
}

/// Flowroute wants the two-letter code in upper case; accept any case.
fn check_state(state: &str) -> Result<String, Error> {
    let code = state.trim();
    if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err(Error::invalid_input(
            "state",
            format!("`{state}` is not a two-letter state or province code such as `WA` or `ON`"),
        ));
    }
    Ok(code.to_ascii_uppercase())
}

/// The length rule is Flowroute's own ("at least 4 and at most 7"); counting
/// characters rather than digits lets Canadian codes like `M4C 5K7` through.
fn check_zip(zip: &str) -> Result<String, Error> {
    let code = zip.trim();
    let length = code.chars().count();
    if !(4..=7).contains(&length) {
        return Err(Error::invalid_input(
            "zip",
            format!("`{zip}` has {length} characters; a ZIP or postal code has 4 to 7"),
        ));
    }
    if let Some(c) = code
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, ' ' | '-')))
    {
        return Err(Error::invalid_input(
            "zip",
            format!("`{zip}` contains `{c}`; use letters, digits, spaces and `-`"),
        ));
    }
    Ok(code.to_string())
}

/// Changes to an E911 address: only what is set is sent, and Flowroute
/// validates the resulting address again.
#[derive(Debug)]
#[must_use = "nothing is sent until you `.await` it"]
pub struct UpdateE911Address {
    client: Client,
    id: Result<E911Id, Error>,
    changes: types::E911AddressUpdate,
    invalid: FirstRefusal,
}

send_on_await! {
    /// `.await` sends the update and returns the address as Flowroute now stores it.
    ///
    /// # Errors
    ///
    /// A 404 [`Error::Api`] when there is no address with this id; the changed
    /// address is validated again, with the errors of [`validate`](E911s::validate).
    ///
    /// Example: [`E911s`](E911s#example).
    UpdateE911Address => E911Address
}

impl UpdateE911Address {
    fn set(
        mut self,
        field: &'static str,
        value: String,
        put: impl FnOnce(&mut types::E911AddressUpdate, String),
    ) -> Self {
        match check_not_blank(field, value) {
            Ok(v) => put(&mut self.changes, v),
            Err(e) => self.reject(e),
        }
        self
    }

    fn reject(&mut self, e: Error) {
        self.invalid.note_error(e);
    }

    /// A new label.
    pub fn label(self, label: impl Into<String>) -> Self {
        self.set("label", label.into(), |c, v| c.label = Some(v))
    }

    /// A new first name.
    pub fn first_name(self, first_name: impl Into<String>) -> Self {
        self.set("first_name", first_name.into(), |c, v| {
            c.first_name = Some(v)
        })
    }

    /// A new last name.
    pub fn last_name(self, last_name: impl Into<String>) -> Self {
        self.set("last_name", last_name.into(), |c, v| c.last_name = Some(v))
    }

    /// A new house or building number.
    pub fn street_number(self, street_number: impl Into<String>) -> Self {
        self.set("street_number", street_number.into(), |c, v| {
            c.street_number = Some(v)
        })
    }

    /// A new street name.
    pub fn street_name(self, street_name: impl Into<String>) -> Self {
        self.set("street_name", street_name.into(), |c, v| {
            c.street_name = Some(v)
        })
    }

    /// A new city.
    pub fn city(self, city: impl Into<String>) -> Self {
        self.set("city", city.into(), |c, v| c.city = Some(v))
    }

    /// A new two-letter state or province code (sent upper-cased).
    pub fn state(mut self, state: impl Into<String>) -> Self {
        match check_state(&state.into()) {
            Ok(v) => self.changes.state = Some(v),
            Err(e) => self.reject(e),
        }
        self
    }

    /// A new country.
    pub fn country(mut self, country: E911Country) -> Self {
        self.changes.country = Some(country);
        self
    }

    /// A new ZIP or postal code, 4 to 7 characters.
    pub fn zip(mut self, zip: impl Into<String>) -> Self {
        match check_zip(&zip.into()) {
            Ok(v) => self.changes.zip = Some(v),
            Err(e) => self.reject(e),
        }
        self
    }

    /// A new unit: its kind and its number or name (Flowroute requires both together).
    pub fn unit(mut self, address_type: E911AddressType, number: impl Into<String>) -> Self {
        match check_unit_number(number.into()) {
            Ok(v) => {
                self.changes.address_type = Some(address_type);
                self.changes.address_type_number = Some(v);
            }
            Err(e) => self.reject(e),
        }
        self
    }

    async fn send(self) -> Result<E911Address, Error> {
        let id = self.id?;
        self.invalid.check()?;
        if self.changes == types::E911AddressUpdate::default() {
            return Err(Error::invalid_input(
                "E911 address update",
                "changes nothing; set at least one attribute",
            ));
        }
        let body = types::E911AddressUpdateDocument {
            data: types::E911AddressUpdateData {
                type_: types::E911ResourceType::E911,
                attributes: self.changes,
            },
        };
        let doc = call(
            self.client
                .raw()
                .update_e911_address()
                .e911_id(id.as_str())
                .body(body)
                .send(),
        )
        .await?;
        Ok(E911Address::from_raw(doc.data))
    }
}

list_query! {
    /// Filters for [`E911s::list`].
    E911Query for list_e911_addresses -> E911Address = E911Address::from_raw;
    /// Only addresses whose label contains this text (any letter case).
    label(label: impl Into<String>) -> String = Ok(label.into());
    /// Only addresses whose street name contains this text (any letter case).
    street_name(street_name: impl Into<String>) -> String = Ok(street_name.into());
    /// Only addresses whose city contains this text (any letter case).
    city(city: impl Into<String>) -> String = Ok(city.into());
    /// Only addresses in this state or province (two letters, any case).
    state(state: &str) -> String = check_state(state).map_err(reason);
}

list_query! {
    /// Filters for [`E911s::numbers`]: the address whose numbers are listed.
    E911NumbersQuery(id: E911Id => e911_id(id.as_str())) for list_numbers_for_e911_address
        -> E911AssignedNumber = E911AssignedNumber::from_raw;
}

/// E911 addresses, from [`Client::e911s`].
///
/// # Example
///
/// ```no_run
/// use flowroute::e911::NewE911Address;
/// # async fn run(client: flowroute::Client, number: flowroute::PhoneNumber) -> Result<(), flowroute::Error> {
/// let address = NewE911Address::new()
///     .label("office")
///     .first_name("Ada")
///     .last_name("Lovelace")
///     .street_number("1218")
///     .street_name("3rd Ave")
///     .city("Seattle")
///     .state("WA")
///     .zip("98101");
/// client.e911s().validate(&address).await?;
/// let saved = client.e911s().create(address).await?;
/// client.e911s().assign(&number, &saved.id).await?;
/// let using = client.e911s().numbers(&saved.id).all().await?;
/// client.e911s().remove_from_number(&number).await?;
/// client.e911s().delete(&saved.id).await?;
/// # let _ = using; Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct E911s {
    client: Client,
}

impl Client {
    /// E911 emergency addresses and their assignment to numbers.
    pub fn e911s(&self) -> E911s {
        E911s {
            client: self.clone(),
        }
    }
}

impl E911s {
    /// The E911 addresses on the account, optionally filtered.
    ///
    /// Example: [`E911s`](E911s#example).
    pub fn list(&self) -> ListRequest<E911Query> {
        ListRequest::new(&self.client, E911Query::default())
    }

    /// One E911 address.
    ///
    /// # Errors
    ///
    /// A 404 [`Error::Api`] when there is no address with this id.
    ///
    /// Example: [`E911s`](E911s#example).
    pub async fn get(&self, id: impl IntoChecked<E911Id>) -> Result<E911Address, Error> {
        let id = id.into_checked()?;
        let doc = call(
            self.client
                .raw()
                .get_e911_address_details()
                .e911_id(id.as_str())
                .send(),
        )
        .await?;
        Ok(E911Address::from_raw(doc.data))
    }

    /// Asks Flowroute whether the address is valid, saving nothing. An address
    /// that cannot be geocoded is answered 400; a malformed field 422, with the
    /// field named in the error's message.
    ///
    /// # Errors
    ///
    /// A 400 [`Error::Api`] when Flowroute cannot geocode the address ("Could not
    /// geocode this address…"); a 422 naming a malformed field.
    ///
    /// Example: [`E911s`](E911s#example).
    pub async fn validate(&self, address: &NewE911Address) -> Result<(), Error> {
        let body = address.clone().into_document()?;
        call(self.client.raw().validate_e911_address().body(body).send()).await
    }

    /// Validates the address and saves it as a new E911 record. Flowroute may
    /// rewrite it to the format emergency call centres expect, so compare the
    /// returned address with what you sent.
    ///
    /// # Errors
    ///
    /// As [`validate`](E911s::validate), and a 403 when the same address is
    /// already on the account ("Duplicate address.").
    ///
    /// Example: [`E911s`](E911s#example).
    pub async fn create(&self, address: NewE911Address) -> Result<E911Address, Error> {
        let body = address.into_document()?;
        let doc = call(self.client.raw().create_e911_address().body(body).send()).await?;
        Ok(E911Address::from_raw(doc.data))
    }

    /// Changes an address; set what changes, then `.await` it.
    ///
    /// Example: [`E911s`](E911s#example).
    pub fn update(&self, id: impl IntoChecked<E911Id>) -> UpdateE911Address {
        UpdateE911Address {
            client: self.client.clone(),
            id: id.into_checked(),
            changes: types::E911AddressUpdate::default(),
            invalid: FirstRefusal::default(),
        }
    }

    /// Deletes an address. Flowroute refuses while numbers still use it: remove
    /// it from them first with [`remove_from_number`](Self::remove_from_number).
    ///
    /// # Errors
    ///
    /// A 403 or 409 [`Error::Api`] while numbers still use the address (remove it
    /// from them with [`remove_from_number`](E911s::remove_from_number) first); a 404
    /// when there is no address with this id.
    ///
    /// Example: [`E911s`](E911s#example).
    pub async fn delete(&self, id: impl IntoChecked<E911Id>) -> Result<(), Error> {
        let id = id.into_checked()?;
        call(
            self.client
                .raw()
                .delete_e911_address()
                .e911_id(id.as_str())
                .send(),
        )
        .await
    }

    /// Makes the address the number's emergency address.
    ///
    /// Idempotent: assigning the same address to the same number again
    /// succeeds and is charged only once, but assigning a *different* address
    /// later is charged again. Numbers that do not support emergency services
    /// are refused with 422.
    ///
    /// # Errors
    ///
    /// A 422 [`Error::Api`] when the number does not support emergency services;
    /// a 404 when the number is not on the account or the address does not exist.
    ///
    /// Example: [`E911s`](E911s#example).
    pub async fn assign(
        &self,
        number: impl IntoChecked<PhoneNumber>,
        id: impl IntoChecked<E911Id>,
    ) -> Result<(), Error> {
        let (number, id) = (number.into_checked()?, id.into_checked()?);
        call(
            self.client
                .raw()
                .assign_e911_address_to_number()
                .number_id(number.as_str())
                .e911_id(id.as_str())
                .send(),
        )
        .await
    }

    /// Removes whatever E911 address the number has, which ends its E911
    /// service; the address stays on the account.
    ///
    /// # Errors
    ///
    /// A 404 [`Error::Api`] when the number is not on the account.
    ///
    /// Example: [`E911s`](E911s#example).
    pub async fn remove_from_number(
        &self,
        number: impl IntoChecked<PhoneNumber>,
    ) -> Result<(), Error> {
        let number = number.into_checked()?;
        call(
            self.client
                .raw()
                .remove_e911_address_from_number()
                .number_id(number.as_str())
                .send(),
        )
        .await
    }

    /// The numbers using an address. No maximum page size is documented.
    ///
    /// Example: [`E911s`](E911s#example).
    pub fn numbers(&self, id: impl IntoChecked<E911Id>) -> ListRequest<E911NumbersQuery> {
        match id.into_checked() {
            Ok(id) => ListRequest::new(&self.client, E911NumbersQuery::new(id)),
            // The list needs a query to exist; the rejection stops it before any request.
            Err(e) => {
                ListRequest::new(&self.client, E911NumbersQuery::new(E911Id::from_server("")))
                    .reject_error(e)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn complete() -> NewE911Address {
        NewE911Address::new()
            .label("Office Space III")
            .first_name("Albus")
            .last_name("Rasputin, Jr.")
            .street_number("666")
            .street_name("Main St")
            .city("Seattle")
            .state("wa")
            .country(E911Country::Us)
            .zip("98101")
    }

    fn field_of(e: Error) -> (&'static str, String) {
        match e {
            Error::InvalidInput { field, reason } => (field, reason),
            other => panic!("not an input error: {other}"),
        }
    }

    #[test]
    fn a_complete_address_upper_cases_the_state() {
        let doc = complete().into_document().unwrap();
        assert_eq!(doc.data.attributes.state, "WA");
        assert_eq!(doc.data.attributes.address_type, None);
    }

    #[test]
    fn each_missing_or_malformed_field_is_named() {
        let cases = [
            (NewE911Address::new(), "label", "is required"),
            (complete().first_name(" "), "first_name", "is empty"),
            (
                NewE911Address {
                    street_name: None,
                    ..complete()
                },
                "street_name",
                "is required",
            ),
            (
                NewE911Address {
                    country: None,
                    ..complete()
                },
                "country",
                "is required",
            ),
            (complete().state("Washington"), "state", "two-letter"),
            (complete().zip("981"), "zip", "has 3 characters"),
            (complete().zip("98101-12345"), "zip", "has 11 characters"),
            (complete().zip("98#01"), "zip", "contains `#`"),
            (
                complete().unit(E911AddressType::Suite, ""),
                "address_type_number",
                "whenever an address type",
            ),
        ];
        for (address, field, why) in cases {
            let (f, reason) = field_of(address.into_document().unwrap_err());
            assert_eq!(f, field);
            assert!(reason.contains(why), "{field}: {reason}");
        }
    }

    #[test]
    fn canadian_postal_codes_fit_the_length_rule() {
        assert_eq!(check_zip("M4C 5K7").unwrap(), "M4C 5K7");
        assert_eq!(check_zip("0501").unwrap(), "0501");
    }

    #[test]
    fn unit_kinds_from_the_server_match_in_any_case() {
        assert_eq!(address_type_from_server("SUITE"), E911AddressType::Suite);
        assert_eq!(address_type_from_server("Suite"), E911AddressType::Suite);
        assert_eq!(
            address_type_from_server("Hangar"),
            E911AddressType::Unknown("Hangar".into())
        );
    }
}
