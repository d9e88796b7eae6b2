//! Sending many messages: within the client's rate limits, several at a time,
//! one outcome per message.

use super::{Message, Messages, SentMessage};
use crate::Error;
use futures_core::Stream;
use futures_util::stream::{self, BoxStream, StreamExt};
use std::{
    fmt,
    pin::Pin,
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    task::{Context, Poll},
};

/// Messages sent at once by default: enough to keep Flowroute's 5 SMS a
/// second flowing when an answer takes up to 1.6 s, few enough that stopping
/// leaves little in flight.
pub const DEFAULT_CONCURRENCY: usize = 8;

/// The outcome of one message of [`Messages::send_all`]: its key (the input's
/// index, or your own key) and what came of it.
#[derive(Debug)]
#[non_exhaustive]
pub struct SendOutcome<K> {
    /// The index of the message in the input of
    /// [`send_all`](Messages::send_all), or the key given with it to
    /// [`send_all_keyed`](Messages::send_all_keyed) /
    /// [`send_stream`](Messages::send_stream).
    pub key: K,
    /// The message as sent (its id, and its price on v2.2), or why it was not sent (or may not have been: see
    /// [`Messages::send`]).
    pub result: Result<SentMessage, Error>,
}

/// Live counts of a [`SendAll`], for a progress bar; a clone reads the same
/// counts. Also stops the sending ([`stop`](Self::stop)).
#[derive(Clone, Default)]
pub struct Progress(Arc<Counts>);

#[derive(Default)]
struct Counts {
    started: AtomicU64,
    sent: AtomicU64,
    failed: AtomicU64,
    stopped: AtomicBool,
}

impl Progress {
    /// Messages Flowroute accepted.
    pub fn sent(&self) -> u64 {
        self.0.sent.load(Ordering::Relaxed)
    }

    /// Messages that ended in an error.
    pub fn failed(&self) -> u64 {
        self.0.failed.load(Ordering::Relaxed)
    }

    /// Messages started and not finished: waiting for a permit of the rate
    /// limiter, or for Flowroute's answer.
    pub fn in_flight(&self) -> u64 {
        let started = self.0.started.load(Ordering::Relaxed);
        started.saturating_sub(self.sent() + self.failed())
    }

    /// Starts no further message. Those already started (at most the
    /// [`concurrency`](SendAll::concurrency)) finish and are reported, then
    /// the stream ends. Dropping the stream instead abandons them: one waiting
    /// for a permit is never sent, one already sent may be delivered with its
    /// outcome lost.
    pub fn stop(&self) {
        self.0.stopped.store(true, Ordering::Relaxed);
    }

    /// Whether [`stop`](Self::stop) was called.
    pub fn is_stopped(&self) -> bool {
        self.0.stopped.load(Ordering::Relaxed)
    }

    fn record(&self, result: &Result<SentMessage, Error>) {
        let count = if result.is_ok() {
            &self.0.sent
        } else {
            &self.0.failed
        };
        count.fetch_add(1, Ordering::Relaxed);
    }
}

impl fmt::Debug for Progress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Progress")
            .field("sent", &self.sent())
            .field("failed", &self.failed())
            .field("in_flight", &self.in_flight())
            .field("stopped", &self.is_stopped())
            .finish()
    }
}

/// Messages being sent, from [`Messages::send_all`]: a stream of one
/// [`SendOutcome`] per message, in the order they finish.
///
/// Nothing is sent until the stream is polled. Each message goes through
/// [`Messages::send`]: checked first, paced by the client's rate limiter
/// ([`limits`](crate::limits)), sent again only after a 429, never after a
/// failure that may have delivered it. An error on one message never stops the
/// others.
#[must_use = "nothing is sent until the stream is polled"]
pub struct SendAll<K> {
    messages: Messages,
    input: Option<BoxStream<'static, (K, Message)>>,
    concurrency: usize,
    progress: Progress,
    outcomes: Option<BoxStream<'static, SendOutcome<K>>>,
}

