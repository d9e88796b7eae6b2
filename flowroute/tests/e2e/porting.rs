//! Portability checks and port orders.

use crate::support::*;
use flowroute::PhoneNumber;

/// Portability: a number of the account is on the HyperNetwork and portable, a
/// fictional 555 number is not portable; the account has no port orders.
pub(crate) async fn porting_flow(env: &Env) {
    let number = env.first_number().await;
    let outside: PhoneNumber = "14252081174".parse().unwrap();
    let fictional: PhoneNumber = "12065550100".parse().unwrap();
    let report = env
        .client
        .porting()
        .check([&number, &outside, &fictional])
        .await
        .unwrap();
    assert!(
        report.portable.contains(&number) && report.portable.contains(&outside),
        "{report:?}"
    );
    assert!(report.hypernetwork_enabled.contains(&number), "{report:?}");
    assert_eq!(report.nonportable, vec![fictional], "{report:?}");
    assert!(
        env.client
            .porting()
            .orders()
            .all()
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn portability_is_checked_and_port_orders_listed() {
    porting_flow(&Env::start().await).await;
}
