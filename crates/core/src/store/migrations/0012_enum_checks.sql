-- 0012: the enum CHECKs of the three busiest event tables as OR chains. SQLite evaluates `x IN (a, b, c, ...)` of
-- three or more values by building a temporary index on every row it checks (measured: 2 µs per row for one
-- such CHECK, against 0.1 µs for the same test written with OR); conversions carried two of them, a third of a
-- sync's write time. The constraints are the same; the tables are rebuilt the documented way (new table, copy,
-- drop, rename, indexes), which the migration runner does with foreign keys off and checks afterwards.

CREATE TABLE conversions_0012 (
    id                  INTEGER PRIMARY KEY,
    source_id           INTEGER NOT NULL REFERENCES sources(id),
    program_id          INTEGER NOT NULL REFERENCES programs(id),
    external_id         TEXT NOT NULL,     -- the tracker's conversion id
    transaction_id      TEXT NOT NULL DEFAULT '',  -- click id / txid used for dedupe and reconciliation
    affiliate_id        INTEGER REFERENCES affiliates(id),
    player_ref          TEXT NOT NULL DEFAULT '',  -- the operator's player id when the tracker carries it
    order_ref           TEXT NOT NULL DEFAULT '',
    event               TEXT NOT NULL DEFAULT '',
    status              TEXT NOT NULL CHECK (status = 'approved' OR status = 'pending' OR status = 'rejected'
                                             OR status = 'invalid' OR status = 'hold'),
    payout_micros       INTEGER NOT NULL,
    revenue_micros      INTEGER NOT NULL DEFAULT 0,
    sale_amount_micros  INTEGER NOT NULL DEFAULT 0,
    currency            TEXT NOT NULL CHECK (length(currency) = 3),
    converted_at_ms     INTEGER NOT NULL,
    day                 TEXT NOT NULL,
    clicked_at_ms       INTEGER,
    sub1 TEXT NOT NULL DEFAULT '', sub2 TEXT NOT NULL DEFAULT '', sub3 TEXT NOT NULL DEFAULT '',
    sub4 TEXT NOT NULL DEFAULT '', sub5 TEXT NOT NULL DEFAULT '',
    coupon_code         TEXT NOT NULL DEFAULT '',
    country             TEXT NOT NULL DEFAULT '',
    ip                  TEXT NOT NULL DEFAULT '',
    is_scrub            INTEGER NOT NULL DEFAULT 0 CHECK (is_scrub IN (0, 1)),
    -- How the conversion reached us: S2S postback, pixel via the tracker, batch file, or API pull.
    arrival             TEXT NOT NULL CHECK (arrival = 's2s' OR arrival = 'pixel' OR arrival = 'batch'
                                             OR arrival = 'api'),
    raw_id              INTEGER REFERENCES raw_records(id),
    first_seen_at_ms    INTEGER NOT NULL,
    updated_at_ms       INTEGER NOT NULL,
    -- The tracker's own time of the last status or payout change (NULL = the source did not say).
    source_updated_at_ms INTEGER,
    UNIQUE (source_id, external_id)
) STRICT;
INSERT INTO conversions_0012 (id, source_id, program_id, external_id, transaction_id, affiliate_id, player_ref,
        order_ref, event, status, payout_micros, revenue_micros, sale_amount_micros, currency, converted_at_ms, day,
        clicked_at_ms, sub1, sub2, sub3, sub4, sub5, coupon_code, country, ip, is_scrub, arrival, raw_id,
        first_seen_at_ms, updated_at_ms, source_updated_at_ms)
    SELECT id, source_id, program_id, external_id, transaction_id, affiliate_id, player_ref,
        order_ref, event, status, payout_micros, revenue_micros, sale_amount_micros, currency, converted_at_ms, day,
        clicked_at_ms, sub1, sub2, sub3, sub4, sub5, coupon_code, country, ip, is_scrub, arrival, raw_id,
        first_seen_at_ms, updated_at_ms, source_updated_at_ms
    FROM conversions;
DROP TABLE conversions;
ALTER TABLE conversions_0012 RENAME TO conversions;
CREATE INDEX conversions_day ON conversions (day, affiliate_id);

CREATE TABLE money_movements_0012 (
    id             INTEGER PRIMARY KEY,
    program_id     INTEGER NOT NULL REFERENCES programs(id),
    external_id    TEXT NOT NULL,
    player_id      INTEGER NOT NULL REFERENCES players(id),
    kind           TEXT NOT NULL CHECK (kind = 'deposit' OR kind = 'withdrawal' OR kind = 'bonus'
                                        OR kind = 'chargeback' OR kind = 'adjustment' OR kind = 'fee'
                                        OR kind = 'refund'),
    amount_micros  INTEGER NOT NULL,
    currency       TEXT NOT NULL CHECK (length(currency) = 3),
    occurred_at_ms INTEGER NOT NULL,
    day            TEXT NOT NULL,
    is_ftd         INTEGER NOT NULL DEFAULT 0 CHECK (is_ftd IN (0, 1)),
    payment_hash   TEXT,                   -- hashed payment instrument, for multi-accounting checks
    raw_id         INTEGER REFERENCES raw_records(id),
    UNIQUE (program_id, external_id)
) STRICT;
INSERT INTO money_movements_0012 (id, program_id, external_id, player_id, kind, amount_micros, currency,
        occurred_at_ms, day, is_ftd, payment_hash, raw_id)
    SELECT id, program_id, external_id, player_id, kind, amount_micros, currency, occurred_at_ms, day, is_ftd,
        payment_hash, raw_id
    FROM money_movements;
DROP TABLE money_movements;
ALTER TABLE money_movements_0012 RENAME TO money_movements;
CREATE INDEX money_ftd_day ON money_movements (day) WHERE is_ftd = 1;
CREATE INDEX money_player ON money_movements (player_id);

CREATE TABLE postback_log_0012 (
    id             INTEGER PRIMARY KEY,
    received_at_ms INTEGER NOT NULL,
    source         TEXT NOT NULL,            -- the name in the URL, known or not
    remote_ip      TEXT NOT NULL,
    method         TEXT NOT NULL,
    path_query     TEXT NOT NULL,            -- token and signature values redacted
    body           TEXT NOT NULL DEFAULT '', -- capped, redacted the same way
    status_code    INTEGER NOT NULL,
    outcome        TEXT NOT NULL CHECK (outcome = 'recorded' OR outcome = 'updated' OR outcome = 'duplicate'
                                        OR outcome = 'stale' OR outcome = 'rejected'),
    reason         TEXT NOT NULL DEFAULT '',
    conversion_id  INTEGER REFERENCES conversions(id),
    latency_us     INTEGER NOT NULL
) STRICT;
INSERT INTO postback_log_0012 (id, received_at_ms, source, remote_ip, method, path_query, body, status_code,
        outcome, reason, conversion_id, latency_us)
    SELECT id, received_at_ms, source, remote_ip, method, path_query, body, status_code, outcome, reason,
        conversion_id, latency_us
    FROM postback_log;
DROP TABLE postback_log;
ALTER TABLE postback_log_0012 RENAME TO postback_log;
CREATE INDEX postback_log_source ON postback_log (source, id);
CREATE INDEX postback_log_outcome ON postback_log (outcome, id);
CREATE TRIGGER postback_log_no_update BEFORE UPDATE ON postback_log
BEGIN SELECT RAISE(ABORT, 'postback_log is append-only'); END;
