//! Every response decoder: the first byte is the key of a decoder in
//! `flowroute::fuzzing::RESPONSE_DECODERS` (a byte that is no key decodes
//! nothing), the rest is the body.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Some((&key, body)) = data.split_first() {
        flowroute::fuzzing::response(key, body);
    }
});
