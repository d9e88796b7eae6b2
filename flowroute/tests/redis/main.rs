//! The `redis` feature's stores: against a server that is not there (these
//! run with the rest of the suite), and against a real `redis-server`
//! started on a free loopback port (ignored unless asked for: run them with
//! `cargo xtask test-redis`, which checks that `redis-server` is installed).

mod dedupe;
mod outage;
mod permits;
mod support;
mod unreachable;
