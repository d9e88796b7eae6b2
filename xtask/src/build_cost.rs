//! `cargo xtask build-cost [--baseline REV] [--rounds N]`: what a clean debug
//! build of a one-line program using `flowroute` costs, beside the same program
//! at an earlier commit, with aws-lc-rs instead of ring, and beside a program
//! using only reqwest, serde, serde_json and tokio with the same TLS (rustls with
//! ring). Every build gets a fresh target directory under the system temp dir,
//! deleted once its timings are read; the consumers are built in turn, reversing
//! the order each round, so load from elsewhere spreads over all of them.

use std::{
    collections::BTreeMap,
    fs,
    path::{Path, PathBuf},
    process::Command,
    time::Instant,
};

/// The first-wave commit the issue measures against.
const DEFAULT_BASELINE: &str = "a59bd69";

/// One program to build, by name, with its `[dependencies]` and `main.rs`.
struct Consumer {
    name: &'static str,
    dependencies: String,
    main: &'static str,
    /// Copied so the program resolves the same versions as the tree it uses.
    lockfile: PathBuf,
}

/// One clean build: wall and CPU seconds, and each unit's own seconds.
struct Build {
    wall: f64,
    cpu: f64,
    units: BTreeMap<String, f64>,
}

const SDK_MAIN: &str = "fn main() { let _ = flowroute::Client::builder(); }\n";
const PLAIN_MAIN: &str = "#[derive(serde::Deserialize)] struct Page { data: Vec<u32> } fn main() { let _ = (reqwest::Client::new(), serde_json::from_str::<Page>(\"{}\").map(|p| p.data), tokio::runtime::Builder::new_current_thread()); }\n";

pub fn run(root: &Path, args: &[&str]) -> Result<(), String> {
    let mut baseline = DEFAULT_BASELINE.to_string();
    let mut rounds = 1;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match (*arg, args.next()) {
            ("--baseline", Some(rev)) => baseline = rev.to_string(),
            ("--rounds", Some(n)) => rounds = n.parse().map_err(|_| format!("--rounds {n}"))?,
            _ => return Err(format!("build-cost: unexpected argument `{arg}`")),
        }
    }
    let scratch = std::env::temp_dir().join(format!("flowroute-build-cost-{}", std::process::id()));
    fs::create_dir_all(&scratch).map_err(|e| format!("{}: {e}", scratch.display()))?;
    let old_tree = scratch.join("baseline");
    git(
        root,
        &[
            "worktree",
            "add",
            "--detach",
            path_str(&old_tree)?,
            &baseline,
        ],
    )?;
    let result = measure(root, &scratch, &old_tree, &baseline, rounds);
    // The worktree and every target directory go, whatever happened.
    let _ = git(
        root,
        &["worktree", "remove", "--force", path_str(&old_tree)?],
    );
    let _ = fs::remove_dir_all(&scratch);
    result
}

