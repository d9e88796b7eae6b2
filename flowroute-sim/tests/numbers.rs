//! Inventory search, purchase, details, update, release, and page links.

mod common;

use common::Api;
use flowroute_raw::types::{
    AvailableCodeList, PhoneNumberDocument, PhoneNumberList, PurchasablePhoneNumberList, TierList,
};
use reqwest::Method;
use serde_json::{Value, json};

fn ids(body: &Value) -> Vec<String> {
    body["data"]
        .as_array()
        .expect("data array")
        .iter()
        .map(|item| item["id"].as_str().expect("id").to_string())
        .collect()
}

#[tokio::test]
async fn the_account_starts_with_two_numbers_on_the_default_route() {
    let api = Api::start().await;
    let list = api.get("/v2/numbers").await;
    let page: PhoneNumberList = list.decode();
    assert_eq!(page.data.len(), 2);
    let item = &list.body["data"][0];
    assert_eq!(item["attributes"]["alias"], Value::Null);
    assert!(item.get("relationships").is_none());
    assert_eq!(
        list.body["links"]["self"],
        api.url("/v2/numbers?limit=10&offset=0")
    );
    assert!(list.body["links"].get("next").is_none());

    let number = page.data[0].id.clone();
    let details = api.get(&format!("/v2/numbers/{number}")).await;
    details.decode::<PhoneNumberDocument>();
    let data = &details.body["data"];
    assert_eq!(
        data["relationships"]["primary_route"]["data"],
        json!({"id": "0", "type": "route"})
    );
    assert_eq!(data["relationships"]["failover_route"]["data"], Value::Null);
    assert_eq!(data["relationships"]["e911_address"]["data"], Value::Null);
    assert_eq!(data["relationships"]["cnam_preset"]["data"], Value::Null);
    assert_eq!(
        details.body["included"][0]["attributes"]["route_type"],
        "sip-reg"
    );
    assert_eq!(
        details.body["included"][0]["attributes"]["value"],
        Value::Null
    );
}

#[tokio::test]
async fn the_inventory_is_deterministic_per_seed() {
    let a = Api::with(flowroute_sim::Simulator::builder().seed(7)).await;
    let b = Api::with(flowroute_sim::Simulator::builder().seed(7)).await;
    let c = Api::with(flowroute_sim::Simulator::builder().seed(8)).await;
    let path = "/v2/numbers/available?limit=50";
    assert_eq!(ids(&a.get(path).await.body), ids(&b.get(path).await.body));
    assert_ne!(ids(&a.get(path).await.body), ids(&c.get(path).await.body));
}

#[tokio::test]
async fn search_filters_by_digits_state_rate_center_and_type() {
    let api = Api::start().await;
    // Without a leading 1, country code 1 is assumed and echoed.
    let by_npa = api
        .get("/v2/numbers/available?starts_with=206&limit=5")
        .await;
    by_npa.decode::<PurchasablePhoneNumberList>();
    assert!(ids(&by_npa.body).iter().all(|n| n.starts_with("1206")));
    assert!(
        by_npa.body["links"]["self"]
            .as_str()
            .unwrap()
            .contains("starts_with=1206")
    );
    assert_eq!(
        by_npa.body["data"][0]["links"]["related"],
        api.url(&format!("/v2/numbers/{}", ids(&by_npa.body)[0]))
    );

    let contains = api
        .get("/v2/numbers/available?contains=55&ends_with=7&limit=200")
        .await;
    assert!(
        ids(&contains.body)
            .iter()
            .all(|n| n.contains("55") && n.ends_with('7'))
    );

    let ny = api
        .get("/v2/numbers/available?state=NY&rate_center=NWYRCYZN01&limit=200")
        .await;
    assert!(!ids(&ny.body).is_empty());
    for item in ny.body["data"].as_array().unwrap() {
        assert_eq!(item["attributes"]["state"], "ny");
        assert_eq!(item["attributes"]["rate_center"], "nwyrcyzn01");
    }
    let toll_free = api
        .get("/v2/numbers/available?number_type=toll-free&limit=200")
        .await;
    assert!(toll_free.body["data"].as_array().unwrap().iter().all(
        |n| n["attributes"]["number_type"] == "toll-free" && n["attributes"]["state"].is_null()
    ));
    let ordered = api
        .get("/v2/numbers/available?order_by=monthly_cost,desc&limit=3")
        .await;
    assert_eq!(ordered.body["data"][0]["attributes"]["monthly_cost"], 1.25);
    api.get("/v2/numbers/available?number_type=mobile")
        .await
        .invalid("number_type");
    api.get("/v2/numbers/available?order_by=color")
        .await
        .invalid("order_by");
    api.get("/v2/numbers/available?contains=5a")
        .await
        .invalid("contains");
    assert!(
        ids(&api
            .get("/v2/numbers/available?starts_with=%2B44")
            .await
            .body)
        .is_empty()
    );
}

