-- 0003: the S2S postback listener: which sources may post to it (non-secret settings only) and a log of every
-- request it answered, accepted or not. Tokens and HMAC secrets are never stored here (OS keychain / the
-- PostbackSecrets provider); the log keeps requests with their token and signature values redacted.

-- One row per postback source; the source itself (name, program) is a row of `sources` with kind 'postback'.
CREATE TABLE postback_sources (
    source_id        INTEGER PRIMARY KEY REFERENCES sources(id),
    dialect          TEXT NOT NULL CHECK (dialect IN ('everflow', 'voluum', 'keitaro', 'affise', 'binom', 'prosper202')),
    -- JSON array of IP addresses or CIDR blocks. Empty denies everyone unless allow_any_ip is set explicitly.
    allow_ips_json   TEXT NOT NULL DEFAULT '[]',
    allow_any_ip     INTEGER NOT NULL DEFAULT 0 CHECK (allow_any_ip IN (0, 1)),
    hmac_required    INTEGER NOT NULL DEFAULT 0 CHECK (hmac_required IN (0, 1)),
    -- Used when a postback names no currency.
    default_currency TEXT NOT NULL CHECK (length(default_currency) = 3),
    updated_at_ms    INTEGER NOT NULL
) STRICT;

-- Every request the listener answered. Rows are only ever appended.
CREATE TABLE postback_log (
    id             INTEGER PRIMARY KEY,
    received_at_ms INTEGER NOT NULL,
    source         TEXT NOT NULL,            -- the name in the URL, known or not
    remote_ip      TEXT NOT NULL,
    method         TEXT NOT NULL,
    path_query     TEXT NOT NULL,            -- token and signature values redacted
    body           TEXT NOT NULL DEFAULT '', -- capped, redacted the same way
    status_code    INTEGER NOT NULL,
    outcome        TEXT NOT NULL CHECK (outcome IN ('recorded', 'updated', 'duplicate', 'stale', 'rejected')),
    reason         TEXT NOT NULL DEFAULT '',
    conversion_id  INTEGER REFERENCES conversions(id),
    latency_us     INTEGER NOT NULL
) STRICT;
CREATE INDEX postback_log_source ON postback_log (source, id);
CREATE INDEX postback_log_outcome ON postback_log (outcome, id);
CREATE TRIGGER postback_log_no_update BEFORE UPDATE ON postback_log
BEGIN SELECT RAISE(ABORT, 'postback_log is append-only'); END;
