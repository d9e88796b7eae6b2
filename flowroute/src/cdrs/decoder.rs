//! The push decoder of a CDR export file: its bytes, as they arrive, become
//! rows (gzip or not, then CSV), one chunk at a time, in bounded memory.

use super::records::{CdrRecord, Column, Known, decode, to_record};
use crate::error::Error;
use bytes::{Buf, Bytes};
use csv_core::{ReadRecordResult, Reader};
use flate2::bufread::MultiGzDecoder;
use std::io::{self, BufRead, Read};

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
/// A row longer than this is not a call record (an unterminated quote
/// swallowing the file, say); the limit keeps memory bounded.
const MAX_ROW_BYTES: usize = 1 << 20;
const MAX_COLUMNS: usize = 4096;
/// The inflated text held at once. Inflating into this fixed buffer, and
/// only once its rows are handed out, is what keeps a file that expands a
/// thousandfold (or a millionfold) from expanding in memory.
const TEXT_BUFFER: usize = 32 * 1024;
/// How much text is read without a row coming out before control goes back
/// to the caller (a file of blank lines, say): no single poll runs long.
const WORK_PER_STEP: usize = 1 << 20;

/// The bytes received and not yet decoded: one network chunk at most, since
/// the next is asked for only when this one is used up.
struct Input {
    chunk: Bytes,
    ended: bool,
}

impl Read for Input {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(out.len());
        out[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

/// Out of bytes before the body ended reads as `WouldBlock`, which flate2's
/// gzip reader passes on with its state kept, to be resumed after a push.
impl BufRead for Input {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.chunk.is_empty() && !self.ended {
            return Err(io::ErrorKind::WouldBlock.into());
        }
        Ok(&self.chunk)
    }

    fn consume(&mut self, n: usize) {
        self.chunk.advance(n);
    }
}

enum Body {
    /// Waiting for the first two bytes, to tell gzip from plain text.
    Sniffing(Input),
    Plain(Input),
    Gzip {
        inflate: Box<MultiGzDecoder<Input>>,
        /// Inflated text; `text[start..end]` is not parsed yet.
        text: Box<[u8]>,
        start: usize,
        end: usize,
    },
}

impl Body {
    fn input(&mut self) -> &mut Input {
        match self {
            Body::Sniffing(input) | Body::Plain(input) => input,
            Body::Gzip { inflate, .. } => inflate.get_mut(),
        }
    }
}

/// What [`RecordDecoder::next`] has for the caller.
// The record moves straight on into the stream's item, which is as large;
// boxing it would cost an allocation per row for nothing.
#[allow(clippy::large_enum_variant)]
pub(super) enum Step {
    /// A record, or an error in a row's place, or the error that ends the file.
    Item(Result<CdrRecord, Error>),
    /// Every row of the bytes pushed so far is out: push the next chunk (or
    /// call `finish` at the end of the body).
    NeedInput,
    /// Much was read without a row coming out; call again after letting
    /// other tasks run.
    Busy,
    /// Nothing more will come.
    Done,
}

/// The CSV parser and the row it is filling.
struct Rows {
    csv: Reader,
    bytes: Vec<u8>,
    ends: Vec<usize>,
    len: usize,
    ends_len: usize,
}

/// What one step of the CSV parser found.
enum Parsed {
    /// A whole row is in `Rows`.
    Row,
    /// The input is used up without completing a row.
    InputEmpty,
    /// The end of the data.
    End,
    /// The row grew past a limit; the reason.
    TooLarge(String),
}

impl Rows {
    /// Reads `input` until a row is complete or the input is used up; returns
    /// how much it read. An empty `input` with `end` is the end of the data.
    fn read(&mut self, input: &[u8], end: bool) -> (usize, Parsed) {
        let mut read = 0;
        loop {
            if input.len() == read && !end {
                return (read, Parsed::InputEmpty);
            }
            let (result, n, written, ended) = self.csv.read_record(
                &input[read..],
                &mut self.bytes[self.len..],
                &mut self.ends[self.ends_len..],
            );
            read += n;
            self.len += written;
            self.ends_len += ended;
            match result {
                ReadRecordResult::InputEmpty => return (read, Parsed::InputEmpty),
                ReadRecordResult::End => return (read, Parsed::End),
                ReadRecordResult::Record => return (read, Parsed::Row),
                ReadRecordResult::OutputFull if self.bytes.len() >= MAX_ROW_BYTES => {
                    let reason = format!(
                        "a row is longer than {MAX_ROW_BYTES} bytes, which no call record is; the file is not a CDR export or is damaged"
                    );
                    return (read, Parsed::TooLarge(reason));
                }
                ReadRecordResult::OutputFull => {
                    let grown = self.bytes.len() * 2;
                    self.bytes.resize(grown, 0);
                }
                ReadRecordResult::OutputEndsFull if self.ends.len() >= MAX_COLUMNS => {
                    let reason = format!("a row has more than {MAX_COLUMNS} columns");
                    return (read, Parsed::TooLarge(reason));
                }
                ReadRecordResult::OutputEndsFull => {
                    let grown = self.ends.len() * 2;
                    self.ends.resize(grown, 0);
                }
            }
        }
    }

