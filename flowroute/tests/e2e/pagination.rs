//! Pagination against the simulator: what pages the client asks for.

use crate::support::*;
use flowroute::PhoneNumber;
use flowroute::routes::NewRoute;
use futures_util::TryStreamExt;
use std::collections::HashSet;

#[tokio::test]
async fn a_capped_search_yields_exactly_the_cap_in_distinct_numbers_asking_only_for_what_is_left() {
    let env = Env::start().await;
    let found: Vec<_> = env
        .client
        .numbers()
        .search()
        .limit(7)
        .max_items(20)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(found.len(), 20);
    let distinct: HashSet<&PhoneNumber> = found.iter().map(|n| &n.number).collect();
    assert_eq!(distinct.len(), 20, "no number twice across pages");
    let page = |limit: &str, offset: &str| (Some(limit.to_string()), Some(offset.to_string()));
    assert_eq!(
        pages_requested(&env.sim, "/v2/numbers/available"),
        vec![page("7", "0"), page("7", "7"), page("6", "14")],
        "three pages, the last one asking for the 6 still wanted"
    );
}

#[tokio::test]
async fn all_stops_at_the_last_page_without_asking_past_it() {
    let env = Env::start().await;
    let numbers = env.client.numbers().list().limit(1).all().await.unwrap();
    assert_eq!(numbers.len(), 2, "both numbers of the account");
    let page = |offset: &str| (Some("1".to_string()), Some(offset.to_string()));
    assert_eq!(
        pages_requested(&env.sim, "/v2/numbers"),
        vec![page("0"), page("1")],
        "the page at offset 1 has no next link, so offset 2 is never asked for"
    );

    let routes = env.client.routes();
    for alias in ["e2e page a", "e2e page b"] {
        routes
            .create(NewRoute::host("pbx.example.com", alias))
            .await
            .unwrap();
    }
    let all = routes.list().limit(2).all().await.unwrap();
    let ids: HashSet<&str> = all.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        (all.len(), ids.len()),
        (3, 3),
        "route 0 and the two created: {all:?}"
    );
    let page = |offset: &str| (Some("2".to_string()), Some(offset.to_string()));
    assert_eq!(
        pages_requested(&env.sim, "/v2/routes"),
        vec![page("0"), page("2")],
        "a short last page ends the list"
    );
}
