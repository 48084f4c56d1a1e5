-- Schema 1: every row has a UUID, created/updated times and the device that
-- wrote it; deleted rows stay as tombstones so copies from several devices merge.
CREATE TABLE schools (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    code       TEXT NOT NULL DEFAULT '',
    address    TEXT NOT NULL DEFAULT '',
    principal  TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    device     TEXT NOT NULL,
    deleted    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX schools_name ON schools(name);

CREATE TABLE rooms (
    id         TEXT PRIMARY KEY,
    school_id  TEXT NOT NULL REFERENCES schools(id),
    number     TEXT NOT NULL DEFAULT '',
    name       TEXT NOT NULL DEFAULT '',
    kind       TEXT NOT NULL,
    teacher    TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    device     TEXT NOT NULL,
    deleted    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX rooms_school ON rooms(school_id);

CREATE TABLE templates (
    id         TEXT NOT NULL,
    version    TEXT NOT NULL,
    name       TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    device     TEXT NOT NULL,
    PRIMARY KEY (id, version)
);

CREATE TABLE visits (
    id               TEXT PRIMARY KEY,
    school_id        TEXT NOT NULL REFERENCES schools(id),
    template_id      TEXT NOT NULL,
    template_version TEXT NOT NULL,
    auditor          TEXT NOT NULL DEFAULT '',
    people           TEXT NOT NULL DEFAULT '',
    started_at       TEXT NOT NULL,
    finished_at      TEXT NOT NULL DEFAULT '',
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    device           TEXT NOT NULL,
    deleted          INTEGER NOT NULL DEFAULT 0,
    FOREIGN KEY (template_id, template_version) REFERENCES templates(id, version)
);
CREATE INDEX visits_school ON visits(school_id, started_at);

CREATE TABLE answers (
    id         TEXT PRIMARY KEY,
    visit_id   TEXT NOT NULL REFERENCES visits(id),
    room_id    TEXT NOT NULL REFERENCES rooms(id),
    item_id    TEXT NOT NULL,
    value      TEXT NOT NULL DEFAULT '',
    note       TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    device     TEXT NOT NULL,
    deleted    INTEGER NOT NULL DEFAULT 0,
    UNIQUE (visit_id, room_id, item_id)
);

CREATE TABLE photos (
    id         TEXT PRIMARY KEY,
    visit_id   TEXT NOT NULL REFERENCES visits(id),
    room_id    TEXT NOT NULL REFERENCES rooms(id),
    item_id    TEXT NOT NULL DEFAULT '',
    caption    TEXT NOT NULL DEFAULT '',
    mime       TEXT NOT NULL,
    width      INTEGER NOT NULL,
    height     INTEGER NOT NULL,
    sha256     TEXT NOT NULL,
    data       BLOB NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    device     TEXT NOT NULL,
    deleted    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX photos_visit ON photos(visit_id, room_id);

CREATE TABLE feedback (
    id                TEXT PRIMARY KEY,
    visit_id          TEXT NOT NULL REFERENCES visits(id),
    room_id           TEXT NOT NULL REFERENCES rooms(id),
    teacher_name      TEXT NOT NULL DEFAULT '',
    supports_teaching INTEGER NOT NULL DEFAULT 0,
    help_easy         INTEGER NOT NULL DEFAULT 0,
    choose_again      TEXT NOT NULL DEFAULT '',
    inconveniences    INTEGER NOT NULL DEFAULT 0,
    frustration       TEXT NOT NULL DEFAULT '',
    consent           INTEGER NOT NULL DEFAULT 0,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    device            TEXT NOT NULL,
    deleted           INTEGER NOT NULL DEFAULT 0,
    UNIQUE (visit_id, room_id)
);

CREATE TABLE visit_rooms (
    visit_id   TEXT NOT NULL REFERENCES visits(id),
    room_id    TEXT NOT NULL REFERENCES rooms(id),
    done       INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL,
    device     TEXT NOT NULL,
    PRIMARY KEY (visit_id, room_id)
);

CREATE TABLE actions (
    finding_id TEXT PRIMARY KEY REFERENCES answers(id),
    owner_team TEXT NOT NULL DEFAULT '',
    priority   TEXT NOT NULL DEFAULT '',
    due_date   TEXT NOT NULL DEFAULT '',
    status     TEXT NOT NULL DEFAULT 'open',
    ticket_key TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL,
    device     TEXT NOT NULL
);

CREATE TABLE settings (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    device     TEXT NOT NULL
);

-- Facts about this copy of the database that never merge: its device id.
CREATE TABLE local (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