    /// The fields of the row just read; the next row starts empty.
    fn take(&mut self) -> Vec<String> {
        let mut start = 0;
        let fields = self.ends[..self.ends_len]
            .iter()
            .map(|&end| {
                // Invalid UTF-8 in one cell should not cost the whole export.
                let field = String::from_utf8_lossy(&self.bytes[start..end]).into_owned();
                start = end;
                field
            })
            .collect();
        self.len = 0;
        self.ends_len = 0;
        fields
    }
}

/// Turns the export file into records as its bytes arrive, one record per
/// call: a pushed chunk is inflated into a fixed buffer and parsed only as
/// far as the next row, and the next chunk is asked for only once the last
/// is used up. It holds one network chunk, [`TEXT_BUFFER`] of text and one
/// row at most, whatever the file's size or compression ratio.
///
/// A row that does not fit its columns gives an error in its place and the
/// rows after it still come; a broken file (corrupt gzip, a row over
/// [`MAX_ROW_BYTES`], no known column in the header) gives a last error.
pub(super) struct RecordDecoder {
    body: Body,
    rows: Rows,
    columns: Option<Vec<Column>>,
    row: u64,
    /// Text read since the last item, for [`Step::Busy`].
    work: usize,
    /// The error that ends the file, handed out before `Done`.
    failure: Option<Error>,
    done: bool,
}

impl RecordDecoder {
    pub(super) fn new() -> Self {
        RecordDecoder {
            body: Body::Sniffing(Input {
                chunk: Bytes::new(),
                ended: false,
            }),
            rows: Rows {
                csv: Reader::new(),
                bytes: vec![0; 4096],
                ends: vec![0; 64],
                len: 0,
                ends_len: 0,
            },
            columns: None,
            row: 0,
            work: 0,
            failure: None,
            done: false,
        }
    }

    /// Takes the next chunk of the body, after [`Step::NeedInput`].
    pub(super) fn push(&mut self, chunk: Bytes) {
        let input = self.body.input();
        input.chunk = if input.chunk.is_empty() {
            chunk
        } else {
            // Only while sniffing, with one byte held: the copy is small.
            [&input.chunk[..], &chunk[..]].concat().into()
        };
    }

    /// The body has ended.
    pub(super) fn finish(&mut self) {
        self.body.input().ended = true;
    }

    /// Ends decoding with `error` (a broken connection), after the rows
    /// already decoded.
    pub(super) fn fail(&mut self, error: Error) {
        if !self.done && self.failure.is_none() {
            self.failure = Some(error);
        }
    }

    /// Decodes as far as the next record.
    pub(super) fn next(&mut self) -> Step {
        loop {
            if let Some(error) = self.failure.take() {
                self.done = true;
                return Step::Item(Err(error));
            }
            if self.done {
                return Step::Done;
            }
            if self.work > WORK_PER_STEP {
                self.work = 0;
                return Step::Busy;
            }
            let (text, end): (&[u8], bool) = match &mut self.body {
                Body::Sniffing(input) => {
                    if input.chunk.len() < GZIP_MAGIC.len() && !input.ended {
                        return Step::NeedInput;
                    }
                    let input = std::mem::replace(
                        input,
                        Input {
                            chunk: Bytes::new(),
                            ended: false,
                        },
                    );
                    self.body = if input.chunk.starts_with(&GZIP_MAGIC) {
                        Body::Gzip {
                            inflate: Box::new(MultiGzDecoder::new(input)),
                            text: vec![0; TEXT_BUFFER].into_boxed_slice(),
                            start: 0,
                            end: 0,
                        }
                    } else {
                        Body::Plain(input)
                    };
                    continue;
                }
                Body::Plain(input) => {
                    if input.chunk.is_empty() && !input.ended {
                        return Step::NeedInput;
                    }
                    (&input.chunk, input.ended)
                }
                Body::Gzip {
                    inflate,
                    text,
                    start,
                    end,
                } => {
                    if start == end {
                        match inflate.read(text) {
                            Ok(0) => (&[][..], true),
                            Ok(n) => {
                                (*start, *end) = (0, n);
                                continue;
                            }
                            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                                return Step::NeedInput;
                            }
                            Err(e) => {
                                self.failure = Some(corrupt_gzip(&e));
                                continue;
                            }
                        }
                    } else {
                        (&text[*start..*end], false)
                    }
                }
            };
            let (read, parsed) = self.rows.read(text, end);
            self.work += read;
            match &mut self.body {
                Body::Plain(input) => input.chunk.advance(read),
                Body::Gzip { start, .. } => *start += read,
                Body::Sniffing(_) => unreachable!("the body is sniffed before any parsing"),
            }
            match parsed {
                Parsed::InputEmpty => {}
                Parsed::End => self.done = true,
                Parsed::TooLarge(reason) => {
                    self.failure = Some(decode(format!("row {}", self.row + 1), reason, &[]));
                }
                Parsed::Row => {
                    if let Some(item) = self.on_row() {
                        self.work = 0;
                        return Step::Item(item);
                    }
                }
            }
        }
    }

