//! `cargo xtask check-wrapper`: the `flowroute` crate and the spec's operation
//! table agree. Every operation has a retry class (the lint), every list of the
//! spec has exactly one `list_query!` declaration in the wrapper, and every
//! declaration names a list of the spec.
//!
//! The compiler already rejects a declaration naming an operation progenitor
//! did not generate; this check also catches the spec gaining a list nobody
//! wraps, and a declaration pointing at an operation that is not a list.

use crate::{drift, lint, regen::SPEC};
use std::{fs, path::Path};

/// One `list_query!` invocation: the query type and the operation it pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declaration {
    pub query: String,
    pub operation: String,
}

pub fn run(root: &Path) -> Result<(), String> {
    let spec = fs::read_to_string(root.join(SPEC)).map_err(|e| format!("{SPEC}: {e}"))?;
    let source = drift::wrapper_source(&root.join("flowroute/src"))?;
    match check(&spec, &source) {
        Ok(lists) => {
            println!("{SPEC} and flowroute/src agree: {lists} lists, each declared once");
            Ok(())
        }
        Err(problems) => Err(format!(
            "the flowroute crate and {SPEC} disagree:\n  {}",
            problems.join("\n  ")
        )),
    }
}

/// The number of lists when the spec and the wrapper's source agree, else
/// every disagreement, one line each.
pub fn check(spec: &str, wrapper_source: &str) -> Result<usize, Vec<String>> {
    let doc = crate::parse_yaml(spec).map_err(|e| vec![e])?;
    let ops = lint::operations(&doc)?;
    let declared = declarations(wrapper_source);
    let mut problems = Vec::new();
    for d in &declared {
        match ops.iter().find(|op| op.id == d.operation) {
            None => problems.push(format!(
                "`{}` declares the list `{}`, which is not an operation of the spec",
                d.query, d.operation
            )),
            Some(op) if !op.paged => problems.push(format!(
                "`{}` declares `{}` a list, but the spec gives it no `limit` and `offset` parameters",
                d.query, d.operation
            )),
            Some(_) => {}
        }
    }
    let lists: Vec<&lint::Operation> = ops.iter().filter(|op| op.paged).collect();
    for op in &lists {
        let queries: Vec<&str> = declared
            .iter()
            .filter(|d| d.operation == op.id)
            .map(|d| d.query.as_str())
            .collect();
        match queries.as_slice() {
            [] => problems.push(format!(
                "the list `{}` ({} {}) has no `list_query!` declaration in flowroute/src",
                op.id, op.method, op.path
            )),
            [_] => {}
            several => problems.push(format!(
                "the list `{}` is declared {} times ({}); declare it once",
                op.id,
                several.len(),
                several.join(", ")
            )),
        }
    }
    if problems.is_empty() {
        Ok(lists.len())
    } else {
        Err(problems)
    }
}

