//! Phone numbers and resource ids: the values that go into paths and bodies,
//! checked once when they are made so that a request never carries a malformed one.

use crate::error::Error;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::{fmt, str::FromStr};

/// A phone number as Flowroute's v2 APIs write it: E.164 digits without the `+`,
/// for North American numbers `1NPANXXXXXX` (11 digits).
///
/// Parsing (`parse`, `FromStr`, `TryFrom`, and every argument taking
/// [`IntoChecked<PhoneNumber>`](IntoChecked)) is strict. It accepts what people
/// type for a North American number, and any other E.164 number written with
/// its leading `+`:
///
/// | input | stored |
/// |---|---|
/// | `12065551234` | `12065551234` |
/// | `+12065551234` | `12065551234` |
/// | `2065551234` (10 digits) | `12065551234` |
/// | `+1 (206) 555-1234`, `206.555.1234` | `12065551234` |
/// | `+44 20 7946 0958` | `442079460958` |
///
/// It rejects anything else with [`Error::InvalidInput`]: letters; North
/// American numbers of other lengths, or whose area code or exchange starts
/// with 0 or 1 (impossible in the North American Numbering Plan); and
/// international numbers whose country code starts with 0 or that are not 7
/// to 15 digits long (E.164's bounds). An international number needs its `+`:
/// without it, a mistyped North American number (`20655512345`) would pass
/// as one from another country.
///
/// Decoding a number *from Flowroute* (serde `Deserialize`) is lenient: the
/// server is the authority on what numbers exist, so any non-empty string of
/// digits, with or without `+`, is kept as sent (digits only).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PhoneNumber(String);

/// E.164 caps a number at 15 digits, country code included.
const E164_MAX_DIGITS: usize = 15;
/// The shortest numbers in service (a few small countries) have 7 digits with
/// their country code; anything shorter is certainly a typo.
const E164_MIN_DIGITS: usize = 7;

impl PhoneNumber {
    /// Parses and normalises a phone number; see the type's docs.
    pub fn parse(input: &str) -> Result<Self, Error> {
        Self::parse_field(input, "phone number")
    }

    /// Like [`parse`](Self::parse), naming `field` in the error.
    pub(crate) fn parse_field(input: &str, field: &'static str) -> Result<Self, Error> {
        let invalid = |why: String| Error::invalid_input(field, format!("`{input}` {why}"));
        let trimmed = input.trim();
        let mut digits = String::with_capacity(11);
        for (i, c) in trimmed.char_indices() {
            match c {
                '0'..='9' => digits.push(c),
                '+' if i == 0 => {}
                ' ' | '-' | '.' | '(' | ')' => {}
                other => {
                    return Err(invalid(format!(
                        "contains `{other}`; use digits, optionally with a leading +"
                    )));
                }
            }
        }
        if trimmed.starts_with('+') && !digits.starts_with('1') {
            return Self::international(digits, invalid);
        }
        let national = match digits.len() {
            10 => digits.clone(),
            11 if digits.starts_with('1') => digits[1..].to_string(),
            0 => return Err(invalid("has no digits".into())),
            n => {
                return Err(invalid(format!(
                    "has {n} digits; a North American number has 10 (NPANXXXXXX) or 11 starting with 1, \
                     and a number from another country is written with its + (such as +44…)"
                )));
            }
        };
        if !matches!(national.as_bytes()[0], b'2'..=b'9') {
            return Err(invalid(format!(
                "has area code {} which cannot start with 0 or 1",
                &national[..3]
            )));
        }
        if !matches!(national.as_bytes()[3], b'2'..=b'9') {
            return Err(invalid(format!(
                "has exchange {} which cannot start with 0 or 1",
                &national[3..6]
            )));
        }
        Ok(PhoneNumber(format!("1{national}")))
    }

    /// A number outside North America, given with its `+`: E.164's bounds
    /// only, as numbering plans differ by country and Flowroute decides what
    /// it can reach.
    fn international(digits: String, invalid: impl Fn(String) -> Error) -> Result<Self, Error> {
        match digits.as_bytes().first() {
            None => Err(invalid("has no digits".into())),
            Some(b'0') => Err(invalid(
                "starts with 0 after the +; a country code never does".into(),
            )),
            Some(_) if !(E164_MIN_DIGITS..=E164_MAX_DIGITS).contains(&digits.len()) => {
                Err(invalid(format!(
                    "has {} digits; an E.164 number has {E164_MIN_DIGITS} to {E164_MAX_DIGITS}, country code included",
                    digits.len()
                )))
            }
            Some(_) => Ok(PhoneNumber(digits)),
        }
    }

