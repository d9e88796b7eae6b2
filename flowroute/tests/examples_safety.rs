//! The examples on someone's account: run as a user would (credentials in the
//! environment, `FLOWROUTE_BASE_URL` naming a simulator this test started), they
//! send only read-only requests unless `FR_DEMO_SPEND=1`, and with it they
//! change only what they created in that run.
//!
//! Each example runs as its own process, the binary `cargo` builds for it.
//! Why not the alternatives: `cargo test --test examples_safety` does not build
//! examples, so the binaries are built here, once, by a nested `cargo build`
//! (cargo releases its build lock before it runs tests, so this does not
//! deadlock); and including an example's source as a module would bypass what
//! is under test, its reading of the environment and its `main`.

use flowroute::routes::NewRoute;
use flowroute::{Client, PhoneNumber};
use flowroute_sim::{RequestRecord, SIM_ACCESS_KEY, SIM_SECRET_KEY, Simulator};
use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Every example in `flowroute/examples/`.
const EXAMPLES: [&str; 9] = [
    "demo",
    "numbers",
    "routes",
    "messages",
    "e911",
    "cnam",
    "cdrs",
    "porting",
    "webhook_receiver",
];

/// Requests that are not GETs but change nothing: Flowroute's E911 address
/// validation and its portability check.
const VALIDATIONS: [(&str, &str); 2] = [
    ("POST", "/v2/e911s/validate"),
    ("POST", "/v2/portorders/portability"),
];

/// Long enough for a cold build on a busy machine; a hang still fails.
const BUILD_LIMIT: Duration = Duration::from_secs(30 * 60);
/// An example against a loopback simulator takes about a second.
const RUN_LIMIT: Duration = Duration::from_secs(120);

/// A phone the examples may message (the simulator delivers nowhere).
const MOBILE: &str = "12065550100";

