//! The client against a strict simulator, which accepts only the requests
//! Flowroute documents where its official clients send others (see
//! flowroute-sim's README, "Compatibility"): every flow passes there as on
//! a default one, so the client sends nothing but documented shapes. And
//! the CDR export list, answered flat in strict mode and with each item
//! wrapped in `{"data": …}` by default (as Flowroute's captured example
//! shows), decodes the same in both.

use crate::support::*;
use flowroute::cdrs::{CdrExportStatus, CdrFilter};
use flowroute::chrono::{DateTime, Duration as Days, Utc};
use flowroute_sim::{SIM_ACCESS_KEY, SIM_SECRET_KEY};

async fn env(strict: bool) -> Env {
    let sim = fast_sim()
        .strict(strict)
        .start()
        .await
        .expect("the simulator starts");
    let client = flowroute::Client::builder()
        .credentials(SIM_ACCESS_KEY, SIM_SECRET_KEY)
        .base_url(sim.base_url())
        .build()
        .expect("a loopback base URL is accepted");
    Env { sim, client }
}

#[tokio::test]
async fn every_flow_passes_on_a_strict_simulator() {
    let env = env(true).await;
    macro_rules! run {
        ($($flow:path),+) => {$(
            $flow(&env).await;
            // Only an undocumented body would be a 415 (or a 404 for the
            // singular CNAM paths); the flows check every other answer.
            let refused: Vec<_> = env
                .sim
                .requests()
                .into_iter()
                .filter(|r| r.status == Some(415) || r.path.split('/').any(|s| s == "cnam"))
                .collect();
            assert!(refused.is_empty(), "{}: {refused:#?}", stringify!($flow));
            env.sim.reset();
            assert!(env.sim.is_strict(), "a reset keeps the builder's mode");
        )+};
    }
    every_flow!(run);
}

#[tokio::test]
async fn cdr_export_lists_decode_flat_and_wrapped() {
    for strict in [false, true] {
        let env = env(strict).await;
        let end = DateTime::from_timestamp(Utc::now().timestamp(), 0).unwrap();
        let cdrs = env.client.cdrs();
        let export = cdrs
            .create(CdrFilter::new(end - Days::days(7), end))
            .await
            .unwrap();

        // The shape on the wire in this mode.
        let raw: serde_json::Value = reqwest::Client::new()
            .get(format!("{}/v2/cdrs/exports", env.sim.base_url()))
            .basic_auth(SIM_ACCESS_KEY, Some(SIM_SECRET_KEY))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let item = &raw["data"][0];
        assert_eq!(
            item.get("data").is_some(),
            !strict,
            "strict {strict}: {raw:#}"
        );

        let listed = cdrs.list().all().await.unwrap();
        assert_eq!(listed.len(), 1, "strict {strict}");
        assert_eq!(listed[0].id, export.id);
        assert_eq!(
            listed[0].status,
            CdrExportStatus::Completed,
            "listing completes it"
        );
        assert!(
            listed[0].download_url.is_some(),
            "strict {strict}: {listed:?}"
        );
    }
}
