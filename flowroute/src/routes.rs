//! Inbound voice routes: where Flowroute sends the calls to your numbers, and
//! which route is a number's primary and failover.

use crate::IntoChecked;
use crate::awaitable::send_on_await;
use crate::refusal::FirstRefusal;
use crate::{
    Client, Error, PhoneNumber, RouteId,
    pagination::{ListRequest, list_query},
    transport::call,
};
use flowroute_raw::types;
use serde::{Deserialize, Serialize};

pub use flowroute_raw::open_enums::RouteType;

/// An inbound voice route.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Route {
    /// The route's id (`"0"` is the built-in `sip-reg` route every number starts with).
    pub id: RouteId,
    /// How calls are delivered.
    pub route_type: RouteType,
    /// Where calls go: a host, a number or a SIP URI; `None` for `sip-reg`.
    pub value: Option<String>,
    /// Your name for the route.
    pub alias: Option<String>,
    /// The edge (PoP) the traffic leaves from, see [`Routes::edge_strategies`].
    pub edge_strategy_id: Option<i32>,
}

impl Route {
    pub(crate) fn from_raw(route: types::Route) -> Route {
        let attributes = route.attributes.unwrap_or_default();
        Route {
            id: RouteId::from_server(route.id),
            // A route without a type is one Flowroute did not describe; keep
            // it visible rather than failing the whole list.
            route_type: attributes
                .route_type
                .unwrap_or_else(|| RouteType::Unknown(String::new())),
            value: attributes.value,
            alias: attributes.alias,
            edge_strategy_id: attributes.edge_strategy_id,
        }
    }
}

/// A point of presence that inbound traffic can be sent from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct EdgeStrategy {
    /// The id to use as a route's `edge_strategy_id`.
    pub id: i32,
    /// A short name such as `US-East-VA`.
    pub name: Option<String>,
    /// What the strategy does.
    pub description: Option<String>,
    /// The SIP NAPTR host of the edge.
    pub naptr: Option<String>,
    /// The addresses to allow through your firewall.
    pub firewall_rules: Option<String>,
}

/// A route to create: a type, where calls go, and your name for it.
///
/// ```
/// use flowroute::routes::NewRoute;
/// let office = NewRoute::host("sip.example.com:5060", "office").edge_strategy_id(4);
/// let cell = NewRoute::number("+1 206 555 0100", "my cell");
/// let pbx = NewRoute::uri("sip:desk@pbx.example.com;transport=tls", "desk");
/// ```
///
/// Every value is checked by [`Routes::create`] before anything is sent.
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct NewRoute {
    route_type: RouteType,
    value: String,
    alias: String,
    edge_strategy_id: Option<i32>,
    refusal: FirstRefusal,
}

impl NewRoute {
    /// Calls go to a host name or IP address, with an optional `:port`
    /// (without one, Flowroute looks up DNS SRV records).
    pub fn host(host: impl Into<String>, alias: impl Into<String>) -> Self {
        Self::new(RouteType::Host, host.into(), alias)
    }

    /// Calls are forwarded to another phone number over the PSTN.
    pub fn number(number: impl IntoChecked<PhoneNumber>, alias: impl Into<String>) -> Self {
        match number.into_checked().and_then(number_route) {
            Ok(number) => Self::new(RouteType::Number, number.to_string(), alias),
            Err(refused) => {
                let mut route = Self::new(RouteType::Number, String::new(), alias);
                route.refusal.note_error(refused.with_field("route value"));
                route
            }
        }
    }

    /// Calls go to a SIP URI such as `sip:alice@atlanta.com` or
    /// `sips:secure@example.com;transport=tls`.
    pub fn uri(uri: impl Into<String>, alias: impl Into<String>) -> Self {
        Self::new(RouteType::Uri, uri.into(), alias)
    }

    fn new(route_type: RouteType, value: String, alias: impl Into<String>) -> Self {
        NewRoute {
            route_type,
            value,
            alias: alias.into(),
            edge_strategy_id: None,
            refusal: FirstRefusal::default(),
        }
    }

    /// Sends the traffic from this edge (an id from [`Routes::edge_strategies`]).
    pub fn edge_strategy_id(mut self, id: i32) -> Self {
        self.edge_strategy_id = Some(id);
        self
    }

