//! The commands around the API: webhooks, the simulator, completions, help.

use crate::{NJ, Sim, bare, texts};
use flowroute_sim::SimulatedMessage;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// A child process killed when the test ends, whatever happens.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The first line of `reader` containing `marker`, within 30 seconds.
fn line_with(reader: impl std::io::Read + Send + 'static, marker: &'static str) -> String {
    let (found, line) = std::sync::mpsc::channel();
    // The reader keeps draining the pipe after the match: a closed pipe
    // would make the child's next write fail.
    std::thread::spawn(move || {
        let mut found = Some(found);
        for line in BufReader::new(reader).lines().map_while(Result::ok) {
            if line.contains(marker)
                && let Some(found) = found.take()
            {
                let _ = found.send(Some(line));
            }
        }
        if let Some(found) = found {
            let _ = found.send(None);
        }
    });
    line.recv_timeout(std::time::Duration::from_secs(30))
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("no line with {marker}"))
}

#[test]
fn webhooks_listen_prints_each_event_the_simulator_posts() {
    let sim = Sim::start();
    let token = "4f7d0c9e2b1a48f6a3c5d7e9b0f2a4c6";
    let mut child = Command::new(env!("CARGO_BIN_EXE_flowroute"))
        .args([
            "webhooks", "listen", "--port", "0", "--count", "1", "--output", "json", "--token",
            token,
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (stdout, stderr) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    let mut child = Running(child);
    let listening = line_with(stderr, "listening on");
    let url = listening
        .split_whitespace()
        .nth(2)
        .unwrap()
        .replace("<token>", token);
    sim.json(&["messages", "callbacks", "set", "sms", &url]);
    sim.sim()
        .inbound(SimulatedMessage::sms("12065550100", NJ, "Hello"))
        .unwrap();
    let event: serde_json::Value = serde_json::from_str(&line_with(stdout, "InboundSms")).unwrap();
    assert_eq!(event["InboundSms"]["body"], "Hello");
    assert!(
        child.0.wait().unwrap().success(),
        "it stops after --count events"
    );
}

#[test]
fn sim_serves_an_account_the_other_commands_can_use() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_flowroute"))
        .args(["sim", "--port", "0"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let _child = Running(child);
    let line = line_with(stdout, "listening on");
    let url = line.rsplit(' ').next().unwrap();
    assert!(url.starts_with("http://127.0.0.1:"), "{line}");
    let out = bare()
        .env("FLOWROUTE_BASE_URL", url)
        .env("FR_ACCESS_KEY", flowroute_sim::SIM_ACCESS_KEY)
        .env("FR_SECRET_KEY", flowroute_sim::SIM_SECRET_KEY)
        .args(["numbers", "list", "--output", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", texts(&out).1);
    assert!(texts(&out).0.contains(NJ));
}

#[test]
fn in_process_simulator_and_operations_and_completions() {
    let out = bare()
        .args(["--sim", "numbers", "list", "--output", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", texts(&out).1);
    assert!(texts(&out).0.contains(NJ));
    assert!(texts(&out).1.contains("using a simulator"));

    let out = bare()
        .args(["operations", "--output", "json"])
        .output()
        .unwrap();
    let table: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        table.as_array().unwrap().len(),
        flowroute_raw::OPERATIONS.len()
    );

    for shell in ["bash", "zsh", "fish"] {
        let out = bare().args(["completions", shell]).output().unwrap();
        assert!(out.status.success());
        assert!(texts(&out).0.contains("send-bulk"), "{shell}");
    }
    let out = bare().args(["numbers", "buy", "--help"]).output().unwrap();
    assert!(texts(&out).0.contains("Example:\n  flowroute numbers buy"));
    bare().args(["sim", "--dry-run"]).assert().code(2);
}

#[test]
fn the_output_of_a_list_can_be_cut_short() {
    let sim = Sim::start();
    // A reader that goes away (`| head -1`) is not a failure.
    let mut child = Command::new(env!("CARGO_BIN_EXE_flowroute"))
        .env("FLOWROUTE_BASE_URL", sim.sim().base_url())
        .env("FR_ACCESS_KEY", sim.sim().access_key())
        .env("FR_SECRET_KEY", sim.sim().secret_key())
        .args(["numbers", "search", "--all", "--output", "ndjson"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let first = BufReader::new(stdout).lines().next().unwrap().unwrap();
    assert!(first.starts_with('{'));
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
