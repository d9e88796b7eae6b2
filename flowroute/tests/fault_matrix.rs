//! The fault matrix: every fault the simulator can inject, against one read and
//! one write of every family, through the real client and a real (in-process)
//! simulator. Each cell states the outcome its retry class calls for — a
//! successful retry or one exact error variant — and checks it three ways:
//! the call's result, the attempts the client made (its backoff waits on the
//! fake clock), and the simulator's request log (how many requests arrived;
//! a message never twice). `cargo test --test fault_matrix -- --nocapture`
//! prints the matrix.
//!
//! The simulator never logs (nor applies) a request whose client gave up
//! during an injected delay, so timed-out attempts are counted on the client
//! side only.
//!
//! Faults the simulator cannot inject, and so are not in the matrix: a 200
//! answer with an HTML or an empty body (injected statuses are 400–599;
//! `malformed_body` is the nearest: the real status with a body that is not
//! JSON), and a JSON body labelled with a wrong `Content-Type`.

mod common;

use common::FakeClock;
use flowroute::cdrs::CdrFilter;
use flowroute::chrono::{TimeZone, Utc};
use flowroute::e911::{E911Country, NewE911Address};
use flowroute::messages::Message;
use flowroute::retry::{Idempotency, RetryPolicy};
use flowroute::routes::NewRoute;
use flowroute::{Client, Error, MessageId, PhoneNumber, TimeLimit};
use flowroute_sim::{DropPoint, Fault, FaultBody, FaultRule, SIM_ACCESS_KEY, SIM_SECRET_KEY};
use flowroute_sim::{RequestRecord, Simulator};
use std::fmt::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Each attempt's limit in every cell but the timeout ones: far above any
/// answer of the simulator, even on a loaded machine.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(5);
/// Each attempt's limit in the timeout cells.
const SHORT_TIMEOUT: Duration = Duration::from_secs(1);
/// The injected delay that makes an attempt time out: longer than a whole
/// timeout cell, so that no timed-out request can finish (and be logged)
/// before the cell reads the log, whatever the simulator does with it.
const DELAY: Duration = Duration::from_secs(5);
/// The whole call's limit, on the fake clock: room for every backoff wait and
/// a one-second `Retry-After`, so the deadline never decides a cell.
const DEADLINE: Duration = Duration::from_secs(5);
/// A hang fails the cell instead of the whole run.
const CELL_LIMIT: Duration = Duration::from_secs(8);
/// Smaller than any JSON:API document the simulator answers.
const TINY_LIMIT: usize = 32;
const RETRY_AFTER_SECS: u64 = 1;
const BACKOFF: Duration = Duration::from_millis(100);
const MAX_ATTEMPTS: u32 = 3;
/// The message destination: not a number on the account.
const MOBILE: &str = "12065550123";

/// One read and one write per family; routes also gets an idempotent write
/// (`set_primary`), the class no other family's representative write has.
/// Porting has no write in the API: its portability check is a read sent as
/// POST, and stands in for one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    NumberDetails,
    PurchaseNumber,
    ListRoutes,
    CreateRoute,
    SetPrimaryRoute,
    GetMdr,
    SendMessage,
    ListE911s,
    CreateE911,
    ListCnams,
    CreateCnam,
    ListPortOrders,
    CheckPortability,
    ListCdrExports,
    CreateCdrExport,
}

const OPS: [Op; 15] = [
    Op::NumberDetails,
    Op::PurchaseNumber,
    Op::ListRoutes,
    Op::CreateRoute,
    Op::SetPrimaryRoute,
    Op::GetMdr,
    Op::SendMessage,
    Op::ListE911s,
    Op::CreateE911,
    Op::ListCnams,
    Op::CreateCnam,
    Op::ListPortOrders,
    Op::CheckPortability,
    Op::ListCdrExports,
    Op::CreateCdrExport,
];

