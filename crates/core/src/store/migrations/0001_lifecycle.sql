-- 0001: the whole affiliate lifecycle, laid down once so later work extends rather than redoes it.
-- Conventions: every table is STRICT; money is INTEGER micros (10^-6 of the unit) with an ISO 4217 currency
-- beside it; instants are INTEGER Unix milliseconds UTC (`*_at_ms`); calendar days are TEXT 'YYYY-MM-DD' in the
-- program's reporting time zone; every normalized row points back to the raw record it came from.
-- Shipped migrations are never edited (tests/migrations.rs pins their checksums): add a new file instead.

-- People who act in the console. Roles decide what they may do (manager, finance, analyst); the audit log and
-- four-eyes approvals name them.
CREATE TABLE users (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL UNIQUE,
    role         TEXT NOT NULL CHECK (role IN ('manager', 'finance', 'analyst', 'admin')),
    created_at_ms INTEGER NOT NULL
) STRICT;

-- A program is one affiliate scheme of one operator or broker.
CREATE TABLE programs (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    vertical      TEXT NOT NULL CHECK (vertical IN ('igaming', 'forex')),
    currency      TEXT NOT NULL CHECK (length(currency) = 3),
    timezone      TEXT NOT NULL,           -- IANA zone used to bucket days and periods
    created_at_ms INTEGER NOT NULL
) STRICT;

CREATE TABLE brands (
    id         INTEGER PRIMARY KEY,
    program_id INTEGER NOT NULL REFERENCES programs(id),
    code       TEXT NOT NULL,              -- the operator's brand key, e.g. 'demo-casino'
    name       TEXT NOT NULL,
    currency   TEXT NOT NULL CHECK (length(currency) = 3),
    UNIQUE (program_id, code)
) STRICT;

-- Where data comes from: a tracker API, an operator API, a postback listener or a batch import.
-- Credentials are never stored here (OS keychain); config_json holds only non-secret settings.
CREATE TABLE sources (
    id            INTEGER PRIMARY KEY,
    program_id    INTEGER NOT NULL REFERENCES programs(id),
    name          TEXT NOT NULL UNIQUE,
    kind          TEXT NOT NULL CHECK (kind IN ('everflow', 'tune', 'affise', 'operator', 'postback', 'batch')),
    base_url      TEXT,
    timezone      TEXT NOT NULL DEFAULT 'UTC',  -- the zone the source reports in
    config_json   TEXT NOT NULL DEFAULT '{}',
    enabled       INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    created_at_ms INTEGER NOT NULL
) STRICT;

-- Every page, file chunk or postback exactly as received, before normalization. Replays start here.
CREATE TABLE raw_records (
    id            INTEGER PRIMARY KEY,
    source_id     INTEGER NOT NULL REFERENCES sources(id),
    stream        TEXT NOT NULL,           -- e.g. 'conversions', 'players', 'import:clicks.csv'
    locator       TEXT NOT NULL,           -- page number, cursor, file offset: where in the stream
    fetched_at_ms INTEGER NOT NULL,
    sha256        TEXT NOT NULL CHECK (length(sha256) = 64),
    payload       BLOB NOT NULL,
    UNIQUE (source_id, stream, sha256)
) STRICT;

-- Where each stream of each source resumes. Written in the same transaction as the rows of the page.
CREATE TABLE sync_checkpoints (
    source_id     INTEGER NOT NULL REFERENCES sources(id),
    stream        TEXT NOT NULL,
    cursor        TEXT NOT NULL,           -- the next page/cursor to fetch; '' when the stream is complete
    window_from   TEXT,
    window_to     TEXT,
    updated_at_ms INTEGER NOT NULL,
    PRIMARY KEY (source_id, stream)
) STRICT;

