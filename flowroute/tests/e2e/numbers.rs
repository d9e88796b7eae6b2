//! Numbers: inventory, purchase, alias and release.

use crate::support::*;
use flowroute::PhoneNumber;
use std::collections::HashSet;

/// Inventory (area codes, exchanges, tiers, search), purchase, alias update and
/// release, each checked through the account list and the number's details.
pub(crate) async fn numbers_flow(env: &Env) {
    let numbers = env.client.numbers();
    let start = env.account_numbers().await;
    assert_eq!(
        start.len(),
        2,
        "a fresh account holds two numbers: {start:?}"
    );

    let area_codes = numbers.area_codes().limit(5).page().await.unwrap();
    assert!(!area_codes.items.is_empty(), "the inventory has area codes");
    for area in &area_codes.items {
        assert!(
            area.code.len() == 3 && area.code.bytes().all(|b| b.is_ascii_digit()),
            "{area:?}"
        );
    }
    let area = area_codes.items[0].code.clone();
    let exchanges = numbers
        .exchanges()
        .area_code(&area)
        .limit(5)
        .page()
        .await
        .unwrap();
    assert!(
        !exchanges.items.is_empty(),
        "area code {area} has exchanges"
    );
    for exchange in &exchanges.items {
        assert!(
            exchange.code.len() == 6 && exchange.code.starts_with(&area),
            "{exchange:?} is not an exchange of {area}"
        );
    }
    let tiers = numbers.tiers().all().await.unwrap();
    assert!(!tiers.is_empty(), "the inventory has pricing tiers");
    let tier_names: HashSet<&str> = tiers.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(
        tier_names.len(),
        tiers.len(),
        "tiers are distinct: {tiers:?}"
    );

    let exchange = exchanges.items[0].code.clone();
    let found = numbers
        .search()
        .starts_with(&exchange)
        .limit(3)
        .page()
        .await
        .unwrap();
    assert!(
        !found.items.is_empty(),
        "exchange {exchange} has numbers to buy"
    );
    for candidate in &found.items {
        assert!(
            candidate
                .number
                .as_str()
                .starts_with(&format!("1{exchange}")),
            "{candidate:?}"
        );
        assert!(
            !start.contains(&candidate.number),
            "{candidate:?} is already on the account"
        );
    }
    let pick = found.items[0].clone();
    let exact = || numbers.search().starts_with(pick.number.as_str()).all();
    assert_eq!(
        exact().await.unwrap().len(),
        1,
        "{} is in the inventory",
        pick.number
    );

    let bought = numbers.purchase(&pick.number).await.unwrap();
    let details = &bought.details;
    assert_eq!(details.attributes.number, pick.number);
    assert_eq!(details.attributes.status.as_deref(), Some("PURCHASED"));
    assert_eq!(details.attributes.setup_cost, pick.setup_cost);
    assert_eq!(details.attributes.monthly_cost, pick.monthly_cost);
    assert!(!bought.messaging_provisioning_failed);
    assert_eq!(
        details.primary_route.as_ref().map(|r| r.as_str()),
        Some("0"),
        "a bought number starts on the built-in sip-reg route"
    );
    let after_purchase = env.account_numbers().await;
    assert_eq!(after_purchase.len(), 3, "{after_purchase:?}");
    assert!(after_purchase.contains(&pick.number));
    assert!(
        exact().await.unwrap().is_empty(),
        "a bought number leaves the inventory"
    );

    let alias = "e2e main line";
    let updated = numbers
        .update(&pick.number)
        .alias(alias)
        .cnam_lookups_enabled(false)
        .await
        .unwrap();
    assert_eq!(updated.details.attributes.alias.as_deref(), Some(alias));
    assert_eq!(updated.details.attributes.cnam_lookups_enabled, Some(false));
    let fetched = numbers.get(&pick.number).await.unwrap();
    assert_eq!(
        fetched.attributes.alias.as_deref(),
        Some(alias),
        "the alias sticks"
    );
    assert_eq!(fetched.attributes.cnam_lookups_enabled, Some(false));
    let by_alias = numbers.list().alias(alias).all().await.unwrap();
    let by_alias: Vec<&PhoneNumber> = by_alias.iter().map(|n| &n.number).collect();
    assert_eq!(by_alias, vec![&pick.number], "the alias filter finds it");

    numbers.release(&pick.number).await.unwrap();
    assert_eq!(
        env.account_numbers().await,
        start,
        "release gives the number back"
    );
    let gone = api_error(numbers.get(&pick.number).await);
    assert_eq!(gone.status.as_u16(), 404);
    assert_eq!(gone.operation, "list_phone_number_details");
    assert_eq!(
        exact().await.unwrap().len(),
        1,
        "a released number is for sale again"
    );
}

#[tokio::test]
async fn numbers_are_found_bought_renamed_and_released() {
    numbers_flow(&Env::start().await).await;
}
