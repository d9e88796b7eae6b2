//! The cases where Flowroute's docs and its official clients disagree
//! (`src/compat.rs`, README "Compatibility"): each one answered as the
//! evidence says by default, and exactly as the docs say in strict mode;
//! and strict mode itself, as a builder option, a control endpoint and a
//! method, restored by a reset.

mod common;

use common::{Api, JSON_API};
use flowroute_raw::types::CdrExportList;
use flowroute_sim::{SimulatedMessage, Simulator};
use reqwest::Method;
use serde_json::{Value, json};

/// A default simulator and a strict one.
async fn both() -> (Api, Api) {
    let strict = Api::with(Simulator::builder().strict(true)).await;
    (Api::start().await, strict)
}

fn route(alias: &str, extra: Value) -> Value {
    let mut attributes =
        json!({"route_type": "host", "value": format!("{alias}.example.com"), "alias": alias});
    attributes
        .as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    json!({"data": {"type": "route", "attributes": attributes}})
}

#[tokio::test]
async fn strict_mode_is_a_builder_option_a_control_and_a_method_and_resets() {
    let api = Api::with(Simulator::builder().strict(true)).await;
    assert!(api.sim.is_strict());
    let get = api.control(Method::GET, "/__sim/strict", None).await;
    assert_eq!(
        (get.status, get.body.clone()),
        (200, json!({"strict": true}))
    );

    let off = api
        .control(Method::PUT, "/__sim/strict", Some(json!({"strict": false})))
        .await;
    assert_eq!(
        (off.status, off.body.clone()),
        (200, json!({"strict": false}))
    );
    assert!(!api.sim.is_strict());
    // The mode changes answers at once.
    let demo = route("a", json!({"edge_strategy": "1"}));
    assert_eq!(api.post("/v2/routes", demo.clone()).await.status, 201);
    let on = api
        .control(Method::PUT, "/__sim/strict", Some(json!(true)))
        .await;
    assert_eq!(on.body, json!({"strict": true}));
    api.post("/v2/routes", route("b", json!({"edge_strategy": "1"})))
        .await
        .invalid("edge_strategy");

    api.control(Method::PUT, "/__sim/strict", Some(json!("yes")))
        .await
        .invalid("strict");
    api.sim.set_strict(false);
    api.control(Method::POST, "/__sim/reset", None).await;
    assert!(api.sim.is_strict(), "a reset restores the builder's mode");
    assert!(!Api::start().await.sim.is_strict(), "off by default");
}

#[tokio::test]
async fn untyped_json_bodies_are_read_unless_strict() {
    let (api, strict) = both().await;
    for (sim, status) in [(&api, 201), (&strict, 415)] {
        let untyped = sim
            .request(Method::POST, "/v2/routes")
            .body(route("c", json!({})).to_string());
        let answer = sim.send(untyped).await;
        assert_eq!(answer.status, status, "{:#}", answer.body);
        // A JSON type is fine in both modes.
        assert_eq!(
            sim.post("/v2/routes", route("d", json!({}))).await.status,
            201
        );
    }
}

#[tokio::test]
async fn forms_on_cnam_create_and_portability_unless_strict() {
    let (api, strict) = both().await;
    let form = |sim: &Api, path: &str, body: &'static str| {
        sim.request(Method::POST, path)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
    };
    let created = api.send(form(&api, "/v2/cnams", "value=FR+TEST")).await;
    assert_eq!(created.status, 201, "{:#}", created.body);
    assert_eq!(created.body["data"]["attributes"]["value"], "FR TEST");
    let checked = api
        .send(form(
            &api,
            "/v2/portorders/portability",
            "numbers=%2B12125551212&numbers=14254664444",
        ))
        .await;
    assert_eq!(checked.status, 200, "{:#}", checked.body);
    assert_eq!(checked.body["data"]["nonportable"], json!(["+12125551212"]));
    assert_eq!(checked.body["data"]["portable"], json!(["+14254664444"]));
    // Nowhere else, and a form is still validated like JSON.
    api.send(form(&api, "/v2/routes", "alias=x"))
        .await
        .error(415);
    api.send(form(&api, "/v2/cnams", "name=FR+TEST"))
        .await
        .invalid("name");

    strict
        .send(form(&strict, "/v2/cnams", "value=FR+TEST"))
        .await
        .error(415);
    strict
        .send(form(
            &strict,
            "/v2/portorders/portability",
            "numbers=%2B12125551212",
        ))
        .await
        .error(415);
}

