//! The messaging rate limits the simulator enforces, as configured: by the
//! builder, the `--rate-limits` flag, or `PUT /__sim/rate-limits`.

use std::fmt;
use std::num::NonZeroU32;
use std::str::FromStr;

use serde_json::{Map, Value, json};

/// Flowroute's documented figures: 5 SMS and 1 MMS per second.
const DOCUMENTED_SMS: NonZeroU32 = NonZeroU32::new(5).expect("5 is not zero");
const DOCUMENTED_MMS: NonZeroU32 = NonZeroU32::new(1).expect("1 is not zero");

/// How many message sends per second the simulator accepts from one access
/// key before it answers `429 Too Many Requests`, for SMS and for MMS
/// separately (Flowroute's limits are per access key and per endpoint).
///
/// The default is [`RateLimits::documented`]. A send is accepted only if
/// fewer sends of its class than the figure were accepted in the preceding
/// second; see the crate docs, "Rate limits".
///
/// The text form, for `--rate-limits` and [`FromStr`], is `off`,
/// `documented`, or `sms=N,mms=M` where either part may be left out to keep
/// its documented figure; [`Display`](fmt::Display) writes it back.
///
/// ```
/// use flowroute_sim::RateLimits;
///
/// let limits: RateLimits = "sms=50".parse().unwrap();
/// assert_eq!(limits, RateLimits::per_second(50, 1));
/// assert_eq!(limits.to_string(), "sms=50,mms=1");
/// assert!("sms=0".parse::<RateLimits>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RateLimits {
    /// `(sms, mms)` per second; `None` when the limits are off.
    figures: Option<(NonZeroU32, NonZeroU32)>,
}

impl Default for RateLimits {
    fn default() -> Self {
        Self::documented()
    }
}

impl RateLimits {
    /// Flowroute's documented limits: 5 SMS and 1 MMS per second per access key.
    pub const fn documented() -> Self {
        RateLimits {
            figures: Some((DOCUMENTED_SMS, DOCUMENTED_MMS)),
        }
    }

    /// No limits: every send is accepted however fast it comes.
    pub const fn off() -> Self {
        RateLimits { figures: None }
    }

    /// `sms` SMS and `mms` MMS sends per second per access key.
    ///
    /// # Panics
    ///
    /// When either figure is 0: a limit that admits nothing is a mistake
    /// (use [`RateLimits::off`] to turn the limits off).
    pub fn per_second(sms: u32, mms: u32) -> Self {
        let figure = |class: &str, n: u32| {
            NonZeroU32::new(n).unwrap_or_else(|| {
                panic!("RateLimits::per_second: {class} must be at least 1 per second")
            })
        };
        RateLimits {
            figures: Some((figure("sms", sms), figure("mms", mms))),
        }
    }

    /// SMS sends accepted per second, or `None` when the limits are off.
    pub fn sms_per_second(&self) -> Option<u32> {
        self.figures.map(|(sms, _)| sms.get())
    }

    /// MMS sends accepted per second, or `None` when the limits are off.
    pub fn mms_per_second(&self) -> Option<u32> {
        self.figures.map(|(_, mms)| mms.get())
    }

    /// Whether every send is accepted.
    pub fn is_off(&self) -> bool {
        self.figures.is_none()
    }

    /// The control plane's JSON form: `{"off":false,"sms":5,"mms":1}`, or
    /// `{"off":true,"sms":null,"mms":null}`.
    pub(crate) fn to_json(self) -> Value {
        json!({"off": self.is_off(), "sms": self.sms_per_second(), "mms": self.mms_per_second()})
    }

    /// Reads the body of `PUT /__sim/rate-limits`: an object with any of
    /// `off`, `sms` and `mms` (the [`to_json`](Self::to_json) form reads
    /// back; a figure left out or null keeps its documented value), or a
    /// string in the text form. The error starts with the field at fault.
    pub(crate) fn from_json(value: &Value) -> Result<Self, String> {
        match value {
            Value::String(text) => text.parse().map_err(|e: ParseRateLimitsError| e.0),
            Value::Object(fields) => Self::from_fields(fields),
            _ => Err(
                "rate limits: expected an object such as {\"sms\":5,\"mms\":1} or {\"off\":true}, \
                 or a string such as \"documented\""
                    .into(),
            ),
        }
    }

    fn from_fields(fields: &Map<String, Value>) -> Result<Self, String> {
        if let Some(unknown) = fields
            .keys()
            .find(|k| !["off", "sms", "mms"].contains(&k.as_str()))
        {
            return Err(format!(
                "{unknown}: unknown field; expected off, sms or mms"
            ));
        }
        let given = |class: &str| !matches!(fields.get(class), None | Some(Value::Null));
        match fields.get("off") {
            None | Some(Value::Null | Value::Bool(false)) => {}
            Some(Value::Bool(true)) if given("sms") || given("mms") => {
                return Err("off: true takes no sms or mms figure".into());
            }
            Some(Value::Bool(true)) => return Ok(Self::off()),
            Some(_) => return Err("off: must be true or false".into()),
        }
        let figure = |class: &str, documented: NonZeroU32| {
            if !given(class) {
                return Ok(documented);
            }
            fields[class]
                .as_u64()
                .and_then(|n| u32::try_from(n).ok())
                .and_then(NonZeroU32::new)
                .ok_or_else(|| format!("{class}: must be an integer from 1 to {}", u32::MAX))
        };
        Ok(RateLimits {
            figures: Some((
                figure("sms", DOCUMENTED_SMS)?,
                figure("mms", DOCUMENTED_MMS)?,
            )),
        })
    }
}

