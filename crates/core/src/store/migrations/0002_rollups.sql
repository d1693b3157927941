-- 0002: daily rollups, so dashboards never scan raw rows.
-- One row per program, reporting day, affiliate, sub-ID (the click's sub1), country and brand. Ingest marks the
-- (program, day) pairs it touches as dirty in the same transaction as the rows; a refresh recomputes exactly
-- those days from the raw tables. A crash between the two leaves the day dirty, never wrong.

CREATE TABLE rollup_daily (
    program_id           INTEGER NOT NULL REFERENCES programs(id),
    day                  TEXT NOT NULL,
    affiliate_id         INTEGER NOT NULL REFERENCES affiliates(id),
    sub_id               TEXT NOT NULL,
    country              TEXT NOT NULL,
    brand_id             INTEGER NOT NULL,          -- 0 when the operator names no brand
    clicks               INTEGER NOT NULL DEFAULT 0,
    registrations        INTEGER NOT NULL DEFAULT 0,
    ftds                 INTEGER NOT NULL DEFAULT 0,
    ftd_amount_micros    INTEGER NOT NULL DEFAULT 0, -- program currency only; other currencies need an FX snapshot
    approved_conversions INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (program_id, day, affiliate_id, sub_id, country, brand_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE rollup_dirty (
    program_id INTEGER NOT NULL REFERENCES programs(id),
    day        TEXT NOT NULL,
    PRIMARY KEY (program_id, day)
) STRICT, WITHOUT ROWID;

-- Existing data (none in a fresh workspace) is rolled up on first refresh.
INSERT OR IGNORE INTO rollup_dirty (program_id, day)
    SELECT program_id, day FROM clicks UNION SELECT program_id, day FROM players
    UNION SELECT program_id, day FROM money_movements UNION SELECT program_id, day FROM conversions;
