//! Reading a file for an import: its identity (SHA-256), its header and mapping, and the parse thread that turns
//! rows into validated chunks, with a bounded record size so a broken quote cannot swallow memory.

use super::mapping::{self, expected_columns, Resolved};
use super::rows::{self, Row, RowContext};
use super::run::{CHUNK_BYTES_MAX, RECORD_BYTES_MAX};
use super::signals::FilledFields;
use super::sniff::{sniff, Sniffed};
use super::write::{BadRow, Chunk, DayCache};
use super::ImportError;
use crate::import::types::ColumnMapping;
use crate::ingest::raw::RawPayload;
use chrono_tz::Tz;
use sha2::{Digest, Sha256};
use std::cell::Cell;
use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::Path;
use std::rc::Rc;

/// Streams the file through SHA-256 (the run's identity: the same bytes are the same import).
fn file_sha256(path: &Path) -> Result<(String, u64), ImportError> {
    let mut f = File::open(path).map_err(ImportError::Io)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut size = 0u64;
    loop {
        let n = f.read(&mut buf).map_err(ImportError::Io)?;
        if n == 0 {
            break;
        }
        size += n as u64;
        h.update(&buf[..n]);
    }
    Ok((hex::encode(h.finalize()), size))
}

pub(super) struct Prepared {
    pub sniffed: Sniffed,
    pub resolved: Resolved,
    pub sha: String,
    pub size: u64,
}

pub(super) fn prepare(path: &Path, m: &ColumnMapping) -> Result<Prepared, ImportError> {
    mapping::validate(m)?;
    let (sha, size) = file_sha256(path)?;
    let mut f = File::open(path).map_err(ImportError::Io)?;
    let delim = m.delimiter.as_deref().and_then(mapping::delimiter_byte);
    let sniffed = sniff(&mut f, &expected_columns(m), delim)?;
    let resolved = mapping::resolve(m, &sniffed.header)?;
    Ok(Prepared {
        sniffed,
        resolved,
        sha,
        size,
    })
}

/// Counts bytes handed to the CSV parser and refuses to go further than [`RECORD_BYTES_MAX`] past the last
/// record boundary, so one broken quote cannot make the parser buffer the rest of the file.
pub(super) struct BoundedReader<R> {
    inner: R,
    read: u64,
    boundary: Rc<Cell<u64>>,
}

impl<R> BoundedReader<R> {
    pub(super) fn new(inner: R, boundary: Rc<Cell<u64>>) -> Self {
        Self {
            inner,
            read: 0,
            boundary,
        }
    }
}

impl<R: Read> Read for BoundedReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.read.saturating_sub(self.boundary.get()) > RECORD_BYTES_MAX {
            return Err(std::io::Error::other(format!(
                "a row runs past {RECORD_BYTES_MAX} bytes (an unterminated quote?)"
            )));
        }
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        Ok(n)
    }
}

/// Reads every row of the file for the fields detection needs ([`FilledFields`]), stopping as soon as each was
/// seen filled: the dry run's view of which rules the file feeds, as the import will see it. `None` when the file
/// cannot be read to its end (the import would stop there too; the dry run then judges by the mapping alone).
pub(super) fn scan_filled(path: &Path, p: &Prepared) -> Option<u64> {
    let mut seen = FilledFields::new(&p.resolved, p.sniffed.header.len());
    if seen.done() {
        return Some(0);
    }
    let mut f = File::open(path).ok()?;
    f.seek(SeekFrom::Start(p.sniffed.data_offset)).ok()?;
    let boundary = Rc::new(Cell::new(0u64));
    let bounded = BoundedReader::new(BufReader::with_capacity(1 << 16, f), boundary.clone());
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(p.sniffed.delimiter)
        .from_reader(bounded);
    let mut rec = csv::ByteRecord::new();
    while !seen.done() && rdr.read_byte_record(&mut rec).ok()? {
        boundary.set(rdr.position().byte());
        seen.see(&rec);
    }
    Some(seen.filled)
}

