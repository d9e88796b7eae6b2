//! End to end: the `flowroute` client against a started `flowroute-sim`, over
//! real HTTP on 127.0.0.1. Each flow checks what the account looks like after
//! each step, not only that the calls succeed; the request log proves that the
//! flows together exercise every operation of the spec; the `receiver` feature
//! adds real webhooks (delivery receipts, inbound SMS, retries) POSTed by the
//! simulator to a `flowroute::webhooks::Receiver` served with axum.
//!
//! Every delay is a few milliseconds, so the whole target runs in well under 5 s.
//!
//! One module per family of flows, each with its tests; `coverage` runs them
//! all on one simulator; `support` holds what they share.

mod support;

/// Calls the macro `$run` with every flow, in order: the coverage and the
/// strict-mode runs walk the same list.
macro_rules! every_flow {
    ($run:ident) => {
        $run!(
            crate::numbers::numbers_flow,
            crate::routes::routes_flow,
            crate::messaging::messaging_flow,
            crate::messaging::callback_urls_flow,
            crate::messaging_v2_2::messaging_v2_2_flow,
            crate::e911::e911_flow,
            crate::cnam::cnam_flow,
            crate::cdrs::cdr_flow,
            crate::porting::porting_flow
        );
    };
}

mod cdrs;
mod cnam;
mod coverage;
mod e911;
mod messaging;
mod messaging_v2_2;
mod numbers;
mod pagination;
mod porting;
mod routes;
mod strict;
#[cfg(feature = "receiver")]
mod webhooks;