#[tokio::test]
async fn area_codes_exchanges_and_tiers_link_onwards() {
    let api = Api::start().await;
    let codes = api.get("/v2/numbers/available/areacodes?limit=400").await;
    codes.decode::<AvailableCodeList>();
    let all = ids(&codes.body);
    for npa in ["201", "206", "347", "646", "415", "650", "800"] {
        assert!(all.contains(&npa.to_string()), "{npa}");
    }
    assert_eq!(codes.body["data"][0]["type"], "areacode");
    assert_eq!(
        codes.body["data"][0]["links"]["related"],
        api.url("/v2/numbers/available/exchanges?areacode=201")
    );
    let cheap = ids(&api
        .get("/v2/numbers/available/areacodes?max_setup_cost=0&limit=400")
        .await
        .body);
    assert!(!cheap.is_empty() && cheap.len() < all.len());
    api.get("/v2/numbers/available/areacodes?max_setup_cost=cheap")
        .await
        .invalid("max_setup_cost");

    let exchanges = api
        .get("/v2/numbers/available/exchanges?areacode=347")
        .await;
    exchanges.decode::<AvailableCodeList>();
    let first = ids(&exchanges.body)[0].clone();
    assert!(first.starts_with("347") && first.len() == 6);
    assert_eq!(
        exchanges.body["data"][0]["links"]["related"],
        api.url(&format!("/v2/numbers/available?starts_with=1{first}"))
    );
    api.get("/v2/numbers/available/exchanges?areacode=34")
        .await
        .invalid("areacode");

    let tiers = api.get("/v2/numbers/available/tiers").await;
    tiers.decode::<TierList>();
    let promo = tiers.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == "US Promo $0.0/$0.50/$0.005")
        .expect("promo tier");
    assert!(
        promo["links"]["related"]
            .as_str()
            .unwrap()
            .ends_with("tier=US%20Promo%20%240.0%2F%240.50%2F%240.005")
    );
}

#[tokio::test]
async fn pages_link_to_the_next_until_the_last() {
    let api = Api::start().await;
    let mut seen = Vec::new();
    let mut path = "/v2/numbers/available/exchanges?areacode=201&limit=3".to_string();
    loop {
        let page = api.get(&path).await;
        seen.extend(ids(&page.body));
        match page.body["links"]["next"].as_str() {
            Some(next) => path = next.trim_start_matches(&api.sim.base_url()).to_string(),
            None => break,
        }
    }
    assert_eq!(seen.len(), 4, "four exchanges per area code: {seen:?}");
    let last = api
        .get("/v2/numbers/available/exchanges?areacode=201&limit=3&offset=3")
        .await;
    assert!(last.body["links"].get("next").is_none());
    assert_eq!(
        last.body["links"]["self"],
        api.url("/v2/numbers/available/exchanges?areacode=201&limit=3&offset=3")
    );
    let beyond = api
        .get("/v2/numbers/available/exchanges?areacode=201&offset=100")
        .await;
    assert!(ids(&beyond.body).is_empty());
}