/// Parses from `start` (byte offset, first row number) to the end, sending chunks; stops when the receiver hangs up.
/// `tz` reads naive times (the source's zone); `day_tz` buckets instants into reporting days (the program's).
pub(super) fn parse_chunks(
    path: &Path,
    p: &Prepared,
    (tz, day_tz): (Tz, Tz),
    start: (u64, u64),
    chunk_rows: usize,
    tx: std::sync::mpsc::SyncSender<Result<Chunk, ImportError>>,
) {
    let result = (|| -> Result<(), ImportError> {
        let mut f = File::open(path).map_err(ImportError::Io)?;
        f.seek(SeekFrom::Start(start.0)).map_err(ImportError::Io)?;
        let mut raw_file = File::open(path).map_err(ImportError::Io)?;
        let boundary = Rc::new(Cell::new(0u64));
        let bounded = BoundedReader::new(BufReader::with_capacity(1 << 16, f), boundary.clone());
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(p.sniffed.delimiter)
            .from_reader(bounded);
        let ctx = RowContext {
            resolved: &p.resolved,
            header_len: p.sniffed.header.len(),
            tz,
            row_key_prefix: &p.sha[..16],
        };
        let mut rec = csv::ByteRecord::new();
        let mut redactor = Redactor::new(&p.resolved, p.sniffed.header.len(), p.sniffed.delimiter);
        let mut filled = FilledFields::new(&p.resolved, p.sniffed.header.len());
        // Click files run in time order: the day string is recomputed only when a row leaves the last day seen.
        let mut days = DayCache::new(day_tz);
        let mut row = start.1;
        let mut chunk = Chunk {
            start_offset: start.0,
            end_offset: start.0,
            first_row: row,
            next_row: row,
            ..Chunk::default()
        };
        loop {
            let more = rdr
                .read_byte_record(&mut rec)
                .map_err(|e| ImportError::Aborted(format!("row {row}: {e}")))?;
            if more {
                let rec_start = start.0 + rec.position().map_or(0, |pos| pos.byte());
                let rec_end = start.0 + rdr.position().byte();
                boundary.set(rdr.position().byte());
                filled.see(&rec);
                match rows::validate_counting(&rec, row, &ctx, &mut chunk.ignored) {
                    Ok(mut r) => {
                        if let Row::Click(c) = &mut r {
                            c.day = days.day(c.clicked_at_ms)?.to_string();
                        }
                        chunk.rows.push((row, r))
                    }
                    Err(e) => chunk.bad.push(BadRow {
                        row,
                        start: rec_start,
                        end: rec_end,
                        column: e.column,
                        reason: e.reason,
                        redacted: redactor.as_ref().map(|r| r.row_bytes(&rec)),
                    }),
                }
                if let Some(r) = &mut redactor {
                    r.push(&rec)?;
                }
                row += 1;
                chunk.end_offset = rec_end;
                chunk.next_row = row;
            }
            let full = chunk.rows.len() + chunk.bad.len() >= chunk_rows
                || chunk.end_offset - chunk.start_offset >= CHUNK_BYTES_MAX;
            if (full || !more) && chunk.next_row > chunk.first_row {
                // Inserting in key order walks the unique index once per chunk instead of jumping around it
                // (random click ids otherwise touch a different leaf page on every row).
                chunk.rows.sort_unstable_by(|a, b| match (&a.1, &b.1) {
                    (Row::Click(x), Row::Click(y)) => x.click_id.cmp(&y.click_id),
                    _ => std::cmp::Ordering::Equal,
                });
                let len = (chunk.end_offset - chunk.start_offset) as usize;
                chunk.raw = vec![0u8; len];
                raw_file
                    .seek(SeekFrom::Start(chunk.start_offset))
                    .map_err(ImportError::Io)?;
                raw_file
                    .read_exact(&mut chunk.raw)
                    .map_err(ImportError::Io)?;
                if let Some(r) = &mut redactor {
                    // The archive keeps the chunk with its emails replaced by their hashes (see `Redactor`).
                    chunk.raw = r.take()?;
                }
                // Hashed and compressed here, beside the parser, so the writer only inserts.
                chunk.archived = Some(RawPayload::prepare(&chunk.raw));
                if chunk.bad.is_empty() {
                    chunk.raw = Vec::new();
                }
                chunk.filled = filled.filled;
                let next = Chunk {
                    start_offset: chunk.end_offset,
                    end_offset: chunk.end_offset,
                    first_row: row,
                    next_row: row,
                    ..Chunk::default()
                };
                if tx.send(Ok(std::mem::replace(&mut chunk, next))).is_err() {
                    return Ok(());
                }
            }
            if !more {
                return Ok(());
            }
        }
    })();
    if let Err(e) = result {
        let _ = tx.send(Err(e));
    }
}

