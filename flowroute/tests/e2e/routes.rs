//! Routes: creation, assignment, refused deletion while in use, deletion.

use crate::support::*;
use flowroute::routes::{NewRoute, RouteType};
use std::collections::HashSet;

/// Route creation, listing, update, assignment as primary and failover (seen
/// in the number's details), refusal to delete a route in use, removal and
/// deletion.
pub(crate) async fn routes_flow(env: &Env) {
    let routes = env.client.routes();
    let edges = routes.edge_strategies().await.unwrap();
    assert!(!edges.is_empty(), "there are edge strategies");
    assert!(edges.iter().all(|e| e.name.is_some()), "{edges:?}");
    let edge = edges[0].id;

    let initial = routes.list().all().await.unwrap();
    let builtin = initial
        .iter()
        .find(|r| r.id.as_str() == "0")
        .expect("route 0 exists");
    assert_eq!(builtin.route_type, RouteType::SipReg);

    let host = routes
        .create(NewRoute::host("pbx.example.com:5060", "e2e pbx").edge_strategy_id(edge))
        .await
        .unwrap();
    assert_eq!(host.route_type, RouteType::Host);
    assert_eq!(host.value.as_deref(), Some("pbx.example.com:5060"));
    assert_eq!(host.alias.as_deref(), Some("e2e pbx"));
    assert_eq!(host.edge_strategy_id, Some(edge));
    let cell = routes
        .create(NewRoute::number("12065550123", "e2e cell"))
        .await
        .unwrap();
    assert_eq!(cell.route_type, RouteType::Number);
    assert_eq!(cell.value.as_deref(), Some("12065550123"));
    let desk = routes
        .create(NewRoute::uri("sip:desk@pbx.example.com", "e2e desk"))
        .await
        .unwrap();
    assert_eq!(desk.route_type, RouteType::Uri);
    let ids: HashSet<&str> = [&host, &cell, &desk, builtin]
        .iter()
        .map(|r| r.id.as_str())
        .collect();
    assert_eq!(ids.len(), 4, "every route has its own id");

    let listed = routes.list().all().await.unwrap();
    assert_eq!(listed.len(), initial.len() + 3);
    for created in [&host, &cell, &desk] {
        assert!(listed.contains(created), "{created:?} is listed as created");
    }
    let hosts = routes
        .list()
        .route_type(RouteType::Host)
        .all()
        .await
        .unwrap();
    assert_eq!(
        hosts,
        vec![host.clone()],
        "the type filter keeps only host routes"
    );

    let renamed = routes
        .update(&host.id)
        .alias("e2e pbx renamed")
        .await
        .unwrap();
    assert_eq!(renamed.alias.as_deref(), Some("e2e pbx renamed"));
    assert_eq!(
        renamed.value, host.value,
        "an alias change keeps the destination"
    );
    let moved = routes
        .update(&desk.id)
        .destination(RouteType::Uri, "sip:front@pbx.example.com")
        .await
        .unwrap();
    assert_eq!(moved.value.as_deref(), Some("sip:front@pbx.example.com"));
    let listed = routes.list().all().await.unwrap();
    assert!(
        listed.contains(&renamed) && listed.contains(&moved),
        "updates stick: {listed:?}"
    );

    let number = env.first_number().await;
    routes.set_primary(&number, &host.id).await.unwrap();
    routes.set_failover(&number, &cell.id).await.unwrap();
    let details = env.client.numbers().get(&number).await.unwrap();
    assert_eq!(details.primary_route.as_ref(), Some(&host.id));
    assert_eq!(details.failover_route.as_ref(), Some(&cell.id));
    assert!(details.routes.contains(&renamed), "{:?}", details.routes);
    assert!(details.routes.contains(&cell), "{:?}", details.routes);

    let refused = api_error(routes.delete(&host.id).await);
    assert_eq!(
        refused.status.as_u16(),
        403,
        "a route in use is not deleted"
    );
    assert_eq!(refused.operation, "delete_a_voice_route");
    assert!(!detail(&refused).is_empty(), "{refused}");
    assert!(routes.list().all().await.unwrap().contains(&renamed));

    routes.remove_primary(&number).await.unwrap();
    routes.remove_failover(&number).await.unwrap();
    let details = env.client.numbers().get(&number).await.unwrap();
    assert_eq!(details.primary_route, None);
    assert_eq!(details.failover_route, None);
    assert!(details.routes.is_empty(), "{:?}", details.routes);

    for route in [&host, &cell, &desk] {
        routes.delete(&route.id).await.unwrap();
    }
    assert_eq!(
        routes.list().all().await.unwrap(),
        initial,
        "deleted routes are gone"
    );
}

#[tokio::test]
async fn routes_are_created_assigned_refused_deletion_while_in_use_and_deleted() {
    routes_flow(&Env::start().await).await;
}
