//! Entry points for the fuzz targets in `fuzz/` and the corpus replay test:
//! every decoder of untrusted bytes, from the raw body to the domain type.
//! Behind the `__fuzz` feature; not part of the API.

use crate::{cdrs, cnam, e911, error, messages, numbers, porting, routes, webhooks};
use flowroute_raw::types;
use serde::de::DeserializeOwned;

/// The response decoders, one per response document type, chosen by `kind`.
pub const RESPONSE_KINDS: u8 = 17;

/// Decodes `body` as the response document number `kind` and converts it to
/// the domain type, as a successful call would.
pub fn response(kind: u8, body: &[u8]) {
    fn decode<T: DeserializeOwned>(body: &[u8], convert: impl FnOnce(T)) {
        if let Ok(doc) = serde_json::from_slice::<T>(body) {
            convert(doc);
        }
    }
    match kind % RESPONSE_KINDS {
        0 => decode(body, |d: types::PhoneNumberList| {
            d.data
                .into_iter()
                .for_each(|n| drop(numbers::AccountNumber::from_raw(n)))
        }),
        1 => decode(body, |d: types::PhoneNumberDocument| {
            drop(numbers::NumberDetails::from_raw(d))
        }),
        2 => decode(body, |d: types::PurchasablePhoneNumberList| {
            d.data
                .into_iter()
                .for_each(|n| drop(numbers::AvailableNumber::from_raw(n)))
        }),
        3 => decode(body, |d: types::AvailableCodeList| drop(d)),
        4 => decode(body, |d: types::RouteList| {
            d.data
                .into_iter()
                .for_each(|r| drop(routes::Route::from_raw(r)))
        }),
        5 => decode(body, |d: types::EdgeStrategyList| drop(d)),
        6 => decode(body, |d: types::MdrList| {
            d.data
                .into_iter()
                .for_each(|m| drop(messages::Mdr::from_raw(m)))
        }),
        7 => decode(body, |d: types::MdrDocument| {
            drop(messages::Mdr::from_raw(d.data))
        }),
        8 => decode(body, |d: types::CallbackDocument| {
            drop(messages::Callback::from_raw(d))
        }),
        9 => decode(body, |d: types::E911AddressList| {
            d.data
                .into_iter()
                .for_each(|a| drop(e911::E911Address::from_raw(a)))
        }),
        10 => decode(body, |d: types::E911AssignedNumberList| {
            d.data
                .into_iter()
                .for_each(|n| drop(e911::E911AssignedNumber::from_raw(n)))
        }),
        11 => decode(body, |d: types::CnamDocument| {
            drop(cnam::Cnam::from_raw(d.data, d.included))
        }),
        12 => decode(body, |d: types::CnamAssociationDocument| {
            drop(cnam::CnamAssociation::from_raw(d))
        }),
        13 => decode(body, |d: types::PortabilityResultDocument| {
            drop(porting::PortabilityReport::from_raw(d.data))
        }),
        14 => decode(body, |d: types::CdrExportList| {
            d.data
                .into_iter()
                .for_each(|e| drop(cdrs::CdrExport::from_list_item(e)))
        }),
        15 => decode(body, |d: types::TierList| drop(d)),
        _ => drop(error::parse_error_document(body)),
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
