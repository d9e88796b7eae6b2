//! CDR exports on the wire: every operation's exact request and decoded result,
//! and the export file fetched without credentials and read as a stream.

mod common;

use chrono::{TimeZone, Utc};
use common::*;
use flate2::{Compression, write::GzEncoder};
use flowroute::cdrs::{CallDirection, CdrExport, CdrExportStatus, CdrFilter, CdrRecord};
use flowroute::{CdrExportId, Client, Error};
use futures_util::{StreamExt, TryStreamExt};
use httpmock::Method::{GET, POST};
use httpmock::MockServer;
use serde_json::{Value, json};
use std::io::Write;
use std::time::Duration;

/// The header and rows of the Python SDK README's sample export file.
const CSV: &str = "direction,start_time,end_time,destination,number_alias,callerid,total_cost,destination_name,callerid_country,line_information,result,call_fail_sip_code,call_fail_reason,duration,billed_duration,rate,first_increment,subsequent_increment,cost_subtotal,connect_fee,usf_fee,ccrf,cnam_lookup_fee,custom_x_tag,customer_ip
Outbound,2019-06-25 18:18:54+00,2019-06-25 18:19:31+00,18774551500,Office Line 2,+12063389999,0.00000000,UNITED STATES - TOLL FREE,N/A,,completed,200,OK,37,42,0.000000,6,6,0.00000000,0.0000,0.00000000,0.00000000,0.00000000,,53.186.152.52:5080
Inbound,2019-06-25 18:18:00+00,2019-06-25 18:18:29+00,12063389999,Office Line 2,+12069928999,0.00474784,UNITED STATES,UNITED STATES,61,completed,200,OK,29,30,0.001500,6,6,0.00075000,0.0000,0.00000000,0.00009784,0.00390000,,53.186.152.52
Outbound,2019-06-25 18:15:38+00,2019-06-25 18:17:24+00,12069928999,Office Line 1,+12063389998,0.01994112,UNITED STATES,N/A,,completed,200,OK,106,108,0.009800,6,6,0.01764000,0.0000,0.00000000,0.00230112,0.00000000,,53.186.151.52:5080
";

const FILE_PATH: &str =
    "/flowroute-cdrexports/40375/2019/3/18/e55f474c3154a14cd2cec842f79ca6a8000.gz";

fn gzip(text: &str) -> Vec<u8> {
    let mut gz = GzEncoder::new(Vec::new(), Compression::default());
    gz.write_all(text.as_bytes()).unwrap();
    gz.finish().unwrap()
}

fn january() -> CdrFilter {
    CdrFilter::new(
        Utc.with_ymd_and_hms(2019, 1, 1, 0, 0, 0).unwrap(),
        Utc.with_ymd_and_hms(2019, 2, 1, 0, 0, 0).unwrap(),
    )
}

/// A completed export as the README's list example gives each item (without its
/// extra `{"data": …}` wrapper), its file at `download_url`.
fn completed_json(id: i64, download_url: &str) -> Value {
    json!({"attributes": {
            "billed_minutes": 10, "callback_url": "http://myserver.com/webhook", "ccrf": "0.0",
            "created_at": "2019-03-18T23:20:30+00:00", "download_url": download_url,
            "expires_at": "2019-03-21T23:20:30+00:00",
            "filter_parameters": {"number_aliases": ["Home Phone"],
                "start_call_end_time": "2019-01-01T00:00:00+00:00", "start_call_start_time": "2018-12-01T00:00:00+00:00"},
            "num_calls": 301, "requested_at": "2019-03-18T23:20:17+00:00", "status": "completed",
            "total_cost": "34.321300", "call_subtotal": "28.389400", "connect_fees": "0.0",
            "cnamlookup_fees": "0.0", "usf_fees": "5.93190"},
        "id": id, "type": "cdrexport"})
}

