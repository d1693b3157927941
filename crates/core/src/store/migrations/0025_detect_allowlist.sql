-- 0025: the detection allow-list (issue 12): what an analyst has established is legit ("this IP range is a carrier
-- NAT", "this sub-ID is push traffic"), so the rules stop reading it as a signal. Append-only: revoking is a row in
-- `detect_allowlist_revocations`; an entry is active while it has none. `rule` = '' applies to every rule that reads
-- the kind. Both tables are watched by detection, so a change re-judges every flag on the next run.
CREATE TABLE detect_allowlist (
    id            INTEGER PRIMARY KEY,
    program_id    INTEGER NOT NULL REFERENCES programs(id),
    kind          TEXT NOT NULL CHECK (kind IN ('ip_range', 'sub_id')),
    value         TEXT NOT NULL,           -- a canonical CIDR block, or '<affiliate tracker id>|<sub1>'
    rule          TEXT NOT NULL DEFAULT '',
    reason        TEXT NOT NULL CHECK (reason <> ''),
    flag_id       INTEGER REFERENCES flags(id),
    created_by    TEXT NOT NULL,
    created_at_ms INTEGER NOT NULL
) STRICT;
CREATE INDEX detect_allowlist_program ON detect_allowlist (program_id, kind);
CREATE TRIGGER detect_allowlist_no_update BEFORE UPDATE ON detect_allowlist
BEGIN SELECT RAISE(ABORT, 'detect_allowlist is append-only: revoke the entry and add another'); END;
CREATE TRIGGER detect_allowlist_no_delete BEFORE DELETE ON detect_allowlist
BEGIN SELECT RAISE(ABORT, 'detect_allowlist is append-only'); END;

CREATE TABLE detect_allowlist_revocations (
    entry_id   INTEGER PRIMARY KEY REFERENCES detect_allowlist(id),
    reason     TEXT NOT NULL CHECK (reason <> ''),
    revoked_by TEXT NOT NULL,
    at_ms      INTEGER NOT NULL
) STRICT;
CREATE TRIGGER detect_allowlist_revocations_no_update BEFORE UPDATE ON detect_allowlist_revocations
BEGIN SELECT RAISE(ABORT, 'detect_allowlist_revocations is append-only'); END;
CREATE TRIGGER detect_allowlist_revocations_no_delete BEFORE DELETE ON detect_allowlist_revocations
BEGIN SELECT RAISE(ABORT, 'detect_allowlist_revocations is append-only'); END;
