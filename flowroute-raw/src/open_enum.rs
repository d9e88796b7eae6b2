//! The shape of every server-chosen enum: known values as variants, anything else
//! kept verbatim in `Unknown`, so a value Flowroute adds tomorrow never breaks
//! decoding and round-trips unchanged.

/// Declares an open enum from `Variant = "wire value"` pairs.
macro_rules! open_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $wire:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum $name {
            $(
                #[doc = concat!("`", $wire, "`")]
                $variant,
            )+
            /// A value this version of the SDK does not know, exactly as sent.
            Unknown(String),
        }

        impl $name {
            /// Every value known to this version, in spec order.
            pub const KNOWN: &'static [$name] = &[$($name::$variant),+];

            /// The value as it appears on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $wire,)+
                    $name::Unknown(other) => other,
                }
            }

            /// Whether this is a value the SDK does not know.
            pub fn is_unknown(&self) -> bool {
                matches!(self, $name::Unknown(_))
            }
        }

        impl $name {
            /// The known variant for `value`, if any.
            fn known(value: &str) -> Option<Self> {
                match value {
                    $($wire => Some($name::$variant),)+
                    _ => None,
                }
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                $name::known(value).unwrap_or_else(|| $name::Unknown(value.to_string()))
            }
        }

        impl ::std::convert::From<String> for $name {
            fn from(value: String) -> Self {
                $name::known(&value).unwrap_or($name::Unknown(value))
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok($name::from(value))
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                // A visitor, so that a known value costs no allocation: this
                // runs for every enum field of every item of every page.
                struct Visitor;

                impl<'de> ::serde::de::Visitor<'de> for Visitor {
                    type Value = $name;

                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(concat!("a ", stringify!($name), " string"))
                    }

                    fn visit_str<E: ::serde::de::Error>(self, value: &str) -> Result<$name, E> {
                        Ok($name::from(value))
                    }

                    fn visit_string<E: ::serde::de::Error>(self, value: String) -> Result<$name, E> {
                        Ok($name::from(value))
                    }
                }

                deserializer.deserialize_str(Visitor)
            }
        }
    };
}

pub(crate) use open_enum;

#[cfg(test)]
mod tests {
    use crate::open_enums::RouteType;

    #[test]
    fn known_values_decode_to_variants_and_unknown_ones_are_kept() {
        let decode = |json: &str| serde_json::from_str::<RouteType>(json).unwrap();
        assert_eq!(decode(r#""sip-reg""#), RouteType::SipReg);
        assert_eq!(
            decode(r#""sip\u002dreg""#),
            RouteType::SipReg,
            "escaped, so not borrowed"
        );
        assert_eq!(decode(r#""webrtc""#), RouteType::Unknown("webrtc".into()));
        assert!(serde_json::from_str::<RouteType>("7").is_err());
    }

    #[test]
    fn every_value_round_trips_through_its_wire_form() {
        for value in RouteType::KNOWN
            .iter()
            .cloned()
            .chain([RouteType::Unknown("webrtc".into())])
        {
            let json = serde_json::to_string(&value).unwrap();
            assert_eq!(serde_json::from_str::<RouteType>(&json).unwrap(), value);
            assert_eq!(value.as_str().parse::<RouteType>().unwrap(), value);
            assert_eq!(value.is_unknown(), !RouteType::KNOWN.contains(&value));
        }
    }
}