fn processing_json(id: i64) -> Value {
    json!({"type": "cdrexport", "id": id,
        "links": {"self": format!("https://api.flowroute.com/v2/cdrs/exports/{id}")},
        "attributes": {"callback_url": "https://myserver.com/cdrs", "status": "processing", "download_url": null,
            "requested_at": "2019-03-18T16:43:00+00:00", "created_at": "2019-03-18T16:43:01+03:00", "expires_at": null,
            "total_cost": null, "call_subtotal": null, "connect_fees": null, "cnamlookup_fees": null, "usf_fees": null,
            "ccrf": null, "billed_minutes": null,
            "filter_parameters": {"number_aliases": ["Office 221", "Office 888"]}}})
}

/// Serves `GET /v2/cdrs/exports/{id}` with a completed export whose file is on `server`.
async fn export_on(server: &MockServer, client: &Client, id: i64) -> CdrExport {
    let url = server.url(format!(
        "{FILE_PATH}?X-Amz-Expires=259200&X-Amz-Signature=beb0e34b"
    ));
    let mock = server
        .mock_async(|when, then| {
            query_count(request(when, GET, &format!("/v2/cdrs/exports/{id}")), 0);
            then.status(200)
                .json_body(json!({"data": completed_json(id, &url)}));
        })
        .await;
    let export = client.cdrs().get(id.to_string()).await.unwrap();
    mock.assert_async().await;
    export
}

/// The file request: the pre-signed query kept, and none of our credentials.
fn file_request(when: httpmock::When) -> httpmock::When {
    when.method(GET)
        .path(FILE_PATH)
        .query_param("X-Amz-Expires", "259200")
        .query_param("X-Amz-Signature", "beb0e34b")
        .header_missing("authorization")
}

fn assert_sample(records: &[CdrRecord]) {
    assert_eq!(records.len(), 3);
    let first = &records[0];
    assert_eq!(first.direction, Some(CallDirection::Outbound));
    assert_eq!(
        first.start_time,
        Some(Utc.with_ymd_and_hms(2019, 6, 25, 18, 18, 54).unwrap())
    );
    assert_eq!(
        first.end_time,
        Some(Utc.with_ymd_and_hms(2019, 6, 25, 18, 19, 31).unwrap())
    );
    assert_eq!(first.destination.as_deref(), Some("18774551500"));
    assert_eq!(first.callerid.as_deref(), Some("+12063389999"));
    assert_eq!(
        first.destination_name.as_deref(),
        Some("UNITED STATES - TOLL FREE")
    );
    assert_eq!(first.line_information, None);
    assert_eq!(first.call_fail_sip_code, Some(200));
    assert_eq!(first.duration, Some(Duration::from_secs(37)));
    assert_eq!(first.billed_duration, Some(Duration::from_secs(42)));
    assert_eq!(first.customer_ip.as_deref(), Some("53.186.152.52:5080"));
    let second = &records[1];
    assert_eq!(second.direction, Some(CallDirection::Inbound));
    assert_eq!(second.total_cost.as_deref(), Some("0.00474784"));
    assert_eq!(second.cnam_lookup_fee.as_deref(), Some("0.00390000"));
    assert_eq!(second.line_information.as_deref(), Some("61"));
    assert_eq!(records[2].number_alias.as_deref(), Some("Office Line 1"));
    assert_eq!(records[2].rate.as_deref(), Some("0.009800"));
}

