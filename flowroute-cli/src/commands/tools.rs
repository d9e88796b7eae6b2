//! The commands that are not calls of the API: `webhooks listen`, `sim` and
//! `completions`.

use crate::cli::{Cli, Global};
use crate::exit::CliError;
use crate::output::Format;
use clap::{Args, CommandFactory, Subcommand};
use clap_complete::Shell;
use flowroute::webhooks::{Event, Receiver};
use flowroute_sim::Simulator;
use std::io::Write;
use std::net::{IpAddr, SocketAddr};

#[derive(Debug, Subcommand)]
pub enum WebhooksCommand {
    /// Receive Flowroute's webhooks and print each event as it arrives
    #[command(
        after_help = "Example:\n  flowroute webhooks listen --host 0.0.0.0 --port 8080 --token 4f7d0c9e2b1a48f6a3c5d7e9b0f2a4c6\nthen register https://<your public host>/4f7d0c9e2b1a48f6a3c5d7e9b0f2a4c6 with\n  flowroute messages callbacks set sms https://<your public host>/4f7d0c9e2b1a48f6a3c5d7e9b0f2a4c6"
    )]
    Listen(ListenArgs),
}

#[derive(Debug, Args)]
pub struct ListenArgs {
    /// The address to listen on (0.0.0.0 for every interface)
    #[arg(long, default_value = "127.0.0.1")]
    host: IpAddr,
    /// The port to listen on (0 picks a free one)
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// Accept only requests with this token in the URL (/TOKEN or ?token=TOKEN); 16 or more of A-Z a-z 0-9 - . _ ~
    #[arg(long, env = "FLOWROUTE_WEBHOOK_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// Stop after this many events
    #[arg(long, value_name = "N")]
    count: Option<u64>,
}

#[derive(Debug, Args)]
pub struct SimArgs {
    /// The port to listen on (0 picks a free one)
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// The address to listen on
    #[arg(long, default_value = "127.0.0.1")]
    host: IpAddr,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell
    #[arg(value_enum)]
    shell: Shell,
}

/// These commands send nothing to Flowroute: a dry run of them means nothing.
fn no_dry_run(global: &Global, command: &str) -> Result<(), CliError> {
    if global.dry_run {
        return Err(CliError::usage(format!(
            "--dry-run applies to the commands that call Flowroute, not to `{command}`"
        )));
    }
    Ok(())
}

pub fn completions(args: CompletionsArgs, global: &Global) -> Result<(), CliError> {
    no_dry_run(global, "completions")?;
    let mut out = std::io::stdout().lock();
    clap_complete::generate(args.shell, &mut Cli::command(), "flowroute", &mut out);
    out.flush()?;
    Ok(())
}

pub async fn sim(args: SimArgs, global: &Global) -> Result<(), CliError> {
    no_dry_run(global, "sim")?;
    let sim = Simulator::builder()
        .bind(SocketAddr::new(args.host, args.port))
        .start()
        .await
        .map_err(|e| {
            CliError::other(format!("cannot listen on {}:{}: {e}", args.host, args.port))
        })?;
    let url = sim.base_url();
    let mut out = std::io::stdout().lock();
    writeln!(out, "flowroute simulator listening on {url}")?;
    writeln!(
        out,
        "  export FLOWROUTE_BASE_URL={url} {}={} {}={}",
        flowroute::ENV_ACCESS_KEY,
        sim.access_key(),
        flowroute::ENV_SECRET_KEY,
        sim.secret_key()
    )?;
    writeln!(out, "  control plane: {url}/__sim/")?;
    writeln!(out, "Press Ctrl-C to stop.")?;
    out.flush()?;
    drop(out);
    tokio::signal::ctrl_c().await?;
    sim.shutdown().await;
    Ok(())
}