    fn validate(&self) -> Result<(), Error> {
        self.refusal.check()?;
        if self.alias.trim().is_empty() {
            return Err(Error::invalid_input(
                "alias",
                "is empty; Flowroute requires a unique name for each route",
            ));
        }
        checked_value(&self.route_type, &self.value).map(|_| ())
    }
}

/// The number a number route forwards to: Flowroute documents only
/// 11-digit North American ones.
fn number_route(number: PhoneNumber) -> Result<PhoneNumber, Error> {
    number.north_american(
        "route value",
        "Flowroute documents number routes as 11-digit North American numbers",
    )
}

/// Checks a route value against the documented format of its type, and
/// returns it as it goes on the wire: a number as Flowroute writes it,
/// whatever form it was typed in. Weights (`;weight=N`) and transports
/// (`;transport=tls`) may follow host and uri values.
fn checked_value(route_type: &RouteType, value: &str) -> Result<String, Error> {
    let invalid = |why: String| Err(Error::invalid_input("route value", why));
    if *route_type == RouteType::Number {
        // Spaces and dashes are how people write numbers; the parse drops them.
        return Ok(number_route(PhoneNumber::parse_field(value, "route value")?)?.to_string());
    }
    if value.trim().is_empty() {
        return invalid("is empty".into());
    }
    if value.chars().any(char::is_whitespace) {
        return invalid(format!("`{value}` contains whitespace"));
    }
    let head = value.split(';').next().unwrap_or_default();
    match route_type {
        RouteType::Host => {
            if head.contains(['/', '@']) {
                return invalid(format!(
                    "`{value}` is not a host name or IP address (with an optional :port)"
                ));
            }
            let (host, port) = match head.rsplit_once(':') {
                Some((h, p)) if !h.contains(':') || h.starts_with('[') => (h, Some(p)),
                _ => (head, None),
            };
            if host.is_empty() {
                return invalid(format!(
                    "`{value}` is not a host name or IP address (with an optional :port)"
                ));
            }
            if let Some(port) = port
                && port.parse::<u16>().is_err()
            {
                return invalid(format!("`{value}` has port `{port}`, which is not 0–65535"));
            }
            Ok(value.to_string())
        }
        RouteType::Uri => {
            let rest = head
                .strip_prefix("sip:")
                .or_else(|| head.strip_prefix("sips:"));
            match rest {
                Some(r) if !r.is_empty() => Ok(value.to_string()),
                _ => invalid(format!(
                    "`{value}` is not a SIP URI (sip:user@domain or sips:…)"
                )),
            }
        }
        RouteType::SipReg => invalid(
            "sip-reg routes are built in; Flowroute creates only host, number and uri routes"
                .into(),
        ),
        // A type this SDK does not know: the server is the judge.
        _ => Ok(value.to_string()),
    }
}

/// Changes to a route: only what is set is sent.
#[derive(Debug)]
#[must_use = "nothing is sent until you `.await` it"]
pub struct UpdateRoute {
    client: Client,
    id: Result<RouteId, Error>,
    route_type: Option<RouteType>,
    value: Option<String>,
    alias: Option<String>,
    edge_strategy_id: Option<i32>,
}

send_on_await! {
    /// `.await` sends the update and returns the route as it now is.
    ///
    /// # Errors
    ///
    /// A 404 [`Error::Api`] when there is no route with this id; a 422 naming a
    /// value Flowroute refused.
    ///
    /// Example: [`Routes`](Routes#example).
    UpdateRoute => Route
}

impl UpdateRoute {
    /// A new alias.
    pub fn alias(mut self, alias: impl Into<String>) -> Self {
        self.alias = Some(alias.into());
        self
    }

    /// A new destination, with its type (checked like [`NewRoute`]'s).
    pub fn destination(mut self, route_type: RouteType, value: impl Into<String>) -> Self {
        self.route_type = Some(route_type);
        self.value = Some(value.into());
        self
    }

    /// A new edge strategy.
    pub fn edge_strategy_id(mut self, id: i32) -> Self {
        self.edge_strategy_id = Some(id);
        self
    }