impl<K: Send + 'static> SendAll<K> {
    pub(super) fn new(messages: Messages, input: BoxStream<'static, (K, Message)>) -> Self {
        SendAll {
            messages,
            input: Some(input),
            concurrency: DEFAULT_CONCURRENCY,
            progress: Progress::default(),
            outcomes: None,
        }
    }

    /// Messages in flight at once (at least 1; default [`DEFAULT_CONCURRENCY`]).
    /// The rate limiter decides the pace; this only bounds how many wait.
    pub fn concurrency(mut self, messages: usize) -> Self {
        self.concurrency = messages.max(1);
        self
    }

    /// A handle on the counts (and to [`stop`](Progress::stop)), to read
    /// while the stream runs, from any task.
    pub fn progress(&self) -> Progress {
        self.progress.clone()
    }

    /// The outcome stream, built on the first poll with the settings of then.
    fn start(&mut self) -> BoxStream<'static, SendOutcome<K>> {
        let (messages, progress) = (self.messages.clone(), self.progress.clone());
        let gate = progress.clone();
        self.input
            .take()
            .unwrap_or_else(|| stream::empty().boxed())
            // Checked as each message is taken, so that after `stop` no
            // further one starts.
            .take_while(move |_| std::future::ready(!gate.is_stopped()))
            .map(move |(key, message)| {
                let (messages, progress) = (messages.clone(), progress.clone());
                progress.0.started.fetch_add(1, Ordering::Relaxed);
                async move {
                    let result = messages.send(message).await;
                    progress.record(&result);
                    SendOutcome { key, result }
                }
            })
            .buffer_unordered(self.concurrency)
            .boxed()
    }
}

impl<K: Send + 'static> Stream for SendAll<K> {
    type Item = SendOutcome<K>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let mut outcomes = self.outcomes.take().unwrap_or_else(|| self.start());
        let next = outcomes.poll_next_unpin(cx);
        self.outcomes = Some(outcomes);
        next
    }
}

impl<K> fmt::Debug for SendAll<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SendAll")
            .field("concurrency", &self.concurrency)
            .field("progress", &self.progress)
            .field("started", &self.outcomes.is_some())
            .finish_non_exhaustive()
    }
}

impl Messages {
    /// Sends every message, within the client's rate limits, several at a
    /// time; the stream yields one outcome per message, keyed by its index in
    /// `messages`, in the order they finish.
    ///
    /// ```no_run
    /// use flowroute::prelude::*;
    /// # async fn run(client: Client) -> Result<(), Error> {
    /// let customers = ["12065550100", "12065550101", "not a number"];
    /// let messages = customers.map(|to| Message::sms("12012673227", to, "We open at 9 today."));
    /// let mut outcomes = client.messages().send_all(messages);
    /// let progress = outcomes.progress();
    /// while let Some(outcome) = outcomes.next().await {
    ///     match outcome.result {
    ///         Ok(id) => println!("{} sent as {id}", customers[outcome.key]),
    ///         Err(e) => eprintln!("{} not sent: {e}", customers[outcome.key]),
    ///     }
    /// }
    /// assert_eq!((progress.sent(), progress.failed()), (2, 1));
    /// # Ok(()) }
    /// ```
    pub fn send_all<I>(&self, messages: I) -> SendAll<usize>
    where
        I: IntoIterator<Item = Message>,
        I::IntoIter: Send + 'static,
    {
        self.send_all_keyed(messages.into_iter().enumerate())
    }

    /// Like [`send_all`](Self::send_all), with a key of yours on each
    /// message (a customer id, a row number) that comes back on its outcome.
    pub fn send_all_keyed<K, I>(&self, messages: I) -> SendAll<K>
    where
        K: Send + 'static,
        I: IntoIterator<Item = (K, Message)>,
        I::IntoIter: Send + 'static,
    {
        self.send_stream(stream::iter(messages))
    }

    /// Like [`send_all_keyed`](Self::send_all_keyed), from a stream (rows read
    /// from a file or a queue as they come): it is read only as fast as the
    /// messages go out.
    pub fn send_stream<K, S>(&self, messages: S) -> SendAll<K>
    where
        K: Send + 'static,
        S: Stream<Item = (K, Message)> + Send + 'static,
    {
        SendAll::new(self.clone(), messages.boxed())
    }
}
