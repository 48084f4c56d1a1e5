-- Schema 2: the sign-off that closes a visit, one per visit (its natural
-- key). Signing again replaces it until the visit is finished.
CREATE TABLE signoffs (
    id         TEXT PRIMARY KEY,
    visit_id   TEXT NOT NULL UNIQUE REFERENCES visits(id),
    name       TEXT NOT NULL,
    role       TEXT NOT NULL,
    signed_at  TEXT NOT NULL,
    png        BLOB NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    device     TEXT NOT NULL,
    deleted    INTEGER NOT NULL DEFAULT 0
);