impl Op {
    fn operation_id(self) -> &'static str {
        match self {
            Op::NumberDetails => "list_phone_number_details",
            Op::PurchaseNumber => "purchase_a_phone_number",
            Op::ListRoutes => "list_inbound_routes",
            Op::CreateRoute => "create_an_inbound_route",
            Op::SetPrimaryRoute => "update_primary_voice_route",
            Op::GetMdr => "look_up_a_message_detail_record",
            Op::SendMessage => "send_a_message",
            Op::ListE911s => "list_e911_addresses",
            Op::CreateE911 => "create_e911_address",
            Op::ListCnams => "list_cnam_records",
            Op::CreateCnam => "create_cnam_record",
            Op::ListPortOrders => "list_port_orders",
            Op::CheckPortability => "check_number_portability",
            Op::ListCdrExports => "list_cdr_exports",
            Op::CreateCdrExport => "create_cdr_export",
        }
    }

    /// The method and path template, as a fault rule matches them.
    fn route(self) -> (&'static str, &'static str) {
        match self {
            Op::NumberDetails => ("GET", "/v2/numbers/{id}"),
            Op::PurchaseNumber => ("POST", "/v2/numbers/{id}"),
            Op::ListRoutes => ("GET", "/v2/routes"),
            Op::CreateRoute => ("POST", "/v2/routes"),
            Op::SetPrimaryRoute => ("PATCH", "/v2/numbers/{id}/relationships/primary_route"),
            Op::GetMdr => ("GET", "/v2.1/messages/{id}"),
            Op::SendMessage => ("POST", "/v2.1/messages"),
            Op::ListE911s => ("GET", "/v2/e911s"),
            Op::CreateE911 => ("POST", "/v2/e911s"),
            Op::ListCnams => ("GET", "/v2/cnams"),
            Op::CreateCnam => ("POST", "/v2/cnams"),
            Op::ListPortOrders => ("GET", "/v2/portorders"),
            Op::CheckPortability => ("POST", "/v2/portorders/portability"),
            Op::ListCdrExports => ("GET", "/v2/cdrs/exports"),
            Op::CreateCdrExport => ("POST", "/v2/cdrs/exports"),
        }
    }

    /// The retry class the SDK's documentation gives the operation; the test
    /// checks the SDK agrees before relying on it.
    fn class(self) -> Idempotency {
        match self {
            Op::PurchaseNumber | Op::SendMessage => Idempotency::Never,
            Op::CreateRoute | Op::CreateE911 | Op::CreateCnam | Op::CreateCdrExport => {
                Idempotency::NotIdempotent
            }
            _ => Idempotency::Idempotent,
        }
    }

    /// Whether the normal answer has no body (a 204).
    fn answers_empty(self) -> bool {
        self == Op::SetPrimaryRoute
    }

    fn short(self) -> &'static str {
        match self {
            Op::NumberDetails => "numbers.get",
            Op::PurchaseNumber => "numbers.purchase",
            Op::ListRoutes => "routes.list",
            Op::CreateRoute => "routes.create",
            Op::SetPrimaryRoute => "routes.set_primary",
            Op::GetMdr => "messages.get",
            Op::SendMessage => "messages.send",
            Op::ListE911s => "e911s.list",
            Op::CreateE911 => "e911s.create",
            Op::ListCnams => "cnams.list",
            Op::CreateCnam => "cnams.create",
            Op::ListPortOrders => "porting.orders",
            Op::CheckPortability => "porting.check",
            Op::ListCdrExports => "cdrs.list",
            Op::CreateCdrExport => "cdrs.create",
        }
    }
}

/// What the simulator does to the operation's requests.
#[derive(Debug, Clone, Copy)]
enum Kind {
    RateLimit,
    Status(u16, FaultBody),
    Drop(DropPoint),
    /// A delay longer than the client's request timeout.
    Timeout,
    Truncated,
    Malformed,
    /// No fault: a normal answer to a client whose size limit is tiny.
    Oversized,
    /// A normal answer labelled `text/html`: the body decides, not the label.
    WrongContentType,
}

/// A column of the matrix: a fault, applied to this many matching requests.
#[derive(Debug, Clone, Copy)]
struct Case {
    label: &'static str,
    kind: Kind,
    count: u32,
}

const fn case(label: &'static str, kind: Kind, count: u32) -> Case {
    Case { label, kind, count }
}

