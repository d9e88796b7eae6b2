//! The CDR export decoder (gzip or plain CSV); the first byte picks the chunk size.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Some((&chunk, body)) = data.split_first() {
        flowroute::fuzzing::cdr_file(body, usize::from(chunk) + 1);
    }
});