#[tokio::test]
async fn create_sends_every_filter_and_the_callback_in_the_json_api_document() {
    let (server, client) = setup().await;
    let mock = server
        .mock_async(|when, then| {
            request_with_body(when, POST, "/v2/cdrs/exports", json!({"data": {"type": "cdrexport", "attributes": {
                "filter_parameters": {
                    "start_call_start_time": "2019-01-01 00:00:00", "start_call_end_time": "2019-02-01 00:00:00",
                    "number_aliases": ["Office 221", "Office 888"], "number_aliases_contains": ["Office"],
                    "destination_numbers": ["12065551234", "+442071838750"], "callerid_numbers": ["+12063389999"],
                    "custom_x_tags": ["campaign-7"], "caller_ip": "53.186.152.52", "duration_greater_than": 30},
                "callback_url": "https://myserver.com/cdrs"}}}));
            then.status(201).header("content-type", JSON_API).json_body(json!({"data": processing_json(38647),
                "links": {"self": "https://api.flowroute.com/v2/cdrs/exports/38647"}}));
        })
        .await;
    let filter = january()
        .number_aliases(["Office 221", "Office 888"])
        .number_aliases_contains(vec!["Office".to_string()])
        .destination_numbers(["12065551234", "+442071838750"])
        .callerid_numbers([" +12063389999 "])
        .custom_x_tags(["campaign-7"])
        .caller_ip("53.186.152.52".parse().unwrap())
        .duration_greater_than(Duration::from_secs(30));
    let export = client
        .cdrs()
        .create(filter)
        .callback_url("https://myserver.com/cdrs")
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(export.id, CdrExportId::new("38647").unwrap());
    assert_eq!(export.status, CdrExportStatus::Processing);
    assert_eq!(
        export.callback_url.as_deref(),
        Some("https://myserver.com/cdrs")
    );
    assert_eq!(export.download_url, None);
    assert_eq!(
        export.requested_at.as_deref(),
        Some("2019-03-18T16:43:00+00:00")
    );
    assert_eq!(
        export.created_at.as_deref(),
        Some("2019-03-18T16:43:01+03:00")
    );
    assert_eq!(export.expires_at, None);
    assert_eq!(export.total_cost, None);
    assert_eq!(export.num_calls, None);
    assert_eq!(
        export.filter_parameters["number_aliases"],
        json!(["Office 221", "Office 888"])
    );
}

#[tokio::test]
async fn create_with_only_the_window_sends_only_the_two_times_to_the_second() {
    let (server, client) = setup().await;
    let mock = server
        .mock_async(|when, then| {
            request_with_body(when, POST, "/v2/cdrs/exports", json!({"data": {"type": "cdrexport", "attributes": {
                "filter_parameters": {"start_call_start_time": "2019-01-01 00:00:00", "start_call_end_time": "2019-01-01 12:30:05"}}}}));
            then.status(201).json_body(json!({"data": processing_json(38648)}));
        })
        .await;
    let start =
        Utc.with_ymd_and_hms(2019, 1, 1, 0, 0, 0).unwrap() + chrono::Duration::milliseconds(900);
    let end = Utc.with_ymd_and_hms(2019, 1, 1, 12, 30, 5).unwrap();
    let export = client
        .cdrs()
        .create(CdrFilter::new(start, end))
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(export.id.as_str(), "38648");
}

#[tokio::test]
async fn list_sends_paging_and_status_and_decodes_each_export() {
    let (server, client) = setup().await;
    let mock = server
        .mock_async(|when, then| {
            query_count(request(when, GET, "/v2/cdrs/exports"), 3)
                .query_param("limit", "2")
                .query_param("offset", "0")
                .query_param("status", "completed");
            then.status(200).json_body(json!({
                "data": [completed_json(203485, "https://s3.us-west-2.amazonaws.com/flowroute-cdrexports/a.gz?X-Amz-Signature=1"),
                         completed_json(203484, "https://s3.us-west-2.amazonaws.com/flowroute-cdrexports/b.gz?X-Amz-Signature=2")],
                "links": {"next": "http://cdr-api/cdrs/exports?offset=2&limit=2", "self": "http://cdr-api/cdrs/exports?offset=0&limit=2"}}));
        })
        .await;
    let page = client
        .cdrs()
        .list()
        .status(CdrExportStatus::Completed)
        .limit(2)
        .page()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(
        page.next_offset,
        Some(2),
        "the offset is read from the internal-host link, which is not followed"
    );
    let ids: Vec<&str> = page.items.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["203485", "203484"]);
    let first = &page.items[0];
    assert_eq!(first.status, CdrExportStatus::Completed);
    assert_eq!(
        first.download_url.as_deref(),
        Some("https://s3.us-west-2.amazonaws.com/flowroute-cdrexports/a.gz?X-Amz-Signature=1")
    );
    assert_eq!(first.num_calls, Some(301));
    assert_eq!(first.billed_minutes, Some(10));
    assert_eq!(
        first.filter_parameters["start_call_start_time"],
        json!("2018-12-01T00:00:00+00:00")
    );
}

