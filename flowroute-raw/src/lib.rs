//! The generated low-level client for the Flowroute API.
//!
//! This crate is progenitor's output for `openapi/flowroute.yaml`, produced at
//! build time. It is the escape hatch under the [`flowroute`](https://docs.rs/flowroute)
//! crate: every operation is here as a builder (`client.list_inbound_routes().limit(5).send()`),
//! every schema as a type in [`types`]. Prefer `flowroute`, which validates input,
//! paginates, retries safely and has one error type.
//!
//! What is hand-written here is small: [`Inner`] and the hooks that restore
//! Flowroute's `application/vnd.api+json` headers and hand each request to an
//! [`Execute`], and the [`open_enum`](open_enums) shape used by every server-chosen enum.
//!
//! [`OPERATIONS`] is the spec's per-operation facts as data: method, path, media
//! types, [`RetryClass`] (`x-retry-class`) and, for lists, the documented
//! page-size maximum. The `flowroute` crate reads them from here only.

#![forbid(unsafe_code)]

mod hooks;
mod open_enum;

pub use hooks::{BoxFuture, Execute, Inner, operation};
pub(crate) use open_enum::open_enum;

/// One operation of the spec, with the media types it uses on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OperationSpec {
    /// `operationId`, which is also the name of the generated method.
    pub id: &'static str,
    /// Upper-case HTTP method.
    pub method: &'static str,
    /// Path template, such as `/v2/numbers/{number_id}`.
    pub path: &'static str,
    /// The resource family (the spec's tag).
    pub tag: &'static str,
    /// `Content-Type` of the request body, when the operation has one.
    pub content_type: Option<&'static str>,
    /// `Accept` sent with the request.
    pub accept: &'static str,
    /// Whether a failed request may be sent again (`x-retry-class`).
    pub retry: RetryClass,
    /// Which documented rate limit the operation counts against (`x-rate-limit`).
    pub rate_limit: RateLimit,
    /// `Some` for a list, paged with `offset` and `limit`.
    pub paging: Option<Paging>,
}

/// What repeating an operation does, from its `x-retry-class` in the spec,
/// where the reason for each choice that is not obvious is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RetryClass {
    /// Changes nothing on the account: every `GET`, and the `POST`s the spec
    /// confirms with `x-read-only-because` (checks that save nothing).
    Read,
    /// Changes the account, but the same way however often it runs (setting a
    /// value, assigning or removing an assignment).
    Idempotent,
    /// Repeated after Flowroute processed it, it would be done twice (a second
    /// route) or fail confusingly (a 404 after a delete).
    NotIdempotent,
    /// Repeated, it could send a second message or buy a second number.
    Never,
}

/// Which of Flowroute's documented rate limits an operation counts against,
/// from its `x-rate-limit` in the spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RateLimit {
    /// No documented figure (no `x-rate-limit`).
    General,
    /// A message send: 5 SMS and 1 MMS a second per access key.
    MessageSend,
}

/// How a list operation pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    /// The largest `limit` Flowroute documents (the `maximum` of the spec's
    /// `limit` parameter), `None` where it documents none.
    pub page_size_max: Option<u32>,
}

#[allow(missing_docs, clippy::all)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/codegen.rs"));
}
pub use generated::*;

#[cfg(test)]
mod example_check;

#[cfg(test)]
#[path = "../build/rustfmt.rs"]
mod rustfmt;

#[cfg(test)]
mod snapshot {
    /// The committed review copy must be exactly what the build script produced
    /// from the committed spec, through rustfmt; `cargo xtask regen` rewrites it.
    ///
    /// The copy is read at run time, not included, because the published
    /// package leaves it out (it is for review): the test then has nothing to
    /// compare. In the repository (the workspace's `openapi/` is next to this
    /// crate) a missing copy is a failure.
    #[test]
    fn committed_snapshot_matches_the_generated_code() {
        let crate_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let committed = match std::fs::read_to_string(crate_dir.join("generated/flowroute.rs")) {
            Ok(text) => text,
            Err(e) if crate_dir.join("../openapi/flowroute.yaml").exists() => {
                panic!("generated/flowroute.rs: {e}: run `cargo xtask regen`")
            }
            Err(_) => {
                eprintln!("no generated/flowroute.rs (a packaged crate): nothing to compare");
                return;
            }
        };
        let fresh =
            super::rustfmt::format(include_str!(concat!(env!("OUT_DIR"), "/codegen.rs"))).unwrap();
        if fresh != committed {
            let line = fresh
                .lines()
                .zip(committed.lines())
                .take_while(|(a, b)| a == b)
                .count()
                + 1;
            panic!("generated/flowroute.rs is stale from line {line}: run `cargo xtask regen`");
        }
    }

    #[test]
    fn the_hooks_know_every_operation() {
        assert!(!crate::OPERATIONS.is_empty());
        for op in crate::OPERATIONS {
            assert_eq!(crate::operation(op.id), Some(op));
        }
        assert_eq!(crate::operation("no_such_operation"), None);
    }
}