    async fn send(mut self) -> Result<Route, Error> {
        let id = self.id?;
        if let (Some(t), Some(v)) = (&self.route_type, &self.value) {
            self.value = Some(checked_value(t, v)?);
        }
        if self.alias.as_deref().is_some_and(|a| a.trim().is_empty()) {
            return Err(Error::invalid_input("alias", "is empty"));
        }
        if self.alias.is_none() && self.value.is_none() && self.edge_strategy_id.is_none() {
            return Err(Error::invalid_input(
                "route update",
                "changes nothing; set an alias, a destination or an edge strategy",
            ));
        }
        let body = types::RouteUpdateDocument {
            data: types::RouteUpdateData {
                type_: types::RouteResourceType::Route,
                attributes: types::RouteUpdateAttributes {
                    alias: self.alias,
                    edge_strategy_id: self.edge_strategy_id,
                    route_type: self.route_type,
                    value: self.value,
                },
            },
        };
        let doc = call(
            self.client
                .raw()
                .update_a_voice_route()
                .route_id(id.as_str())
                .body(body)
                .send(),
        )
        .await?;
        Ok(Route::from_raw(doc.data))
    }
}

list_query! {
    /// Filters for [`Routes::list`].
    RouteQuery for list_inbound_routes -> Route = Route::from_raw;
    /// Only routes of this type.
    route_type(route_type: RouteType) -> RouteType = Ok(route_type);
}

/// Inbound voice routes, from [`Client::routes`].
///
/// # Example
///
/// ```no_run
/// use flowroute::routes::NewRoute;
/// # async fn run(client: flowroute::Client, number: flowroute::PhoneNumber) -> Result<(), flowroute::Error> {
/// let routes = client.routes();
/// let office = routes.create(NewRoute::host("pbx.example.com:5060", "office")).await?;
/// routes.set_primary(&number, &office.id).await?;
/// routes.update(&office.id).alias("main office").await?;
/// routes.remove_primary(&number).await?;
/// routes.delete(&office.id).await?;
/// let edges = routes.edge_strategies().await?;
/// # let _ = edges; Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Routes {
    client: Client,
}

impl Client {
    /// Inbound voice routes and their assignment to numbers.
    pub fn routes(&self) -> Routes {
        Routes {
            client: self.clone(),
        }
    }
}

impl Routes {
    /// Creates a route, which can then be a number's primary or failover route.
    ///
    /// # Errors
    ///
    /// A 403 [`Error::Api`] when a route with this alias or destination
    /// already exists; a 422 naming a value Flowroute refused (an edge strategy it
    /// does not have); [`Error::InvalidInput`] for a destination checked before
    /// sending.
    ///
    /// Example: [`Routes`](Routes#example).
    pub async fn create(&self, route: NewRoute) -> Result<Route, Error> {
        route.validate()?;
        let body = types::NewRouteDocument {
            data: types::NewRouteData {
                type_: types::RouteResourceType::Route,
                attributes: types::NewRouteAttributes {
                    alias: route.alias,
                    edge_strategy_id: route.edge_strategy_id,
                    route_type: route.route_type,
                    value: route.value,
                },
            },
        };
        let doc = call(
            self.client
                .raw()
                .create_an_inbound_route()
                .body(body)
                .send(),
        )
        .await?;
        Ok(Route::from_raw(doc.data))
    }

    /// The routes on the account.
    ///
    /// Example: [`Routes`](Routes#example).
    pub fn list(&self) -> ListRequest<RouteQuery> {
        ListRequest::new(&self.client, RouteQuery::default())
    }

    /// Changes a route; set what changes, then `.await` it.
    ///
    /// Example: [`Routes`](Routes#example).
    pub fn update(&self, id: impl IntoChecked<RouteId>) -> UpdateRoute {
        UpdateRoute {
            client: self.client.clone(),
            id: id.into_checked(),
            route_type: None,
            value: None,
            alias: None,
            edge_strategy_id: None,
        }
    }

    /// Deletes a route. Flowroute refuses (403) while numbers still use it.
    ///
    /// # Errors
    ///
    /// A 403 [`Error::Api`] while numbers still use the route ("This Route has
    /// numbers still associated to it."): move them with [`set_primary`](Routes::set_primary)
    /// first; a 404 when there is no route with this id.
    ///
    /// Example: [`Routes`](Routes#example).
    pub async fn delete(&self, id: impl IntoChecked<RouteId>) -> Result<(), Error> {
        let id = id.into_checked()?;
        call(
            self.client
                .raw()
                .delete_a_voice_route()
                .route_id(id.as_str())
                .send(),
        )
        .await
    }