    /// The bytes the decoder holds for pending output: the unread chunk, the
    /// text buffer and the row being filled.
    #[cfg(any(test, feature = "__fuzz"))]
    pub(super) fn held_bytes(&self) -> usize {
        let (input, text) = match &self.body {
            Body::Sniffing(input) | Body::Plain(input) => (input.chunk.len(), 0),
            Body::Gzip { inflate, text, .. } => (inflate.get_ref().chunk.len(), text.len()),
        };
        input + text + self.rows.bytes.len() + self.rows.ends.len() * size_of::<usize>()
    }

    /// The most [`held_bytes`](Self::held_bytes) can be with `chunk` bytes pushed at most.
    #[cfg(any(test, feature = "__fuzz"))]
    pub(super) fn held_bytes_limit(chunk: usize) -> usize {
        chunk + GZIP_MAGIC.len() + TEXT_BUFFER + MAX_ROW_BYTES + MAX_COLUMNS * size_of::<usize>()
    }

    /// The record of the row just read, or `None` for the header.
    fn on_row(&mut self) -> Option<Result<CdrRecord, Error>> {
        let fields = self.rows.take();
        let Some(columns) = &self.columns else {
            self.on_header(fields);
            return None;
        };
        self.row += 1;
        Some(to_record(columns, fields, self.row))
    }

    fn on_header(&mut self, fields: Vec<String>) {
        let columns: Vec<Column> = fields
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let name = if i == 0 {
                    name.trim_start_matches('\u{feff}')
                } else {
                    name
                };
                let name = name.trim();
                match Known::from_header(name) {
                    Some(known) => Column::Known(known, name.to_string()),
                    None => Column::Extra(name.to_string()),
                }
            })
            .collect();
        if !columns.iter().any(|c| matches!(c, Column::Known(..))) {
            let reason = "none of the header's columns is a CDR column (direction, start_time, destination, …); the file is not a CDR export".to_string();
            self.failure = Some(decode("header".into(), reason, fields.join(",").as_bytes()));
            return;
        }
        self.columns = Some(columns);
    }
}

fn corrupt_gzip(e: &std::io::Error) -> Error {
    decode("body".into(), format!("the gzip data is damaged: {e}"), &[])
}

/// Helpers for the tests of the rows and of the decoder.
#[cfg(test)]
pub(super) mod testing {
    use super::*;
    use flate2::{Compression, write::GzEncoder};
    use std::io::Write;

    /// The header and rows of the Python SDK README's sample export.
    pub(crate) const SAMPLE: &str = "direction,start_time,end_time,destination,number_alias,callerid,total_cost,destination_name,callerid_country,line_information,result,call_fail_sip_code,call_fail_reason,duration,billed_duration,rate,first_increment,subsequent_increment,cost_subtotal,connect_fee,usf_fee,ccrf,cnam_lookup_fee,custom_x_tag,customer_ip
Outbound,2019-06-25 18:18:54+00,2019-06-25 18:19:31+00,18774551500,Office Line 2,+12063389999,0.00000000,UNITED STATES - TOLL FREE,N/A,,completed,200,OK,37,42,0.000000,6,6,0.00000000,0.0000,0.00000000,0.00000000,0.00000000,,53.186.152.52:5080
Inbound,2019-06-25 18:18:00+00,2019-06-25 18:18:29+00,12063389999,Office Line 2,+12069928999,0.00474784,UNITED STATES,UNITED STATES,61,completed,200,OK,29,30,0.001500,6,6,0.00075000,0.0000,0.00000000,0.00009784,0.00390000,,53.186.152.52
";