#[tokio::test]
async fn get_decodes_status_totals_and_download_url() {
    let (server, client) = setup().await;
    let export = export_on(&server, &client, 38647).await;
    assert_eq!(export.id.as_str(), "38647");
    assert_eq!(export.status, CdrExportStatus::Completed);
    assert_eq!(
        export.download_url,
        Some(server.url(format!(
            "{FILE_PATH}?X-Amz-Expires=259200&X-Amz-Signature=beb0e34b"
        )))
    );
    assert_eq!(
        export.callback_url.as_deref(),
        Some("http://myserver.com/webhook")
    );
    assert_eq!(
        export.requested_at.as_deref(),
        Some("2019-03-18T23:20:17+00:00")
    );
    assert_eq!(
        export.created_at.as_deref(),
        Some("2019-03-18T23:20:30+00:00")
    );
    assert_eq!(
        export.expires_at.as_deref(),
        Some("2019-03-21T23:20:30+00:00")
    );
    assert_eq!(
        export.total_cost.as_deref(),
        Some("34.321300"),
        "money stays exact decimal text"
    );
    assert_eq!(export.call_subtotal.as_deref(), Some("28.389400"));
    assert_eq!(export.connect_fees.as_deref(), Some("0.0"));
    assert_eq!(export.cnamlookup_fees.as_deref(), Some("0.0"));
    assert_eq!(export.usf_fees.as_deref(), Some("5.93190"));
    assert_eq!(export.ccrf.as_deref(), Some("0.0"));
    assert_eq!(export.num_calls, Some(301));
    assert_eq!(export.billed_minutes, Some(10));
    assert_eq!(export.filter_parameters.len(), 3);
}

#[tokio::test]
async fn download_reads_a_gzip_file_without_sending_credentials() {
    let (server, client) = setup().await;
    let export = export_on(&server, &client, 38647).await;
    let file = server
        .mock_async(|when, then| {
            file_request(when);
            then.status(200)
                .header("content-type", "application/x-gzip")
                .body(gzip(CSV));
        })
        .await;
    let records: Vec<CdrRecord> = client.cdrs().download(&export).try_collect().await.unwrap();
    file.assert_async().await;
    assert_sample(&records);
}

#[tokio::test]
async fn download_reads_a_plain_csv_file_too() {
    let (server, client) = setup().await;
    let export = export_on(&server, &client, 38647).await;
    let file = server
        .mock_async(|when, then| {
            file_request(when);
            then.status(200)
                .header("content-type", "text/csv")
                .body(CSV);
        })
        .await;
    let records: Vec<CdrRecord> = client.cdrs().download(&export).try_collect().await.unwrap();
    file.assert_async().await;
    assert_sample(&records);
}

#[tokio::test]
async fn download_sends_nothing_until_polled() {
    let (server, client) = setup().await;
    let export = export_on(&server, &client, 38647).await;
    let file = server
        .mock_async(|when, then| {
            file_request(when);
            then.status(200).body(gzip(CSV));
        })
        .await;
    let stream = client.cdrs().download(&export);
    assert_eq!(file.calls_async().await, 0);
    let mut stream = std::pin::pin!(stream);
    assert!(stream.next().await.unwrap().is_ok());
    assert_eq!(file.calls_async().await, 1);
}

