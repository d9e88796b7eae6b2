//! The webhook parser, on any body Flowroute (or anyone) could POST.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    flowroute::fuzzing::webhook(data);
});