    pub(crate) fn gzip(text: &[u8]) -> Vec<u8> {
        let mut gz = GzEncoder::new(Vec::new(), Compression::default());
        gz.write_all(text).unwrap();
        gz.finish().unwrap()
    }

    /// Decodes `body` fed in chunks of `size` bytes, checking at every step
    /// that the decoder holds no more than its bound.
    pub(crate) fn decode_in_chunks(body: &[u8], size: usize) -> Vec<Result<CdrRecord, Error>> {
        let mut decoder = RecordDecoder::new();
        let mut chunks = body.chunks(size);
        let mut finished = false;
        let mut out = Vec::new();
        loop {
            match decoder.next() {
                Step::Item(item) => out.push(item),
                Step::Busy => {}
                Step::NeedInput => {
                    assert!(!finished, "asked for input after the end of the body");
                    match chunks.next() {
                        Some(chunk) => decoder.push(Bytes::copy_from_slice(chunk)),
                        None => {
                            decoder.finish();
                            finished = true;
                        }
                    }
                }
                Step::Done => return out,
            }
            assert!(decoder.held_bytes() <= RecordDecoder::held_bytes_limit(size));
        }
    }

    pub(crate) fn records(body: &[u8]) -> Vec<CdrRecord> {
        decode_in_chunks(body, 1 << 16)
            .into_iter()
            .map(Result::unwrap)
            .collect()
    }