/// Once each: a retryable class recovers. `×3` (as many as the attempts
/// allowed): a retryable class exhausts its attempts and reports the last failure.
const CASES: [Case; 18] = [
    case("429+RA", Kind::RateLimit, 1),
    case("500", Kind::Status(500, FaultBody::Json), 1),
    case("502", Kind::Status(502, FaultBody::Json), 1),
    case("503", Kind::Status(503, FaultBody::Json), 1),
    case("504", Kind::Status(504, FaultBody::Json), 1),
    case("503html", Kind::Status(503, FaultBody::Html), 1),
    case("503empty", Kind::Status(503, FaultBody::Empty), 1),
    case("drop-pre", Kind::Drop(DropPoint::BeforeRequest), 1),
    case("drop-post", Kind::Drop(DropPoint::AfterRequest), 1),
    case("timeout", Kind::Timeout, 1),
    case("truncated", Kind::Truncated, 1),
    case("malformed", Kind::Malformed, 1),
    case("oversized", Kind::Oversized, 0),
    case("ctype", Kind::WrongContentType, 1),
    case("429×3", Kind::RateLimit, MAX_ATTEMPTS),
    case("503×3", Kind::Status(503, FaultBody::Json), MAX_ATTEMPTS),
    case(
        "drop-pre×3",
        Kind::Drop(DropPoint::BeforeRequest),
        MAX_ATTEMPTS,
    ),
    case("timeout×3", Kind::Timeout, MAX_ATTEMPTS),
];

impl Case {
    fn fault(&self) -> Option<Fault> {
        Some(match self.kind {
            Kind::RateLimit => Fault::RateLimit {
                retry_after: RETRY_AFTER_SECS,
            },
            Kind::Status(status, body) => Fault::Status { status, body },
            Kind::Drop(point) => Fault::Drop(point),
            Kind::Timeout => Fault::Delay(DELAY),
            Kind::Truncated => Fault::TruncatedBody,
            Kind::Malformed => Fault::MalformedBody,
            Kind::Oversized => return None,
            Kind::WrongContentType => Fault::ContentType("text/html".into()),
        })
    }

    /// Whether one faulted attempt is transient (worth sending again, in
    /// principle), per the `retry` module's table.
    fn transient(&self) -> bool {
        match self.kind {
            Kind::RateLimit | Kind::Drop(_) | Kind::Timeout | Kind::Truncated => true,
            Kind::Status(status, _) => matches!(status, 429 | 502 | 503 | 504),
            Kind::Malformed | Kind::Oversized | Kind::WrongContentType => false,
        }
    }

    /// Whether the client sends the operation again after one faulted attempt.
    /// The simulator is listening, so no failure here is a connect failure:
    /// a dropped connection is a request that may have been processed.
    fn retried(&self, class: Idempotency) -> bool {
        match class {
            Idempotency::Idempotent => self.transient(),
            Idempotency::NotIdempotent => matches!(self.kind, Kind::RateLimit),
            // A 429 is a refusal before anything was done: even a send is
            // sent again.
            Idempotency::Never => matches!(self.kind, Kind::RateLimit),
        }
    }

    fn expected(&self, op: Op) -> Expected {
        let id = op.operation_id();
        let error = match self.kind {
            Kind::Oversized if op.answers_empty() => Outcome::Ok,
            Kind::WrongContentType => Outcome::Ok,
            Kind::Oversized => Outcome::TooLarge,
            Kind::Malformed => Outcome::Decode,
            Kind::RateLimit => Outcome::Api(429, FaultBody::Json),
            Kind::Status(status, body) => Outcome::Api(status, body),
            Kind::Drop(_) | Kind::Truncated => Outcome::Transport,
            Kind::Timeout => Outcome::Timeout,
        };
        let retried = self.retried(op.class());
        let (outcome, attempts) = if !retried {
            (error, 1)
        } else if self.count < MAX_ATTEMPTS {
            (Outcome::Ok, self.count + 1)
        } else {
            (error, MAX_ATTEMPTS)
        };
        let timed_out = match self.kind {
            Kind::Timeout => self.count.min(attempts),
            _ => 0,
        };
        // Nothing here is a connect failure (see `retried`), so only 429
        // makes a repeat of a write that is not idempotent safe.
        let safe = self.transient()
            && (op.class() == Idempotency::Idempotent || matches!(self.kind, Kind::RateLimit));
        Expected {
            id,
            transient: self.transient(),
            safe,
            outcome,
            attempts,
            logged: attempts - timed_out,
        }
    }
}

