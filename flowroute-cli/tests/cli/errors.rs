//! Failures: each documented exit code, with a one-line message saying what
//! to do; and the credentials file's rules.

use crate::{Sim, WA, bare, no_secret, scratch, texts};
use flowroute_sim::{Fault, FaultBody, FaultRule};
use predicates::prelude::*;

fn one_line_error(stderr: &str) -> &str {
    let line = stderr
        .lines()
        .find(|l| l.starts_with("error: "))
        .unwrap_or_else(|| panic!("{stderr}"));
    assert_eq!(
        stderr.lines().filter(|l| l.starts_with("error")).count(),
        1,
        "{stderr}"
    );
    line
}

#[test]
fn each_kind_of_failure_has_its_exit_code() {
    let sim = Sim::start();
    // 2: usage.
    sim.cmd().args(["numbers", "frobnicate"]).assert().code(2);
    sim.cmd()
        .args(["messages", "list", "--since", "yesterday"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a time"));
    // 5: refused by the SDK before sending.
    let out = sim.cmd().args(["numbers", "get", "12"]).output().unwrap();
    assert_eq!(out.status.code(), Some(5));
    let line = one_line_error(&texts(&out).1).to_string();
    assert!(
        line.contains("invalid phone number") && line.contains("nothing was sent"),
        "{line}"
    );
    sim.cmd()
        .args([
            "messages",
            "send",
            "--from",
            WA,
            "--to",
            "12065550100",
            "--body",
            "x",
            "--media",
            "ftp://x",
        ])
        .assert()
        .code(5);
    // 3: refused by Flowroute.
    let out = sim
        .cmd()
        .args(["numbers", "get", "12069999999"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let line = one_line_error(&texts(&out).1).to_string();
    assert!(
        line.contains("404") && line.contains("check the number or id"),
        "{line}"
    );
    // 4: Flowroute failed.
    let fault = Fault::Status {
        status: 500,
        body: FaultBody::Json,
    };
    sim.sim()
        .add_fault(FaultRule {
            method: None,
            path: "/v2/routes".into(),
            count: 1,
            fault,
        })
        .unwrap();
    let out = sim.cmd().args(["routes", "list"]).output().unwrap();
    assert_eq!(out.status.code(), Some(4));
    assert!(one_line_error(&texts(&out).1).contains("500"));
    // A failed change that may have happened says so.
    let fault = Fault::Status {
        status: 500,
        body: FaultBody::Json,
    };
    sim.sim()
        .add_fault(FaultRule {
            method: None,
            path: "/v2/routes".into(),
            count: 1,
            fault,
        })
        .unwrap();
    sim.cmd()
        .args([
            "routes",
            "create",
            "host",
            "pbx.example.com",
            "--alias",
            "x",
        ])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("may have gone through"));
}

#[test]
fn wrong_keys_are_a_refusal_that_never_shows_the_secret() {
    let sim = Sim::start();
    let out = sim
        .cmd()
        .env("FR_SECRET_KEY", "wrong-secret")
        .args(["numbers", "list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let (stdout, stderr) = texts(&out);
    assert!(
        one_line_error(&stderr).contains("check the access and secret keys"),
        "{stderr}"
    );
    assert!(!stdout.contains("wrong-secret") && !stderr.contains("wrong-secret"));
}

#[test]
fn without_credentials_the_tool_says_where_to_put_them() {
    bare()
        .args(["numbers", "list"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("FR_ACCESS_KEY").and(predicate::str::contains("--sim")));
}

#[cfg(unix)]
#[test]
fn a_profile_is_read_only_from_a_private_file() {
    use std::os::unix::fs::PermissionsExt;
    let sim = Sim::start();
    let file = scratch("credentials");
    std::fs::write(
        &file,
        format!(
            "[default]\naccess_key = \"nobody\"\nsecret_key = \"nothing\"\n\n[sim]\naccess_key = \"{}\"\nsecret_key = \"{}\"\nbase_url = \"{}\"\n",
            sim.sim().access_key(),
            sim.sim().secret_key(),
            sim.sim().base_url()
        ),
    )
    .unwrap();
    let run = |profile: &str| {
        bare()
            .env("FLOWROUTE_CREDENTIALS", &file)
            .args(["--profile", profile, "numbers", "list", "--output", "json"])
            .output()
            .unwrap()
    };
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = run("sim");
    assert_eq!(out.status.code(), Some(1));
    assert!(texts(&out).1.contains("chmod 600"), "{}", texts(&out).1);
    assert!(sim.requests().is_empty());

    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = run("sim");
    let (stdout, stderr) = texts(&out);
    assert!(out.status.success(), "{stderr}");
    no_secret(&stdout, &stderr);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&stdout)
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        2
    );
    // The environment names the profile too.
    bare()
        .env("FLOWROUTE_CREDENTIALS", &file)
        .env("FLOWROUTE_PROFILE", "staging")
        .args(["numbers", "list"])
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("profile `staging` is not in")
                .and(predicate::str::contains("default, sim")),
        );
}
