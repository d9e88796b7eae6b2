//! `cargo xtask regen [--check]`: the spec copies inside flowroute-raw (YAML to
//! read, JSON for build.rs) and the committed snapshot of the generated code,
//! all derived from `openapi/`.

use crate::{diff, lint, rustfmt};
use std::{
    fs,
    path::{Path, PathBuf},
    process::{Command, Stdio},
};

/// Rewrite the derived files, or only compare them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Write,
    Check,
}

pub const SPEC: &str = "openapi/flowroute.yaml";
pub const SPEC_COPY: &str = "flowroute-raw/openapi.yaml";
/// What build.rs reads: JSON needs no YAML parser in every user's build.
pub const SPEC_JSON: &str = "flowroute-raw/openapi.json";
pub const SNAPSHOT: &str = "flowroute-raw/generated/flowroute.rs";

pub fn run(root: &Path, mode: Mode) -> Result<(), String> {
    let spec = read(&root.join(SPEC))?;
    let doc = crate::parse_yaml(&spec)?;
    let problems = lint::lint(&doc);
    if !problems.is_empty() {
        return Err(format!("{SPEC}:\n  {}", problems.join("\n  ")));
    }
    let mut stale = Vec::new();
    if let Some(d) = sync(root, SPEC_COPY, &spec, mode)? {
        stale.push(d);
    }
    if let Some(d) = sync(root, SPEC_JSON, &json_copy(&spec)?, mode)? {
        stale.push(d);
    }
    // The build script reads the copy; in check mode a stale copy means the
    // generated code would be compared against the wrong input.
    if stale.is_empty() {
        let generated = generate(root)?;
        if let Some(d) = sync(root, SNAPSHOT, &generated, mode)? {
            stale.push(d);
        }
    }
    match (mode, stale.is_empty()) {
        (Mode::Check, false) => Err(format!(
            "{}\nstale: run `cargo xtask regen` and commit the result",
            stale.join("\n")
        )),
        (Mode::Write, _) => {
            println!("regenerated {SPEC_COPY}, {SPEC_JSON} and {SNAPSHOT}");
            Ok(())
        }
        (Mode::Check, true) => {
            println!("up to date: {SPEC_COPY}, {SPEC_JSON}, {SNAPSHOT}");
            Ok(())
        }
    }
}

/// Writes `fresh` to `rel` (write mode) or returns a diff when it differs (check mode).
pub fn sync(root: &Path, rel: &str, fresh: &str, mode: Mode) -> Result<Option<String>, String> {
    let path = root.join(rel);
    let committed = fs::read_to_string(&path).unwrap_or_default();
    match mode {
        Mode::Check => Ok(diff::describe(rel, &committed, fresh)),
        Mode::Write => {
            if committed != fresh {
                if let Some(dir) = path.parent() {
                    fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
                }
                fs::write(&path, fresh).map_err(|e| format!("{}: {e}", path.display()))?;
            }
            Ok(None)
        }
    }
}

/// The spec as pretty JSON, in the YAML's order (serialising the YAML value
/// keeps its order; status-code keys become strings, as JSON requires).
pub fn json_copy(spec: &str) -> Result<String, String> {
    let yaml: serde_yaml_ng::Value =
        serde_yaml_ng::from_str(spec).map_err(|e| format!("{SPEC}: {e}"))?;
    let mut json =
        serde_json::to_string_pretty(&yaml).map_err(|e| format!("{SPEC} has no JSON form: {e}"))?;
    json.push('\n');
    Ok(json)
}

fn read(path: &Path) -> Result<String, String> {
    fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// Builds with the README's test command's feature set (so nothing is recompiled for
/// xtask's sake) and returns what flowroute-raw's build script generated.
fn generate(root: &Path) -> Result<String, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .current_dir(root)
        .args([
            "test",
            "--workspace",
            "--all-features",
            "--no-run",
            "--message-format=json-render-diagnostics",
        ])
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let out_dir = out_dir_of_raw(&stdout).ok_or_else(|| {
        "flowroute-raw's build script did not run to completion (see the errors above)".to_string()
    })?;
    rustfmt::format(&read(&out_dir.join("codegen.rs"))?)
}

/// The `out_dir` of flowroute-raw from cargo's JSON messages.
fn out_dir_of_raw(messages: &str) -> Option<PathBuf> {
    messages
        .lines()
        .rev()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|m| m["reason"] == "build-script-executed")
        .filter(|m| {
            m["package_id"]
                .as_str()
                .is_some_and(|id| id.contains("/flowroute-raw#") || id.contains("flowroute-raw "))
        })
        .find_map(|m| m["out_dir"].as_str().map(PathBuf::from))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workspace() -> PathBuf {
        crate::workspace_root()
    }

    #[test]
    fn committed_spec_copy_matches_the_spec() {
        let root = workspace();
        let spec = read(&root.join(SPEC)).unwrap();
        assert_eq!(
            sync(&root, SPEC_COPY, &spec, Mode::Check).unwrap(),
            None,
            "run `cargo xtask regen`"
        );
    }

    #[test]
    fn committed_json_copy_matches_the_spec() {
        let root = workspace();
        let spec = read(&root.join(SPEC)).unwrap();
        assert_eq!(
            sync(&root, SPEC_JSON, &json_copy(&spec).unwrap(), Mode::Check).unwrap(),
            None,
            "run `cargo xtask regen`"
        );
    }

    #[test]
    fn a_one_word_edit_of_the_spec_makes_the_check_fail_with_a_diff() {
        let root = workspace();
        let spec = read(&root.join(SPEC)).unwrap();
        let edited = spec.replacen("summary:", "summary: Edited", 1);
        assert_ne!(edited, spec, "the spec has a summary to edit");
        let diff = sync(&root, SPEC_COPY, &edited, Mode::Check)
            .unwrap()
            .expect("stale copy is reported");
        assert!(
            diff.contains("+++ flowroute-raw/openapi.yaml (fresh)"),
            "{diff}"
        );
        assert!(
            diff.lines()
                .any(|l| l.starts_with('+') && l.contains("summary: Edited")),
            "{diff}"
        );
        assert!(
            diff.lines()
                .any(|l| l.starts_with('-') && l.contains("summary:")),
            "{diff}"
        );
    }

    #[test]
    fn finds_the_out_dir_of_flowroute_raw_in_cargo_messages() {
        let messages = r#"{"reason":"build-script-executed","package_id":"path+file:///w/other#0.1.0","out_dir":"/x"}
{"reason":"build-script-executed","package_id":"path+file:///w/flowroute-raw#0.1.0","out_dir":"/t/out"}
{"reason":"compiler-artifact","package_id":"path+file:///w/flowroute-raw#0.1.0"}"#;
        assert_eq!(out_dir_of_raw(messages), Some(PathBuf::from("/t/out")));
    }
}
