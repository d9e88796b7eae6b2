//! `cargo xtask check-cli`: every operation of the spec is reachable from the
//! `flowroute` command line. The CLI keeps a table of `(operationId,
//! command)` in `flowroute-cli/src/operations.rs`; this check fails when the
//! spec has an operation the table lacks, or the table one the spec does not
//! have. (The CLI's own tests check that each command and flag exists.)

use crate::{lint, regen::SPEC};
use std::{fs, path::Path};

/// Where the CLI keeps its table.
pub const TABLE: &str = "flowroute-cli/src/operations.rs";

pub fn run(root: &Path) -> Result<(), String> {
    let spec = fs::read_to_string(root.join(SPEC)).map_err(|e| format!("{SPEC}: {e}"))?;
    let table = fs::read_to_string(root.join(TABLE)).map_err(|e| format!("{TABLE}: {e}"))?;
    match check(&spec, &table) {
        Ok(count) => {
            println!("{SPEC} and {TABLE} agree: {count} operations, each with a command");
            Ok(())
        }
        Err(problems) => Err(format!(
            "the flowroute command line and {SPEC} disagree:\n  {}",
            problems.join("\n  ")
        )),
    }
}

/// The number of operations when the table and the spec agree, else each
/// disagreement on a line.
pub fn check(spec: &str, table_source: &str) -> Result<usize, Vec<String>> {
    let doc = crate::parse_yaml(spec).map_err(|e| vec![e])?;
    let ops = lint::operations(&doc)?;
    let table = entries(table_source);
    let mut problems = Vec::new();
    for op in &ops {
        match table.iter().filter(|(id, _)| *id == op.id).count() {
            0 => problems.push(format!(
                "`{}` ({} {}) has no command: add it to {TABLE} with the command that runs it",
                op.id, op.method, op.path
            )),
            1 => {}
            n => problems.push(format!("`{}` is listed {n} times in {TABLE}", op.id)),
        }
    }
    for (id, command) in &table {
        if !ops.iter().any(|op| op.id == *id) {
            problems.push(format!(
                "{TABLE} maps `{id}` to `flowroute {command}`, but the spec has no such operation"
            ));
        }
    }
    if problems.is_empty() {
        Ok(ops.len())
    } else {
        Err(problems)
    }
}

/// The `("operation_id", "command")` pairs of the table: its string
/// literals, two by two, however rustfmt laid them out.
pub fn entries(source: &str) -> Vec<(String, String)> {
    let body = source
        .split_once("pub const OPERATIONS")
        .and_then(|(_, rest)| rest.split_once("= &["))
        .and_then(|(_, rest)| rest.split_once("];"))
        .map_or("", |(body, _)| body);
    let strings: Vec<&str> = body.split('"').skip(1).step_by(2).collect();
    strings
        .chunks_exact(2)
        .map(|pair| (pair[0].to_string(), pair[1].to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace_root;

    fn workspace() -> (String, String) {
        let root = workspace_root();
        (
            fs::read_to_string(root.join(SPEC)).unwrap(),
            fs::read_to_string(root.join(TABLE)).unwrap(),
        )
    }

    #[test]
    fn every_operation_of_the_spec_has_a_command() {
        let (spec, table) = workspace();
        assert_eq!(check(&spec, &table), Ok(entries(&table).len()));
        assert!(entries(&table).contains(&("send_a_message".into(), "messages send".into())));
    }

    #[test]
    fn an_operation_without_a_command_fails() {
        let (spec, table) = workspace();
        let without = table.replace("    (\"list_port_orders\", \"porting orders\"),\n", "");
        let problems = check(&spec, &without).unwrap_err();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("`list_port_orders`"), "{problems:?}");
    }

    #[test]
    fn a_command_for_no_operation_or_twice_fails() {
        let (spec, table) = workspace();
        let extra = table.replace(
            "    (\"list_port_orders\", \"porting orders\"),\n",
            "    (\"list_port_orders\", \"porting orders\"),\n    (\"list_port_orders\", \"porting list\"),\n    (\"list_wormholes\", \"wormholes\"),\n",
        );
        let problems = check(&spec, &extra).unwrap_err();
        assert_eq!(problems.len(), 2, "{problems:?}");
    }
}