    pub(crate) fn message(result: &Result<CdrRecord, Error>) -> String {
        result.as_ref().unwrap_err().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::super::records::CallDirection;
    use super::testing::*;
    use super::*;

    #[test]
    fn any_chunking_of_plain_or_gzip_bodies_gives_the_same_records() {
        let whole = records(SAMPLE.as_bytes());
        let zipped = gzip(SAMPLE.as_bytes());
        for size in [1, 2, 3, 7, 64] {
            let plain: Vec<_> = decode_in_chunks(SAMPLE.as_bytes(), size)
                .into_iter()
                .map(Result::unwrap)
                .collect();
            let unzipped: Vec<_> = decode_in_chunks(&zipped, size)
                .into_iter()
                .map(Result::unwrap)
                .collect();
            assert_eq!(plain, whole, "plain in chunks of {size}");
            assert_eq!(unzipped, whole, "gzip in chunks of {size}");
        }
    }

    #[test]
    fn concatenated_gzip_members_are_all_read() {
        let (head, tail) = SAMPLE.split_at(SAMPLE.find("\nInbound").unwrap() + 1);
        let mut body = gzip(head.as_bytes());
        body.extend(gzip(tail.as_bytes()));
        assert_eq!(records(&body), records(SAMPLE.as_bytes()));
    }

    #[test]
    fn a_damaged_gzip_body_ends_with_an_error_after_what_was_read() {
        let mut body = gzip(SAMPLE.as_bytes());
        let last = body.len() - 3;
        body[last] ^= 0xff; // the stored length: only the end can tell
        let out = decode_in_chunks(&body, 16);
        assert_eq!(out.len(), 3);
        assert!(out[0].is_ok() && out[1].is_ok());
        let e = message(&out[2]);
        assert!(e.contains("gzip data is damaged"), "{e}");
    }

    #[test]
    fn a_runaway_row_stops_decoding_instead_of_growing_without_bound() {
        let mut body = b"direction,number_alias\nInbound,\"".to_vec();
        body.resize(body.len() + MAX_ROW_BYTES + 10, b'a');
        let out = decode_in_chunks(&body, 1 << 16);
        assert_eq!(out.len(), 1);
        let e = message(&out[0]);
        assert!(e.contains("`row 1`") && e.contains("longer than"), "{e}");
    }

    /// A deterministic stream of bytes (xorshift), for inputs no one wrote.
    fn noise(seed: u64, len: usize) -> Vec<u8> {
        let mut x = seed | 1;
        (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect()
    }

    /// Files built to expand, nest, stop short or make no sense.
    fn adversarial() -> Vec<(String, Vec<u8>)> {
        let rows = [&b"direction\n"[..], &b"I\n".repeat(1 << 16)].concat();
        let members: Vec<u8> = std::iter::repeat_n(gzip(&b"I\n".repeat(1 << 12)), 16)
            .flatten()
            .collect();
        let mut inputs = vec![
            // Past the longest row and the work done between two items.
            ("zeros".to_string(), gzip(&vec![0; 2 << 20])),
            ("blank lines".to_string(), gzip(&vec![b'\n'; 2 << 20])),
            (
                "one quoted cell".to_string(),
                gzip(&[&b"direction\n\""[..], &vec![b'a'; 2 << 20]].concat()),
            ),
            ("two-byte rows".to_string(), gzip(&rows)),
            (
                "16 members".to_string(),
                [gzip(b"direction\n"), members].concat(),
            ),
            ("gzip in gzip".to_string(), gzip(&gzip(&rows))),
            ("noise".to_string(), noise(1, 64 << 10)),
            (
                "noise after the gzip magic".to_string(),
                [&GZIP_MAGIC[..], &noise(2, 64 << 10)].concat(),
            ),
        ];
        let whole = inputs.clone();
        for (name, body) in whole {
            for cut in [3, 10, body.len() / 2, body.len() - 1] {
                inputs.push((format!("{name}, cut at {cut}"), body[..cut].to_vec()));
            }
            for at in [10, body.len() / 3, body.len() - 5] {
                let mut damaged = body.clone();
                damaged[at] ^= 0x5a;
                inputs.push((format!("{name}, byte {at} flipped"), damaged));
            }
        }
        inputs
    }

    /// The bound holds at every step of every adversarial input in any
    /// chunking (checked in `decode_in_chunks`), nothing panics, a damaged or
    /// truncated gzip file ends with an error, and an undamaged one gives the
    /// same output whatever the chunking. (Where damage is found depends on
    /// the chunking: flate2 drops what it inflated in the call that fails.)
    #[test]
    fn adversarial_inputs_are_decoded_in_bounded_memory_without_panicking() {
        for (name, body) in adversarial() {
            let whole = decode_in_chunks(&body, 1 << 16);
            let damaged = name.contains("flipped");
            for size in [1, 1000, 8192] {
                if size == 1 && body.len() > 1 << 16 {
                    continue;
                }
                let chunked = decode_in_chunks(&body, size);
                if damaged {
                    continue;
                }
                assert_eq!(chunked.len(), whole.len(), "{name} in chunks of {size}");
                let messages = |out: &[Result<CdrRecord, Error>]| -> Vec<String> {
                    out.iter().map(|r| format!("{r:?}")).collect()
                };
                assert_eq!(
                    messages(&chunked),
                    messages(&whole),
                    "{name} in chunks of {size}"
                );
            }
            if (damaged || name.contains("cut at")) && body.starts_with(&GZIP_MAGIC) {
                let last = whole.last().expect("a cut gzip file ends with an error");
                assert!(last.is_err(), "{name}: {last:?}");
            }
        }
    }

    #[test]
    fn two_bytes_rows_expanding_a_thousandfold_come_out_one_at_a_time() {
        let body = gzip(&[&b"direction\n"[..], &b"I\n".repeat(1 << 20)].concat());
        assert!(body.len() < 8 << 10, "{} bytes", body.len());
        let mut decoder = RecordDecoder::new();
        assert!(matches!(decoder.next(), Step::NeedInput));
        decoder.push(Bytes::from(body));
        decoder.finish();
        let mut rows = 0;
        loop {
            match decoder.next() {
                Step::Item(item) => {
                    assert_eq!(
                        item.unwrap().direction,
                        Some(CallDirection::Unknown("I".into()))
                    );
                    rows += 1;
                }
                Step::Busy => {}
                Step::NeedInput => panic!("the whole body was pushed"),
                Step::Done => break,
            }
            // The whole file is pushed: all that bounds what is held is the
            // fixed text buffer and the row.
            assert!(decoder.held_bytes() <= RecordDecoder::held_bytes_limit(8 << 10));
        }
        assert_eq!(rows, 1 << 20);
    }

    #[test]
    fn a_file_of_blank_lines_hands_control_back_while_reading_it() {
        let body = gzip(&vec![b'\n'; 8 << 20]);
        let mut decoder = RecordDecoder::new();
        decoder.push(Bytes::from(body));
        decoder.finish();
        let mut busy = 0;
        loop {
            match decoder.next() {
                Step::Busy => busy += 1,
                Step::Done => break,
                Step::Item(item) => panic!("a blank line is no row: {item:?}"),
                Step::NeedInput => panic!("the whole body was pushed"),
            }
        }
        assert!(busy >= 7, "8 MiB read in steps of at most 1 MiB: {busy}");
    }
}
