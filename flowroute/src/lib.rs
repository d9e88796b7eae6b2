//! The Flowroute API client. The handwritten layer over `flowroute-raw` lands next.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub use flowroute_raw as raw;
