//! Every response decoder: the first byte picks the document type, the rest is the body.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Some((&kind, body)) = data.split_first() {
        flowroute::fuzzing::response(kind, body);
    }
});