#[tokio::test]
async fn download_of_an_export_without_a_url_looks_it_up_again_first() {
    let (server, client) = setup().await;
    let created = server
        .mock_async(|when, then| {
            request(when, POST, "/v2/cdrs/exports");
            then.status(201)
                .json_body(json!({"data": processing_json(38647)}));
        })
        .await;
    let url = server.url(format!(
        "{FILE_PATH}?X-Amz-Expires=259200&X-Amz-Signature=beb0e34b"
    ));
    let status = server
        .mock_async(|when, then| {
            query_count(request(when, GET, "/v2/cdrs/exports/38647"), 0);
            then.status(200)
                .json_body(json!({"data": completed_json(38647, &url)}));
        })
        .await;
    let file = server
        .mock_async(|when, then| {
            file_request(when);
            then.status(200).body(gzip(CSV));
        })
        .await;
    let export = client.cdrs().create(january()).await.unwrap();
    created.assert_async().await;
    assert_eq!(export.download_url, None);
    let records: Vec<CdrRecord> = client.cdrs().download(&export).try_collect().await.unwrap();
    status.assert_async().await;
    file.assert_async().await;
    assert_sample(&records);
}

#[tokio::test]
async fn download_of_an_export_still_processing_says_to_wait() {
    let (server, client) = setup().await;
    let status = server
        .mock_async(|when, then| {
            request(when, GET, "/v2/cdrs/exports/38647");
            then.status(200)
                .json_body(json!({"data": processing_json(38647)}));
        })
        .await;
    let export = client.cdrs().get("38647").await.unwrap();
    let results: Vec<Result<CdrRecord, Error>> = client.cdrs().download(&export).collect().await;
    assert_eq!(
        status.calls_async().await,
        2,
        "looked up once by get, once more by download"
    );
    assert_eq!(results.len(), 1);
    let e = results[0].as_ref().unwrap_err();
    assert!(matches!(e, Error::InvalidInput { .. }), "{e:?}");
    assert!(
        e.to_string().contains("export 38647 is `processing`"),
        "{e}"
    );
}

#[tokio::test]
async fn a_malformed_row_is_an_error_after_the_good_rows_and_later_rows_still_come() {
    let (server, client) = setup().await;
    let export = export_on(&server, &client, 38647).await;
    let lines: Vec<&str> = CSV.lines().collect();
    let body = format!(
        "{}\n{}\n{}\nInbound,2019-06-25 18:18:00+00,not a time\n{}\n",
        lines[0], lines[1], lines[2], lines[3]
    );
    server
        .mock_async(|when, then| {
            file_request(when);
            then.status(200).body(gzip(&body));
        })
        .await;
    let results: Vec<Result<CdrRecord, Error>> = client.cdrs().download(&export).collect().await;
    assert_eq!(results.len(), 4);
    assert!(results[0].is_ok() && results[1].is_ok());
    let e = results[2].as_ref().unwrap_err();
    assert!(
        matches!(e, Error::Decode(d) if d.path == "row 3" && d.operation == "download_cdr_export"),
        "{e:?}"
    );
    assert!(
        e.to_string()
            .contains("has 3 fields where the header has 25 columns"),
        "{e}"
    );
    assert_eq!(
        results[3].as_ref().unwrap().number_alias.as_deref(),
        Some("Office Line 1")
    );
}

#[tokio::test]
async fn an_expired_link_reports_the_storage_hosts_answer() {
    let (server, client) = setup().await;
    let export = export_on(&server, &client, 38647).await;
    server
        .mock_async(|when, then| {
            file_request(when);
            then.status(403)
                .header("x-amz-request-id", "4442587FB7D0A2F9")
                .header("content-type", "application/xml")
                .body("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>");
        })
        .await;
    let results: Vec<Result<CdrRecord, Error>> = client.cdrs().download(&export).collect().await;
    assert_eq!(results.len(), 1);
    let e = results[0].as_ref().unwrap_err();
    assert_eq!(e.status().map(|s| s.as_u16()), Some(403));
    let api = e.api().unwrap();
    assert_eq!(api.operation, "download_cdr_export");
    assert_eq!(api.request_id.as_deref(), Some("4442587FB7D0A2F9"));
    assert!(
        api.body_excerpt
            .as_deref()
            .unwrap()
            .contains("Request has expired")
    );
    assert!(!e.is_transient() && !e.is_safe_to_retry());
}