/// How a call ends.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Outcome {
    Ok,
    Api(u16, FaultBody),
    Transport,
    Timeout,
    Decode,
    TooLarge,
}

struct Expected {
    id: &'static str,
    /// What `Error::is_transient` should say of the error, if the call fails.
    transient: bool,
    /// What `Error::is_safe_to_retry` should say: never true for a send or
    /// purchase that may have been processed.
    safe: bool,
    outcome: Outcome,
    /// Requests the client sends.
    attempts: u32,
    /// Requests in the simulator's log when the cell reads it: a request whose
    /// client gave up during a delay is applied and logged only when the delay
    /// ends, after the cell is over (see [`DELAY`]).
    logged: u32,
}

impl Expected {
    /// Why `result` is not what was expected, if it is not.
    fn mismatch(&self, result: &Result<(), Error>) -> Option<String> {
        let id = self.id;
        let err = match (result, self.outcome) {
            (Ok(()), Outcome::Ok) => return None,
            (Ok(()), _) => return Some(format!("succeeded, expected {:?}", self.outcome)),
            (Err(e), Outcome::Ok) => return Some(format!("failed: {e:?}")),
            (Err(e), _) => e,
        };
        let shape_ok = match (err, self.outcome) {
            (Error::Api(a), Outcome::Api(status, body)) => {
                let body_ok = match body {
                    FaultBody::Json => !a.errors.is_empty() && a.body_excerpt.is_none(),
                    FaultBody::Html => {
                        a.errors.is_empty()
                            && a.body_excerpt
                                .as_deref()
                                .is_some_and(|b| b.contains("<html>"))
                    }
                    FaultBody::Empty => a.errors.is_empty() && a.body_excerpt.is_none(),
                };
                let retry_after_ok = (status == 429)
                    == (a.retry_after == Some(Duration::from_secs(RETRY_AFTER_SECS)));
                a.operation == id && a.status.as_u16() == status && body_ok && retry_after_ok
            }
            (Error::Transport { operation, .. }, Outcome::Transport) => *operation == id,
            (
                Error::Timeout {
                    operation,
                    limit,
                    configured,
                },
                Outcome::Timeout,
            ) => *operation == id && *limit == TimeLimit::Request && *configured == SHORT_TIMEOUT,
            (Error::Decode(d), Outcome::Decode) => d.operation == id,
            (Error::ResponseTooLarge { operation, limit }, Outcome::TooLarge) => {
                *operation == id && *limit == TINY_LIMIT
            }
            _ => false,
        };
        if !shape_ok {
            return Some(format!("expected {:?}, got {err:?}", self.outcome));
        }
        if (err.is_transient(), err.is_safe_to_retry()) != (self.transient, self.safe) {
            return Some(format!(
                "(is_transient, is_safe_to_retry) is {:?}, expected {:?} for {err:?}",
                (err.is_transient(), err.is_safe_to_retry()),
                (self.transient, self.safe)
            ));
        }
        None
    }
}

/// What a cell's operation needs from the account, made before the fault is
/// injected and the request log cleared.
struct Fixture {
    owned: PhoneNumber,
    available: PhoneNumber,
    mdr: MessageId,
}

async fn prepare(sim: &Simulator, http: &reqwest::Client) -> Fixture {
    let client = Client::builder()
        .credentials(SIM_ACCESS_KEY, SIM_SECRET_KEY)
        .base_url(sim.base_url())
        .http_client(http.clone())
        .build()
        .unwrap();
    let owned = client.numbers().list().limit(1).page().await.unwrap().items[0]
        .number
        .clone();
    let available = client
        .numbers()
        .search()
        .limit(1)
        .page()
        .await
        .unwrap()
        .items[0]
        .number
        .clone();
    let mdr = client
        .messages()
        .send(Message::sms(owned.clone(), mobile(), "seed"))
        .await
        .unwrap()
        .id;
    sim.clear_requests();
    Fixture {
        owned,
        available,
        mdr,
    }
}

