//! `flowroute messages …`: send, read message records, and the callback URLs
//! Flowroute posts inbound messages and delivery receipts to.

use super::bulk::{self, BulkArgs};
use super::checked;
use crate::context::{Ctx, ListArgs};
use crate::exit::CliError;
use crate::output::{single, to_json};
use crate::when;
use clap::{Args, Subcommand, ValueEnum};
use flowroute::chrono::{DateTime, Utc};
use flowroute::messages::{CallbackType, Message};
use flowroute::{MessageId, PhoneNumber};
use serde_json::json;

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Send an SMS, or an MMS with --media
    #[command(
        after_help = "Examples:\n  flowroute messages send --from 12012673227 --to 12065551234 --body \"hello\"\n  flowroute messages send --from 12012673227 --to 12065551234 --media https://example.com/cat.gif"
    )]
    Send(SendArgs),
    /// Send one message to every number of a file, within the rate limits (asks first)
    #[command(
        after_help = "Example:\n  flowroute messages send-bulk --from 12012673227 --to-file customers.txt --body \"We open at 9 today.\""
    )]
    SendBulk(BulkArgs),
    /// The records of the messages sent and received in a time window
    #[command(after_help = "Example:\n  flowroute messages list --since 24h --all --output ndjson")]
    List {
        /// Start of the window
        #[arg(long, default_value = "24h", value_parser = when::parse, long_help = format!("Start of the window: {}", when::FORMS))]
        since: DateTime<Utc>,
        /// End of the window [default: now]
        #[arg(long, value_parser = when::parse)]
        until: Option<DateTime<Utc>>,
        #[command(flatten)]
        list: ListArgs,
    },
    /// One message's record, with its delivery receipts
    #[command(
        after_help = "Example:\n  flowroute messages get mdr2-39cadeace66e11e7aff806cd7f24ba2d"
    )]
    Get {
        /// The message's id (mdr2-…)
        id: String,
    },
    /// The URLs Flowroute posts inbound messages and receipts to
    #[command(subcommand)]
    Callbacks(CallbacksCommand),
}

#[derive(Debug, Args)]
pub struct SendArgs {
    /// A number of the account
    #[arg(long)]
    from: String,
    /// The recipient
    #[arg(long)]
    to: String,
    /// The text
    #[arg(long, required_unless_present = "media")]
    body: Option<String>,
    /// A media file's URL, making the message an MMS (repeat for more)
    #[arg(long, value_name = "URL")]
    media: Vec<String>,
    /// Send the text as an MMS without media
    #[arg(long, conflicts_with = "media")]
    mms: bool,
    /// Where Flowroute posts this message's delivery receipts
    #[arg(long, value_name = "URL")]
    dlr_callback: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum CallbacksCommand {
    /// The URL of one kind of notification, the account's or a number's
    #[command(after_help = "Example:\n  flowroute messages callbacks get sms --number 12065551234")]
    Get {
        /// Which notifications
        #[arg(value_enum)]
        kind: Kind,
        /// A number's own URL instead of the account's
        #[arg(long)]
        number: Option<String>,
    },
    /// Set where Flowroute posts one kind of notification (asks first)
    #[command(
        after_help = "Example:\n  flowroute messages callbacks set sms https://example.com/sms"
    )]
    Set {
        /// Which notifications
        #[arg(value_enum)]
        kind: Kind,
        /// An http(s) URL
        url: String,
        /// Set a number's own URL instead of the account's
        #[arg(long)]
        number: Option<String>,
    },
    /// Remove the URL of one kind of notification (asks first)
    #[command(
        after_help = "Example:\n  flowroute messages callbacks remove dlr --number 12065551234"
    )]
    Remove {
        /// Which notifications
        #[arg(value_enum)]
        kind: Kind,
        /// Remove a number's own URL instead of the account's
        #[arg(long)]
        number: Option<String>,
    },
}

