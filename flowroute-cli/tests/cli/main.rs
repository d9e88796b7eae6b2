//! End to end: the `flowroute` binary against a simulator started in the
//! test, reached through `FLOWROUTE_BASE_URL` on 127.0.0.1 only.

mod account;
mod changes;
mod errors;
mod messaging;
mod tools;

use assert_cmd::Command;
use flowroute_sim::{RequestRecord, Simulator};
use serde_json::Value;
use std::path::PathBuf;

/// A simulator on its own runtime, so that tests can run the binary with
/// plain blocking calls while it serves.
pub struct Sim {
    sim: Option<Simulator>,
    runtime: tokio::runtime::Runtime,
}

impl Sim {
    pub fn start() -> Sim {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let sim = runtime.block_on(Simulator::start()).unwrap();
        Sim {
            sim: Some(sim),
            runtime,
        }
    }

    pub fn sim(&self) -> &Simulator {
        self.sim.as_ref().unwrap()
    }

    /// The binary, pointed at this simulator and nothing else: no
    /// credentials file of the machine is read.
    pub fn cmd(&self) -> Command {
        let mut cmd = bare();
        cmd.env("FLOWROUTE_BASE_URL", self.sim().base_url())
            .env("FR_ACCESS_KEY", self.sim().access_key())
            .env("FR_SECRET_KEY", self.sim().secret_key());
        cmd
    }

    /// Runs a command with `--output json --yes`, checks that it succeeded
    /// and never showed the secret, and parses its output.
    pub fn json(&self, args: &[&str]) -> Value {
        let out = self
            .cmd()
            .args(args)
            .args(["--output", "json", "--yes"])
            .output()
            .unwrap();
        let (stdout, stderr) = texts(&out);
        assert!(out.status.success(), "{args:?}: {stderr}");
        no_secret(&stdout, &stderr);
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{args:?}: {e}: {stdout}"))
    }

    pub fn requests(&self) -> Vec<RequestRecord> {
        self.sim().requests()
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        if let Some(sim) = self.sim.take() {
            self.runtime.block_on(sim.shutdown());
        }
    }
}

/// The binary with an environment of its own: no keys, no profile, and a
/// credentials file path that does not exist.
pub fn bare() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_flowroute"));
    for var in [
        "FR_ACCESS_KEY",
        "FR_SECRET_KEY",
        "FLOWROUTE_BASE_URL",
        "FLOWROUTE_PROFILE",
        "FLOWROUTE_WEBHOOK_TOKEN",
        "XDG_CONFIG_HOME",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("FLOWROUTE_CREDENTIALS", scratch("no-such-credentials"));
    cmd
}

pub fn texts(out: &std::process::Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The simulator's secret key appears in nothing the tool prints.
pub fn no_secret(stdout: &str, stderr: &str) {
    let secret = flowroute_sim::SIM_SECRET_KEY;
    assert!(
        !stdout.contains(secret) && !stderr.contains(secret),
        "the secret was printed"
    );
}

/// A path under the target directory, unique to this process.
pub fn scratch(name: &str) -> PathBuf {
    let dir =
        PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// The simulator's two starting numbers (default seed).
pub const NJ: &str = "12012840350";
pub const WA: &str = "12063060033";