// ---------------------------------------------------------------------------
// Without FR_DEMO_SPEND: nothing but reads.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_only_reads_without_spend() {
    only_reads("demo", Skips::Some).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn numbers_only_reads_without_spend() {
    only_reads("numbers", Skips::Some).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn routes_only_reads_without_spend() {
    only_reads("routes", Skips::Some).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_only_reads_without_spend() {
    only_reads("messages", Skips::Some).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn e911_only_reads_without_spend() {
    only_reads("e911", Skips::Some).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cnam_only_reads_without_spend() {
    only_reads("cnam", Skips::Some).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cdrs_only_reads_without_spend() {
    only_reads("cdrs", Skips::Some).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn porting_only_reads_without_spend() {
    only_reads("porting", Skips::None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhook_receiver_only_reads_without_spend() {
    only_reads("webhook_receiver", Skips::Some).await;
}

/// Whether an example has steps that need `FR_DEMO_SPEND=1`.
#[derive(PartialEq)]
enum Skips {
    Some,
    /// Porting only reads and validates.
    None,
}

/// Runs `example` on an account that already has a number routed somewhere,
/// with every optional setting an example reads (so that no path is skipped
/// for want of one), and checks the simulator saw only reads.
async fn only_reads(example: &str, skips: Skips) {
    let sim = Simulator::start().await.unwrap();
    let account = Account::populate(&sim).await;
    sim.clear_requests();

    let run = run(
        example,
        &sim,
        &[
            ("FR_MOBILE_NUMBER", MOBILE),
            ("FR_FROM_NUMBER", account.number.as_str()),
            // Where a user would put the public URL of their receiver.
            ("FR_WEBHOOK_URL", "http://127.0.0.1:9/hooks"),
        ],
    )
    .await;
    run.assert_success();

    let changes: Vec<String> = sim
        .requests()
        .iter()
        .filter(|r| !is_read_only(r))
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert!(
        changes.is_empty(),
        "{example} without FR_DEMO_SPEND sent requests that change the account: {changes:?}\n{run}"
    );
    account.assert_untouched(&sim).await;
    // Every step not taken says why, in a line of its own.
    let says_why = run
        .stdout
        .lines()
        .any(|l| l.contains("skipped") && l.contains("FR_DEMO_SPEND=1"));
    assert_eq!(
        says_why,
        skips == Skips::Some,
        "{example} does not say which steps it skipped and why\n{run}"
    );
}

// ---------------------------------------------------------------------------
// With FR_DEMO_SPEND=1: only what the run created.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_with_spend_changes_only_what_it_bought() {
    let sim = Simulator::start().await.unwrap();
    let account = Account::populate(&sim).await;
    let client = client(&sim);
    // The demo's own search, asked before it runs: the same seed answers the same.
    let offered = client
        .numbers()
        .search()
        .starts_with("646")
        .contains("3")
        .ends_with("7")
        .limit(3)
        .page()
        .await
        .unwrap()
        .items;
    let costs =
        |n: &flowroute::numbers::AvailableNumber| (n.setup_cost.unwrap(), n.monthly_cost.unwrap());
    let cheapest = offered
        .iter()
        .min_by(|a, b| costs(a).partial_cmp(&costs(b)).unwrap())
        .unwrap();
    assert!(
        offered.iter().any(|n| costs(n) != costs(cheapest)),
        "the seed must offer prices that differ, or buying the cheapest proves nothing"
    );
    sim.clear_requests();

    let run = run(
        "demo",
        &sim,
        &[("FR_DEMO_SPEND", "1"), ("FR_MOBILE_NUMBER", MOBILE)],
    )
    .await;
    run.assert_success();
    account.assert_only_new_things_changed(&sim, &run).await;
    account.assert_untouched(&sim).await;

    let bought = account.new_numbers(&client).await;
    assert_eq!(
        bought,
        std::slice::from_ref(&cheapest.number),
        "the demo bought something else than the cheapest offered\n{run}"
    );
    let details = client.numbers().get(&bought[0]).await.unwrap();
    let (primary, failover) = (
        details
            .primary_route
            .expect("the demo sets a primary route"),
        details
            .failover_route
            .expect("the demo sets a failover route"),
    );
    assert_ne!(primary, failover, "failover is the primary route\n{run}");
    for id in [&primary, &failover] {
        assert!(
            !account.routes.contains(id.as_str()),
            "the bought number is routed to a route the demo did not create"
        );
    }
    let routes = client.routes().list().max_items(100).all().await.unwrap();
    let primary_route = routes.iter().find(|r| r.id == primary).unwrap();
    let host = primary_route.value.as_deref().unwrap_or_default();
    assert!(
        host_of(host).ends_with(".example.com"),
        "the demo routes calls to {host}, not a host under example.com\n{run}"
    );

    let (setup, monthly) = costs(cheapest);
    let summary = run
        .stdout
        .lines()
        .find(|l| l.contains("Cost of this run"))
        .unwrap_or_else(|| panic!("no summary of the cost\n{run}"));
    for figure in [format!("${setup:.2}"), format!("${monthly:.2}")] {
        assert!(
            summary.contains(&figure),
            "the cost summary “{summary}” omits {figure}\n{run}"
        );
    }
    assert!(
        run.stdout.contains(bought[0].as_str()),
        "the summary does not name the number left on the account\n{run}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_with_spend_routes_to_the_users_own_host() {
    let sim = Simulator::start().await.unwrap();
    let account = Account::populate(&sim).await;
    let client = client(&sim);
    let run = run(
        "demo",
        &sim,
        &[
            ("FR_DEMO_SPEND", "1"),
            ("FR_MOBILE_NUMBER", MOBILE),
            ("FR_DEMO_ROUTE_HOST", "pbx.mine.test"),
        ],
    )
    .await;
    run.assert_success();
    let bought = account.new_numbers(&client).await;
    let details = client.numbers().get(&bought[0]).await.unwrap();
    let primary = details.primary_route.unwrap();
    let routes = client.routes().list().max_items(100).all().await.unwrap();
    let value = routes
        .iter()
        .find(|r| r.id == primary)
        .and_then(|r| r.value.clone())
        .unwrap_or_default();
    assert_eq!(host_of(&value), "pbx.mine.test", "\n{run}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_example_with_spend_changes_only_what_it_created() {
    for example in EXAMPLES {
        let sim = Simulator::start().await.unwrap();
        let account = Account::populate(&sim).await;
        sim.clear_requests();
        let run = run(
            example,
            &sim,
            &[
                ("FR_DEMO_SPEND", "1"),
                ("FR_MOBILE_NUMBER", MOBILE),
                ("FR_WEBHOOK_URL", "http://127.0.0.1:9/hooks"),
            ],
        )
        .await;
        run.assert_success();
        account.assert_only_new_things_changed(&sim, &run).await;
        account.assert_untouched(&sim).await;
        assert!(
            run.stdout.contains("Cost of this run"),
            "{example} does not end with what it cost\n{run}"
        );
    }
}

// ---------------------------------------------------------------------------
// Half the credentials.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_key_alone_stops_with_a_clear_error() {
    let demo = binary("demo").await;
    for (set, missing) in [
        ("FR_ACCESS_KEY", "FR_SECRET_KEY"),
        ("FR_SECRET_KEY", "FR_ACCESS_KEY"),
    ] {
        let mut command = example_command(&demo);
        command.env(set, "only-this-one");
        let run = spawn_bounded(command, RUN_LIMIT, None).await;
        assert!(
            !run.status.success(),
            "with only {set} the demo ran instead of stopping\n{run}"
        );
        assert!(
            run.stderr.contains(missing) && run.stderr.contains(set),
            "the error does not name the key that is missing\n{run}"
        );
        // Nothing started: no simulator, no title line, no step.
        assert_eq!(run.stdout, "", "the demo started anyway\n{run}");
    }
}

// ---------------------------------------------------------------------------
// The account as it was before the example ran.

/// A number bought before the example runs, routed (primary and failover) to
/// a route of its own, with an E911 address and a CNAM record on file and
/// account callbacks set: what a real account looks like.
struct Account {
    number: PhoneNumber,
    primary: String,
    failover: String,
    /// Every id on the account before the run: numbers, routes, E911
    /// addresses, CNAM records.
    ids: HashSet<String>,
    routes: HashSet<String>,
    callbacks: Vec<Option<String>>,
}

impl Account {
    async fn populate(sim: &Simulator) -> Account {
        let client = client(sim);
        let numbers = client.numbers();
        let offer = numbers.search().limit(1).page().await.unwrap().items;
        let number = numbers
            .purchase(&offer[0].number)
            .await
            .unwrap()
            .details
            .attributes
            .number;
        let routes = client.routes();
        let mine = routes
            .create(NewRoute::host("office.customer.test", "the customer's PBX"))
            .await
            .unwrap();
        let backup = routes
            .create(NewRoute::host(
                "backup.customer.test",
                "the customer's backup",
            ))
            .await
            .unwrap();
        routes.set_primary(&number, &mine.id).await.unwrap();
        routes.set_failover(&number, &backup.id).await.unwrap();
        client.cnams().create("CUSTOMER CO").await.unwrap();
        for kind in callback_kinds() {
            client
                .messages()
                .set_account_callback(kind, "https://hooks.customer.test/sms")
                .await
                .unwrap();
        }

        let snapshot = Account::ids(&client).await;
        Account {
            primary: mine.id.to_string(),
            failover: backup.id.to_string(),
            routes: snapshot.1,
            ids: snapshot.0,
            callbacks: Account::callbacks(&client).await,
            number,
        }
    }

    /// Every id on the account, and the route ids among them.
    async fn ids(client: &Client) -> (HashSet<String>, HashSet<String>) {
        let numbers = client.numbers().list().max_items(100).all().await.unwrap();
        let routes = client.routes().list().max_items(100).all().await.unwrap();
        let e911s = client.e911s().list().max_items(100).all().await.unwrap();
        let cnams = client.cnams().list().max_items(100).all().await.unwrap();
        let routes: HashSet<String> = routes.iter().map(|r| r.id.to_string()).collect();
        let mut ids: HashSet<String> = numbers.iter().map(|n| n.number.to_string()).collect();
        ids.extend(routes.iter().cloned());
        ids.extend(e911s.iter().map(|e| e.id.to_string()));
        ids.extend(cnams.iter().map(|c| c.id.to_string()));
        (ids, routes)
    }

    async fn callbacks(client: &Client) -> Vec<Option<String>> {
        let mut urls = Vec::new();
        for kind in callback_kinds() {
            let callback = client.messages().account_callback(kind).await;
            urls.push(callback.ok().and_then(|c| c.callback_url));
        }
        urls
    }

    /// The numbers bought since [`Account::populate`].
    async fn new_numbers(&self, client: &Client) -> Vec<PhoneNumber> {
        let numbers = client.numbers().list().max_items(100).all().await.unwrap();
        numbers
            .into_iter()
            .map(|n| n.number)
            .filter(|n| !self.ids.contains(n.as_str()))
            .collect()
    }

    /// The pre-existing number still rings where it did, and the account's
    /// callbacks are what they were.
    async fn assert_untouched(&self, sim: &Simulator) {
        let client = client(sim);
        let details = client.numbers().get(&self.number).await.unwrap();
        assert_eq!(
            (
                details.primary_route.map(|r| r.to_string()),
                details.failover_route.map(|r| r.to_string()),
            ),
            (Some(self.primary.clone()), Some(self.failover.clone())),
            "the routing of {} was changed",
            self.number
        );
        assert_eq!(
            (details.e911_address, details.cnam_preset),
            (None, None),
            "an E911 address or CNAM record was put on {}",
            self.number
        );
        assert_eq!(
            Account::callbacks(&client).await,
            self.callbacks,
            "the account's callbacks were left changed"
        );
        let (still, _) = Account::ids(&client).await;
        let gone: Vec<&String> = self.ids.difference(&still).collect();
        assert!(gone.is_empty(), "pre-existing {gone:?} were deleted");
    }

    /// No request that changes something names anything that existed before
    /// the run (a number, route, E911 address or CNAM record), except to set
    /// the account's callbacks, which [`Account::assert_untouched`] checks
    /// were put back.
    async fn assert_only_new_things_changed(&self, sim: &Simulator, run: &Run) {
        for request in sim.requests().iter().filter(|r| !is_read_only(r)) {
            let touched: Vec<&str> = request
                .path
                .split('/')
                .filter(|segment| self.ids.contains(*segment))
                .collect();
            assert!(
                touched.is_empty(),
                "{} {} changes {touched:?}, which the example did not create\n{run}",
                request.method,
                request.path
            );
        }
    }
}

fn callback_kinds() -> [flowroute::messages::CallbackType; 2] {
    use flowroute::messages::CallbackType;
    [CallbackType::SmsCallback, CallbackType::SmsDlrCallback]
}

fn client(sim: &Simulator) -> Client {
    Client::builder()
        .credentials(SIM_ACCESS_KEY, SIM_SECRET_KEY)
        .base_url(sim.base_url())
        .build()
        .unwrap()
}

fn is_read_only(request: &RequestRecord) -> bool {
    request.method == "GET"
        || request.method == "HEAD"
        || VALIDATIONS.contains(&(request.method.as_str(), request.path.as_str()))
}

/// `sip.example.com:5060` → `sip.example.com`.
fn host_of(route_value: &str) -> &str {
    route_value.split(':').next().unwrap_or_default()
}

// ---------------------------------------------------------------------------
// Running an example.

struct Run {
    example: String,
    status: ExitStatus,
    stdout: String,
    stderr: String,
}

impl Run {
    fn assert_success(&self) {
        assert!(
            self.status.success(),
            "{} failed: {}\n{self}",
            self.example,
            self.status
        );
    }
}

impl std::fmt::Display for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "--- {} stdout:\n{}--- stderr:\n{}---",
            self.example, self.stdout, self.stderr
        )
    }
}

/// Runs `example` with the simulator's credentials and base URL in its
/// environment, as a user with an account would run it.
async fn run(example: &str, sim: &Simulator, env: &[(&str, &str)]) -> Run {
    let mut command = example_command(&binary(example).await);
    command
        .env("FR_ACCESS_KEY", SIM_ACCESS_KEY)
        .env("FR_SECRET_KEY", SIM_SECRET_KEY)
        .env("FLOWROUTE_BASE_URL", sim.base_url())
        // The receiver's listening address: loopback, any free port.
        .env("FR_WEBHOOK_LISTEN", "127.0.0.1:0");
    command.envs(env.iter().copied());
    // With an account the receiver listens until Ctrl-C, as a user stops it.
    let interrupt = (example == "webhook_receiver").then_some("Ctrl-C to stop");
    spawn_bounded(command, RUN_LIMIT, interrupt).await
}

/// The example's binary with none of the caller's Flowroute settings or
/// proxies: whatever this machine's environment holds, the example talks
/// only to the simulator the test names.
fn example_command(binary: &Path) -> Command {
    let mut command = Command::new(binary);
    for (name, _) in std::env::vars_os() {
        let upper = name.to_string_lossy().to_uppercase();
        if upper.starts_with("FR_") || upper.starts_with("FLOWROUTE_") || upper.ends_with("_PROXY")
        {
            command.env_remove(&name);
        }
    }
    command
}

/// Runs `command` to its end, killing it after `limit`. When `interrupt` is
/// given, the process gets a SIGINT once its output shows that text.
async fn spawn_bounded(mut command: Command, limit: Duration, interrupt: Option<&str>) -> Run {
    let interrupt = interrupt.map(str::to_owned);
    let program = Path::new(command.get_program()).file_name();
    let example = program.unwrap_or_default().to_string_lossy().into_owned();
    tokio::task::spawn_blocking(move || {
        let (status, stdout, stderr) = wait_bounded(&mut command, limit, interrupt.as_deref());
        Run {
            example,
            status,
            stdout,
            stderr,
        }
    })
    .await
    .unwrap()
}

fn wait_bounded(
    command: &mut Command,
    limit: Duration,
    interrupt: Option<&str>,
) -> (ExitStatus, String, String) {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("could not start {command:?}: {e}"));
    let (stdout, stdout_reader) = collect(child.stdout.take().unwrap());
    let (stderr, stderr_reader) = collect(child.stderr.take().unwrap());
    let started = Instant::now();
    let mut interrupted = false;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "{command:?} still running after {limit:?}\n--- stdout:\n{}--- stderr:\n{}",
                stdout.lock().unwrap(),
                stderr.lock().unwrap()
            );
        }
        if let Some(text) = interrupt
            && !interrupted
            && stdout.lock().unwrap().contains(text)
        {
            // The example installs its Ctrl-C handler as it prints this.
            std::thread::sleep(Duration::from_millis(300));
            let sent = Command::new("kill")
                .args(["-INT", &child.id().to_string()])
                .status()
                .unwrap();
            assert!(sent.success(), "could not interrupt the example");
            interrupted = true;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    // The pipes close when the process ends: the readers then have it all.
    stdout_reader.join().unwrap();
    stderr_reader.join().unwrap();
    let out = stdout.lock().unwrap().clone();
    let err = stderr.lock().unwrap().clone();
    (status, out, err)
}

/// Reads a pipe into a shared string as the output arrives, until it closes.
fn collect(mut pipe: impl Read + Send + 'static) -> (Arc<Mutex<String>>, JoinHandle<()>) {
    let text = Arc::new(Mutex::new(String::new()));
    let sink = text.clone();
    let reader = std::thread::spawn(move || {
        let mut buffer = [0; 4096];
        while let Ok(n) = pipe.read(&mut buffer) {
            if n == 0 {
                break;
            }
            sink.lock()
                .unwrap()
                .push_str(&String::from_utf8_lossy(&buffer[..n]));
        }
    });
    (text, reader)
}

/// The built binary of `example`.
async fn binary(example: &str) -> PathBuf {
    let example = example.to_owned();
    tokio::task::spawn_blocking(move || {
        static BUILT: OnceLock<HashMap<String, PathBuf>> = OnceLock::new();
        let built = BUILT.get_or_init(build_examples);
        built
            .get(&example)
            .unwrap_or_else(|| panic!("cargo built no example called {example}: {built:?}"))
            .clone()
    })
    .await
    .unwrap()
}

/// Builds every example with the features and profile this test was built
/// with, so that under `cargo test` it finds them built already, and returns
/// where cargo put each.
fn build_examples() -> HashMap<String, PathBuf> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    // The test runs from target/<profile dir>/deps/.
    let exe = std::env::current_exe().unwrap();
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .and_then(Path::file_name);
    let profile = match profile_dir.and_then(|p| p.to_str()) {
        Some("debug") | None => "dev".to_owned(),
        Some(other) => other.to_owned(),
    };
    // webhook_receiver needs `receiver`; `__fuzz` only keeps the library
    // identical to the one this test links, so nothing is rebuilt.
    let mut features = vec!["receiver"];
    if cfg!(feature = "__fuzz") {
        features.push("__fuzz");
    }
    let mut command = Command::new(cargo);
    command
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["build", "-p", "flowroute", "--examples", "--quiet"])
        .args(["--message-format", "json-render-diagnostics"])
        .args(["--profile", &profile])
        .args(["--features", &features.join(",")]);
    let (status, stdout, stderr) = wait_bounded(&mut command, BUILD_LIMIT, None);
    assert!(
        status.success(),
        "building the examples failed: {status}\n{stderr}"
    );
    let mut built = HashMap::new();
    for line in stdout.lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let is_example = message["target"]["kind"]
            .as_array()
            .is_some_and(|kinds| kinds.iter().any(|k| k == "example"));
        if let (true, Some(name), Some(path)) = (
            is_example,
            message["target"]["name"].as_str(),
            message["executable"].as_str(),
        ) {
            built.insert(name.to_owned(), PathBuf::from(path));
        }
    }
    built
}
