//! The raw archive: every page fetched, file chunk imported or postback received is kept exactly as it arrived,
//! under the SHA-256 of those bytes, before anything is normalized; normalized rows point back to it
//! (`raw_id`). The same bytes twice are stored once. The one change: a page that echoes the source's key (TUNE's
//! `request.api_key`) is archived, and hashed, with the key replaced ([`without_secret`]).
//!
//! Large payloads (API pages, file chunks) are stored zstd-compressed: JSON pages and CSV chunks shrink 5–10×,
//! which is most of what an import or a sync writes. Hashing and compressing happen in [`RawPayload::prepare`],
//! off the writer thread; the writer only inserts. [`read`] gives the bytes back as received.

use super::upsert::PageContext;
use crate::store::{StoreError, StoreResult};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use sha2::{Digest, Sha256};

/// Payloads at least this large are compressed; smaller ones (a postback) are not worth the frame.
pub const COMPRESS_MIN_BYTES: usize = 4096;
/// zstd level: the fastest, which still shrinks JSON and CSV several times.
const ZSTD_LEVEL: i32 = 1;

/// How a payload is stored (`raw_records.encoding`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Identity,
    Zstd,
}

impl Encoding {
    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::Identity => "identity",
            Encoding::Zstd => "zstd",
        }
    }
}

/// A payload ready to archive: the digest of the bytes as received, and the bytes as they will be stored.
#[derive(Debug, Clone)]
pub struct RawPayload {
    sha256: String,
    stored: Vec<u8>,
    encoding: Encoding,
}

impl RawPayload {
    /// Hashes `bytes` and compresses them when they are large enough. Call it off the writer thread.
    pub fn prepare(bytes: &[u8]) -> Self {
        let sha256 = sha256_hex(bytes);
        if bytes.len() >= COMPRESS_MIN_BYTES {
            // Compression of an in-memory buffer fails only on allocation failure; keep the bytes as they are then.
            if let Ok(z) = zstd::bulk::compress(bytes, ZSTD_LEVEL) {
                if z.len() < bytes.len() {
                    return Self {
                        sha256,
                        stored: z,
                        encoding: Encoding::Zstd,
                    };
                }
            }
        }
        Self {
            sha256,
            stored: bytes.to_vec(),
            encoding: Encoding::Identity,
        }
    }

    /// The hex SHA-256 of the bytes as received.
    pub fn sha256(&self) -> &str {
        &self.sha256
    }

    pub fn encoding(&self) -> Encoding {
        self.encoding
    }

    /// Bytes written to the database.
    pub fn stored_len(&self) -> usize {
        self.stored.len()
    }
}

/// What stands in for a source's key in an archived page or a message.
pub const REDACTED: &str = "[redacted]";

/// `bytes` with every JSON string equal to `secret` replaced by `"[redacted]"`: an API that echoes the request
/// (TUNE's `request.api_key`) must not put the key into the archive, which lives in the database. Only whole
/// string values match, so ordinary data is never touched; the bytes are borrowed when nothing matches.
pub fn without_secret<'a>(bytes: &'a [u8], secret: &str) -> std::borrow::Cow<'a, [u8]> {
    if secret.is_empty() {
        return std::borrow::Cow::Borrowed(bytes);
    }
    let needle = format!("\"{secret}\"").into_bytes();
    let mut out: Option<Vec<u8>> = None;
    let mut start = 0;
    let mut i = 0;
    while i + needle.len() <= bytes.len() {
        if bytes[i..].starts_with(&needle) {
            let buf = out.get_or_insert_with(|| Vec::with_capacity(bytes.len()));
            buf.extend_from_slice(&bytes[start..i]);
            buf.extend_from_slice(format!("\"{REDACTED}\"").as_bytes());
            i += needle.len();
            start = i;
        } else {
            i += 1;
        }
    }
    match out {
        None => std::borrow::Cow::Borrowed(bytes),
        Some(mut buf) => {
            buf.extend_from_slice(&bytes[start..]);
            std::borrow::Cow::Owned(buf)
        }
    }
}

/// `text` with `secret` replaced wherever it appears (a failure message quoting a response or a URL).
pub fn redact_text(text: &str, secret: &str) -> String {
    if secret.is_empty() {
        text.to_string()
    } else {
        text.replace(secret, REDACTED)
    }
}

/// The hex SHA-256 a payload is archived under.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Archives a prepared payload; returns the row id (of the existing row when these bytes are already archived).
pub fn archive(
    tx: &Transaction<'_>,
    ctx: &PageContext<'_>,
    locator: &str,
    payload: &RawPayload,
) -> StoreResult<i64> {
    let inserted = tx
        .prepare_cached(
            "INSERT INTO raw_records (source_id, stream, locator, fetched_at_ms, sha256, payload, encoding)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (source_id, stream, sha256) DO NOTHING",
        )?
        .execute(params![
            ctx.source_id,
            ctx.stream,
            locator,
            ctx.now_ms,
            payload.sha256,
            payload.stored,
            payload.encoding.as_str()
        ])?;
    // New bytes: the row just inserted. Known bytes: look the existing row up (one index probe saved per new
    // record, which is nearly every record).
    if inserted == 1 {
        return Ok(tx.last_insert_rowid());
    }
    Ok(tx
        .prepare_cached(
            "SELECT id FROM raw_records WHERE source_id = ?1 AND stream = ?2 AND sha256 = ?3",
        )?
        .query_row(params![ctx.source_id, ctx.stream, payload.sha256], |r| {
            r.get(0)
        })?)
}