impl fmt::Display for RateLimits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.figures {
            None => f.write_str("off"),
            Some((sms, mms)) => write!(f, "sms={sms},mms={mms}"),
        }
    }
}

/// Why a text is not a [`RateLimits`]; the message names the part at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseRateLimitsError(String);

impl fmt::Display for ParseRateLimitsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ParseRateLimitsError {}

impl FromStr for RateLimits {
    type Err = ParseRateLimitsError;

    /// `off`, `documented`, or `sms=N,mms=M` (either part may be left out;
    /// figures are whole numbers per second, at least 1).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let fail = |why: String| Err(ParseRateLimitsError(why));
        match text.trim() {
            "off" => return Ok(Self::off()),
            "documented" => return Ok(Self::documented()),
            "" => return fail("expected off, documented or sms=N,mms=M".into()),
            _ => {}
        }
        let (mut sms, mut mms) = (None, None);
        for part in text.split(',').map(str::trim) {
            let split = part.split_once('=').map(|(k, v)| (k.trim(), v.trim()));
            let (slot, class, n) = match split {
                Some(("sms", n)) => (&mut sms, "sms", n),
                Some(("mms", n)) => (&mut mms, "mms", n),
                _ => return fail(format!("`{part}`: expected off, documented or sms=N,mms=M")),
            };
            if slot.is_some() {
                return fail(format!("{class} is given twice"));
            }
            let figure = match n.parse::<u32>().map(NonZeroU32::new) {
                Ok(Some(n)) => n,
                Ok(None) => {
                    return fail(format!(
                        "{class}=0: a figure must be at least 1 per second (`off` turns the limits off)"
                    ));
                }
                Err(_) => {
                    return fail(format!(
                        "{class}: `{n}` is not a whole number from 1 to {}",
                        u32::MAX
                    ));
                }
            };
            *slot = Some(figure);
        }
        Ok(RateLimits {
            figures: Some((sms.unwrap_or(DOCUMENTED_SMS), mms.unwrap_or(DOCUMENTED_MMS))),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<RateLimits, String> {
        text.parse::<RateLimits>().map_err(|e| e.to_string())
    }

    #[test]
    fn text_forms_parse_and_round_trip() {
        assert_eq!(parse("off"), Ok(RateLimits::off()));
        assert_eq!(parse("documented"), Ok(RateLimits::per_second(5, 1)));
        assert_eq!(parse(" sms=10, mms=2 "), Ok(RateLimits::per_second(10, 2)));
        assert_eq!(parse("mms=3,sms=7"), Ok(RateLimits::per_second(7, 3)));
        assert_eq!(parse("mms=3"), Ok(RateLimits::per_second(5, 3)));
        assert_eq!(RateLimits::default(), RateLimits::documented());
        for limits in [
            RateLimits::off(),
            RateLimits::documented(),
            RateLimits::per_second(u32::MAX, 1),
        ] {
            assert_eq!(parse(&limits.to_string()), Ok(limits));
        }
        assert_eq!(RateLimits::off().to_string(), "off");
        assert_eq!(RateLimits::documented().to_string(), "sms=5,mms=1");
    }

    #[test]
    fn bad_text_is_refused_naming_the_part() {
        for (text, says) in [
            ("", "expected off"),
            ("on", "`on`: expected"),
            ("sms=0", "at least 1"),
            ("sms=-1", "`-1` is not a whole number"),
            ("mms=x", "mms: `x`"),
            ("sms=4294967296", "not a whole number"),
            ("sms=1,sms=2", "sms is given twice"),
            ("sms=1,", "``: expected"),
            ("fax=1", "`fax=1`"),
            ("SMS=1", "`SMS=1`"),
        ] {
            let err = parse(text).unwrap_err();
            assert!(err.contains(says), "{text:?} -> {err}");
        }
    }

    #[test]
    #[should_panic(expected = "mms must be at least 1")]
    fn a_zero_figure_in_code_panics() {
        let _ = RateLimits::per_second(5, 0);
    }

    #[test]
    fn json_forms_read_and_round_trip() {
        let read = |v: Value| RateLimits::from_json(&v);
        assert_eq!(
            read(json!({"sms": 9, "mms": 4})),
            Ok(RateLimits::per_second(9, 4))
        );
        assert_eq!(read(json!({"mms": 4})), Ok(RateLimits::per_second(5, 4)));
        assert_eq!(read(json!({})), Ok(RateLimits::documented()));
        assert_eq!(read(json!({"off": true})), Ok(RateLimits::off()));
        assert_eq!(read(json!("documented")), Ok(RateLimits::documented()));
        assert_eq!(read(json!("sms=2")), Ok(RateLimits::per_second(2, 1)));
        for limits in [RateLimits::off(), RateLimits::per_second(3, 2)] {
            assert_eq!(read(limits.to_json()), Ok(limits));
        }
        assert_eq!(
            RateLimits::documented().to_json(),
            json!({"off": false, "sms": 5, "mms": 1})
        );
        for (body, says) in [
            (json!({"sms": 0}), "sms: must be an integer from 1"),
            (json!({"mms": "2"}), "mms: must be an integer"),
            (json!({"sms": 1.5}), "sms: must be an integer"),
            (json!({"off": true, "sms": 3}), "off: true takes no"),
            (json!({"off": "yes"}), "off: must be true or false"),
            (json!({"fax": 1}), "fax: unknown field"),
            (json!("sms=0"), "sms=0: a figure must be at least 1"),
            (json!(5), "rate limits: expected an object"),
        ] {
            let err = read(body.clone()).unwrap_err();
            assert!(err.starts_with(says), "{body} -> {err}");
        }
    }
}