/// The `list_query!` invocations in `source`, one per operation paged. After
/// `list_query! {`, the lines that are not comments, up to the first `;`, are
/// the header, `Query[(required…)] for operation [| operation_v2_2] -> Item = …;`.
pub fn declarations(source: &str) -> Vec<Declaration> {
    let mut found = Vec::new();
    let mut lines = source.lines().map(str::trim);
    while let Some(line) = lines.next() {
        if line != "list_query! {" {
            continue;
        }
        let mut header = String::new();
        for l in lines.by_ref() {
            if l.starts_with("//") || l.starts_with("#[") {
                continue;
            }
            header.push_str(l);
            header.push(' ');
            if l.ends_with(';') {
                break;
            }
        }
        let query = header
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .next()
            .unwrap_or_default();
        let operations = header
            .split_once(" for ")
            .and_then(|(_, rest)| rest.split_once("->"))
            .map(|(ops, _)| ops)
            .unwrap_or_default();
        for operation in operations.split('|').map(str::trim) {
            found.push(Declaration {
                query: query.to_string(),
                operation: operation.to_string(),
            });
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace_root;

    fn workspace() -> (String, String) {
        let root = workspace_root();
        (
            fs::read_to_string(root.join(SPEC)).unwrap(),
            drift::wrapper_source(&root.join("flowroute/src")).unwrap(),
        )
    }

    fn problems(spec: &str, source: &str) -> Vec<String> {
        check(spec, source).expect_err("a disagreement")
    }

    #[test]
    fn the_workspace_agrees_and_every_list_is_declared() {
        let (spec, source) = workspace();
        // Each list declared once: as many lists as declarations.
        assert_eq!(check(&spec, &source), Ok(declarations(&source).len()));
        let routes = declarations(&source)
            .into_iter()
            .find(|d| d.query == "RouteQuery")
            .unwrap();
        assert_eq!(routes.operation, "list_inbound_routes");
    }

    #[test]
    fn a_list_without_a_declaration_fails() {
        let (spec, source) = workspace();
        let undeclared = source.replacen(
            "RouteQuery for list_inbound_routes",
            "RouteQuery for list_edge_strategies",
            1,
        );
        assert_ne!(undeclared, source, "the routes list is declared");
        let p = problems(&spec, &undeclared);
        assert!(
            p.iter()
                .any(|p| p.contains("the list `list_inbound_routes`")
                    && p.contains("has no `list_query!` declaration")),
            "{p:#?}"
        );
        assert!(
            p.iter()
                .any(|p| p.contains("`RouteQuery` declares `list_edge_strategies` a list")),
            "{p:#?}"
        );
    }

    #[test]
    fn a_declaration_naming_no_operation_of_the_spec_fails() {
        let (spec, source) = workspace();
        let source = format!(
            "{source}\nlist_query! {{\n    /// Docs.\n    FaxQuery for list_faxes -> Fax = Fax::from_raw;\n}}\n"
        );
        let p = problems(&spec, &source);
        assert_eq!(
            p,
            ["`FaxQuery` declares the list `list_faxes`, which is not an operation of the spec"]
        );
    }

    #[test]
    fn a_list_declared_twice_fails() {
        let (spec, source) = workspace();
        let source = format!(
            "{source}\nlist_query! {{\n    MoreRoutes for list_inbound_routes -> Route = Route::from_raw;\n}}\n"
        );
        let p = problems(&spec, &source);
        assert_eq!(p.len(), 1, "{p:#?}");
        assert!(
            p[0].contains("declared 2 times (RouteQuery, MoreRoutes)"),
            "{p:#?}"
        );
    }

    #[test]
    fn an_operation_without_a_retry_class_fails() {
        let (spec, source) = workspace();
        let unclassed = spec.replacen("      x-retry-class: never\n", "", 1);
        assert_ne!(unclassed, spec);
        let p = problems(&unclassed, &source);
        assert_eq!(p.len(), 1, "{p:#?}");
        assert!(p[0].contains("has no `x-retry-class`"), "{p:#?}");
    }

    #[test]
    fn headers_are_read_past_docs_comments_and_required_parameters() {
        let source = "list_query! {\n    /// Docs.\n    // why\n    MdrQuery(start: DateTime<Utc> => start_date(*start))\n        for look_up_a_set_of_messages -> Mdr = Mdr::from_raw;\n}\n\
                      macro_rules! list_query { () => { $crate::pagination::list_query! { @struct } } }";
        assert_eq!(
            declarations(source),
            [Declaration {
                query: "MdrQuery".into(),
                operation: "look_up_a_set_of_messages".into()
            }]
        );
    }

    #[test]
    fn a_list_of_both_messaging_versions_declares_each_operation() {
        let source = "list_query! {
    MdrQuery(start: DateTime<Utc> => start_date(*start))
        for look_up_a_set_of_messages | look_up_a_set_of_messages_v2_2
        -> Mdr = Mdr::from_raw;
}
";
        let operations: Vec<String> = declarations(source)
            .into_iter()
            .map(|d| d.operation)
            .collect();
        assert_eq!(
            operations,
            [
                "look_up_a_set_of_messages",
                "look_up_a_set_of_messages_v2_2"
            ]
        );
    }
}
