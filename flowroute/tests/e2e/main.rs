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
