//! Enforcement of the [`RateLimits`]: which requests are message sends, of
//! which class, and a sliding one-second window of accepted sends per
//! access key and class.

use std::collections::HashMap;
use std::collections::VecDeque;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{FromRequest as _, Request};
use axum::http::Method;
use axum::response::{IntoResponse as _, Response};
use serde_json::Value;
use tokio::time::Instant;

use crate::compat;
use crate::ctx::Ctx;
use crate::error::ApiError;
use crate::limits::RateLimits;
use crate::records::RequestRecord;

/// The span over which sends are counted: Flowroute's figures are per second.
const WINDOW: Duration = Duration::from_secs(1);

/// The two budgets Flowroute documents for message sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SendClass {
    Sms,
    Mms,
}

impl SendClass {
    /// The class of a send body: MMS when it carries media or says
    /// `is_mms` (a boolean or the demos' string, see `compat`), as the send
    /// handler decides what to record and price;
    /// otherwise SMS, including a body that is not JSON at all, since the
    /// limit is judged before the body is validated.
    fn of(body: &[u8]) -> SendClass {
        let Ok(value) = serde_json::from_slice::<Value>(body) else {
            return SendClass::Sms;
        };
        // Both body formats the handler accepts: compact, or JSON:API wrapped.
        let message = value.pointer("/data/attributes").unwrap_or(&value);
        let has_media = message
            .get("media_urls")
            .and_then(Value::as_array)
            .is_some_and(|urls| !urls.is_empty());
        if has_media || compat::is_mms_flag(message.get("is_mms")) {
            SendClass::Mms
        } else {
            SendClass::Sms
        }
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            SendClass::Sms => "sms",
            SendClass::Mms => "mms",
        }
    }

    fn figure(self, limits: RateLimits) -> Option<u32> {
        match self {
            SendClass::Sms => limits.sms_per_second(),
            SendClass::Mms => limits.mms_per_second(),
        }
    }
}

/// Whether a request is a message send, the only requests Flowroute
/// documents limits for, on either messaging version: one budget per key
/// whichever path a send takes. The one place to list send endpoints.
fn is_message_send(method: &Method, path: &str) -> bool {
    method == Method::POST && matches!(path, "/v2.1/messages" | "/v2.2/messages")
}

/// A send refused for want of budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Throttled {
    class: SendClass,
    figure: u32,
    /// Until the oldest accepted send in the window leaves it.
    wait: Duration,
}

impl Throttled {
    /// `Retry-After` in whole seconds: the wait rounded up, at least 1.
    /// (With a one-second window the wait is never above a second, so this
    /// is 1; the body's detail gives the wait to the millisecond.)
    fn retry_after(&self) -> u64 {
        let seconds = self.wait.as_nanos().div_ceil(1_000_000_000).max(1);
        u64::try_from(seconds).unwrap_or(u64::MAX)
    }

    fn response(&self) -> Response {
        ApiError::too_many_requests(
            format!(
                "Rate limit exceeded: at most {} {} per second for this access key; retry in {} ms.",
                self.figure,
                self.class.name().to_ascii_uppercase(),
                self.wait.as_millis().max(1)
            ),
            self.retry_after(),
        )
        .into_response()
    }
}

/// Accepted sends in the last [`WINDOW`], oldest first, per class. Each
/// queue holds at most its class's figure: only that many can be in a
/// window, and the oldest of them says when the next send may go.
#[derive(Debug, Default)]
struct Windows {
    sms: VecDeque<Instant>,
    mms: VecDeque<Instant>,
}

impl Windows {
    fn of(&mut self, class: SendClass) -> &mut VecDeque<Instant> {
        match class {
            SendClass::Sms => &mut self.sms,
            SendClass::Mms => &mut self.mms,
        }
    }
}

/// The limits in force and the windows of every access key that sent.
/// Only authenticated keys get a window (the simulator accepts one), so
/// the map stays as small as the set of valid credentials.
#[derive(Debug)]
pub(crate) struct Limiter {
    limits: RateLimits,
    windows: HashMap<String, Windows>,
}

impl Limiter {
    pub(crate) fn new(limits: RateLimits) -> Self {
        Limiter {
            limits,
            windows: HashMap::new(),
        }
    }

    pub(crate) fn limits(&self) -> RateLimits {
        self.limits
    }

    /// New figures take effect at once. Sends already in a window still
    /// count, so lowering a figure mid-burst does not grant a fresh burst;
    /// only the newest `figure` of them can matter, so the rest go. With
    /// the limits off nothing is tracked, and nothing is remembered.
    pub(crate) fn set(&mut self, limits: RateLimits) {
        self.limits = limits;
        for windows in self.windows.values_mut() {
            for class in [SendClass::Sms, SendClass::Mms] {
                let window = windows.of(class);
                let keep = class.figure(limits).unwrap_or(0) as usize;
                let surplus = window.len().saturating_sub(keep);
                window.drain(..surplus);
            }
        }
    }

