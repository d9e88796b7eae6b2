//! `cargo xtask check-snippets`: every Rust snippet of the READMEs and of the
//! crates' front pages compiles in a crate of a user's, which depends on
//! `flowroute`, `flowroute-sim` and `tokio` and on nothing else.
//!
//! Doctests cannot show this: they see every dependency of the crate under
//! test, so a snippet naming `chrono::` passes there and fails for a user.
//! The snippets are written as `target/snippets/src/bin/<file>_<line>.rs`,
//! the crate is checked, and each error is reported at the README line it
//! comes from.
//!
//! A snippet must be a whole program (`fn main`), since that is what a reader
//! copies. In a README (rendered by GitHub and crates.io, not rustdoc) it must
//! have no lines rustdoc would hide (`# `), and every ``[`name`]`` link needs
//! a definition in the file, or it shows as brackets there.

use std::{
    collections::BTreeSet,
    fs,
    path::{Path, PathBuf},
    process::Command,
};

/// Markdown files, read as GitHub and crates.io render them.
const READMES: &[&str] = &[
    "README.md",
    "flowroute/README.md",
    "flowroute-raw/README.md",
    "flowroute-sim/README.md",
];

/// Crate front pages: their `//!` lines, read as rustdoc does.
const CRATE_DOCS: &[&str] = &[
    "flowroute/src/lib.rs",
    "flowroute-raw/src/lib.rs",
    "flowroute-sim/src/lib.rs",
];

/// One fenced Rust block.
#[derive(Debug, PartialEq, Eq)]
pub struct Snippet {
    /// The file it is in, relative to the workspace root.
    pub file: String,
    /// The line of the opening fence, from 1.
    pub fence_line: usize,
    /// The code, with rustdoc's hidden-line markers removed.
    pub code: String,
}

impl Snippet {
    /// The binary target the snippet becomes: the file and line, as an
    /// identifier.
    fn bin_name(&self) -> String {
        let file: String = self
            .file
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        format!("{file}_{}", self.fence_line)
    }
}

pub fn run(root: &Path) -> Result<(), String> {
    let mut snippets = Vec::new();
    let mut problems = Vec::new();
    for file in READMES {
        let text = fs::read_to_string(root.join(file)).map_err(|e| format!("{file}: {e}"))?;
        let lines: Vec<&str> = text.lines().collect();
        let found = extract(file, &lines, false, &mut problems);
        problems.extend(unresolved_links(file, &lines));
        snippets.extend(found);
    }
    for file in CRATE_DOCS {
        let text = fs::read_to_string(root.join(file)).map_err(|e| format!("{file}: {e}"))?;
        // Keep line numbers: a line that is not `//!` becomes an empty one.
        let lines: Vec<&str> = text
            .lines()
            .map(|l| match l.trim_start().strip_prefix("//!") {
                Some(rest) => rest.strip_prefix(' ').unwrap_or(rest),
                None => "",
            })
            .collect();
        snippets.extend(extract(file, &lines, true, &mut problems));
    }
    for s in &snippets {
        if !s.code.contains("fn main(") {
            problems.push(format!(
                "{}:{}: not a whole program: write the `fn main` a reader needs to run it",
                s.file, s.fence_line
            ));
        }
    }
    if !problems.is_empty() {
        return Err(format!(
            "snippets a user cannot copy:\n  {}",
            problems.join("\n  ")
        ));
    }
    let dir = write_crate(root, &snippets)?;
    check(root, &dir, &snippets)?;
    println!(
        "{} snippets of {} files compile in a crate depending on flowroute, flowroute-sim and tokio",
        snippets.len(),
        READMES.len() + CRATE_DOCS.len()
    );
    Ok(())
}

/// The Rust blocks of markdown `lines`. In rustdoc (`doc_comment`) a fence
/// without a language is Rust; on GitHub and crates.io it is not, and hidden
/// lines are shown, so they are reported.
pub fn extract(
    file: &str,
    lines: &[&str],
    doc_comment: bool,
    problems: &mut Vec<String>,
) -> Vec<Snippet> {
    let mut snippets = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let trimmed = lines[i].trim_start();
        let Some(info) = trimmed.strip_prefix("```") else {
            i += 1;
            continue;
        };
        let fence_line = i + 1;
        let rust = is_rust(info.trim(), doc_comment);
        let mut code = String::new();
        i += 1;
        while i < lines.len() && !lines[i].trim_start().starts_with("```") {
            if rust {
                let line = lines[i];
                match hidden(line) {
                    Some(shown) if !doc_comment => {
                        problems.push(format!(
                            "{file}:{}: a hidden line (`# `) shows on GitHub and crates.io",
                            i + 1
                        ));
                        code.push_str(shown);
                    }
                    Some(shown) => code.push_str(shown),
                    None => code.push_str(line),
                }
                code.push('\n');
            }
            i += 1;
        }
        i += 1;
        if rust {
            snippets.push(Snippet {
                file: file.to_string(),
                fence_line,
                code,
            });
        }
    }
    snippets
}

/// Whether a fence's info string opens a Rust block that should compile:
/// `compile_fail` blocks are meant not to.
fn is_rust(info: &str, doc_comment: bool) -> bool {
    let tokens: Vec<&str> = info
        .split([',', ' '])
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .collect();
    if tokens.contains(&"compile_fail") {
        return false;
    }
    const RUSTDOC: &[&str] = &[
        "ignore",
        "no_run",
        "should_panic",
        "edition2021",
        "edition2024",
    ];
    tokens.contains(&"rust") || (doc_comment && tokens.iter().all(|t| RUSTDOC.contains(t)))
}