fn measure(
    root: &Path,
    scratch: &Path,
    old_tree: &Path,
    baseline: &str,
    rounds: usize,
) -> Result<(), String> {
    let sdk = |path: &Path, features: &str| {
        format!(
            "flowroute = {{ path = {:?}{features} }}\n",
            path.join("flowroute")
        )
    };
    let consumers = [
        Consumer {
            name: "flowroute (this tree, default: rustls+ring)",
            dependencies: sdk(root, ""),
            main: SDK_MAIN,
            lockfile: root.join("Cargo.lock"),
        },
        Consumer {
            name: "flowroute (baseline)",
            dependencies: sdk(old_tree, ""),
            main: SDK_MAIN,
            lockfile: old_tree.join("Cargo.lock"),
        },
        Consumer {
            name: "flowroute (this tree, rustls-aws-lc-rs)",
            dependencies: sdk(
                root,
                ", default-features = false, features = [\"rustls-aws-lc-rs\"]",
            ),
            main: SDK_MAIN,
            lockfile: root.join("Cargo.lock"),
        },
        Consumer {
            name: "reqwest+serde+serde_json+tokio (rustls+ring)",
            dependencies: "reqwest = { version = \"0.13\", default-features = false, features = [\"json\", \"rustls-no-provider\"] }\n\
                           rustls = { version = \"0.23\", default-features = false, features = [\"ring\", \"std\", \"tls12\"] }\n\
                           serde = { version = \"1\", features = [\"derive\"] }\n\
                           serde_json = \"1\"\n\
                           tokio = { version = \"1\", features = [\"rt\"] }\n"
                .to_string(),
            main: PLAIN_MAIN,
            lockfile: root.join("Cargo.lock"),
        },
    ];
    let mut builds: Vec<Vec<Build>> = consumers.iter().map(|_| Vec::new()).collect();
    for round in 0..rounds {
        let mut order: Vec<usize> = (0..consumers.len()).collect();
        if round % 2 == 1 {
            order.reverse();
        }
        for i in order {
            let build = build(scratch, i, &consumers[i])?;
            eprintln!(
                "round {}: {}: {:.1} s wall, {:.1} s CPU",
                round + 1,
                consumers[i].name,
                build.wall,
                build.cpu
            );
            builds[i].push(build);
        }
    }
    report(&consumers, &builds, baseline);
    Ok(())
}

/// A clean `cargo build --timings` of `consumer` in a fresh target directory.
fn build(scratch: &Path, index: usize, consumer: &Consumer) -> Result<Build, String> {
    let dir = scratch.join(format!("consumer-{index}"));
    let target = scratch.join(format!("target-{index}"));
    let _ = fs::remove_dir_all(&dir);
    let _ = fs::remove_dir_all(&target);
    fs::create_dir_all(dir.join("src")).map_err(|e| format!("{}: {e}", dir.display()))?;
    let manifest = format!(
        "[package]\nname = \"consumer\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\n[dependencies]\n{}",
        consumer.dependencies
    );
    let write = |path: PathBuf, text: &str| {
        fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))
    };
    write(dir.join("Cargo.toml"), &manifest)?;
    write(dir.join("src/main.rs"), consumer.main)?;
    fs::copy(&consumer.lockfile, dir.join("Cargo.lock"))
        .map_err(|e| format!("{}: {e}", consumer.lockfile.display()))?;
    let cpu_before = children_cpu_seconds();
    let started = Instant::now();
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .current_dir(&dir)
        .args(["build", "--quiet", "--timings"])
        .env("CARGO_TARGET_DIR", &target)
        .env("CARGO_INCREMENTAL", "0")
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let wall = started.elapsed().as_secs_f64();
    let cpu = children_cpu_seconds() - cpu_before;
    if !status.success() {
        return Err(format!("{}: the build failed", consumer.name));
    }
    let timings = target.join("cargo-timings/cargo-timing.html");
    let html = fs::read_to_string(&timings).map_err(|e| format!("{}: {e}", timings.display()))?;
    let units = units(&html)?;
    let _ = fs::remove_dir_all(&target);
    Ok(Build { wall, cpu, units })
}

/// Each unit's seconds from cargo's timing report (its `UNIT_DATA` array), keyed
/// `name version` plus ` (build script)` / ` (run build script)`.
fn units(html: &str) -> Result<BTreeMap<String, f64>, String> {
    let start = html
        .find("const UNIT_DATA = ")
        .ok_or("no UNIT_DATA in the timing report")?
        + "const UNIT_DATA = ".len();
    let end = start + html[start..].find("];").ok_or("UNIT_DATA does not end")? + 1;
    let data: Vec<serde_json::Value> =
        serde_json::from_str(&html[start..end]).map_err(|e| format!("UNIT_DATA: {e}"))?;
    let mut units = BTreeMap::new();
    for u in data {
        let kind = match (
            u["mode"].as_str(),
            u["target"].as_str().unwrap_or("").trim(),
        ) {
            (Some("run-custom-build"), _) => " (run build script)",
            (_, "build script") => " (build script)",
            _ => "",
        };
        let key = format!(
            "{} {}{kind}",
            u["name"].as_str().unwrap_or("?"),
            u["version"].as_str().unwrap_or("?")
        );
        *units.entry(key).or_insert(0.0) += u["duration"].as_f64().unwrap_or(0.0);
    }
    Ok(units)
}

