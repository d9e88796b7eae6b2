//! Maintainer tasks: `cargo xtask regen [--check]`, `cargo xtask check-wrapper`,
//! `cargo xtask check-cli`,
//! `cargo xtask check-snippets`, `cargo xtask lint FILE`,
//! `cargo xtask drift [UPSTREAM_SPEC…]`,
//! `cargo xtask build-cost [--baseline REV] [--rounds N]` and
//! `cargo xtask test-redis [TEST FILTER…]`.
//!
//! xtask never links progenitor (the generator would compile twice); generation
//! happens only in `flowroute-raw/build.rs`, and xtask collects its output.

#[path = "../../flowroute-raw/build/lint.rs"]
mod lint;
#[path = "../../flowroute-raw/build/rustfmt.rs"]
mod rustfmt;

mod build_cost;
mod cli_table;
mod diff;
mod drift;
#[cfg(test)]
mod lint_tests;
mod regen;
mod snippets;
mod test_redis;
mod wrapper;

use std::{path::PathBuf, process::ExitCode};

const USAGE: &str = "usage:
  cargo xtask regen            rewrite everything derived from openapi/ (spec copy, generated snapshot)
  cargo xtask regen --check    fail with a diff when anything derived from openapi/ is stale
  cargo xtask check-wrapper    fail when the flowroute crate's list declarations and the spec's
                               lists disagree, or an operation has no retry class
  cargo xtask check-cli        fail when a spec operation has no command of the flowroute CLI
                               (flowroute-cli/src/operations.rs), or the table one the spec lacks
  cargo xtask check-snippets   build every README and crate-doc snippet in a user's crate
                               (flowroute, flowroute-sim and tokio only), naming failures
  cargo xtask lint FILE        run the spec lint (what build.rs checks) on any OpenAPI file
  cargo xtask drift [SPEC…]    list spec operations the flowroute crate does not wrap, and
                               operations of the given upstream specs missing from ours
  cargo xtask build-cost [--baseline REV] [--rounds N]
                               clean-build a one-line flowroute consumer beside the same at
                               REV (default a59bd69) and a reqwest+serde+tokio one; print
                               the README's build-cost tables (needs ~3 GB under $TMPDIR)
  cargo xtask test-redis [ARG…]
                               run the `redis` feature's tests against a real redis-server
                               (which must be on PATH; each test starts its own on a free
                               loopback port); ARGs go to the test binary, e.g. a filter";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = workspace_root();
    let result = match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["regen"] => regen::run(&root, regen::Mode::Write),
        ["regen", "--check"] => regen::run(&root, regen::Mode::Check),
        ["check-wrapper"] => wrapper::run(&root),
        ["check-cli"] => cli_table::run(&root),
        ["check-snippets"] => snippets::run(&root),
        ["drift", upstream @ ..] => drift::run(&root, upstream),
        ["lint", file] => lint_file(file),
        ["build-cost", rest @ ..] => build_cost::run(&root, rest),
        ["test-redis", rest @ ..] => test_redis::run(&root, rest),
        _ => Err(USAGE.to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

fn lint_file(file: &str) -> Result<(), String> {
    let text = std::fs::read_to_string(file).map_err(|e| format!("{file}: {e}"))?;
    let problems = lint::lint(&parse_yaml(&text)?);
    if problems.is_empty() {
        println!("{file}: no problems");
        Ok(())
    } else {
        Err(format!("{file}:\n  {}", problems.join("\n  ")))
    }
}

/// Reads an OpenAPI YAML document as the lint's JSON value; YAML errors (a
/// duplicate key among them) name their position.
fn parse_yaml(text: &str) -> Result<serde_json::Value, String> {
    let yaml: serde_yaml_ng::Value =
        serde_yaml_ng::from_str(text).map_err(|e| format!("spec is not valid YAML: {e}"))?;
    serde_json::to_value(&yaml).map_err(|e| format!("spec has no JSON form: {e}"))
}

fn workspace_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest
        .parent()
        .expect("xtask lives in the workspace root")
        .to_path_buf()
}