#[tokio::test]
async fn portability_numbers_without_plus_unless_strict() {
    let (api, strict) = both().await;
    let body = json!({"numbers": ["14254664444", "+18002255277"]});
    let checked = api.post("/v2/portorders/portability", body.clone()).await;
    assert_eq!(
        checked.body["data"]["portable"],
        json!(["+14254664444", "+18002255277"])
    );
    api.post(
        "/v2/portorders/portability",
        json!({"numbers": ["4254664444"]}),
    )
    .await
    .invalid("numbers[0]");
    strict
        .post("/v2/portorders/portability", body)
        .await
        .invalid("numbers[0]");
}

#[tokio::test]
async fn edge_strategy_names_edge_strategy_id_unless_strict() {
    let (api, strict) = both().await;
    let created = api
        .post("/v2/routes", route("e", json!({"edge_strategy": "1"})))
        .await;
    assert_eq!(created.status, 201, "{:#}", created.body);
    assert_eq!(created.body["data"]["attributes"]["edge_strategy_id"], 1);
    api.post("/v2/routes", route("f", json!({"edge_strategy": "9"})))
        .await
        .invalid("data.attributes.edge_strategy");
    api.post(
        "/v2/routes",
        route("g", json!({"edge_strategy": 2, "edge_strategy_id": 3})),
    )
    .await
    .invalid("data.attributes.edge_strategy");
    strict
        .post("/v2/routes", route("e", json!({"edge_strategy": "1"})))
        .await
        .invalid("data.attributes.edge_strategy: unknown field");
    let documented = strict
        .post("/v2/routes", route("h", json!({"edge_strategy_id": 4})))
        .await;
    assert_eq!(documented.body["data"]["attributes"]["edge_strategy_id"], 4);
}

#[tokio::test]
async fn string_is_mms_and_zoneless_dates_unless_strict() {
    let (api, strict) = both().await;
    let from = api.account_numbers().await[0].clone();
    let send = |is_mms: Value| json!({"data": {"type": "message", "attributes": {"to": "12065550123", "from": from, "body": "hi", "is_mms": is_mms}}});
    let sent = api.post("/v2.1/messages", send(json!("true"))).await;
    assert_eq!(sent.status, 202, "{:#}", sent.body);
    let id = sent.body["data"]["id"].as_str().unwrap();
    let record = api.get(&format!("/v2.1/messages/{id}")).await;
    assert_eq!(record.body["data"]["attributes"]["is_mms"], true);
    let log = api.sim.requests();
    let logged = log
        .iter()
        .find(|r| r.mdr_id.as_deref() == Some(id))
        .unwrap();
    assert_eq!(
        logged.send_class.as_deref(),
        Some("mms"),
        "it counts as an MMS"
    );
    api.post("/v2.1/messages", send(json!("yes")))
        .await
        .invalid("data.attributes.is_mms");
    strict
        .post("/v2.1/messages", send(json!("true")))
        .await
        .invalid("data.attributes.is_mms");
    assert_eq!(
        strict
            .post("/v2.1/messages", send(json!(false)))
            .await
            .status,
        202
    );

    let zoneless = "/v2.1/messages?start_date=2020-01-01T00:00:00";
    assert_eq!(api.get(zoneless).await.status, 200);
    strict.get(zoneless).await.invalid("start_date");
    for documented in [
        "2020-01-01",
        "2020-01-01T00:00:00.00Z",
        "2020-01-01T00:00:00%2B00:00",
    ] {
        let path = format!("/v2.1/messages?start_date={documented}");
        assert_eq!(strict.get(&path).await.status, 200, "{documented}");
    }
}