    /// Counts a send of `class` by `key` at `now`, or refuses it when the
    /// window `(now - 1 s, now]` already holds the class's figure of
    /// accepted sends. A refused send is not counted.
    pub(crate) fn admit(
        &mut self,
        key: &str,
        class: SendClass,
        now: Instant,
    ) -> Result<(), Throttled> {
        let Some(figure) = class.figure(self.limits) else {
            return Ok(());
        };
        // Not `entry()`: it would copy the key on every send.
        if !self.windows.contains_key(key) {
            self.windows.insert(key.to_string(), Windows::default());
        }
        let window = self.windows.get_mut(key).expect("inserted above").of(class);
        // A send exactly one window old has left it: the window is half-open.
        while window
            .front()
            .is_some_and(|&at| now.saturating_duration_since(at) >= WINDOW)
        {
            window.pop_front();
        }
        if let Some(&oldest) = window.front()
            && window.len() >= figure as usize
        {
            return Err(Throttled {
                class,
                figure,
                wait: WINDOW - now.saturating_duration_since(oldest),
            });
        }
        window.push_back(now);
        Ok(())
    }
}

/// The rate-limit step of the request pipeline, for an authenticated
/// request. A message send's body is read to learn its class, stamped into
/// `record` with the instant it is judged at, and the send is counted or
/// refused; `Err` is the answer instead of the router's (a 429, or the
/// router's own answer to a body it could not read either). Other requests
/// pass untouched.
///
/// The limit is judged before the router validates anything (Content-Type,
/// JSON, fields, the sending number): Flowroute defines its limits per
/// endpoint and access key, as a gateway in front of the API applies them,
/// so an invalid send spends budget and is throttled like a valid one. The
/// answer to a burst then never depends on what its bodies contain, beyond
/// their class.
pub(crate) async fn admit(
    ctx: &Ctx,
    request: Request,
    record: &mut RequestRecord,
) -> Result<Request, Response> {
    if !is_message_send(request.method(), request.uri().path()) {
        return Ok(request);
    }
    let (parts, body) = request.into_parts();
    // The extractor the handler uses, with its size limit and rejections.
    let bytes = Bytes::from_request(Request::new(body), &())
        .await
        .map_err(|rejection| rejection.into_response())?;
    let class = SendClass::of(&bytes);
    let now = Instant::now();
    record.send_class = Some(class.name().to_string());
    record.received_ms = ctx.millis_since_start(now);
    if let Err(throttled) = ctx.limiter().admit(&ctx.config.access_key, class, now) {
        record.throttled = true;
        return Err(throttled.response());
    }
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::StatusCode;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn classes_follow_media_and_is_mms_in_either_body_format() {
        let class = |body: &str| SendClass::of(body.as_bytes());
        assert_eq!(class(r#"{"body":"hi"}"#), SendClass::Sms);
        assert_eq!(class(r#"{"media_urls":[]}"#), SendClass::Sms);
        assert_eq!(
            class(r#"{"media_urls":["https://x/a.png"]}"#),
            SendClass::Mms
        );
        assert_eq!(class(r#"{"is_mms":true,"body":"hi"}"#), SendClass::Mms);
        assert_eq!(
            class(r#"{"data":{"attributes":{"is_mms":"true","body":"hi"}}}"#),
            SendClass::Mms
        );
        assert_eq!(class(r#"{"is_mms":"false","body":"hi"}"#), SendClass::Sms);
        assert_eq!(
            class(r#"{"data":{"attributes":{"media_urls":["https://x/a.png"]}}}"#),
            SendClass::Mms
        );
        assert_eq!(class("{not json"), SendClass::Sms);
        assert!(is_message_send(&Method::POST, "/v2.1/messages"));
        assert!(is_message_send(&Method::POST, "/v2.2/messages"));
        assert!(!is_message_send(&Method::GET, "/v2.1/messages"));
        assert!(!is_message_send(&Method::POST, "/v2.1/messages/mdr2-x"));
    }

    #[test]
    fn the_window_is_half_open_and_counts_only_accepted_sends() {
        let mut limiter = Limiter::new(RateLimits::per_second(2, 1));
        let t0 = Instant::now();
        let admit = |l: &mut Limiter, at: u64| l.admit("k", SendClass::Sms, t0 + ms(at));
        assert!(admit(&mut limiter, 0).is_ok());
        assert!(admit(&mut limiter, 400).is_ok());
        let refused = admit(&mut limiter, 999).unwrap_err();
        assert_eq!((refused.wait, refused.retry_after()), (ms(1), 1));
        // The refusal was not counted: at exactly 1 s the first send has
        // left the window, and only it.
        assert!(admit(&mut limiter, 1000).is_ok());
        let refused = admit(&mut limiter, 1001).unwrap_err();
        assert_eq!(refused.wait, ms(399));
        assert!(admit(&mut limiter, 1400).is_ok());
        assert_eq!(limiter.windows["k"].sms.len(), 2, "bounded by the figure");
    }

    #[test]
    fn classes_and_keys_have_budgets_of_their_own() {
        let mut limiter = Limiter::new(RateLimits::documented());
        let now = Instant::now();
        assert!(limiter.admit("k", SendClass::Mms, now).is_ok());
        let refused = limiter.admit("k", SendClass::Mms, now).unwrap_err();
        assert_eq!((refused.class, refused.figure), (SendClass::Mms, 1));
        for _ in 0..5 {
            assert!(limiter.admit("k", SendClass::Sms, now).is_ok());
        }
        assert!(limiter.admit("k", SendClass::Sms, now).is_err());
        assert!(limiter.admit("other", SendClass::Sms, now).is_ok());
    }

    #[test]
    fn new_figures_keep_the_window_and_off_forgets_it() {
        let mut limiter = Limiter::new(RateLimits::per_second(5, 1));
        let t0 = Instant::now();
        for at in 0..4 {
            limiter
                .admit("k", SendClass::Sms, t0 + ms(at * 100))
                .unwrap();
        }
        limiter.set(RateLimits::per_second(2, 1));
        assert_eq!(limiter.windows["k"].sms.len(), 2);
        // Lowered mid-burst: no fresh budget until the newest two age out.
        let refused = limiter
            .admit("k", SendClass::Sms, t0 + ms(500))
            .unwrap_err();
        assert_eq!(refused.wait, ms(700));
        limiter.set(RateLimits::off());
        assert!(limiter.windows["k"].sms.is_empty());
        for _ in 0..100 {
            assert!(limiter.admit("k", SendClass::Sms, t0 + ms(500)).is_ok());
        }
        assert_eq!(limiter.limits(), RateLimits::off());
    }

    fn post(path: &str, body: &'static str) -> Request {
        Request::post(path).body(Body::from(body)).unwrap()
    }

    /// Runs the pipeline step on a send; the record it stamped, and the
    /// status of the answer it gave instead of the router's, if any.
    async fn judge(ctx: &Ctx, path: &str, body: &'static str) -> (RequestRecord, Option<u16>) {
        let mut record = RequestRecord::unanswered("POST", path, None, true, 0);
        let refused = match admit(ctx, post(path, body), &mut record).await {
            Ok(passed) => {
                // The body read to classify the send is handed on whole.
                let bytes = axum::body::to_bytes(passed.into_body(), usize::MAX).await;
                assert_eq!(bytes.unwrap(), body.as_bytes());
                None
            }
            Err(answer) => Some(answer.status().as_u16()),
        };
        (record, refused)
    }

    #[tokio::test(start_paused = true)]
    async fn sends_are_judged_on_the_pausable_tokio_clock() {
        const SMS: &str = r#"{"to":"12065550123","from":"12012840350","body":"hi"}"#;
        const MMS: &str = r#"{"media_urls":["https://example.com/a.png"]}"#;
        let ctx = Ctx::for_tests(RateLimits::per_second(2, 1));
        tokio::time::advance(ms(5)).await;
        for _ in 0..2 {
            let (record, refused) = judge(&ctx, "/v2.1/messages", SMS).await;
            assert_eq!(refused, None);
            assert_eq!(record.send_class.as_deref(), Some("sms"));
            assert_eq!((record.throttled, record.received_ms), (false, 5));
        }
        let (record, refused) = judge(&ctx, "/v2.1/messages", SMS).await;
        assert_eq!((refused, record.throttled), (Some(429), true));
        // MMS has a budget of its own, spent by one send.
        assert_eq!(judge(&ctx, "/v2.1/messages", MMS).await.1, None);
        let (record, refused) = judge(&ctx, "/v2.1/messages", MMS).await;
        assert_eq!(refused, Some(429));
        assert_eq!(record.send_class.as_deref(), Some("mms"));

        tokio::time::advance(ms(999)).await;
        assert_eq!(judge(&ctx, "/v2.1/messages", SMS).await.1, Some(429));
        tokio::time::advance(ms(1)).await;
        let (record, refused) = judge(&ctx, "/v2.1/messages", SMS).await;
        assert_eq!((refused, record.received_ms), (None, 1005));

        // Anything but a send passes unread and unstamped.
        let (record, refused) = judge(&ctx, "/v2/routes", "{}").await;
        assert_eq!(
            (refused, record.send_class, record.throttled),
            (None, None, false)
        );
    }

    #[test]
    fn a_throttled_answer_is_a_json_api_429_with_retry_after() {
        let throttled = Throttled {
            class: SendClass::Sms,
            figure: 5,
            wait: ms(250),
        };
        let response = throttled.response();
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(response.headers()["retry-after"], "1");
        assert_eq!(response.headers()["content-type"], crate::error::JSON_API);
    }
}
