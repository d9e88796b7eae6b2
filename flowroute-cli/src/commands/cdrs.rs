//! `flowroute cdrs …`: call detail record exports, and their calls as CSV.

use super::{cdr_csv, checked};
use crate::context::{Ctx, ListArgs};
use crate::exit::CliError;
use crate::output::csv_error;
use crate::when;
use clap::Subcommand;
use flowroute::CdrExportId;
use flowroute::cdrs::{CdrExport, CdrExportStatus, CdrFilter, CdrRecord};
use flowroute::chrono::{DateTime, Utc};
use futures_util::TryStreamExt;
use indicatif::{ProgressBar, ProgressStyle};
use std::io::Write;
use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

/// How often `download --wait` asks whether the export is built.
const POLL: Duration = Duration::from_secs(3);
/// How long a download may take: the SDK's default deadline of a minute is
/// for one call, not for a file of millions of calls.
const DOWNLOAD_DEADLINE: Duration = Duration::from_secs(3600);

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Ask Flowroute to export the calls of a time window
    #[command(after_help = "Example:\n  flowroute cdrs create --since 7d --alias \"Office 221\"")]
    Create {
        /// Calls that started at or after this
        #[arg(long, value_parser = when::parse, long_help = format!("Calls that started at or after this: {}", when::FORMS))]
        since: DateTime<Utc>,
        /// Calls that started before this [default: now]
        #[arg(long, value_parser = when::parse)]
        until: Option<DateTime<Utc>>,
        /// Only calls on numbers with this alias (repeat for more)
        #[arg(long)]
        alias: Vec<String>,
        /// Only calls on numbers whose alias contains this (repeat for more)
        #[arg(long)]
        alias_contains: Vec<String>,
        /// Only calls to this number (repeat for more)
        #[arg(long)]
        destination: Vec<String>,
        /// Only calls from this caller id (repeat for more)
        #[arg(long)]
        callerid: Vec<String>,
        /// Only calls with this SIP X-Tag (repeat for more)
        #[arg(long)]
        x_tag: Vec<String>,
        /// Only calls from this IP address
        #[arg(long)]
        caller_ip: Option<IpAddr>,
        /// Only calls longer than this many seconds
        #[arg(long, value_name = "SECONDS")]
        longer_than: Option<u64>,
        /// A URL Flowroute calls when the export changes status
        #[arg(long, value_name = "URL")]
        callback_url: Option<String>,
    },
    /// The exports requested on the account
    #[command(after_help = "Example:\n  flowroute cdrs list --status completed")]
    List {
        /// Only exports in this status (processing, completed, failed)
        #[arg(long)]
        status: Option<String>,
        #[command(flatten)]
        list: ListArgs,
    },
    /// One export: its status and, once completed, its totals
    #[command(after_help = "Example:\n  flowroute cdrs get 38647")]
    Get {
        /// The export's id
        id: String,
    },
    /// Write a completed export's calls as CSV
    #[command(after_help = "Example:\n  flowroute cdrs download 38647 --wait -o calls.csv")]
    Download {
        /// The export's id
        id: String,
        /// The file to write [default: stdout]
        #[arg(short = 'o', long = "out", value_name = "FILE")]
        out: Option<PathBuf>,
        /// Wait for an export still processing
        #[arg(long)]
        wait: bool,
    },
}

