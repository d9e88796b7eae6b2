//! Porting: checking which numbers can move to Flowroute, and the account's
//! port orders.

use crate::IntoChecked;
use crate::{
    Client, Error, PhoneNumber,
    pagination::{ListRequest, list_query},
    transport::call,
};
use flowroute_raw::types;
use serde::{Deserialize, Serialize};

/// The checked numbers sorted by portability. A number can be in more than
/// one list: one already on Flowroute's HyperNetwork can also be portable.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PortabilityReport {
    /// Numbers that can be ported to Flowroute.
    pub portable: Vec<PhoneNumber>,
    /// Numbers that cannot be ported.
    pub nonportable: Vec<PhoneNumber>,
    /// Numbers already on Flowroute's HyperNetwork.
    pub hypernetwork_enabled: Vec<PhoneNumber>,
}

impl PortabilityReport {
    pub(crate) fn from_raw(result: types::PortabilityResult) -> PortabilityReport {
        let numbers = |list: Vec<String>| list.into_iter().map(PhoneNumber::from_server).collect();
        PortabilityReport {
            portable: numbers(result.portable),
            nonportable: numbers(result.nonportable),
            hypernetwork_enabled: numbers(result.hypernetwork_enabled),
        }
    }
}

/// A port order. Flowroute documents no shape for port orders, so only the
/// id is typed and the attributes are kept exactly as sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PortOrder {
    /// The order's id.
    pub id: String,
    /// The order's attributes, as sent (undocumented).
    pub attributes: serde_json::Map<String, serde_json::Value>,
}

impl PortOrder {
    pub(crate) fn from_raw(order: types::PortOrder) -> PortOrder {
        PortOrder {
            id: order.id,
            attributes: order.attributes,
        }
    }
}

list_query! {
    /// The query of [`Porting::orders`]; it has no filters.
    PortOrderQuery for list_port_orders -> PortOrder = PortOrder::from_raw;
}

/// Porting, from [`Client::porting`].
///
/// # Example
///
/// ```no_run
/// # async fn run(client: flowroute::Client) -> Result<(), flowroute::Error> {
/// let report = client.porting().check(["+1 206 555 0100", "2065550101"]).await?;
/// let orders = client.porting().orders().all().await?;
/// # let _ = (report, orders); Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Porting {
    client: Client,
}

impl Client {
    /// Number portability checks and port orders.
    pub fn porting(&self) -> Porting {
        Porting {
            client: self.clone(),
        }
    }
}

impl Porting {
    /// Asks which of these numbers can be ported to Flowroute. Every number is
    /// checked before anything is sent, and sent in E.164 with the leading `+`
    /// as this endpoint requires.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] for an empty list or an entry that is not a phone
    /// number, before anything is sent; a 422 [`Error::Api`] when Flowroute refuses
    /// the list.
    ///
    /// Example: [`Porting`](Porting#example).
    pub async fn check(
        &self,
        numbers: impl IntoIterator<Item = impl IntoChecked<PhoneNumber>>,
    ) -> Result<PortabilityReport, Error> {
        let numbers = numbers
            .into_iter()
            .map(|n| n.into_checked().map(|n| n.to_e164_plus()))
            .collect::<Result<Vec<String>, Error>>()?;
        if numbers.is_empty() {
            return Err(Error::invalid_input(
                "numbers",
                "is empty; give at least one number to check",
            ));
        }
        let body = types::PortabilityRequest { numbers };
        let doc = call(
            self.client
                .raw()
                .check_number_portability()
                .body(body)
                .send(),
        )
        .await?;
        Ok(PortabilityReport::from_raw(doc.data))
    }

    /// The account's port orders. Their content is undocumented; see [`PortOrder`].
    ///
    /// Example: [`Porting`](Porting#example).
    pub fn orders(&self) -> ListRequest<PortOrderQuery> {
        ListRequest::new(&self.client, PortOrderQuery::default())
    }
}