fn mobile() -> PhoneNumber {
    PhoneNumber::parse(MOBILE).unwrap()
}

fn office() -> NewE911Address {
    NewE911Address::new()
        .label("Office Space III")
        .first_name("Albus")
        .last_name("Rasputin, Jr.")
        .street_number("666")
        .street_name("Main St")
        .city("Seattle")
        .state("wa")
        .country(E911Country::Us)
        .zip("98101")
}

fn january() -> CdrFilter {
    CdrFilter::new(
        Utc.with_ymd_and_hms(2019, 1, 1, 0, 0, 0).unwrap(),
        Utc.with_ymd_and_hms(2019, 2, 1, 0, 0, 0).unwrap(),
    )
}

async fn call(op: Op, client: &Client, fx: &Fixture) -> Result<(), Error> {
    match op {
        Op::NumberDetails => client.numbers().get(&fx.owned).await.map(drop),
        Op::PurchaseNumber => client.numbers().purchase(&fx.available).await.map(drop),
        Op::ListRoutes => client.routes().list().page().await.map(drop),
        Op::CreateRoute => client
            .routes()
            .create(NewRoute::host("pbx.example.com", "fault matrix"))
            .await
            .map(drop),
        Op::SetPrimaryRoute => client.routes().set_primary(&fx.owned, "0").await,
        Op::GetMdr => client.messages().get(&fx.mdr).await.map(drop),
        Op::SendMessage => client
            .messages()
            .send(Message::sms(fx.owned.clone(), mobile(), "fault matrix"))
            .await
            .map(drop),
        Op::ListE911s => client.e911s().list().page().await.map(drop),
        Op::CreateE911 => client.e911s().create(office()).await.map(drop),
        Op::ListCnams => client.cnams().list().page().await.map(drop),
        Op::CreateCnam => client.cnams().create("FAULT MATRIX").await.map(drop),
        Op::ListPortOrders => client.porting().orders().page().await.map(drop),
        Op::CheckPortability => client.porting().check([MOBILE]).await.map(drop),
        Op::ListCdrExports => client.cdrs().list().page().await.map(drop),
        Op::CreateCdrExport => client.cdrs().create(january()).await.map(drop),
    }
}
/// What one cell saw.
struct Report {
    op: Op,
    case: Case,
    /// How the call ended, for the table.
    seen: String,
    expected: Expected,
    /// Requests the client sent: one more than its backoff waits.
    attempts: u32,
    /// Requests of the operation in the simulator's log.
    logged: u32,
    /// `POST /v2.1/messages` in the log.
    sends: u32,
    problems: Vec<String>,
}

fn code(result: &Result<Result<(), Error>, tokio::time::error::Elapsed>) -> String {
    match result {
        Err(_) => "HANG".into(),
        Ok(Ok(())) => "ok".into(),
        Ok(Err(Error::Api(a))) => a.status.as_u16().to_string(),
        Ok(Err(Error::Transport { .. })) => "net".into(),
        Ok(Err(Error::Timeout { .. })) => "tmo".into(),
        Ok(Err(Error::Decode(_))) => "dec".into(),
        Ok(Err(Error::ResponseTooLarge { .. })) => "big".into(),
        Ok(Err(_)) => "other".into(),
    }
}

