//! The CDR export decoder (gzip or plain CSV); the first byte picks the chunk
//! size. Besides a panic in the decoder, a finding is any step at which it
//! holds more than its bound (one chunk, its text buffer and one row): the
//! inputs worth growing are the ones that expand.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Some((&chunk, body)) = data.split_first() {
        flowroute::fuzzing::cdr_file(body, usize::from(chunk) + 1);
    }
});
