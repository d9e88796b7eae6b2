//! `flowroute messages send-bulk`: one message to every number of a file,
//! through the SDK's bulk sender (paced by the client's rate limiter, one
//! outcome per message), with a progress bar on stderr.

use crate::context::Ctx;
use crate::exit::CliError;
use crate::output::Row;
use clap::Args;
use flowroute::messages::Message;
use futures_util::StreamExt;
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct BulkArgs {
    /// A number of the account
    #[arg(long)]
    from: String,
    /// The recipients: one number a line (the first field of a CSV line;
    /// blank lines and `#` comments skipped); `-` reads stdin
    #[arg(long, value_name = "FILE")]
    to_file: PathBuf,
    /// The text
    #[arg(long, required_unless_present = "media")]
    body: Option<String>,
    /// A media file's URL, making the messages MMS (repeat for more)
    #[arg(long, value_name = "URL")]
    media: Vec<String>,
    /// Messages in flight at once; the rate limiter sets the pace
    #[arg(long, value_name = "N", default_value_t = flowroute::messages::DEFAULT_CONCURRENCY)]
    concurrency: usize,
}

/// The outcome of one recipient, as reported.
#[derive(Debug, Serialize)]
struct Outcome {
    line: usize,
    to: String,
    id: Option<String>,
    error: Option<String>,
}

impl Row for Outcome {
    const COLUMNS: &'static [&'static str] = &["line", "to", "id", "error"];
}

pub async fn run(args: BulkArgs, ctx: &Ctx) -> Result<(), CliError> {
    let recipients = read_recipients(&args.to_file)?;
    if recipients.is_empty() {
        return Err(CliError::usage(format!(
            "{} holds no number to send to",
            args.to_file.display()
        )));
    }
    let message = |to: &str| {
        let m = match (&args.body, args.media.is_empty()) {
            (Some(body), true) => Message::sms(args.from.as_str(), to, body.as_str()),
            (body, _) => match body {
                Some(body) => Message::mms(args.from.as_str(), to).body(body.as_str()),
                None => Message::mms(args.from.as_str(), to),
            },
        };
        args.media
            .iter()
            .fold(m, |m, url| m.media_url(url.as_str()))
    };
    let total = recipients.len();
    let segments: u64 = recipients
        .iter()
        .map(|(_, to)| u64::from(message(to).segments()))
        .sum();
    ctx.confirm(&format!(
        "Send {total} message(s) from {} ({segments} billed segment(s))?",
        args.from
    ))?;
    let batch: Vec<_> = recipients
        .into_iter()
        .map(|(line, to)| {
            let m = message(&to);
            ((line, to), m)
        })
        .collect();
    let mut outcomes = ctx
        .client()
        .messages()
        .send_all_keyed(batch)
        .concurrency(args.concurrency);
    let progress = outcomes.progress();
    let bar = ProgressBar::new(total as u64).with_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} {msg} ({eta} left)")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    // A dry run's report is the requests it recorded, printed afterwards.
    let mut report = (!ctx.dry_run()).then(|| ctx.output.list::<Outcome>());
    let mut interrupted = std::pin::pin!(tokio::signal::ctrl_c());
    loop {
        let outcome = tokio::select! {
            outcome = outcomes.next() => outcome,
            _ = &mut interrupted, if !progress.is_stopped() => {
                // Those in flight finish and are reported; no further one starts.
                progress.stop();
                bar.println("stopping: no further message starts; waiting for those in flight");
                continue;
            }
        };
        let Some(outcome) = outcome else { break };
        let ((line, to), result) = (outcome.key, outcome.result);
        bar.inc(1);
        bar.set_message(format!(
            "{} sent, {} failed",
            progress.sent(),
            progress.failed()
        ));
        let Some(report) = &mut report else { continue };
        let (id, error) = match result {
            Ok(sent) => (Some(sent.id.to_string()), None),
            Err(e) => (None, Some(e.to_string())),
        };
        bar.suspend(|| {
            report.push(&Outcome {
                line,
                to,
                id,
                error,
            })
        })?;
    }
    bar.finish_and_clear();
    if let Some(report) = report {
        report.finish()?;
    }
    let (sent, failed) = (progress.sent(), progress.failed());
    let unsent = total as u64 - sent;
    eprintln!("sent {sent} of {total}");
    match unsent {
        0 => Ok(()),
        _ if progress.is_stopped() && failed == 0 => Err(CliError::other(format!(
            "interrupted: {unsent} message(s) not sent"
        ))),
        _ => Err(CliError::other(format!(
            "{failed} message(s) failed and {} not started; the report gives each one's error",
            unsent - failed
        ))),
    }
}

/// The recipients with their line numbers (from 1).
fn read_recipients(path: &PathBuf) -> Result<Vec<(usize, String)>, CliError> {
    let text = if path.as_os_str() == "-" {
        std::io::read_to_string(std::io::stdin())?
    } else {
        std::fs::read_to_string(path)
            .map_err(|e| CliError::usage(format!("cannot read {}: {e}", path.display())))?
    };
    Ok(parse_recipients(&text))
}

fn parse_recipients(text: &str) -> Vec<(usize, String)> {
    text.lines()
        .enumerate()
        .filter_map(|(i, line)| {
            let first = line.split(',').next().unwrap_or_default().trim();
            (!first.is_empty() && !first.starts_with('#')).then(|| (i + 1, first.to_string()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn recipients_are_first_fields_of_non_comment_lines() {
        let text = "# customers\n12065550100\n\n+1 206 555 0101, Ada\n  \n12065550102,x,y\n";
        assert_eq!(
            super::parse_recipients(text),
            vec![
                (2, "12065550100".to_string()),
                (4, "+1 206 555 0101".to_string()),
                (6, "12065550102".to_string()),
            ]
        );
    }
}