    /// Whether this is a North American (country code 1) number.
    pub fn is_north_american(&self) -> bool {
        self.0.len() == 11 && self.0.starts_with('1')
    }

    /// This number, where Flowroute documents only North American ones
    /// (`why` says which call does).
    pub(crate) fn north_american(self, field: &'static str, why: &str) -> Result<Self, Error> {
        if self.is_north_american() {
            Ok(self)
        } else {
            Err(Error::invalid_input(
                field,
                format!("`+{}` is not a North American number; {why}", self.0),
            ))
        }
    }

    /// The digits as Flowroute's v2 APIs expect them, such as `12065551234`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number with a leading `+`, as the porting and v2.2 endpoints expect it.
    pub fn to_e164_plus(&self) -> String {
        format!("+{}", self.0)
    }

    /// A number as Flowroute sent it (digits only, any length).
    pub(crate) fn from_server(value: impl Into<String>) -> Self {
        // Owned strings from a decoded answer are kept, not copied: this runs
        // for every number of every page.
        let mut value = value.into();
        if value.starts_with('+') {
            value.remove(0);
        }
        PhoneNumber(value)
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PhoneNumber({})", self.0)
    }
}

impl FromStr for PhoneNumber {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        Self::parse(s)
    }
}

impl TryFrom<&str> for PhoneNumber {
    type Error = Error;
    fn try_from(s: &str) -> Result<Self, Error> {
        Self::parse(s)
    }
}

impl TryFrom<String> for PhoneNumber {
    type Error = Error;
    fn try_from(s: String) -> Result<Self, Error> {
        Self::parse(&s)
    }
}

impl TryFrom<&String> for PhoneNumber {
    type Error = Error;
    fn try_from(s: &String) -> Result<Self, Error> {
        Self::parse(s)
    }
}

impl TryFrom<&PhoneNumber> for PhoneNumber {
    type Error = Error;
    fn try_from(n: &PhoneNumber) -> Result<Self, Error> {
        Ok(n.clone())
    }
}

impl AsRef<str> for PhoneNumber {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Serialize for PhoneNumber {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for PhoneNumber {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = std::borrow::Cow::<'de, str>::deserialize(d)?;
        let digits = s.trim_start_matches('+');
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(serde::de::Error::invalid_value(
                serde::de::Unexpected::Str(&s),
                &"a phone number of digits",
            ));
        }
        Ok(PhoneNumber::from_server(digits))
    }
}