/// CPU seconds (user + system) of this process's waited-for children, from
/// `/proc/self/stat`; 0 where there is no procfs.
fn children_cpu_seconds() -> f64 {
    let Ok(stat) = fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // Fields after the parenthesised command name; cutime and cstime are the
    // 16th and 17th fields overall, in clock ticks (100 per second on Linux).
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(13) + ticks(14)) / 100.0
}

fn report(consumers: &[Consumer], builds: &[Vec<Build>], baseline: &str) {
    let range = |values: Vec<f64>| {
        let min = values.iter().copied().fold(f64::INFINITY, f64::min);
        let max = values.iter().copied().fold(0.0, f64::max);
        if (max - min).abs() < 0.05 {
            format!("{min:.1}")
        } else {
            format!("{min:.1}–{max:.1}")
        }
    };
    let mean = |b: &[Build]| b.iter().map(|b| b.wall).sum::<f64>() / b.len() as f64;
    let base = mean(&builds[1]);
    println!("Clean debug build of a one-line consumer (baseline: {baseline}), side by side:\n");
    println!("| consumer | wall s | CPU s | wall vs baseline |");
    println!("|---|---|---|---|");
    for (c, b) in consumers.iter().zip(builds) {
        println!(
            "| {} | {} | {} | {:.2}× |",
            c.name,
            range(b.iter().map(|b| b.wall).collect()),
            range(b.iter().map(|b| b.cpu).collect()),
            mean(b) / base
        );
    }
    let average = |b: &[Build]| {
        let mut sum = BTreeMap::<String, f64>::new();
        for build in b {
            for (k, v) in &build.units {
                *sum.entry(k.clone()).or_default() += v / b.len() as f64;
            }
        }
        sum
    };
    let diff = |title: &str, ours: &[Build], theirs: &[Build]| {
        let (ours, theirs) = (average(ours), average(theirs));
        let mut extra: Vec<(&String, f64)> = ours
            .iter()
            .filter(|(k, _)| !theirs.contains_key(*k) && !k.starts_with("consumer "))
            .map(|(k, v)| (k, *v))
            .collect();
        extra.sort_by(|a, b| b.1.total_cmp(&a.1));
        let total: f64 = extra.iter().map(|e| e.1).sum();
        println!(
            "\n{title}: {} units, {total:.1} unit-seconds\n",
            extra.len()
        );
        println!("| unit | s |");
        println!("|---|---|");
        for (k, v) in extra.iter().filter(|e| e.1 >= 0.3) {
            println!("| {k} | {v:.1} |");
        }
        println!(
            "| {} more under 0.3 s | {:.1} |",
            extra.iter().filter(|e| e.1 < 0.3).count(),
            extra.iter().filter(|e| e.1 < 0.3).map(|e| e.1).sum::<f64>()
        );
    };
    diff(
        "What flowroute adds over reqwest+serde+serde_json+tokio (same TLS)",
        &builds[0],
        &builds[3],
    );
    diff(
        "What the baseline built that this tree does not",
        &builds[1],
        &builds[0],
    );
    println!("\nUnit seconds overlap on parallel cores, so their sum is not wall time.");
}

fn git(root: &Path, args: &[&str]) -> Result<(), String> {
    let status = Command::new("git")
        .current_dir(root)
        .args(args)
        .status()
        .map_err(|e| format!("cannot run git: {e}"))?;
    status
        .success()
        .then_some(())
        .ok_or_else(|| format!("git {} failed", args.join(" ")))
}

fn path_str(path: &Path) -> Result<&str, String> {
    path.to_str()
        .ok_or_else(|| format!("{} is not UTF-8", path.display()))
}
