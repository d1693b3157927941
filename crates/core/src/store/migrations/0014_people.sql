-- 0014: people who sign in. A person holds several roles (user_roles), signs in with a passphrase (argon2id, PHC
-- string), and owns an Ed25519 signing key whose private half is sealed with that passphrase (user_keys: append-
-- only, the newest row per person is the current key; older ones still verify what they signed). Sign-in attempts
-- are kept to slow repeated failures down. Workspace settings (idle lock, …) are one row per key. The audit log
-- gains the person, the program and the SHA-256 of the request of each entry (format 2 hashes them too).
-- Legacy users keep their id and name; 'admin' becomes 'owner'; they have no passphrase until one is set.

CREATE TABLE users_new (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 64),  -- the sign-in name, lower case
    display_name   TEXT NOT NULL CHECK (length(display_name) BETWEEN 1 AND 100),
    active         INTEGER NOT NULL DEFAULT 1 CHECK (active = 0 OR active = 1),
    passphrase_phc TEXT,                  -- argon2id PHC string; NULL: cannot sign in until one is set
    created_at_ms  INTEGER NOT NULL
) STRICT;
INSERT INTO users_new (id, name, display_name, active, passphrase_phc, created_at_ms)
    SELECT id, lower(name), name, 1, NULL, created_at_ms FROM users;
CREATE TEMP TABLE legacy_roles AS SELECT id, CASE role WHEN 'admin' THEN 'owner' ELSE role END AS role FROM users;
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;
CREATE TRIGGER users_no_delete BEFORE DELETE ON users
BEGIN SELECT RAISE(ABORT, 'people are never deleted: deactivate them'); END;

CREATE TABLE user_roles (
    user_id INTEGER NOT NULL REFERENCES users(id),
    role    TEXT NOT NULL CHECK (role = 'owner' OR role = 'manager' OR role = 'finance' OR role = 'analyst'
                                 OR role = 'viewer'),
    PRIMARY KEY (user_id, role)
) STRICT, WITHOUT ROWID;
INSERT INTO user_roles (user_id, role) SELECT id, role FROM legacy_roles;
DROP TABLE legacy_roles;

CREATE TABLE user_keys (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users(id),
    public_key    TEXT NOT NULL CHECK (length(public_key) = 64),   -- Ed25519 verifying key, hex
    kdf_salt      BLOB NOT NULL CHECK (length(kdf_salt) = 16),     -- argon2id salt of the sealing key
    nonce         BLOB NOT NULL CHECK (length(nonce) = 24),        -- XChaCha20-Poly1305 nonce
    sealed_secret BLOB NOT NULL,                                   -- the 32-byte signing key, sealed
    created_at_ms INTEGER NOT NULL
) STRICT;
CREATE INDEX user_keys_user ON user_keys (user_id, id);
CREATE TRIGGER user_keys_no_update BEFORE UPDATE ON user_keys
BEGIN SELECT RAISE(ABORT, 'signing keys are append-only'); END;
CREATE TRIGGER user_keys_no_delete BEFORE DELETE ON user_keys
BEGIN SELECT RAISE(ABORT, 'signing keys are append-only'); END;

CREATE TABLE sign_in_attempts (
    id    INTEGER PRIMARY KEY,
    name  TEXT NOT NULL,                  -- as typed, trimmed and lower-cased (unknown names too)
    ok    INTEGER NOT NULL CHECK (ok = 0 OR ok = 1),
    at_ms INTEGER NOT NULL
) STRICT;
CREATE INDEX sign_in_attempts_name ON sign_in_attempts (name, id);

CREATE TABLE workspace_settings (
    key           TEXT PRIMARY KEY,
    value         TEXT NOT NULL,
    updated_at_ms INTEGER NOT NULL
) STRICT;

ALTER TABLE audit_log ADD COLUMN user_id INTEGER REFERENCES users(id);
ALTER TABLE audit_log ADD COLUMN program TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN request_sha256 TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN format INTEGER NOT NULL DEFAULT 1 CHECK (format = 1 OR format = 2);
CREATE INDEX audit_log_actor ON audit_log (actor, id);
CREATE INDEX audit_log_action ON audit_log (action, id);
CREATE INDEX audit_log_at ON audit_log (at_ms);
