//! Replays the fuzz corpus (`fuzz/corpus/`, grown by `cargo fuzz`) through the
//! same decoders as the fuzz targets, so every input that once found a new path
//! stays a regression test: no panic, whatever the bytes.

use flowroute::fuzzing::RESPONSE_DECODERS;
use std::collections::BTreeSet;
use std::path::Path;

fn corpus(target: &str) -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fuzz/corpus")
        .join(target);
    let mut inputs: Vec<Vec<u8>> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| std::fs::read(entry.unwrap().path()).unwrap())
        .collect();
    inputs.sort();
    assert!(!inputs.is_empty(), "{} is empty", dir.display());
    inputs
}

#[test]
fn the_response_corpus_decodes_without_panicking_and_reaches_every_decoder() {
    let mut reached = BTreeSet::new();
    for input in corpus("responses") {
        if let Some((&key, body)) = input.split_first()
            && flowroute::fuzzing::response(key, body)
        {
            reached.insert(key);
        }
    }
    let missing: Vec<_> = RESPONSE_DECODERS
        .iter()
        .filter(|d| !reached.contains(&d.key))
        .map(|d| (d.key, d.document))
        .collect();
    assert!(missing.is_empty(), "decoders no input reaches: {missing:?}");
}

#[test]
fn response_decoder_keys_are_distinct() {
    let keys: BTreeSet<u8> = RESPONSE_DECODERS.iter().map(|d| d.key).collect();
    assert_eq!(keys.len(), RESPONSE_DECODERS.len());
}

#[test]
fn the_webhook_corpus_parses_without_panicking() {
    for input in corpus("webhooks") {
        flowroute::fuzzing::webhook(&input);
    }
}

#[test]
fn the_cdr_file_corpus_decodes_without_panicking() {
    let mut outcomes = 0;
    for input in corpus("cdr_file") {
        if let Some((&chunk, body)) = input.split_first() {
            outcomes += flowroute::fuzzing::cdr_file(body, usize::from(chunk) + 1);
        }
    }
    assert!(outcomes > 0, "the seed exports hold records");
}
