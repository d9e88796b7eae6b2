//! Portability checks, port orders and CDR exports.

mod common;

use std::io::Read;

use common::Api;
use flate2::read::GzDecoder;
use flowroute_raw::types::{
    CdrExportDocument, CdrExportList, PortOrderList, PortabilityResultDocument,
};
use serde_json::json;

#[tokio::test]
async fn portability_sorts_numbers_deterministically() {
    let api = Api::start().await;
    let own = format!("+{}", api.account_numbers().await[0]);
    let answer = api
        .post(
            "/v2/portorders/portability",
            json!({"numbers": [own, "+12125551212", "+19005550100", "+18002255277", "+442071234567"]}),
        )
        .await;
    assert_eq!(answer.status, 200);
    answer.decode::<PortabilityResultDocument>();
    let data = &answer.body["data"];
    assert_eq!(data["portable"], json!([own, "+18002255277"]));
    assert_eq!(data["hypernetwork_enabled"], json!([own]));
    assert_eq!(
        data["nonportable"],
        json!(["+12125551212", "+19005550100", "+442071234567"])
    );
    api.post(
        "/v2/portorders/portability",
        json!({"numbers": ["4252081174"]}),
    )
    .await
    .invalid("numbers[0]");
    api.post("/v2/portorders/portability", json!({"numbers": []}))
        .await
        .invalid("numbers");
    api.post(
        "/v2/portorders/portability",
        json!({"number": ["+14252081174"]}),
    )
    .await
    .invalid("number");
}

#[tokio::test]
async fn the_account_has_no_port_orders() {
    let api = Api::start().await;
    let list = api.get("/v2/portorders").await;
    list.decode::<PortOrderList>();
    assert!(list.body["data"].as_array().unwrap().is_empty());
    assert_eq!(
        list.body["links"]["self"],
        api.url("/v2/portorders?limit=10&offset=0")
    );
    assert_eq!(list.content_type(), "application/json");
}

#[tokio::test]
async fn cdr_exports_complete_and_download_as_gzipped_csv() {
    let api = Api::start().await;
    let request = json!({"data": {"type": "cdrexport", "attributes": {
        "filter_parameters": {"start_call_start_time": "2019-01-01 00:00:00", "start_call_end_time": "2019-02-01 00:00:00"},
        "callback_url": "https://example.com/cdrs"}}});
    let created = api.post("/v2/cdrs/exports", request).await;
    assert_eq!(created.status, 201);
    created.decode::<CdrExportDocument>();
    let id = created.body["data"]["id"].as_i64().expect("integer id");
    let attributes = &created.body["data"]["attributes"];
    assert_eq!(attributes["status"], "processing");
    assert_eq!(attributes["download_url"], serde_json::Value::Null);
    assert_eq!(
        attributes["filter_parameters"]["start_call_start_time"],
        "2019-01-01T00:00:00+00:00"
    );

    let done = api.get(&format!("/v2/cdrs/exports/{id}")).await;
    done.decode::<CdrExportDocument>();
    let attributes = &done.body["data"]["attributes"];
    assert_eq!(attributes["status"], "completed");
    let url = attributes["download_url"].as_str().unwrap();
    assert_eq!(url, api.url(&format!("/__sim/cdrs/{id}.csv.gz")));
    let calls = attributes["num_calls"].as_i64().unwrap();
    assert!(calls >= 3);
    assert!(
        attributes["total_cost"]
            .as_str()
            .unwrap()
            .parse::<f64>()
            .unwrap()
            > 0.0
    );

    let gz = api.http.get(url).send().await.unwrap();
    assert_eq!(gz.headers()["content-type"], "application/gzip");
    let mut csv = String::new();
    GzDecoder::new(&gz.bytes().await.unwrap()[..])
        .read_to_string(&mut csv)
        .unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "direction,start_time,end_time,destination,number_alias,callerid,total_cost,destination_name,callerid_country,line_information,result,call_fail_sip_code,call_fail_reason,duration,billed_duration,rate,first_increment,subsequent_increment,cost_subtotal"
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len() as i64, calls);
    assert!(
        rows.iter()
            .all(|r| r.split(',').count() == 19 && r.contains("2019-01"))
    );

    let listed = api.get("/v2/cdrs/exports?status=completed").await;
    listed.decode::<CdrExportList>();
    // Items come wrapped, as Flowroute's captured example shows (see tests/compat.rs).
    assert_eq!(listed.body["data"][0]["data"]["id"], id);
    assert!(
        api.get("/v2/cdrs/exports?status=processing").await.body["data"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    api.get("/v2/cdrs/exports?status=done")
        .await
        .invalid("status");
    api.get("/v2/cdrs/exports/999").await.error(404);
    api.control(reqwest::Method::GET, "/__sim/cdrs/999.csv.gz", None)
        .await
        .error(404);
}

#[tokio::test]
async fn cdr_export_requests_are_validated() {
    let api = Api::start().await;
    let with = |filters: serde_json::Value| json!({"data": {"type": "cdrexport", "attributes": {"filter_parameters": filters}}});
    api.post(
        "/v2/cdrs/exports",
        with(json!({"start_call_start_time": "2019-01-01 00:00:00"})),
    )
    .await
    .invalid("start_call_end_time");
    api.post("/v2/cdrs/exports", with(json!({"start_call_start_time": "yesterday", "start_call_end_time": "2019-02-01 00:00:00"})))
        .await
        .invalid("start_call_start_time");
    api.post("/v2/cdrs/exports", with(json!({"start_call_start_time": "2019-02-01 00:00:00", "start_call_end_time": "2019-01-01 00:00:00"})))
        .await
        .invalid("start_call_end_time");
    api.post("/v2/cdrs/exports", json!({"data": {"type": "cdrexport", "attributes": {"filter_parameters": {
        "start_call_start_time": "2019-01-01 00:00:00", "start_call_end_time": "2019-02-01 00:00:00"}, "callback_url": "nope"}}}))
        .await
        .invalid("callback_url");
}