#[tokio::test]
async fn wrapped_account_callbacks_unless_strict() {
    let (api, strict) = both().await;
    let wrapped = json!({"data": {"attributes": {"callback_url": "http://example.com/sms"}}});
    assert_eq!(
        api.put("/v2.1/messages/sms_callback", wrapped.clone())
            .await
            .status,
        204
    );
    strict
        .put("/v2.1/messages/sms_callback", wrapped)
        .await
        .invalid("data");
    let flat = json!({"callback_url": "http://example.com/sms"});
    assert_eq!(
        strict.put("/v2.1/messages/sms_callback", flat).await.status,
        204
    );
}

#[tokio::test]
async fn singular_cnam_paths_unless_strict() {
    let (api, strict) = both().await;
    for sim in [&api, &strict] {
        let number = sim.account_numbers().await[0].clone();
        let cnam = sim
            .post("/v2/cnams", json!({"value": "WIDGETS INC"}))
            .await
            .body["data"]["id"]
            .as_str()
            .unwrap()
            .to_string();
        sim.sim.approve_cnam(&cnam).unwrap();
        let singular = format!("/v2/numbers/{number}/relationships/cnam");
        let plural = format!("/v2/numbers/{number}/relationships/cnams");
        let assign = sim.bare(Method::PATCH, &format!("{singular}/{cnam}")).await;
        if sim.sim.is_strict() {
            assign.error(404);
            sim.bare(Method::DELETE, &singular).await.error(404);
            assert_eq!(
                sim.bare(Method::PATCH, &format!("{plural}/{cnam}"))
                    .await
                    .status,
                202
            );
        } else {
            assert_eq!(assign.status, 202, "{:#}", assign.body);
        }
        let details = sim.get(&format!("/v2/numbers/{number}")).await;
        assert_eq!(
            details.body["data"]["relationships"]["cnam_preset"]["data"]["id"],
            cnam.as_str()
        );
        let unassign = if sim.sim.is_strict() {
            &plural
        } else {
            &singular
        };
        assert_eq!(sim.bare(Method::DELETE, unassign).await.status, 202);
        let details = sim.get(&format!("/v2/numbers/{number}")).await;
        assert_eq!(
            details.body["data"]["relationships"]["cnam_preset"]["data"],
            Value::Null
        );
    }
}

fn new_address() -> Value {
    json!({"data": {"type": "e911", "attributes": {"label": "Office", "first_name": "Chris",
        "last_name": "Smith", "street_number": "1218", "street_name": "3rd Ave", "city": "Seattle",
        "state": "WA", "country": "US", "zip": "98101", "address_type": "Suite",
        "address_type_number": "600"}}})
}

#[tokio::test]
async fn the_whole_e911_document_back_unless_strict() {
    let (api, strict) = both().await;
    for sim in [&api, &strict] {
        let created = sim.post("/v2/e911s", new_address()).await;
        let id = created.body["data"]["id"].as_str().unwrap().to_string();
        // What the Python SDK sends back: the document, changed.
        let mut document = sim.get(&format!("/v2/e911s/{id}")).await.body;
        let attributes = &mut document["data"]["attributes"];
        attributes["zip"] = json!("98104");
        attributes["zip_code"] = json!("98104");
        attributes["address_type"] = Value::Null;
        attributes["address_type_number"] = Value::Null;
        let answer = sim
            .patch(&format!("/v2/e911s/{id}"), document.clone())
            .await;
        if sim.sim.is_strict() {
            assert_eq!(
                answer.error(422),
                json!({"data": {"id": ["Unknown field."], "links": ["Unknown field."]}})
            );
            let documented = json!({"data": {"type": "e911", "attributes": {"zip": "98104"}}});
            assert_eq!(
                sim.patch(&format!("/v2/e911s/{id}"), documented)
                    .await
                    .status,
                200
            );
            let mut extra = json!({"data": {"type": "e911", "attributes": {"zip_code": "98104", "address_type": null}}});
            let detail = sim
                .patch(&format!("/v2/e911s/{id}"), extra.take())
                .await
                .error(422);
            assert_eq!(
                detail["data"]["attributes"]["zip_code"],
                json!(["Unknown field."])
            );
            assert_eq!(
                detail["data"]["attributes"]["address_type"],
                json!(["This field may not be null."])
            );
        } else {
            assert_eq!(answer.status, 200, "{:#}", answer.body);
            let attributes = &answer.body["data"]["attributes"];
            assert_eq!(attributes["zip"], "98104");
            assert!(
                attributes.get("address_type").is_none()
                    && attributes.get("address_type_number").is_none()
            );
            document["data"]["id"] = json!("1");
            let elsewhere = sim
                .patch(&format!("/v2/e911s/{id}"), document)
                .await
                .error(422);
            assert!(
                elsewhere["data"]["id"][0]
                    .as_str()
                    .unwrap()
                    .contains("id in the URL")
            );
            let required = json!({"data": {"type": "e911", "attributes": {"city": null}}});
            let detail = sim
                .patch(&format!("/v2/e911s/{id}"), required)
                .await
                .error(422);
            assert_eq!(
                detail["data"]["attributes"]["city"],
                json!(["This field may not be null."])
            );
        }
    }
}