/// The code of a line rustdoc hides (`# code`, or `#` alone), else `None`.
/// `#[attr]` and `#!` are code, not markers.
fn hidden(line: &str) -> Option<&str> {
    let t = line.trim_start();
    if t == "#" {
        Some("")
    } else {
        t.strip_prefix("# ")
    }
}

/// ``[`name`]`` links with no `[`name`]: target` definition in the file:
/// rustdoc would resolve them, GitHub and crates.io print the brackets.
pub fn unresolved_links(file: &str, lines: &[&str]) -> Vec<String> {
    let mut defined = BTreeSet::new();
    let mut fenced = false;
    let mut uses = Vec::new();
    for (n, line) in lines.iter().enumerate() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        let mut rest = *line;
        if let Some(def) = line.strip_prefix("[`")
            && let Some((label, _)) = def.split_once("`]:")
        {
            defined.insert(label.to_string());
            continue;
        }
        while let Some(start) = rest.find("[`") {
            let after = &rest[start + 2..];
            let Some(end) = after.find("`]") else { break };
            let label = &after[..end];
            let next = &after[end + 2..];
            // `[`x`](url)` and `[`x`][ref]` carry their own target.
            if !next.starts_with('(') && !next.starts_with('[') {
                uses.push((n + 1, label.to_string()));
            }
            rest = next;
        }
    }
    uses.into_iter()
        .filter(|(_, label)| !defined.contains(label))
        .map(|(line, label)| {
            format!("{file}:{line}: [`{label}`] has no link definition; it shows as text outside rustdoc")
        })
        .collect()
}

/// Writes the user's crate: one binary per snippet, the workspace's lock file
/// so that it builds the same versions without asking the registry.
fn write_crate(root: &Path, snippets: &[Snippet]) -> Result<PathBuf, String> {
    let dir = root.join("target/snippets");
    let bin = dir.join("src/bin");
    // Snippets removed from the docs must not linger as binaries.
    if bin.exists() {
        fs::remove_dir_all(&bin).map_err(|e| format!("{}: {e}", bin.display()))?;
    }
    fs::create_dir_all(&bin).map_err(|e| format!("{}: {e}", bin.display()))?;
    let manifest = format!(
        r#"# Written by `cargo xtask check-snippets`: a user's crate.
[package]
name = "snippets"
version = "0.0.0"
edition = "2024"
publish = false

# Its own workspace, not a member of the one it sits in.
[workspace]

[dependencies]
flowroute = {{ path = {flowroute:?} }}
flowroute-sim = {{ path = {sim:?} }}
tokio = {{ version = "1", features = ["macros", "rt-multi-thread"] }}
"#,
        flowroute = root.join("flowroute").display().to_string(),
        sim = root.join("flowroute-sim").display().to_string(),
    );
    let write = |path: PathBuf, text: &str| {
        fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))
    };
    write(dir.join("Cargo.toml"), &manifest)?;
    fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock"))
        .map_err(|e| format!("Cargo.lock: {e}"))?;
    for s in snippets {
        write(bin.join(format!("{}.rs", s.bin_name())), &s.code)?;
    }
    Ok(dir)
}

/// `cargo check` of the user's crate; each error is reported at its snippet's
/// line in the docs.
fn check(root: &Path, dir: &Path, snippets: &[Snippet]) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .current_dir(dir)
        // The workspace's target dir: the dependencies are mostly built already.
        .args(["check", "--bins", "--quiet", "--message-format=short"])
        .arg("--target-dir")
        .arg(root.join("target"))
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if output.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let mut failed = Vec::new();
    for line in stderr.lines() {
        for s in snippets {
            let prefix = format!("src/bin/{}.rs:", s.bin_name());
            let Some(rest) = line.strip_prefix(&prefix) else {
                continue;
            };
            let mut parts = rest.splitn(3, ':');
            let at = parts.next().and_then(|l| l.parse::<usize>().ok());
            let message = parts.nth(1).unwrap_or(rest).trim();
            if let Some(at) = at
                && message.starts_with("error")
            {
                failed.push(format!("{}:{}: {message}", s.file, s.fence_line + at));
            }
        }
    }
    if failed.is_empty() {
        return Err(format!("the snippets' crate does not build:\n{stderr}"));
    }
    Err(format!(
        "snippets that do not compile in a user's crate ({}):\n  {}",
        dir.display(),
        failed.join("\n  ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_readme_block_is_rust_only_when_it_says_so_and_hidden_lines_are_reported() {
        let text = "```\nnot rust\n```\n\n```rust,no_run\n# use x;\nfn main() {}\n```\n";
        let lines: Vec<&str> = text.lines().collect();
        let mut problems = Vec::new();
        let found = extract("R.md", &lines, false, &mut problems);
        assert_eq!(
            found,
            vec![Snippet {
                file: "R.md".into(),
                fence_line: 5,
                code: "use x;\nfn main() {}\n".into()
            }]
        );
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].starts_with("R.md:6:"), "{problems:?}");
    }

    #[test]
    fn a_doc_comment_fence_without_language_is_rust_and_may_hide_lines() {
        let lines = [
            "```",
            "# #[tokio::main]",
            "#[derive(Debug)]",
            "```",
            "```text",
            "x",
            "```",
        ];
        let mut problems = Vec::new();
        let found = extract("lib.rs", &lines, true, &mut problems);
        assert!(problems.is_empty());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].code, "#[tokio::main]\n#[derive(Debug)]\n");
        assert!(!is_rust("rust,compile_fail", true));
    }

    #[test]
    fn links_without_a_definition_are_named() {
        let lines = [
            "[`A`] and [`B`](http://b) and [`C`][c] and [`D`]",
            "```",
            "[`E`] in code",
            "```",
            "[`A`]: https://docs.rs/a",
        ];
        let problems = unresolved_links("R.md", &lines);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].starts_with("R.md:1: [`D`]"));
    }
}
