//! Entry points for the fuzz targets in `fuzz/` and the corpus replay test:
//! every decoder of untrusted bytes, from the raw body to the domain type.
//! Behind the `__fuzz` feature; not part of the API.

use crate::{cdrs, cnam, e911, error, messages, numbers, porting, routes, webhooks};
use flowroute_raw::types;
use serde::de::DeserializeOwned;

/// One response decoder of the `responses` target, under its key.
#[derive(Debug, Clone, Copy)]
pub struct ResponseDecoder {
    /// The first byte of a `responses` input that picks this decoder.
    pub key: u8,
    /// The response document type it decodes.
    pub document: &'static str,
    /// Decodes a body as that document and converts it to the domain type, as
    /// a successful call would.
    pub decode: fn(&[u8]),
}

/// The response decoders by key. A key is never renumbered nor reused: a
/// new decoder takes the next free key, so every stored input keeps meaning
/// the decoder it was found with. A byte that is no key decodes nothing.
pub const RESPONSE_DECODERS: &[ResponseDecoder] = &[
    ResponseDecoder {
        key: 0,
        document: "PhoneNumberList",
        decode: |body| {
            decode(body, |d: types::PhoneNumberList| {
                d.data
                    .into_iter()
                    .for_each(|n| drop(numbers::AccountNumber::from_raw(n)))
            })
        },
    },
    ResponseDecoder {
        key: 1,
        document: "PhoneNumberDocument",
        decode: |body| {
            decode(body, |d: types::PhoneNumberDocument| {
                drop(numbers::NumberDetails::from_raw(d))
            })
        },
    },
    ResponseDecoder {
        key: 2,
        document: "PurchasablePhoneNumberList",
        decode: |body| {
            decode(body, |d: types::PurchasablePhoneNumberList| {
                d.data
                    .into_iter()
                    .for_each(|n| drop(numbers::AvailableNumber::from_raw(n)))
            })
        },
    },
    ResponseDecoder {
        key: 3,
        document: "AvailableCodeList",
        decode: |body| decode(body, |d: types::AvailableCodeList| drop(d)),
    },
    ResponseDecoder {
        key: 4,
        document: "RouteList",
        decode: |body| {
            decode(body, |d: types::RouteList| {
                d.data
                    .into_iter()
                    .for_each(|r| drop(routes::Route::from_raw(r)))
            })
        },
    },
    ResponseDecoder {
        key: 5,
        document: "EdgeStrategyList",
        decode: |body| decode(body, |d: types::EdgeStrategyList| drop(d)),
    },
    ResponseDecoder {
        key: 6,
        document: "MdrList",
        decode: |body| {
            decode(body, |d: types::MdrList| {
                d.data
                    .into_iter()
                    .for_each(|m| drop(messages::Mdr::from_raw(m)))
            })
        },
    },
    ResponseDecoder {
        key: 7,
        document: "MdrDocument",
        decode: |body| {
            decode(body, |d: types::MdrDocument| {
                drop(messages::Mdr::from_raw(d.data))
            })
        },
    },
    ResponseDecoder {
        key: 8,
        document: "CallbackDocument",
        decode: |body| {
            decode(body, |d: types::CallbackDocument| {
                drop(messages::Callback::from_raw(d))
            })
        },
    },
    ResponseDecoder {
        key: 9,
        document: "E911AddressList",
        decode: |body| {
            decode(body, |d: types::E911AddressList| {
                d.data
                    .into_iter()
                    .for_each(|a| drop(e911::E911Address::from_raw(a)))
            })
        },
    },
    ResponseDecoder {
        key: 10,
        document: "E911AssignedNumberList",
        decode: |body| {
            decode(body, |d: types::E911AssignedNumberList| {
                d.data
                    .into_iter()
                    .for_each(|n| drop(e911::E911AssignedNumber::from_raw(n)))
            })
        },
    },
    ResponseDecoder {
        key: 11,
        document: "CnamDocument",
        decode: |body| {
            decode(body, |d: types::CnamDocument| {
                drop(cnam::Cnam::from_raw(d.data, d.included))
            })
        },
    },
    ResponseDecoder {
        key: 12,
        document: "CnamAssociationDocument",
        decode: |body| {
            decode(body, |d: types::CnamAssociationDocument| {
                drop(cnam::CnamAssociation::from_raw(d))
            })
        },
    },
    ResponseDecoder {
        key: 13,
        document: "PortabilityResultDocument",
        decode: |body| {
            decode(body, |d: types::PortabilityResultDocument| {
                drop(porting::PortabilityReport::from_raw(d.data))
            })
        },
    },
    ResponseDecoder {
        key: 14,
        document: "CdrExportList",
        decode: |body| {
            decode(body, |d: types::CdrExportList| {
                d.data
                    .into_iter()
                    .for_each(|e| drop(cdrs::CdrExport::from_list_item(e)))
            })
        },
    },
    ResponseDecoder {
        key: 15,
        document: "TierList",
        decode: |body| decode(body, |d: types::TierList| drop(d)),
    },
    ResponseDecoder {
        key: 16,
        document: "ErrorDocument",
        decode: |body| drop(error::parse_error_document(body)),
    },
];

fn decode<T: DeserializeOwned>(body: &[u8], convert: impl FnOnce(T)) {
    if let Ok(doc) = serde_json::from_slice::<T>(body) {
        convert(doc);
    }
}

/// Decodes `body` with the decoder under `key`; false if no decoder has it.
pub fn response(key: u8, body: &[u8]) -> bool {
    match RESPONSE_DECODERS.iter().find(|d| d.key == key) {
        Some(decoder) => {
            (decoder.decode)(body);
            true
        }
        None => false,
    }
}

/// Parses `body` as a webhook.
pub fn webhook(body: &[u8]) {
    let _ = webhooks::parse(body);
}

/// Decodes `body` as a CDR export file (plain or gzip'd CSV) fed in chunks of
/// `chunk` bytes; returns how many records and errors came out.
pub fn cdr_file(body: &[u8], chunk: usize) -> usize {
    cdrs::decode_all(body, chunk.max(1))
}