    /// Makes `route` the number's primary voice route.
    ///
    /// # Errors
    ///
    /// A 404 [`Error::Api`] when the number is not on the account or the route
    /// does not exist; a 403 when the account may not change the number.
    ///
    /// Example: [`Routes`](Routes#example).
    pub async fn set_primary(
        &self,
        number: impl IntoChecked<PhoneNumber>,
        route: impl IntoChecked<RouteId>,
    ) -> Result<(), Error> {
        let (number, route) = (number.into_checked()?, route.into_checked()?);
        let body = assignment(route);
        call(
            self.client
                .raw()
                .update_primary_voice_route()
                .number_id(number.as_str())
                .body(body)
                .send(),
        )
        .await
    }

    /// Makes `route` the number's failover voice route, used when the primary fails.
    ///
    /// # Errors
    ///
    /// A 404 [`Error::Api`] when the number is not on the account or the route
    /// does not exist; a 403 when the account may not change the number.
    ///
    /// Example: [`Routes`](Routes#example).
    pub async fn set_failover(
        &self,
        number: impl IntoChecked<PhoneNumber>,
        route: impl IntoChecked<RouteId>,
    ) -> Result<(), Error> {
        let (number, route) = (number.into_checked()?, route.into_checked()?);
        let body = assignment(route);
        call(
            self.client
                .raw()
                .update_failover_voice_route()
                .number_id(number.as_str())
                .body(body)
                .send(),
        )
        .await
    }

    /// Removes the number's primary voice route.
    ///
    /// # Errors
    ///
    /// A 404 [`Error::Api`] when the number is not on the account.
    ///
    /// Example: [`Routes`](Routes#example).
    pub async fn remove_primary(&self, number: impl IntoChecked<PhoneNumber>) -> Result<(), Error> {
        let number = number.into_checked()?;
        call(
            self.client
                .raw()
                .remove_primary_voice_route()
                .number_id(number.as_str())
                .send(),
        )
        .await
    }

    /// Removes the number's failover voice route.
    ///
    /// # Errors
    ///
    /// A 404 [`Error::Api`] when the number is not on the account.
    ///
    /// Example: [`Routes`](Routes#example).
    pub async fn remove_failover(
        &self,
        number: impl IntoChecked<PhoneNumber>,
    ) -> Result<(), Error> {
        let number = number.into_checked()?;
        call(
            self.client
                .raw()
                .remove_failover_voice_route()
                .number_id(number.as_str())
                .send(),
        )
        .await
    }

    /// The edges (points of presence) traffic can be sent from.
    ///
    /// Example: [`Routes`](Routes#example).
    pub async fn edge_strategies(&self) -> Result<Vec<EdgeStrategy>, Error> {
        let list = call(self.client.raw().list_edge_strategies().send()).await?;
        Ok(list
            .data
            .into_iter()
            .map(|e| {
                let a = e.attributes.unwrap_or_default();
                EdgeStrategy {
                    id: e.id,
                    name: a.name,
                    description: a.description,
                    naptr: a.naptr,
                    firewall_rules: a.firewall_rules,
                }
            })
            .collect())
    }
}

fn assignment(route: RouteId) -> types::RouteAssignmentDocument {
    types::RouteAssignmentDocument {
        data: types::RouteAssignmentData {
            id: route.into_string(),
            type_: types::RouteResourceType::Route,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn route_values_are_checked_against_their_type() {
        let ok = [
            (RouteType::Host, "24.239.23.40:5060"),
            (RouteType::Host, "myphone.com"),
            (RouteType::Host, "pbx.example.com;transport=tls;weight=10"),
            (RouteType::Number, "16476998778"),
            (
                RouteType::Uri,
                "sip:16476998778@215.122.69.152:5060;transport=tcp",
            ),
            (RouteType::Uri, "sips:securecall@securedserver.com"),
        ];
        for (t, v) in ok {
            assert!(checked_value(&t, v).is_ok(), "{t} {v}");
        }
        let bad = [
            (RouteType::Host, "", "is empty"),
            (RouteType::Host, "a.com:99999", "port"),
            (RouteType::Host, "http://a.com/x", "not a host"),
            (RouteType::Number, "555", "digits"),
            (RouteType::Uri, "alice@atlanta.com", "not a SIP URI"),
            (RouteType::Uri, "sip: alice@x", "whitespace"),
            (RouteType::SipReg, "x", "built in"),
        ];
        for (t, v, why) in bad {
            let e = checked_value(&t, v).unwrap_err().to_string();
            assert!(e.contains(why), "{t} {v}: {e}");
        }
    }
}