/// Runs one cell on `sim`, which it resets first.
async fn run_cell(sim: Arc<Simulator>, http: reqwest::Client, op: Op, case: Case) -> Report {
    sim.reset();
    let fx = prepare(&sim, &http).await;
    let clock = FakeClock::default();
    let timeout = match case.kind {
        Kind::Timeout => SHORT_TIMEOUT,
        _ => REQUEST_TIMEOUT,
    };
    let mut builder = Client::builder()
        .credentials(SIM_ACCESS_KEY, SIM_SECRET_KEY)
        .base_url(sim.base_url())
        .http_client(http)
        .clock(clock.clone())
        .retry_policy(
            RetryPolicy::default()
                .max_attempts(MAX_ATTEMPTS)
                .backoff(BACKOFF, Duration::from_secs(1))
                .jitter(|| 1.0),
        )
        .request_timeout(timeout)
        .deadline(DEADLINE);
    if matches!(case.kind, Kind::Oversized) {
        builder = builder.max_response_bytes(TINY_LIMIT);
    }
    let client = builder.build().unwrap();
    if let Some(fault) = case.fault() {
        let (method, path) = op.route();
        sim.add_fault(FaultRule::new(path, fault).method(method).count(case.count))
            .unwrap();
    }
    let expected = case.expected(op);

    let result = tokio::time::timeout(CELL_LIMIT, call(op, &client, &fx)).await;
    let log = sim.requests();
    let pending: u32 = sim.faults().iter().map(|r| r.count).sum();

    let mut problems = Vec::new();
    match &result {
        Err(_) => problems.push(format!("no end within {CELL_LIMIT:?}")),
        Ok(r) => problems.extend(expected.mismatch(r)),
    }
    let (method, _) = op.route();
    let strays: Vec<&RequestRecord> = log.iter().filter(|r| r.method != method).collect();
    if !strays.is_empty() {
        problems.push(format!("requests of other operations: {strays:?}"));
    }
    let logged = log.len() as u32;
    if logged != expected.logged {
        problems.push(format!(
            "{logged} requests in the log, expected {}: {log:?}",
            expected.logged
        ));
    }
    // A send refused with 429 was done nothing with: only the others can
    // have delivered a message.
    let sends = log
        .iter()
        .filter(|r| r.method == "POST" && r.path == "/v2.1/messages" && r.status != Some(429))
        .count() as u32;
    let waits = clock.sleeps();
    let attempts = waits.len() as u32 + 1;
    let waits_ok = waits.iter().enumerate().all(|(i, wait)| match case.kind {
        Kind::RateLimit => *wait == Duration::from_secs(RETRY_AFTER_SECS),
        _ => *wait == BACKOFF * 2u32.pow(i as u32),
    });
    if attempts != expected.attempts || !waits_ok {
        problems.push(format!(
            "backoff waits {waits:?}, expected {} attempts",
            expected.attempts
        ));
    }
    if pending != case.count.saturating_sub(expected.attempts) {
        problems.push(format!("{pending} faulted requests left unused"));
    }
    Report {
        op,
        case,
        seen: code(&result),
        expected,
        attempts,
        logged,
        sends,
        problems,
    }
}

