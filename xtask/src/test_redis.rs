//! `cargo xtask test-redis`: the `redis` feature's tests against a real
//! `redis-server`, which the README's test command cannot assume a machine
//! has. The tests start their own server on a free loopback port and kill
//! it by its PID; this only checks that one can be started, and runs them.

use std::{
    env,
    path::{Path, PathBuf},
    process::Command,
};

const MISSING: &str = "redis-server is not on PATH. `cargo xtask test-redis` starts its own \
     Redis on a free loopback port (nothing on disk) and needs the server binary, Redis 5 or \
     later (or Valkey's redis-server):
  Debian, Ubuntu:  apt-get install redis-server
  Fedora:          dnf install redis
  macOS:           brew install redis";

pub fn run(root: &Path, extra: &[&str]) -> Result<(), String> {
    let server = on_path("redis-server").ok_or_else(|| MISSING.to_string())?;
    let version = Command::new(&server)
        .arg("--version")
        .output()
        .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_string())
        .unwrap_or_default();
    println!("test-redis: {} ({version})", server.display());
    let cargo = env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    // The README's feature set, so that the main test run's build is reused;
    // one test at a time, since several of them measure time.
    let status = Command::new(cargo)
        .current_dir(root)
        .args(["test", "--workspace", "--all-features", "--test", "redis"])
        .args(["--", "--include-ignored", "--test-threads=1", "--nocapture"])
        .args(extra)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("the Redis tests failed ({status})"))
    }
}

/// The first executable called `name` in a `PATH` directory.
fn on_path(name: &str) -> Option<PathBuf> {
    let path = env::var_os("PATH")?;
    env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|file| is_executable(file))
}

#[cfg(unix)]
fn is_executable(file: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    file.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(file: &Path) -> bool {
    file.is_file()
}
