//! The committed snapshot's layout: the generated code through rustfmt.
//!
//! build.rs leaves its output unformatted so that no formatter (prettyplease and
//! the `syn` it brings) is in a user's build; the review copy is formatted here
//! instead, by xtask and by flowroute-raw's snapshot test, which share this
//! module by `#[path]`.

use std::io::Write as _;
use std::process::{Command, Stdio};

/// `code` as rustfmt (edition 2024, default style) lays it out. `$RUSTFMT`
/// names another rustfmt, as it does for cargo fmt.
pub fn format(code: &str) -> Result<String, String> {
    let rustfmt = std::env::var("RUSTFMT").unwrap_or_else(|_| "rustfmt".into());
    let mut child = Command::new(&rustfmt)
        .args(["--edition", "2024", "--emit", "stdout"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {rustfmt} (rustup component add rustfmt): {e}"))?;
    let mut stdin = child.stdin.take().expect("stdin is piped");
    // Written from another thread: the output fills the pipe long before
    // the input is all written.
    let output = std::thread::scope(|s| {
        s.spawn(move || stdin.write_all(code.as_bytes()));
        child.wait_with_output()
    })
    .map_err(|e| format!("{rustfmt}: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "{rustfmt} failed on the generated code: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    String::from_utf8(output.stdout).map_err(|e| format!("{rustfmt} wrote non-UTF-8: {e}"))
}