pub async fn run(command: Command, ctx: &Ctx) -> Result<(), CliError> {
    let cdrs = ctx.client().cdrs();
    match command {
        Command::Create {
            since,
            until,
            alias,
            alias_contains,
            destination,
            callerid,
            x_tag,
            caller_ip,
            longer_than,
            callback_url,
        } => {
            let mut filter = CdrFilter::new(since, until.unwrap_or_else(Utc::now));
            // Unset lists stay unset: an empty one would be refused.
            if !alias.is_empty() {
                filter = filter.number_aliases(alias);
            }
            if !alias_contains.is_empty() {
                filter = filter.number_aliases_contains(alias_contains);
            }
            if !destination.is_empty() {
                filter = filter.destination_numbers(destination);
            }
            if !callerid.is_empty() {
                filter = filter.callerid_numbers(callerid);
            }
            if !x_tag.is_empty() {
                filter = filter.custom_x_tags(x_tag);
            }
            if let Some(ip) = caller_ip {
                filter = filter.caller_ip(ip);
            }
            if let Some(seconds) = longer_than {
                filter = filter.duration_greater_than(Duration::from_secs(seconds));
            }
            let mut create = cdrs.create(filter);
            if let Some(url) = callback_url {
                create = create.callback_url(url);
            }
            ctx.output.one(&create.await?)
        }
        Command::List { status, list } => {
            let mut r = cdrs.list();
            if let Some(status) = status {
                r = r.status(CdrExportStatus::from(status));
            }
            ctx.list(r, &list).await
        }
        Command::Get { id } => {
            let id: CdrExportId = checked(&id)?;
            ctx.output.one(&cdrs.get(&id).await?)
        }
        Command::Download { id, out, wait } => {
            let id: CdrExportId = checked(&id)?;
            let export = completed(ctx, &id, wait).await?;
            download(ctx, &export, out).await
        }
    }
}

/// The export once it is completed: at once, or after waiting with `--wait`.
async fn completed(ctx: &Ctx, id: &CdrExportId, wait: bool) -> Result<CdrExport, CliError> {
    let cdrs = ctx.client().cdrs();
    let spinner = ProgressBar::new_spinner().with_message(format!("export {id} is processing"));
    loop {
        let export = cdrs.get(id).await?;
        match export.status {
            CdrExportStatus::Completed => {
                spinner.finish_and_clear();
                return Ok(export);
            }
            CdrExportStatus::Failed => {
                return Err(CliError::other(format!(
                    "Flowroute could not build export {id}; request another with `flowroute cdrs create`"
                )));
            }
            ref status if !wait => {
                return Err(CliError::other(format!(
                    "export {id} is {status}; run again later, or add --wait"
                )));
            }
            _ => {
                spinner.tick();
                tokio::time::sleep(POLL).await;
            }
        }
    }
}

async fn download(ctx: &Ctx, export: &CdrExport, out: Option<PathBuf>) -> Result<(), CliError> {
    let client = ctx.client().with_deadline(DOWNLOAD_DEADLINE);
    let mut calls = std::pin::pin!(client.cdrs().download(export));
    let total = export.num_calls.and_then(|n| u64::try_from(n).ok());
    let bar = match total {
        Some(n) => ProgressBar::new(n),
        None => ProgressBar::no_length(),
    }
    .with_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} calls ({eta} left)")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    // Written next to the target and renamed at the end, so that a failed
    // download never leaves a file that looks complete.
    let partial = out.as_ref().map(|path| path.with_extension("csv.part"));
    let sink: Box<dyn Write> = match &partial {
        Some(path) => Box::new(
            std::fs::File::create(path)
                .map_err(|e| CliError::other(format!("cannot write {}: {e}", path.display())))?,
        ),
        None => Box::new(std::io::stdout().lock()),
    };
    let mut csv = csv::Writer::from_writer(std::io::BufWriter::new(sink));
    let mut header: Option<Vec<String>> = None;
    let written = async {
        while let Some(call) = calls.try_next().await? {
            let header = header.get_or_insert_with(|| cdr_csv::header(&call));
            if bar.position() == 0 {
                csv.write_record(header.iter()).map_err(csv_error)?;
            }
            csv.write_record(cdr_csv::row(&call, header))
                .map_err(csv_error)?;
            bar.inc(1);
        }
        if header.is_none() {
            let documented = cdr_csv::header(&CdrRecord::default());
            csv.write_record(documented).map_err(csv_error)?;
        }
        csv.flush()?;
        Ok::<u64, CliError>(bar.position())
    }
    .await;
    bar.finish_and_clear();
    drop(csv);
    match (written, partial, out) {
        (Ok(n), Some(partial), Some(out)) => {
            std::fs::rename(&partial, &out)?;
            eprintln!("wrote {n} calls to {}", out.display());
            Ok(())
        }
        (Ok(_), _, _) => Ok(()),
        (Err(e), partial, _) => {
            if let Some(partial) = partial {
                let _ = std::fs::remove_file(partial);
            }
            Err(e)
        }
    }
}
