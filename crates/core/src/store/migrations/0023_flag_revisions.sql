-- 0023: flags are revised as data arrives (issue 12). A flag is what one rule says about one subject — its
-- identity is (program, rule, subject_key), never a window — and what the rule says can change when late or
-- corrected data arrives. Every change is a new revision row, never an edit:
--   found       the first time the rule finds the subject (revision 1);
--   updated     the evidence changed (more clicks in the burst, a higher score, other records named);
--   superseded  a run over all the data no longer finds it; `reason` says why. It leaves the open queue;
--   reopened    found again after being superseded.
-- The flag's current severity, score, summary, evidence and records are its latest revision's; the flags row keeps
-- the first (0007 forbids editing its evidence). `flag_items` holds the latest revision's records, an index
-- rewritten with each revision (every revision's own list is in `items_json`).
CREATE TABLE flag_revisions (
    id               INTEGER PRIMARY KEY,
    flag_id          INTEGER NOT NULL REFERENCES flags(id),
    revision         INTEGER NOT NULL CHECK (revision >= 1),
    state            TEXT NOT NULL CHECK (state IN ('found', 'updated', 'superseded', 'reopened')),
    severity         TEXT NOT NULL CHECK (severity IN ('low', 'medium', 'high')),
    score            INTEGER NOT NULL CHECK (score BETWEEN 0 AND 100),
    summary          TEXT NOT NULL,
    evidence_json    TEXT NOT NULL,
    items_json       TEXT NOT NULL,        -- [["click", "c-1"], ...], sorted: the records this revision names
    settings_version INTEGER NOT NULL,
    run_id           INTEGER NOT NULL REFERENCES detection_runs(id),
    reason           TEXT NOT NULL DEFAULT '',
    at_ms            INTEGER NOT NULL,
    UNIQUE (flag_id, revision)
) STRICT;
CREATE INDEX flag_revisions_latest ON flag_revisions (flag_id, id);
CREATE TRIGGER flag_revisions_no_update BEFORE UPDATE ON flag_revisions
BEGIN SELECT RAISE(ABORT, 'flag_revisions is append-only: add a revision'); END;
CREATE TRIGGER flag_revisions_no_delete BEFORE DELETE ON flag_revisions
BEGIN SELECT RAISE(ABORT, 'flag_revisions is append-only'); END;

-- Every flag so far is its own first revision.
INSERT INTO flag_revisions (flag_id, revision, state, severity, score, summary, evidence_json, items_json,
                            settings_version, run_id, at_ms)
SELECT f.id, 1, 'found', f.severity, f.score, f.summary, f.evidence_json,
       COALESCE((SELECT json_group_array(json_array(i.kind, i.ref))
                   FROM (SELECT kind, ref FROM flag_items WHERE flag_id = f.id ORDER BY kind, ref) i), '[]'),
       f.settings_version, f.run_id, f.created_at_ms
  FROM flags f;

-- A flag as it stands: its latest revision.
CREATE VIEW flag_current AS
SELECT f.id AS flag_id, r.revision, r.state, r.severity, r.score, r.summary, r.evidence_json, r.items_json,
       r.settings_version, r.reason, r.at_ms
  FROM flags f JOIN flag_revisions r ON r.id = (SELECT MAX(x.id) FROM flag_revisions x WHERE x.flag_id = f.id);

-- The revision a decision was taken against, so it is shown beside the evidence as it was then.
ALTER TABLE flag_decisions ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;
