//! CDR exports: created, completed, downloaded as typed records.

use crate::support::*;
use flowroute::cdrs::{CallDirection, CdrExportStatus, CdrFilter};
use flowroute::chrono::{DateTime, Duration as Days, Utc};
use futures_util::TryStreamExt;

/// CDR export: create, poll until completed, list by status, download the
/// file and read typed records that agree with the export's totals.
pub(crate) async fn cdr_flow(env: &Env) {
    let cdrs = env.client.cdrs();
    let end = DateTime::from_timestamp(Utc::now().timestamp(), 0).unwrap();
    let start = end - Days::days(7);
    let export = cdrs.create(CdrFilter::new(start, end)).await.unwrap();
    assert_eq!(export.status, CdrExportStatus::Processing);
    assert_eq!(export.download_url, None, "no file before completion");
    assert!(
        export
            .filter_parameters
            .contains_key("start_call_start_time"),
        "{export:?}"
    );

    let done = eventually("the CDR export to complete", || async {
        let now = cdrs.get(&export.id).await.unwrap();
        (now.status == CdrExportStatus::Completed).then_some(now)
    })
    .await;
    assert_eq!(done.id, export.id);
    assert!(
        done.download_url.is_some() && done.expires_at.is_some(),
        "{done:?}"
    );
    let calls = done.num_calls.expect("a completed export counts its calls");

    let listed = cdrs.list().all().await.unwrap();
    assert!(listed.iter().any(|e| e.id == export.id), "{listed:?}");
    let completed = cdrs
        .list()
        .status(CdrExportStatus::Completed)
        .all()
        .await
        .unwrap();
    assert!(completed.iter().any(|e| e.id == export.id), "{completed:?}");
    let processing = cdrs
        .list()
        .status(CdrExportStatus::Processing)
        .all()
        .await
        .unwrap();
    assert!(
        processing.iter().all(|e| e.id != export.id),
        "{processing:?}"
    );

    let records: Vec<_> = cdrs.download(&done).try_collect().await.unwrap();
    assert!(!records.is_empty(), "the simulated account made calls");
    assert_eq!(records.len() as i64, calls, "the file holds num_calls rows");
    let own: Vec<String> = env
        .account_numbers()
        .await
        .iter()
        .map(|n| n.to_string())
        .collect();
    let mut billed_seconds = 0;
    for call in &records {
        let began = call.start_time.expect("start_time");
        assert!(
            start <= began && began <= end,
            "{began} is outside the window"
        );
        assert!(call.end_time.expect("end_time") >= began);
        let ours = match call.direction.as_ref().expect("direction") {
            CallDirection::Inbound => call.destination.clone(),
            CallDirection::Outbound => call
                .callerid
                .as_deref()
                .map(|c| c.trim_start_matches('+').into()),
            other => panic!("unexpected direction {other}"),
        };
        assert!(
            ours.is_some_and(|n| own.contains(&n)),
            "{call:?} is not on the account"
        );
        let (duration, billed) = (call.duration.unwrap(), call.billed_duration.unwrap());
        assert!(billed >= duration, "{call:?}");
        billed_seconds += billed.as_secs();
    }
    assert_eq!(
        done.billed_minutes,
        Some(billed_seconds.div_ceil(60) as i64)
    );
}

#[tokio::test]
async fn a_cdr_export_completes_and_downloads_as_typed_records() {
    cdr_flow(&Env::start().await).await;
}