/// The kinds of messaging notification, by the names Flowroute's callback
/// types carry.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Kind {
    /// Inbound SMS (sms_callback)
    #[value(alias = "sms_callback")]
    Sms,
    /// Inbound MMS (mms_callback)
    #[value(alias = "mms_callback")]
    Mms,
    /// Delivery receipts of SMS (sms_dlr_callback)
    #[value(alias = "sms_dlr_callback")]
    SmsDlr,
    /// Delivery receipts of MMS (mms_dlr_callback)
    #[value(alias = "mms_dlr_callback")]
    MmsDlr,
    /// Delivery receipts of both (dlr_callback)
    #[value(alias = "dlr_callback")]
    Dlr,
}

impl Kind {
    fn callback_type(self) -> CallbackType {
        match self {
            Kind::Sms => CallbackType::SmsCallback,
            Kind::Mms => CallbackType::MmsCallback,
            Kind::SmsDlr => CallbackType::SmsDlrCallback,
            Kind::MmsDlr => CallbackType::MmsDlrCallback,
            Kind::Dlr => CallbackType::DlrCallback,
        }
    }
}

pub async fn run(command: Command, ctx: &Ctx) -> Result<(), CliError> {
    let messages = ctx.client().messages();
    match command {
        Command::Send(args) => {
            let message = build(args);
            let segments = message.segments();
            let sent = messages.send(message).await?;
            let mut record = to_json(&sent);
            record["segments"] = segments.into();
            ctx.output.done(record, sent.id.as_str())
        }
        Command::SendBulk(args) => bulk::run(args, ctx).await,
        Command::List { since, until, list } => {
            let mut r = messages.list(since);
            if let Some(end) = until {
                r = r.end(end);
            }
            ctx.list(r, &list).await
        }
        Command::Get { id } => {
            let id: MessageId = checked(&id)?;
            ctx.output.one(&messages.get(&id).await?)
        }
        Command::Callbacks(command) => callbacks(command, ctx).await,
    }
}

/// The message the flags describe; the SDK checks it when it is sent.
pub fn build(args: SendArgs) -> Message {
    let SendArgs {
        from,
        to,
        body,
        media,
        mms,
        dlr_callback,
    } = args;
    let mut message = if media.is_empty() && !mms {
        Message::sms(from, to, body.unwrap_or_default())
    } else {
        let mut m = Message::mms(from, to);
        if let Some(body) = body {
            m = m.body(body);
        }
        if mms {
            m = m.text_only_mms();
        }
        media.into_iter().fold(m, Message::media_url)
    };
    if let Some(url) = dlr_callback {
        message = message.dlr_callback(url);
    }
    message
}

async fn callbacks(command: CallbacksCommand, ctx: &Ctx) -> Result<(), CliError> {
    let messages = ctx.client().messages();
    let number = |n: &Option<String>| n.as_deref().map(checked::<PhoneNumber>).transpose();
    match command {
        CallbacksCommand::Get { kind, number: n } => {
            let callback = match number(&n)? {
                Some(n) => messages.number_callback(&n, kind.callback_type()).await?,
                None => messages.account_callback(kind.callback_type()).await?,
            };
            ctx.output.one(&callback)
        }
        CallbacksCommand::Set {
            kind,
            url,
            number: n,
        } => {
            let n = number(&n)?;
            let kind = kind.callback_type();
            let whose = n
                .as_ref()
                .map_or("the account".to_string(), ToString::to_string);
            ctx.confirm(&format!("Send {kind} notifications of {whose} to {url}?"))?;
            match &n {
                Some(n) => messages.set_number_callback(n, kind.clone(), &url).await?,
                None => messages.set_account_callback(kind.clone(), &url).await?,
            }
            let record = json!({"callback_type": kind, "number": n, "callback_url": url});
            ctx.output
                .done(record, &format!("{kind} of {whose}: {url}"))
        }
        CallbacksCommand::Remove { kind, number: n } => {
            let n = number(&n)?;
            let kind = kind.callback_type();
            let whose = n
                .as_ref()
                .map_or("the account".to_string(), ToString::to_string);
            ctx.confirm(&format!("Remove the {kind} URL of {whose}?"))?;
            match &n {
                Some(n) => messages.remove_number_callback(n, kind.clone()).await?,
                None => messages.remove_account_callback(kind.clone()).await?,
            }
            ctx.output.done(
                single("removed", kind.as_str()),
                &format!("{kind} of {whose} removed"),
            )
        }
    }
}