#[tokio::test]
async fn cdr_export_lists_wrap_their_items_unless_strict() {
    let (api, strict) = both().await;
    let filter = json!({"data": {"type": "cdrexport", "attributes": {"filter_parameters": {
        "start_call_start_time": "2019-01-01 00:00:00", "start_call_end_time": "2019-02-01 00:00:00"}}}});
    for sim in [&api, &strict] {
        let id = sim.post("/v2/cdrs/exports", filter.clone()).await.body["data"]["id"].clone();
        let listed = sim.get("/v2/cdrs/exports").await;
        assert_eq!(listed.content_type(), JSON_API);
        listed.decode::<CdrExportList>();
        let item = &listed.body["data"][0];
        let resource = if sim.sim.is_strict() {
            item
        } else {
            &item["data"]
        };
        assert_eq!(resource["id"], id, "{:#}", listed.body);
        assert_eq!(resource["type"], "cdrexport");
        assert_eq!(
            listed.body["links"]["self"],
            sim.url("/v2/cdrs/exports?limit=10&offset=0")
        );
    }
}

#[tokio::test]
async fn inbound_history_has_its_time_and_no_webhook() {
    let receiver = common::Receiver::start(0).await;
    let api = Api::start().await;
    let number = api.account_numbers().await[0].clone();
    let hook = json!({"callback_url": receiver.url});
    assert_eq!(
        api.put("/v2.1/messages/sms_callback", hook).await.status,
        204
    );
    let old =
        SimulatedMessage::sms("12065550100", &number, "old").received_at("2020-03-01T10:00:00Z");
    let id = api.sim.inbound(old).unwrap();
    let record = api.get(&format!("/v2.1/messages/{id}")).await;
    assert_eq!(
        record.body["data"]["attributes"]["timestamp"],
        "2020-03-01T10:00:00.00Z"
    );
    let march = api
        .get("/v2.1/messages?start_date=2020-03-01&end_date=2020-03-01")
        .await;
    assert_eq!(march.body["data"][0]["id"], id.as_str());
    // A message now is delivered; history is not.
    api.sim
        .inbound(SimulatedMessage::sms("12065550100", &number, "new"))
        .unwrap();
    api.eventually(|| async { receiver.count() > 0 }).await;
    let bodies = receiver.bodies();
    assert_eq!(bodies.len(), 1, "{bodies:#?}");
    assert_eq!(bodies[0]["data"]["attributes"]["body"], "new");
    assert_eq!(api.sim.webhook_deliveries().len(), 1);

    let future = json!({"from": "12065550100", "to": number, "body": "x", "timestamp": "2999-01-01T00:00:00Z"});
    api.control(Method::POST, "/__sim/inbound", Some(future))
        .await
        .invalid("timestamp");
    let garbage =
        json!({"from": "12065550100", "to": number, "body": "x", "timestamp": "yesterday"});
    api.control(Method::POST, "/__sim/inbound", Some(garbage))
        .await
        .invalid("timestamp");
}