/// Keeps raw email addresses out of the store. A file whose mapping reads an `email` column is archived (and its
/// refused rows quarantined) with each address replaced by `sha256:` and the hash of its normalized form — the
/// same hash the row stores, which the import reads back as such — so the raw archive, the quarantine and every
/// screen that shows them hold no address. Nothing else of the row changes (fields are re-quoted as CSV needs).
/// A row of the wrong width has every cell that reads as an address replaced. No workspace setting keeps the
/// addresses: there is none.
struct Redactor {
    email: usize,
    header_len: usize,
    out: csv::Writer<Vec<u8>>,
    delimiter: u8,
}

impl Redactor {
    fn new(resolved: &mapping::Resolved, header_len: usize, delimiter: u8) -> Option<Self> {
        let i = mapping::fields(resolved.preset)
            .iter()
            .position(|f| f.name == "email")?;
        let mapping::Slot::Column { index, .. } = resolved.slots[i] else {
            return None;
        };
        Some(Self {
            email: index,
            header_len,
            out: Self::writer(delimiter),
            delimiter,
        })
    }

    fn writer(delimiter: u8) -> csv::Writer<Vec<u8>> {
        csv::WriterBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(Vec::new())
    }

    fn redact_cell(cell: &[u8]) -> Option<Vec<u8>> {
        let text = std::str::from_utf8(cell).ok()?;
        let hash = crate::ingest::identity::email_hash(text)?;
        Some(format!("sha256:{hash}").into_bytes())
    }

    fn redacted(&self, rec: &csv::ByteRecord) -> csv::ByteRecord {
        let mut out = csv::ByteRecord::new();
        for (i, cell) in rec.iter().enumerate() {
            let is_email = rec.len() != self.header_len || i == self.email;
            let cell_text = std::str::from_utf8(cell).unwrap_or("");
            match (is_email, Self::redact_cell(cell)) {
                (true, Some(h)) => out.push_field(&h),
                // In the email column, anything that is no address is kept (it names no mailbox), unless it holds
                // an `@` (a mistyped address still names one).
                (true, None) if i == self.email && cell_text.contains('@') => {
                    out.push_field(b"(redacted)")
                }
                _ => out.push_field(cell),
            }
        }
        out
    }

    fn push(&mut self, rec: &csv::ByteRecord) -> Result<(), ImportError> {
        let r = self.redacted(rec);
        self.out
            .write_byte_record(&r)
            .map_err(|e| ImportError::Aborted(format!("redacting emails: {e}")))
    }

    /// One row's redacted bytes (for a quarantined row).
    fn row_bytes(&self, rec: &csv::ByteRecord) -> Vec<u8> {
        let mut w = Self::writer(self.delimiter);
        let _ = w.write_byte_record(&self.redacted(rec));
        let mut bytes = w.into_inner().unwrap_or_default();
        if bytes.last() == Some(&b'\n') {
            bytes.pop();
        }
        bytes
    }

    /// The chunk so far, redacted; starts the next one.
    fn take(&mut self) -> Result<Vec<u8>, ImportError> {
        let w = std::mem::replace(&mut self.out, Self::writer(self.delimiter));
        w.into_inner()
            .map_err(|e| ImportError::Aborted(format!("redacting emails: {e}")))
    }
}
