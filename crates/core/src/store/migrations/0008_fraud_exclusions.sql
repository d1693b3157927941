-- Confirmed fraud reaches the money (DOMAIN §5): a confirmed flag excludes its players from commission from then
-- on. One row per (flag, player) decision; append-only: a later dismissal of a confirmed flag is a new row with
-- excluded = 0 that lifts it. A player is excluded while the latest row of any (flag, player) pair says 1.
CREATE TABLE fraud_exclusions (
    id          INTEGER PRIMARY KEY,
    program_id  INTEGER NOT NULL REFERENCES programs(id),
    flag_id     INTEGER NOT NULL REFERENCES flags(id),
    player_id   INTEGER NOT NULL REFERENCES players(id),
    excluded    INTEGER NOT NULL CHECK (excluded IN (0, 1)),
    decided_by  TEXT NOT NULL,
    at_ms       INTEGER NOT NULL
);
CREATE INDEX fraud_exclusions_player ON fraud_exclusions (program_id, player_id, flag_id, id);
CREATE INDEX fraud_exclusions_flag ON fraud_exclusions (flag_id, player_id, id);

CREATE TRIGGER fraud_exclusions_no_update BEFORE UPDATE ON fraud_exclusions
BEGIN SELECT RAISE(ABORT, 'fraud_exclusions is append-only: add a row that lifts the exclusion'); END;
CREATE TRIGGER fraud_exclusions_no_delete BEFORE DELETE ON fraud_exclusions
BEGIN SELECT RAISE(ABORT, 'fraud_exclusions is append-only'); END;
