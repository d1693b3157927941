-- 0010: a raw record's payload may be stored compressed. `sha256` stays the digest of the bytes as received (the
-- record's identity); `encoding` says how `payload` holds them. Small payloads (postbacks) stay as they are.
ALTER TABLE raw_records ADD COLUMN encoding TEXT NOT NULL DEFAULT 'identity'
    CHECK (encoding IN ('identity', 'zstd'));