-- One row per sync attempt of a source: freshness, last result, and the error a user sees.
CREATE TABLE sync_runs (
    id             INTEGER PRIMARY KEY,
    source_id      INTEGER NOT NULL REFERENCES sources(id),
    started_at_ms  INTEGER NOT NULL,
    finished_at_ms INTEGER,
    status         TEXT NOT NULL CHECK (status IN ('running', 'ok', 'failed')),
    rows_fetched   INTEGER NOT NULL DEFAULT 0,
    rows_changed   INTEGER NOT NULL DEFAULT 0,
    message        TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX sync_runs_source ON sync_runs (source_id, finished_at_ms);

-- Records that failed validation, kept with the reason so nothing is silently lost.
CREATE TABLE quarantine (
    id            INTEGER PRIMARY KEY,
    source_id     INTEGER REFERENCES sources(id),
    stream        TEXT NOT NULL,
    locator       TEXT NOT NULL,           -- 'page 3 item 17', 'row 1042'
    field         TEXT,                    -- the offending field, when one is to blame
    reason        TEXT NOT NULL,
    payload       BLOB NOT NULL,
    raw_id        INTEGER REFERENCES raw_records(id),
    created_at_ms INTEGER NOT NULL
) STRICT;

-- Affiliates (and sub-affiliates through parent_id), keyed by the tracker's id within a program.
CREATE TABLE affiliates (
    id            INTEGER PRIMARY KEY,
    program_id    INTEGER NOT NULL REFERENCES programs(id),
    external_id   TEXT NOT NULL,
    name          TEXT NOT NULL,
    parent_id     INTEGER REFERENCES affiliates(id),
    status        TEXT NOT NULL DEFAULT 'active',
    email_hash    TEXT,                    -- normalized-email hash, for self-referral checks
    created_at_ms INTEGER NOT NULL,
    UNIQUE (program_id, external_id)
) STRICT;

CREATE TABLE clicks (
    id           INTEGER PRIMARY KEY,
    program_id   INTEGER NOT NULL REFERENCES programs(id),
    click_id     TEXT NOT NULL,            -- the tracker's click id (Everflow transaction_id)
    affiliate_id INTEGER NOT NULL REFERENCES affiliates(id),
    clicked_at_ms INTEGER NOT NULL,
    day          TEXT NOT NULL,            -- reporting day of clicked_at_ms in the program zone
    sub1 TEXT NOT NULL DEFAULT '', sub2 TEXT NOT NULL DEFAULT '', sub3 TEXT NOT NULL DEFAULT '',
    sub4 TEXT NOT NULL DEFAULT '', sub5 TEXT NOT NULL DEFAULT '',
    ip           TEXT NOT NULL DEFAULT '',
    user_agent   TEXT NOT NULL DEFAULT '',
    country      TEXT NOT NULL DEFAULT '',
    landing_url  TEXT NOT NULL DEFAULT '',
    raw_id       INTEGER REFERENCES raw_records(id),
    UNIQUE (program_id, click_id)
) STRICT;
CREATE INDEX clicks_day ON clicks (day, affiliate_id);

-- Players (iGaming) or clients (Forex) as the operator knows them; the keys attribution works with.
CREATE TABLE players (
    id               INTEGER PRIMARY KEY,
    program_id       INTEGER NOT NULL REFERENCES programs(id),
    brand_id         INTEGER REFERENCES brands(id),
    external_id      TEXT NOT NULL,
    currency         TEXT NOT NULL CHECK (length(currency) = 3),
    registered_at_ms INTEGER NOT NULL,
    day              TEXT NOT NULL,
    country          TEXT NOT NULL DEFAULT '',
    click_id         TEXT,
    btag             TEXT,
    promo_code       TEXT,
    ip               TEXT NOT NULL DEFAULT '',
    device_id        TEXT NOT NULL DEFAULT '',
    email_hash       TEXT,
    -- The affiliate the player was attributed to at registration (NULL = organic); the full attribution
    -- decision, with its explanation, lives with the commission engine.
    affiliate_id     INTEGER REFERENCES affiliates(id),
    raw_id           INTEGER REFERENCES raw_records(id),
    UNIQUE (program_id, external_id)
) STRICT;
CREATE INDEX players_day ON players (day, affiliate_id);
CREATE INDEX players_click ON players (click_id);

-- Every movement of a player's money the operator reports: deposits, withdrawals, bonuses, chargebacks...
CREATE TABLE money_movements (
    id             INTEGER PRIMARY KEY,
    program_id     INTEGER NOT NULL REFERENCES programs(id),
    external_id    TEXT NOT NULL,
    player_id      INTEGER NOT NULL REFERENCES players(id),
    kind           TEXT NOT NULL CHECK (kind IN ('deposit', 'withdrawal', 'bonus', 'chargeback', 'adjustment', 'fee', 'refund')),
    amount_micros  INTEGER NOT NULL,
    currency       TEXT NOT NULL CHECK (length(currency) = 3),
    occurred_at_ms INTEGER NOT NULL,
    day            TEXT NOT NULL,
    is_ftd         INTEGER NOT NULL DEFAULT 0 CHECK (is_ftd IN (0, 1)),
    payment_hash   TEXT,                   -- hashed payment instrument, for multi-accounting checks
    raw_id         INTEGER REFERENCES raw_records(id),
    UNIQUE (program_id, external_id)
) STRICT;
CREATE INDEX money_ftd_day ON money_movements (day) WHERE is_ftd = 1;
CREATE INDEX money_player ON money_movements (player_id);

-- iGaming: one row per player per day, as operators report it (MyAffiliates-style PnL).
CREATE TABLE player_activity_daily (
    player_id          INTEGER NOT NULL REFERENCES players(id),
    day                TEXT NOT NULL,
    currency           TEXT NOT NULL CHECK (length(currency) = 3),
    deposits_micros    INTEGER NOT NULL DEFAULT 0,
    withdrawals_micros INTEGER NOT NULL DEFAULT 0,
    bets_micros        INTEGER NOT NULL DEFAULT 0,
    wins_micros        INTEGER NOT NULL DEFAULT 0,
    bonuses_micros     INTEGER NOT NULL DEFAULT 0,
    chargebacks_micros INTEGER NOT NULL DEFAULT 0,
    adjustments_micros INTEGER NOT NULL DEFAULT 0,
    fees_micros        INTEGER NOT NULL DEFAULT 0,
    taxes_micros       INTEGER NOT NULL DEFAULT 0,
    raw_id             INTEGER REFERENCES raw_records(id),
    PRIMARY KEY (player_id, day)
) STRICT;

-- Forex: symbols with their contract sizes (lots = volume / contract_size), grouped for rebate plans.
CREATE TABLE symbols (
    program_id    INTEGER NOT NULL REFERENCES programs(id),
    symbol        TEXT NOT NULL,
    contract_size INTEGER NOT NULL CHECK (contract_size > 0),
    symbol_group  TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (program_id, symbol)
) STRICT;

CREATE TABLE forex_accounts (
    id           INTEGER PRIMARY KEY,
    program_id   INTEGER NOT NULL REFERENCES programs(id),
    login        TEXT NOT NULL,
    player_id    INTEGER REFERENCES players(id),
    currency     TEXT NOT NULL CHECK (length(currency) = 3),
    account_type TEXT NOT NULL DEFAULT 'standard',
    is_cent      INTEGER NOT NULL DEFAULT 0 CHECK (is_cent IN (0, 1)),  -- cent accounts scale volume by 1/100
    raw_id       INTEGER REFERENCES raw_records(id),
    UNIQUE (program_id, login)
) STRICT;

-- MT5-shaped deal records.
CREATE TABLE deals (
    id                INTEGER PRIMARY KEY,
    program_id        INTEGER NOT NULL REFERENCES programs(id),
    ticket            TEXT NOT NULL,
    account_id        INTEGER NOT NULL REFERENCES forex_accounts(id),
    deal_type         TEXT NOT NULL,       -- BUY, SELL, BALANCE, CREDIT, COMMISSION, AGENT_COMMISSION...
    entry             TEXT NOT NULL DEFAULT '', -- IN, OUT, INOUT, OUT_BY
    symbol            TEXT NOT NULL DEFAULT '',
    volume_micros     INTEGER NOT NULL DEFAULT 0,   -- volume in base-currency units x 10^6
    price             TEXT NOT NULL DEFAULT '',     -- exact decimal text
    commission_micros INTEGER NOT NULL DEFAULT 0,
    swap_micros       INTEGER NOT NULL DEFAULT 0,
    profit_micros     INTEGER NOT NULL DEFAULT 0,
    currency          TEXT NOT NULL CHECK (length(currency) = 3),
    position_id       TEXT NOT NULL DEFAULT '',
    executed_at_ms    INTEGER NOT NULL,
    day               TEXT NOT NULL,
    raw_id            INTEGER REFERENCES raw_records(id),
    UNIQUE (program_id, ticket)
) STRICT;
CREATE INDEX deals_account_day ON deals (account_id, day);

-- Tracker conversions: the current state, plus an append-only history of every status/payout seen.
CREATE TABLE conversions (
    id                  INTEGER PRIMARY KEY,
    source_id           INTEGER NOT NULL REFERENCES sources(id),
    program_id          INTEGER NOT NULL REFERENCES programs(id),
    external_id         TEXT NOT NULL,     -- the tracker's conversion id
    transaction_id      TEXT NOT NULL DEFAULT '',  -- click id / txid used for dedupe and reconciliation
    affiliate_id        INTEGER REFERENCES affiliates(id),
    player_ref          TEXT NOT NULL DEFAULT '',  -- the operator's player id when the tracker carries it
    order_ref           TEXT NOT NULL DEFAULT '',
    event               TEXT NOT NULL DEFAULT '',
    status              TEXT NOT NULL CHECK (status IN ('approved', 'pending', 'rejected', 'invalid', 'hold')),
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
    arrival             TEXT NOT NULL CHECK (arrival IN ('s2s', 'pixel', 'batch', 'api')),
    raw_id              INTEGER REFERENCES raw_records(id),
    first_seen_at_ms    INTEGER NOT NULL,
    updated_at_ms       INTEGER NOT NULL,
    UNIQUE (source_id, external_id)
) STRICT;
CREATE INDEX conversions_day ON conversions (day, affiliate_id);
CREATE INDEX conversions_txn ON conversions (transaction_id);

CREATE TABLE conversion_status_history (
    id             INTEGER PRIMARY KEY,
    conversion_id  INTEGER NOT NULL REFERENCES conversions(id),
    status         TEXT NOT NULL,
    payout_micros  INTEGER NOT NULL,
    observed_at_ms INTEGER NOT NULL,
    raw_id         INTEGER REFERENCES raw_records(id)
) STRICT;
CREATE INDEX conversion_history_conv ON conversion_status_history (conversion_id);
CREATE TRIGGER conversion_history_append_only_update BEFORE UPDATE ON conversion_status_history
BEGIN SELECT RAISE(ABORT, 'conversion_status_history is append-only'); END;
CREATE TRIGGER conversion_history_append_only_delete BEFORE DELETE ON conversion_status_history
BEGIN SELECT RAISE(ABORT, 'conversion_status_history is append-only'); END;

-- Append-only, hash-chained: hash = sha256(prev_hash || canonical row). Verification names the first bad row.
CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    at_ms      INTEGER NOT NULL,
    actor      TEXT NOT NULL,              -- a user name, or 'system'
    action     TEXT NOT NULL,              -- e.g. 'workspace.open_demo', 'sync.finished', 'payout.approve'
    entity     TEXT NOT NULL DEFAULT '',
    entity_id  TEXT NOT NULL DEFAULT '',
    detail     TEXT NOT NULL DEFAULT '{}', -- JSON
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL UNIQUE
) STRICT;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
