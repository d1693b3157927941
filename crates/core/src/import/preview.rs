//! The dry run: what an import would do with the first rows of a file (detected header, delimiter, BOM, stray
//! bytes, the mapping as resolved, each row's validation result, the detection rules the file cannot feed),
//! without writing anything.

use super::mapping;
use super::parse::{prepare, scan_filled, BoundedReader};
use super::rows::{self, RowContext};
use super::run::PREVIEW_ROWS_MAX;
use super::signals;
use super::ImportError;
use crate::import::types::{ColumnMapping, ImportPreview, PreviewRow};
use chrono_tz::Tz;
use std::cell::Cell;
use std::fs::File;
use std::io::{BufReader, Seek, SeekFrom};
use std::path::Path;
use std::rc::Rc;

/// A dry run: the header and detection results, and the first `n` rows mapped and validated. Writes nothing.
/// Naive times are read in `tz` (the source's zone). The detection rules the file cannot feed are judged on every
/// row (read only until each field they need was seen filled once).
pub fn preview_file(
    path: &Path,
    m: &ColumnMapping,
    tz: Tz,
    n: usize,
) -> Result<ImportPreview, ImportError> {
    let p = prepare(path, m)?;
    let mut f = File::open(path).map_err(ImportError::Io)?;
    f.seek(SeekFrom::Start(p.sniffed.data_offset))
        .map_err(ImportError::Io)?;
    let boundary = Rc::new(Cell::new(0u64));
    let bounded = BoundedReader::new(BufReader::new(f), boundary.clone());
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
    let mut rows_out = Vec::new();
    let mut ignored = super::clean::IgnoredCounts::default();
    let mut row = 2u64;
    while rows_out.len() < n.min(PREVIEW_ROWS_MAX) {
        match rdr.read_byte_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(ImportError::Aborted(format!("row {row}: {e}"))),
        }
        boundary.set(rdr.position().byte());
        let error = rows::validate_counting(&rec, row, &ctx, &mut ignored)
            .err()
            .map(|e| e.to_string());
        rows_out.push(PreviewRow {
            row: row as u32,
            fields: rows::preview_fields(&rec, row, &ctx),
            error,
        });
        row += 1;
    }
    let ignored_signals = ignored.signals();
    let ignored_fields: Vec<String> = ignored_signals.iter().map(|i| i.field.clone()).collect();
    let specs = mapping::fields(m.preset);
    let mut resolved = Vec::new();
    let mut unmapped_optional = Vec::new();
    for (i, s) in specs.iter().enumerate() {
        if p.resolved.slots[i] == mapping::Slot::Absent {
            unmapped_optional.push(s.name.to_string());
        } else {
            resolved.push((s.name.to_string(), p.resolved.column_name(i)));
        }
    }
    Ok(ImportPreview {
        preset: m.preset,
        header: p.sniffed.header.clone(),
        delimiter: (p.sniffed.delimiter as char).to_string(),
        had_bom: p.sniffed.had_bom,
        junk_prefix: p.sniffed.junk_escaped(),
        resolved,
        unmapped_optional,
        rows: rows_out,
        missing_signals: signals::missing_signals_ignoring(
            &p.resolved,
            scan_filled(path, &p),
            &ignored_fields,
        ),
        ignored_signals,
    })
}