/// One simulator per operation runs its cells one after the other; each
/// timeout cell gets its own, so that the requests it abandons, still waiting
/// in the simulator, cannot touch another cell.
async fn run_all(http: &reqwest::Client) -> Vec<Report> {
    let mut jobs = Vec::new();
    for op in OPS {
        let row = Arc::new(Simulator::start().await.unwrap());
        for case in CASES {
            let sim = match case.kind {
                Kind::Timeout => Arc::new(Simulator::start().await.unwrap()),
                _ => row.clone(),
            };
            jobs.push((sim, op, case));
        }
    }
    let mut rows: Vec<Vec<(Arc<Simulator>, Op, Case)>> = Vec::new();
    for job in jobs {
        match rows.iter_mut().find(|row| Arc::ptr_eq(&row[0].0, &job.0)) {
            Some(row) => row.push(job),
            None => rows.push(vec![job]),
        }
    }
    let runs = rows.into_iter().map(|row| {
        let http = http.clone();
        async move {
            let mut reports = Vec::new();
            for (sim, op, case) in row {
                let cell = tokio::spawn(run_cell(sim, http.clone(), op, case));
                reports.push(match cell.await {
                    Ok(report) => report,
                    Err(panic) => Report {
                        op,
                        case,
                        seen: "PANIC".into(),
                        expected: case.expected(op),
                        attempts: 0,
                        logged: 0,
                        sends: 0,
                        problems: vec![format!("panicked: {panic}")],
                    },
                });
            }
            reports
        }
    });
    futures_util::future::join_all(runs)
        .await
        .into_iter()
        .flatten()
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_fault_ends_as_the_operations_retry_class_says() {
    for op in OPS {
        let spec = flowroute_raw::operation(op.operation_id()).unwrap();
        assert_eq!(
            (spec.method, flowroute::retry::idempotency(spec)),
            (op.route().0, op.class()),
            "{op:?}"
        );
    }
    let started = Instant::now();
    // One connection pool for every client: building one per cell costs more
    // than the cell.
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let mut reports = run_all(&http).await;
    let position = |r: &Report| {
        let op = OPS.iter().position(|o| *o == r.op);
        let case = CASES.iter().position(|c| c.label == r.case.label);
        (op, case)
    };
    reports.sort_by_key(position);
    println!("{}", summary(&reports, started.elapsed()));

    let failed: Vec<String> = reports
        .iter()
        .filter(|r| !r.problems.is_empty())
        .map(|r| {
            format!(
                "{} × {}: {}",
                r.op.short(),
                r.case.label,
                r.problems.join("; ")
            )
        })
        .collect();
    assert!(
        failed.is_empty(),
        "{} cells failed:\n{}",
        failed.len(),
        failed.join("\n")
    );
    let totals = Totals::of(&reports);
    assert_eq!(totals.cells, OPS.len() * CASES.len());
    assert_eq!(totals.duplicate_sends, 0, "a message was sent twice");
    assert_eq!(totals.send_cells_sending_once, totals.send_cells);
    assert_eq!(totals.retries, totals.expected_retries);
    assert_eq!(totals.logged_retries, totals.expected_logged_retries);
}

#[derive(Debug)]
struct Totals {
    cells: usize,
    failed: usize,
    retries: u32,
    expected_retries: u32,
    logged_retries: u32,
    expected_logged_retries: u32,
    send_cells: usize,
    send_cells_sending_once: usize,
    duplicate_sends: u32,
}

impl Totals {
    fn of(reports: &[Report]) -> Totals {
        let extra = |n: u32| n.saturating_sub(1);
        let sum = |f: &dyn Fn(&Report) -> u32| reports.iter().map(f).sum::<u32>();
        let send_cells: Vec<&Report> = reports.iter().filter(|r| r.op == Op::SendMessage).collect();
        Totals {
            cells: reports.len(),
            failed: reports.iter().filter(|r| !r.problems.is_empty()).count(),
            retries: sum(&|r| extra(r.attempts)),
            expected_retries: sum(&|r| extra(r.expected.attempts)),
            logged_retries: sum(&|r| extra(r.logged)),
            expected_logged_retries: sum(&|r| extra(r.expected.logged)),
            send_cells: send_cells.len(),
            send_cells_sending_once: send_cells.iter().filter(|r| r.sends <= 1).count(),
            duplicate_sends: sum(&|r| extra(r.sends)),
        }
    }
}

/// Each cell as `outcome/requests in the log` (`ok`, an HTTP status, `net`
/// transport, `tmo` timeout, `dec` decode, `big` too large), `!` marking a
/// failed cell.
fn summary(reports: &[Report], took: Duration) -> String {
    let mut out = String::new();
    let _ = write!(out, "{:<19}", "operation \\ fault");
    for case in CASES {
        let _ = write!(out, "{:>11}", case.label);
    }
    for op in OPS {
        let _ = write!(out, "\n{:<19}", op.short());
        for report in reports.iter().filter(|r| r.op == op) {
            let mark = if report.problems.is_empty() { "" } else { "!" };
            let shown = format!("{}/{}{mark}", report.seen, report.logged);
            let _ = write!(out, "{shown:>11}");
        }
    }
    let t = Totals::of(reports);
    let _ = write!(
        out,
        "\ncells: {} ({} failed) · retries (attempts - 1): {} (expected {}) · extra requests in \
         the log: {} (expected {}; timed-out requests are logged only after the cell) · send cells with at most \
         one POST /v2.1/messages: {}/{} · duplicate sends: {} · {:.1?}",
        t.cells,
        t.failed,
        t.retries,
        t.expected_retries,
        t.logged_retries,
        t.expected_logged_retries,
        t.send_cells_sending_once,
        t.send_cells,
        t.duplicate_sends,
        took
    );
    out
}