/// Declares a string id newtype: opaque, validated as non-empty and free of
/// characters that would change the meaning of a URL path.
macro_rules! string_id {
    ($(#[$meta:meta])* $name:ident, $what:literal) => {
        $(#[$meta])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Checks and wraps an id.
            pub fn new(id: impl Into<String>) -> Result<Self, Error> {
                let id = id.into();
                check_path_safe(&id, $what)?;
                Ok($name(id))
            }

            /// The id as sent on the wire.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The id, as an owned string.
            pub fn into_string(self) -> String {
                self.0
            }

            /// An id as Flowroute sent it: the server is the authority on its ids.
            #[allow(dead_code)]
            pub(crate) fn from_server(id: impl Into<String>) -> Self {
                $name(id.into())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "({})"), self.0)
            }
        }

        impl FromStr for $name {
            type Err = Error;
            fn from_str(s: &str) -> Result<Self, Error> {
                Self::new(s)
            }
        }

        impl TryFrom<&str> for $name {
            type Error = Error;
            fn try_from(s: &str) -> Result<Self, Error> {
                Self::new(s)
            }
        }

        impl TryFrom<String> for $name {
            type Error = Error;
            fn try_from(s: String) -> Result<Self, Error> {
                Self::new(s)
            }
        }

        impl TryFrom<&$name> for $name {
            type Error = Error;
            fn try_from(id: &$name) -> Result<Self, Error> {
                Ok(id.clone())
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

fn check_path_safe(id: &str, what: &'static str) -> Result<(), Error> {
    if id.is_empty() {
        return Err(Error::invalid_input(what, "is empty".to_string()));
    }
    if let Some(c) = id
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
    {
        return Err(Error::invalid_input(
            what,
            format!("`{id}` contains `{c}`; ids are letters, digits, `-`, `_` and `.`"),
        ));
    }
    if id.bytes().all(|b| b == b'.') {
        return Err(Error::invalid_input(
            what,
            format!("`{id}` would be read as a relative path"),
        ));
    }
    Ok(())
}

string_id!(
    /// The id of an inbound voice route (`"0"` is the built-in sip-reg route).
    RouteId,
    "route id"
);
string_id!(
    /// The id of an E911 address record.
    E911Id,
    "E911 address id"
);
string_id!(
    /// The id of a CNAM record.
    CnamId,
    "CNAM record id"
);
string_id!(
    /// The id of a CDR export.
    CdrExportId,
    "CDR export id"
);

/// The id of a message detail record: `mdr2-` and 32 hex digits for Messages
/// v2.1 (`mdr1-…` for v2). Construction checks the prefix, so a phone number or
/// a route id cannot be passed by mistake.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct MessageId(String);

impl MessageId {
    /// Checks and wraps a message id.
    pub fn new(id: impl Into<String>) -> Result<Self, Error> {
        let id = id.into();
        check_path_safe(&id, "message id")?;
        let has_prefix = id
            .strip_prefix("mdr2-")
            .or_else(|| id.strip_prefix("mdr1-"))
            .is_some_and(|rest| !rest.is_empty());
        if !has_prefix {
            return Err(Error::invalid_input(
                "message id",
                format!("`{id}` does not start with `mdr2-`"),
            ));
        }
        Ok(MessageId(id))
    }

    /// The id as sent on the wire.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The id, as an owned string.
    pub fn into_string(self) -> String {
        self.0
    }

    /// An id as Flowroute sent it, unchecked.
    pub(crate) fn from_server(id: impl Into<String>) -> Self {
        MessageId(id.into())
    }
}

impl fmt::Display for MessageId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for MessageId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MessageId({})", self.0)
    }
}

impl FromStr for MessageId {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        Self::new(s)
    }
}

impl TryFrom<&str> for MessageId {
    type Error = Error;
    fn try_from(s: &str) -> Result<Self, Error> {
        Self::new(s)
    }
}

impl TryFrom<String> for MessageId {
    type Error = Error;
    fn try_from(s: String) -> Result<Self, Error> {
        Self::new(s)
    }
}

impl TryFrom<&MessageId> for MessageId {
    type Error = Error;
    fn try_from(id: &MessageId) -> Result<Self, Error> {
        Ok(id.clone())
    }
}

impl AsRef<str> for MessageId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// A value that can stand for a `T` in an argument: the `T` itself, a reference
/// to one, or a string to parse. Conversion (and its checks) happens before any
/// request is sent, so `client.numbers().get("+1 206 555 1234")`,
/// `get(&number)` and `get(number)` all work, and a malformed string is an
/// [`Error::InvalidInput`] without a round trip.
pub trait IntoChecked<T> {
    /// Converts, or says what is wrong with the value.
    fn into_checked(self) -> Result<T, Error>;
}

macro_rules! into_checked {
    ($($t:ty),+) => {$(
        impl IntoChecked<$t> for $t {
            fn into_checked(self) -> Result<$t, Error> {
                Ok(self)
            }
        }

        impl IntoChecked<$t> for &$t {
            fn into_checked(self) -> Result<$t, Error> {
                Ok(self.clone())
            }
        }

        impl IntoChecked<$t> for &str {
            fn into_checked(self) -> Result<$t, Error> {
                self.parse()
            }
        }

        impl IntoChecked<$t> for String {
            fn into_checked(self) -> Result<$t, Error> {
                self.parse()
            }
        }

        impl IntoChecked<$t> for &String {
            fn into_checked(self) -> Result<$t, Error> {
                self.parse()
            }
        }
    )+};
}