#[tokio::test]
async fn a_download_url_that_is_not_https_is_not_followed() {
    let (server, client) = setup().await;
    let status = server
        .mock_async(|when, then| {
            request(when, GET, "/v2/cdrs/exports/38647");
            then.status(200).json_body(json!({"data": completed_json(38647, "http://flowroute-cdrexports.example.com/a.gz")}));
        })
        .await;
    let export = client.cdrs().get(38647.to_string()).await.unwrap();
    let results: Vec<Result<CdrRecord, Error>> = client.cdrs().download(&export).collect().await;
    status.assert_async().await;
    assert_eq!(results.len(), 1);
    let e = results[0].as_ref().unwrap_err();
    assert!(
        matches!(e, Error::Protocol { .. }) && e.to_string().contains("only https is followed"),
        "{e}"
    );
}

#[tokio::test]
async fn invalid_filters_ids_and_urls_never_reach_the_server() {
    let (server, client) = setup().await;
    let any = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(500);
        })
        .await;
    let cdrs = client.cdrs();
    let t = |h| Utc.with_ymd_and_hms(2019, 1, 1, h, 0, 0).unwrap();
    let same_second = t(1) + chrono::Duration::milliseconds(500);
    let cases: Vec<(&str, Result<CdrExport, Error>)> = vec![
        ("time window", cdrs.create(CdrFilter::new(t(2), t(1))).await),
        ("time window", cdrs.create(CdrFilter::new(t(1), t(1))).await),
        (
            "time window",
            cdrs.create(CdrFilter::new(t(1), same_second)).await,
        ),
        (
            "number_aliases",
            cdrs.create(january().number_aliases(Vec::<String>::new()))
                .await,
        ),
        (
            "custom_x_tags",
            cdrs.create(january().custom_x_tags(["a", " "])).await,
        ),
        (
            "destination_numbers",
            cdrs.create(january().destination_numbers(["206-555-1234"]))
                .await,
        ),
        (
            "callerid_numbers",
            cdrs.create(january().callerid_numbers(["+"])).await,
        ),
        (
            "duration_greater_than",
            cdrs.create(january().duration_greater_than(Duration::from_millis(1500)))
                .await,
        ),
        (
            "callback_url",
            cdrs.create(january())
                .callback_url("ftp://myserver.com/cdrs")
                .await,
        ),
        (
            "callback_url",
            cdrs.create(january())
                .callback_url("myserver.com/cdrs")
                .await,
        ),
        ("CDR export id", cdrs.get("abc").await),
        ("CDR export id", cdrs.get("1/2").await),
    ];
    for (field, case) in cases {
        match case {
            Err(Error::InvalidInput { field: f, .. }) => assert_eq!(f, field),
            other => panic!("{field}: {other:?}"),
        }
    }
    let list = cdrs.list().limit(201).page().await;
    assert!(
        matches!(list, Err(Error::InvalidInput { field: "limit", .. })),
        "{list:?}"
    );
    assert_eq!(any.calls_async().await, 0);
}

#[tokio::test]
async fn list_accepts_the_python_readmes_wrapped_items_and_quoted_ids() {
    let (server, client) = setup().await;
    let mock = server
        .mock_async(|when, then| {
            request(when, GET, "/v2/cdrs/exports");
            then.status(200).json_body(json!({
                "data": [
                    {"data": {"id": "38647", "type": "cdrexport", "attributes": {"status": "completed"}}},
                    {"id": 38648, "type": "cdrexport", "attributes": {"status": "processing"}}
                ],
                "links": {"next": "http://cdr-api/cdrs/exports?offset=2&limit=2"}
            }));
        })
        .await;
    let page = client.cdrs().list().limit(2).page().await.unwrap();
    mock.assert_async().await;
    let ids: Vec<&str> = page.items.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["38647", "38648"]);
    assert_eq!(page.items[0].status, CdrExportStatus::Completed);
    assert_eq!(page.items[1].status, CdrExportStatus::Processing);
    assert_eq!(page.next_offset, Some(2));
}