/// Archives small bytes prepared on the spot (a postback, a test page).
pub fn archive_bytes(
    tx: &Transaction<'_>,
    ctx: &PageContext<'_>,
    locator: &str,
    bytes: &[u8],
) -> StoreResult<i64> {
    archive(tx, ctx, locator, &RawPayload::prepare(bytes))
}

/// The bytes of raw record `id` as they were received; `None` when there is no such record. A payload that does
/// not decompress, or does not match its digest, is reported as corrupt.
pub fn read(conn: &Connection, id: i64) -> StoreResult<Option<Vec<u8>>> {
    let row: Option<(Vec<u8>, String, String)> = conn
        .query_row(
            "SELECT payload, encoding, sha256 FROM raw_records WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let Some((stored, encoding, sha)) = row else {
        return Ok(None);
    };
    let bytes = match encoding.as_str() {
        "zstd" => zstd::stream::decode_all(stored.as_slice()).map_err(|e| {
            StoreError::Invalid(format!("raw record {id} does not decompress: {e}"))
        })?,
        _ => stored,
    };
    if sha256_hex(&bytes) != sha {
        return Err(StoreError::Invalid(format!(
            "raw record {id} does not match its SHA-256 {sha}"
        )));
    }
    Ok(Some(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testing::store_with_source;
    use proptest::prelude::*;

    #[test]
    fn an_echoed_key_never_reaches_the_archive() {
        let page = br#"{"request":{"api_key":"k3y","Target":"Conversion"},"response":{"note":"k3y-like"}}"#;
        let kept = without_secret(page, "k3y");
        assert_eq!(
            kept.as_ref(),
            br#"{"request":{"api_key":"[redacted]","Target":"Conversion"},"response":{"note":"k3y-like"}}"#,
            "only the whole string value is replaced"
        );
        assert!(matches!(
            without_secret(b"{\"a\":1}", "k3y"),
            std::borrow::Cow::Borrowed(_)
        ));
        assert!(matches!(
            without_secret(page, ""),
            std::borrow::Cow::Borrowed(_)
        ));
        assert_eq!(
            redact_text("GET /x?api_key=k3y&page=1", "k3y"),
            "GET /x?api_key=[redacted]&page=1"
        );
    }

    #[test]
    fn large_payloads_are_compressed_and_read_back_exactly() {
        let (_dir, store) = store_with_source();
        let page: Vec<u8> = (0..2000)
            .map(|i| {
                format!("{{\"conversion_id\":\"c{i}\",\"status\":\"approved\",\"payout\":12.5}},")
            })
            .collect::<String>()
            .into_bytes();
        let small = b"GET /postback?txid=1".to_vec();
        let (big, tiny) = (RawPayload::prepare(&page), RawPayload::prepare(&small));
        assert_eq!(big.encoding(), Encoding::Zstd);
        assert!(
            big.stored_len() * 5 < page.len(),
            "JSON shrinks at least 5x"
        );
        assert_eq!(tiny.encoding(), Encoding::Identity);
        assert_eq!(
            big.sha256(),
            sha256_hex(&page),
            "the digest is of the bytes as received"
        );
        let ids = store
            .write::<_, crate::store::StoreError>(|tx| {
                let ctx = PageContext::new(1, 1, chrono_tz::UTC, 0, "conversions");
                let a = archive(tx, &ctx, "page 1", &big)?;
                let again = archive(tx, &ctx, "page 1 again", &RawPayload::prepare(&page))?;
                Ok((a, again, archive_bytes(tx, &ctx, "pb", &small)?))
            })
            .unwrap();
        assert_eq!(ids.0, ids.1, "the same bytes twice are stored once");
        store
            .read::<_, crate::store::StoreError>(|c| {
                assert_eq!(read(c, ids.0)?.unwrap(), page);
                assert_eq!(read(c, ids.2)?.unwrap(), small);
                assert_eq!(read(c, 999)?, None);
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn a_damaged_payload_is_reported_not_returned() {
        let (_dir, store) = store_with_source();
        let page = vec![b'a'; 10_000];
        let id = store
            .write(|tx| {
                let ctx = PageContext::new(1, 1, chrono_tz::UTC, 0, "conversions");
                archive(tx, &ctx, "p", &RawPayload::prepare(&page))
            })
            .unwrap();
        store
            .write::<_, crate::store::StoreError>(|tx| {
                Ok(tx.execute(
                    "UPDATE raw_records SET payload = x'00112233' WHERE id = ?1",
                    [id],
                )?)
            })
            .unwrap();
        let err = store.read(|c| read(c, id)).unwrap_err().to_string();
        assert!(err.contains("does not decompress"), "{err}");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// Whatever the bytes, what is stored reads back as exactly what was received.
        #[test]
        fn prepare_round_trips(bytes in proptest::collection::vec(any::<u8>(), 0..20_000), repeat in 1usize..4) {
            let bytes = bytes.repeat(repeat);
            let p = RawPayload::prepare(&bytes);
            let back = match p.encoding() {
                Encoding::Zstd => zstd::stream::decode_all(p.stored.as_slice()).unwrap(),
                Encoding::Identity => p.stored.clone(),
            };
            prop_assert_eq!(back, bytes);
        }
    }
}