into_checked!(PhoneNumber, RouteId, E911Id, CnamId, CdrExportId, MessageId);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_ways_people_write_a_north_american_number() {
        for input in [
            "12065551234",
            "+12065551234",
            "2065551234",
            "+1 (206) 555-1234",
            "206.555.1234",
            " 1-206-555-1234 ",
        ] {
            assert_eq!(
                PhoneNumber::parse(input).unwrap().as_str(),
                "12065551234",
                "{input}"
            );
        }
    }

    #[test]
    fn rejects_impossible_numbers_and_says_why() {
        let cases = [
            ("", "has no digits"),
            ("206555123", "has 9 digits"),
            ("22065551234", "has 11 digits"),
            ("1065551234", "area code 106"),
            ("2061551234", "exchange 155"),
            ("206555123x", "contains `x`"),
            ("206+5551234", "contains `+`"),
        ];
        for (input, why) in cases {
            let err = PhoneNumber::parse(input).unwrap_err().to_string();
            assert!(
                err.contains("phone number") && err.contains(why),
                "{input}: {err}"
            );
        }
    }

    #[test]
    fn decoding_from_the_server_is_lenient_but_not_blind() {
        let n: PhoneNumber = serde_json::from_str("\"1234567890\"").unwrap();
        assert_eq!(n.as_str(), "1234567890");
        let plus: PhoneNumber = serde_json::from_str("\"+14252081174\"").unwrap();
        assert_eq!(plus.as_str(), "14252081174");
        assert!(serde_json::from_str::<PhoneNumber>("\"abc\"").is_err());
        assert!(serde_json::from_str::<PhoneNumber>("\"\"").is_err());
    }

    #[test]
    fn arguments_accept_values_references_and_strings() {
        let n = PhoneNumber::parse("2065551234").unwrap();
        assert_eq!(IntoChecked::<PhoneNumber>::into_checked(&n).unwrap(), n);
        assert_eq!(
            IntoChecked::<PhoneNumber>::into_checked(n.clone()).unwrap(),
            n
        );
        assert_eq!(
            IntoChecked::<PhoneNumber>::into_checked("+12065551234").unwrap(),
            n
        );
        assert_eq!(
            IntoChecked::<PhoneNumber>::into_checked(String::from("12065551234")).unwrap(),
            n
        );
        assert!(IntoChecked::<RouteId>::into_checked("1/2").is_err());
    }

    #[test]
    fn accepts_international_numbers_written_with_their_plus() {
        for (input, stored) in [
            ("+44 20 7946 0958", "442079460958"),
            ("+61 2 9374 4000", "61293744000"),
            ("+6834002", "6834002"),
            ("+861012345678901", "861012345678901"),
        ] {
            let n = PhoneNumber::parse(input).unwrap();
            assert_eq!(n.as_str(), stored, "{input}");
            assert!(!n.is_north_american(), "{input}");
            assert_eq!(n.to_e164_plus(), format!("+{stored}"));
        }
        assert!(
            PhoneNumber::parse("+1 206 555 1234")
                .unwrap()
                .is_north_american()
        );
    }

    #[test]
    fn rejects_international_numbers_outside_e164() {
        let cases = [
            ("+", "has no digits"),
            ("+0442079460958", "starts with 0"),
            ("+443456", "has 6 digits"),
            ("+4420794609581234", "has 16 digits"),
            // Without its +, a 12-digit number is a mistyped North American one.
            ("442079460958", "has 12 digits"),
            // +1 keeps the North American rules.
            ("+1 106 555 1234", "area code 106"),
        ];
        for (input, why) in cases {
            let err = PhoneNumber::parse(input).unwrap_err().to_string();
            assert!(err.contains(why), "{input}: {err}");
        }
    }

    #[test]
    fn plus_form_for_porting() {
        assert_eq!(
            PhoneNumber::parse("2065551234").unwrap().to_e164_plus(),
            "+12065551234"
        );
    }

    #[test]
    fn message_ids_need_their_prefix() {
        assert!(MessageId::new("mdr2-39cadeace66e11e7aff806cd7f24ba2d").is_ok());
        assert!(MessageId::new("mdr1-febb118b9b034338adfc662a8c02fd88").is_ok());
        let err = MessageId::new("12065551234").unwrap_err().to_string();
        assert!(err.contains("mdr2-"), "{err}");
        assert!(MessageId::new("mdr2-").is_err());
    }

    #[test]
    fn ids_cannot_escape_their_path_segment() {
        assert!(RouteId::new("98396").is_ok());
        for bad in ["", "1/2", "1?x=2", "a b", "..%2f", ".."] {
            assert!(RouteId::new(bad).is_err(), "{bad}");
        }
    }
}