#[tokio::test]
async fn purchase_update_and_release_move_a_number_in_and_out() {
    let api = Api::start().await;
    let found = api
        .get("/v2/numbers/available?starts_with=1646&limit=1")
        .await;
    let number = ids(&found.body)[0].clone();
    let bought = api
        .bare(
            Method::POST,
            &format!("/v2/numbers/{number}?cnam_lookups_enabled=false"),
        )
        .await;
    assert_eq!(bought.status, 201);
    bought.decode::<PhoneNumberDocument>();
    let attributes = &bought.body["data"]["attributes"];
    assert_eq!(attributes["status"], "PURCHASED");
    assert_eq!(attributes["cnam_lookups_enabled"], false);
    assert_eq!(attributes["iso_country"], "US");
    assert_eq!(
        bought.body["data"]["relationships"]["primary_route"]["data"]["id"],
        "0"
    );
    assert!(api.account_numbers().await.contains(&number));
    let again = api
        .get(&format!("/v2/numbers/available?starts_with={number}"))
        .await;
    assert!(
        ids(&again.body).is_empty(),
        "bought numbers leave the inventory"
    );
    api.bare(Method::POST, &format!("/v2/numbers/{number}"))
        .await
        .error(404);
    api.bare(Method::POST, "/v2/numbers/12").await.error(404);

    let updated = api
        .patch(
            &format!("/v2/numbers/{number}"),
            json!({"type": "number", "alias": "Office Line 2"}),
        )
        .await;
    assert_eq!(updated.status, 200);
    assert_eq!(updated.body["data"]["attributes"]["alias"], "Office Line 2");
    let details = api.get(&format!("/v2/numbers/{number}")).await;
    assert_eq!(details.body["data"]["attributes"]["alias"], "Office Line 2");
    let by_alias = api.get("/v2/numbers?alias=Office%20Line%202").await;
    assert_eq!(ids(&by_alias.body), vec![number.clone()]);
    assert!(
        by_alias.body["links"]["self"]
            .as_str()
            .unwrap()
            .contains("alias=Office%20Line%202")
    );
    api.patch(&format!("/v2/numbers/{number}"), json!({"alias": "x"}))
        .await
        .invalid("type");
    api.patch(
        &format!("/v2/numbers/{number}"),
        json!({"type": "number", "alias": "x".repeat(65)}),
    )
    .await
    .invalid("alias");
    api.patch(
        &format!("/v2/numbers/{number}"),
        json!({"type": "number", "cnam_lookups_enabled": "true"}),
    )
    .await
    .invalid("cnam_lookups_enabled");

    assert_eq!(
        api.delete(&format!("/v2/numbers/{number}")).await.status,
        204
    );
    api.get(&format!("/v2/numbers/{number}")).await.error(404);
    api.delete(&format!("/v2/numbers/{number}"))
        .await
        .error(404);
    let back = api
        .get(&format!("/v2/numbers/available?starts_with={number}"))
        .await;
    assert_eq!(ids(&back.body), vec![number]);
}

#[tokio::test]
async fn account_list_filters_by_digits() {
    let api = Api::start().await;
    let numbers = api.account_numbers().await;
    let last4 = &numbers[1][7..];
    let found = api.get(&format!("/v2/numbers?ends_with={last4}")).await;
    assert_eq!(ids(&found.body), vec![numbers[1].clone()]);
    let by_prefix = api.get("/v2/numbers?starts_with=201").await;
    assert!(ids(&by_prefix.body).iter().all(|n| n.starts_with("1201")));
    assert!(
        by_prefix.body["links"]["self"]
            .as_str()
            .unwrap()
            .contains("starts_with=1201&limit=10&offset=0")
    );
    let page = api.get("/v2/numbers?limit=1").await;
    assert_eq!(
        page.body["links"]["next"],
        api.url("/v2/numbers?limit=1&offset=1")
    );
}