pub async fn webhooks(command: WebhooksCommand, global: &Global) -> Result<(), CliError> {
    no_dry_run(global, "webhooks")?;
    let WebhooksCommand::Listen(args) = command;
    let (events_in, mut events) = tokio::sync::mpsc::unbounded_channel();
    let mut receiver = Receiver::new(move |event: Event| {
        let sent = events_in.send(event);
        async move { sent.map_err(|_| "the listener has stopped") }
    });
    if let Some(token) = &args.token {
        receiver = receiver.token(token)?;
    }
    let listener = tokio::net::TcpListener::bind((args.host, args.port))
        .await
        .map_err(|e| {
            CliError::other(format!("cannot listen on {}:{}: {e}", args.host, args.port))
        })?;
    let local = listener.local_addr()?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(
        receiver
            .serve(listener)
            .with_graceful_shutdown(async {
                stopped.await.ok();
            })
            .into_future(),
    );
    let path = if args.token.is_some() {
        "/<token>"
    } else {
        "/"
    };
    eprintln!("listening on http://{local}{path} (Ctrl-C to stop)");
    let mut seen = 0;
    let mut interrupted = std::pin::pin!(tokio::signal::ctrl_c());
    while args.count.is_none_or(|count| seen < count) {
        let event = tokio::select! {
            event = events.recv() => event,
            _ = &mut interrupted => None,
        };
        let Some(event) = event else { break };
        print_event(&event, global.output)?;
        seen += 1;
    }
    stop.send(()).ok();
    server.await.ok();
    Ok(())
}

/// One line per event: JSON for `--output json` or `ndjson`, else words.
fn print_event(event: &Event, format: Format) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    match format {
        Format::Json | Format::Ndjson => {
            serde_json::to_writer(&mut out, event).map_err(std::io::Error::from)?;
            writeln!(out)?;
        }
        Format::Table | Format::Csv => writeln!(out, "{}", describe(event))?,
    }
    out.flush()?;
    Ok(())
}

fn describe(event: &Event) -> String {
    match event {
        Event::InboundSms(m) | Event::InboundMms(m) => {
            let kind = if matches!(event, Event::InboundSms(_)) {
                "sms"
            } else {
                "mms"
            };
            let media = match m.media.len() {
                0 => String::new(),
                n => format!(" [{n} media]"),
            };
            format!(
                "{kind} {} {} → {}: {}{media}",
                m.id,
                m.from,
                m.to,
                m.body.as_deref().unwrap_or("")
            )
        }
        Event::DeliveryReceipt(r) => {
            let status = r.status.as_ref().map_or("", |s| s.as_str());
            let level = r.level.map(|l| format!(" level {l}")).unwrap_or_default();
            let code = match (&r.status_code, &r.status_code_description) {
                (Some(code), Some(words)) => format!(" ({code} {words})"),
                (Some(code), None) => format!(" ({code})"),
                _ => String::new(),
            };
            format!("dlr {}{level} {status}{code}", r.message_id)
        }
        Event::LegacyInbound(m) => format!(
            "sms {} {} → {}: {}",
            m.id,
            m.from,
            m.to,
            m.body.as_deref().unwrap_or("")
        ),
        other => format!("event for {}", other.message_id()),
    }
}

/// One operation of the API and its command, for `flowroute operations`.
#[derive(Debug, serde::Serialize)]
struct Operation {
    operation: &'static str,
    method: &'static str,
    path: &'static str,
    command: String,
}

impl crate::output::Row for Operation {
    const COLUMNS: &'static [&'static str] = &["command", "method", "path", "operation"];
}

pub fn operations(global: &Global) -> Result<(), CliError> {
    no_dry_run(global, "operations")?;
    let mut list = crate::output::Output::new(global.output).list();
    for (id, command) in crate::operations::OPERATIONS {
        let spec = flowroute_raw::operation(id);
        list.push(&Operation {
            operation: id,
            method: spec.map_or("", |op| op.method),
            path: spec.map_or("", |op| op.path),
            command: format!("flowroute {command}"),
        })?;
    }
    list.finish().map(drop)
}
