-- Schema 2: merging copies from several devices (bundles now, the district
-- hub later). Every row carries the hybrid logical clock of its last change
-- (hlc: text that sorts in clock order); a finding's action carries one per
-- field. Triggers stamp the clock on every write, from sync_clock, which each
-- write transaction sets first; applying a change set turns stamping off and
-- writes the clocks it brings.
CREATE TABLE sync_clock (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    now      TEXT NOT NULL,
    stamping INTEGER NOT NULL DEFAULT 1
);
INSERT INTO sync_clock(id, now) VALUES (1, '');

ALTER TABLE schools ADD COLUMN hlc TEXT NOT NULL DEFAULT '';
UPDATE schools SET hlc = printf('%015d', CAST(round((julianday(updated_at) - 2440587.5) * 86400000) AS INTEGER)) || '-0000000000-' || device;
ALTER TABLE rooms ADD COLUMN hlc TEXT NOT NULL DEFAULT '';
UPDATE rooms SET hlc = printf('%015d', CAST(round((julianday(updated_at) - 2440587.5) * 86400000) AS INTEGER)) || '-0000000000-' || device;
ALTER TABLE templates ADD COLUMN hlc TEXT NOT NULL DEFAULT '';
UPDATE templates SET hlc = printf('%015d', CAST(round((julianday(updated_at) - 2440587.5) * 86400000) AS INTEGER)) || '-0000000000-' || device;
ALTER TABLE visits ADD COLUMN hlc TEXT NOT NULL DEFAULT '';
UPDATE visits SET hlc = printf('%015d', CAST(round((julianday(updated_at) - 2440587.5) * 86400000) AS INTEGER)) || '-0000000000-' || device;
ALTER TABLE visit_rooms ADD COLUMN hlc TEXT NOT NULL DEFAULT '';
UPDATE visit_rooms SET hlc = printf('%015d', CAST(round((julianday(updated_at) - 2440587.5) * 86400000) AS INTEGER)) || '-0000000000-' || device;
ALTER TABLE answers ADD COLUMN hlc TEXT NOT NULL DEFAULT '';
UPDATE answers SET hlc = printf('%015d', CAST(round((julianday(updated_at) - 2440587.5) * 86400000) AS INTEGER)) || '-0000000000-' || device;
ALTER TABLE feedback ADD COLUMN hlc TEXT NOT NULL DEFAULT '';
UPDATE feedback SET hlc = printf('%015d', CAST(round((julianday(updated_at) - 2440587.5) * 86400000) AS INTEGER)) || '-0000000000-' || device;
ALTER TABLE photos ADD COLUMN hlc TEXT NOT NULL DEFAULT '';
UPDATE photos SET hlc = printf('%015d', CAST(round((julianday(updated_at) - 2440587.5) * 86400000) AS INTEGER)) || '-0000000000-' || device;
ALTER TABLE actions ADD COLUMN owner_team_hlc TEXT NOT NULL DEFAULT '';
ALTER TABLE actions ADD COLUMN priority_hlc TEXT NOT NULL DEFAULT '';
ALTER TABLE actions ADD COLUMN due_date_hlc TEXT NOT NULL DEFAULT '';
ALTER TABLE actions ADD COLUMN status_hlc TEXT NOT NULL DEFAULT '';
ALTER TABLE actions ADD COLUMN ticket_key_hlc TEXT NOT NULL DEFAULT '';
UPDATE actions SET owner_team_hlc = printf('%015d', CAST(round((julianday(updated_at) - 2440587.5) * 86400000) AS INTEGER)) || '-0000000000-' || device, priority_hlc = printf('%015d', CAST(round((julianday(updated_at) - 2440587.5) * 86400000) AS INTEGER)) || '-0000000000-' || device, due_date_hlc = printf('%015d', CAST(round((julianday(updated_at) - 2440587.5) * 86400000) AS INTEGER)) || '-0000000000-' || device, status_hlc = printf('%015d', CAST(round((julianday(updated_at) - 2440587.5) * 86400000) AS INTEGER)) || '-0000000000-' || device, ticket_key_hlc = printf('%015d', CAST(round((julianday(updated_at) - 2440587.5) * 86400000) AS INTEGER)) || '-0000000000-' || device;

-- The last clock reading handed out or seen, carried over from the rows.
UPDATE sync_clock SET now = (SELECT coalesce(max(h), '') FROM (SELECT max(hlc) AS h FROM schools UNION ALL SELECT max(hlc) AS h FROM rooms UNION ALL SELECT max(hlc) AS h FROM templates UNION ALL SELECT max(hlc) AS h FROM visits UNION ALL SELECT max(hlc) AS h FROM visit_rooms UNION ALL SELECT max(hlc) AS h FROM answers UNION ALL SELECT max(hlc) AS h FROM feedback UNION ALL SELECT max(hlc) AS h FROM photos));

-- Every status a finding had, with the clock of the change.
CREATE TABLE status_history (
    finding_id TEXT NOT NULL,
    status     TEXT NOT NULL,
    hlc        TEXT NOT NULL,
    PRIMARY KEY (finding_id, hlc)
);
INSERT INTO status_history(finding_id, status, hlc) SELECT finding_id, status, status_hlc FROM actions;

-- Losing versions of answers (and of a room's feedback) kept when copies
-- merged, or when this device wrote over another device's version
-- (resolved = 1: the person saw it). Which of them are open is the domain's rule.
CREATE TABLE conflicts (
    kind     TEXT NOT NULL,
    visit_id TEXT NOT NULL,
    room_id  TEXT NOT NULL,
    item_id  TEXT NOT NULL DEFAULT '',
    value    TEXT NOT NULL DEFAULT '',
    note     TEXT NOT NULL DEFAULT '',
    deleted  INTEGER NOT NULL DEFAULT 0,
    device   TEXT NOT NULL,
    hlc      TEXT NOT NULL,
    resolved INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (kind, visit_id, room_id, item_id, hlc)
);

-- Bundles already applied: importing one again changes nothing.
CREATE TABLE imported_bundles (
    bundle_id   TEXT PRIMARY KEY,
    device      TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    summary     TEXT NOT NULL DEFAULT ''
);

-- Another device's id for a school, room or answer this device holds under its own id.
CREATE TABLE id_map (
    kind     TEXT NOT NULL,
    other_id TEXT NOT NULL,
    local_id TEXT NOT NULL,
    PRIMARY KEY (kind, other_id)
);

CREATE TRIGGER schools_hlc_insert AFTER INSERT ON schools
WHEN NEW.hlc = '' AND (SELECT stamping FROM sync_clock) = 1
BEGIN UPDATE schools SET hlc = (SELECT now FROM sync_clock) WHERE rowid = NEW.rowid; END;
CREATE TRIGGER schools_hlc_update AFTER UPDATE ON schools
WHEN NEW.hlc = OLD.hlc AND (SELECT stamping FROM sync_clock) = 1
BEGIN UPDATE schools SET hlc = (SELECT now FROM sync_clock) WHERE rowid = NEW.rowid; END;

CREATE TRIGGER rooms_hlc_insert AFTER INSERT ON rooms
WHEN NEW.hlc = '' AND (SELECT stamping FROM sync_clock) = 1
BEGIN UPDATE rooms SET hlc = (SELECT now FROM sync_clock) WHERE rowid = NEW.rowid; END;
CREATE TRIGGER rooms_hlc_update AFTER UPDATE ON rooms
WHEN NEW.hlc = OLD.hlc AND (SELECT stamping FROM sync_clock) = 1
BEGIN UPDATE rooms SET hlc = (SELECT now FROM sync_clock) WHERE rowid = NEW.rowid; END;

CREATE TRIGGER templates_hlc_insert AFTER INSERT ON templates
WHEN NEW.hlc = '' AND (SELECT stamping FROM sync_clock) = 1
BEGIN UPDATE templates SET hlc = (SELECT now FROM sync_clock) WHERE rowid = NEW.rowid; END;
CREATE TRIGGER templates_hlc_update AFTER UPDATE ON templates
WHEN NEW.hlc = OLD.hlc AND (SELECT stamping FROM sync_clock) = 1
BEGIN UPDATE templates SET hlc = (SELECT now FROM sync_clock) WHERE rowid = NEW.rowid; END;

CREATE TRIGGER visits_hlc_insert AFTER INSERT ON visits
WHEN NEW.hlc = '' AND (SELECT stamping FROM sync_clock) = 1
BEGIN UPDATE visits SET hlc = (SELECT now FROM sync_clock) WHERE rowid = NEW.rowid; END;
CREATE TRIGGER visits_hlc_update AFTER UPDATE ON visits
WHEN NEW.hlc = OLD.hlc AND (SELECT stamping FROM sync_clock) = 1
BEGIN UPDATE visits SET hlc = (SELECT now FROM sync_clock) WHERE rowid = NEW.rowid; END;

CREATE TRIGGER visit_rooms_hlc_insert AFTER INSERT ON visit_rooms
WHEN NEW.hlc = '' AND (SELECT stamping FROM sync_clock) = 1
BEGIN UPDATE visit_rooms SET hlc = (SELECT now FROM sync_clock) WHERE rowid = NEW.rowid; END;
CREATE TRIGGER visit_rooms_hlc_update AFTER UPDATE ON visit_rooms
WHEN NEW.hlc = OLD.hlc AND (SELECT stamping FROM sync_clock) = 1
BEGIN UPDATE visit_rooms SET hlc = (SELECT now FROM sync_clock) WHERE rowid = NEW.rowid; END;

CREATE TRIGGER answers_hlc_insert AFTER INSERT ON answers
WHEN NEW.hlc = '' AND (SELECT stamping FROM sync_clock) = 1
BEGIN UPDATE answers SET hlc = (SELECT now FROM sync_clock) WHERE rowid = NEW.rowid; END;
CREATE TRIGGER answers_hlc_update AFTER UPDATE ON answers
WHEN NEW.hlc = OLD.hlc AND (SELECT stamping FROM sync_clock) = 1
BEGIN UPDATE answers SET hlc = (SELECT now FROM sync_clock) WHERE rowid = NEW.rowid; END;

CREATE TRIGGER feedback_hlc_insert AFTER INSERT ON feedback
WHEN NEW.hlc = '' AND (SELECT stamping FROM sync_clock) = 1
BEGIN UPDATE feedback SET hlc = (SELECT now FROM sync_clock) WHERE rowid = NEW.rowid; END;
CREATE TRIGGER feedback_hlc_update AFTER UPDATE ON feedback
WHEN NEW.hlc = OLD.hlc AND (SELECT stamping FROM sync_clock) = 1
BEGIN UPDATE feedback SET hlc = (SELECT now FROM sync_clock) WHERE rowid = NEW.rowid; END;

CREATE TRIGGER photos_hlc_insert AFTER INSERT ON photos
WHEN NEW.hlc = '' AND (SELECT stamping FROM sync_clock) = 1
BEGIN UPDATE photos SET hlc = (SELECT now FROM sync_clock) WHERE rowid = NEW.rowid; END;
CREATE TRIGGER photos_hlc_update AFTER UPDATE ON photos
WHEN NEW.hlc = OLD.hlc AND (SELECT stamping FROM sync_clock) = 1
BEGIN UPDATE photos SET hlc = (SELECT now FROM sync_clock) WHERE rowid = NEW.rowid; END;

-- Writing over another device's answer or feedback keeps its version as a
-- resolved conflict, so a third device that also holds it does not show it.
CREATE TRIGGER answers_overwrite AFTER UPDATE ON answers
WHEN OLD.device != NEW.device AND OLD.hlc != '' AND (SELECT stamping FROM sync_clock) = 1
    AND (OLD.value != NEW.value OR OLD.note != NEW.note OR OLD.deleted != NEW.deleted)
BEGIN INSERT INTO conflicts(kind, visit_id, room_id, item_id, value, note, deleted, device, hlc, resolved)
    VALUES ('answer', OLD.visit_id, OLD.room_id, OLD.item_id, OLD.value, OLD.note, OLD.deleted, OLD.device, OLD.hlc, 1)
    ON CONFLICT DO UPDATE SET resolved = 1; END;

CREATE TRIGGER actions_hlc_insert AFTER INSERT ON actions
WHEN (SELECT stamping FROM sync_clock) = 1
BEGIN UPDATE actions SET
    owner_team_hlc = CASE WHEN NEW.owner_team_hlc = '' THEN (SELECT now FROM sync_clock) ELSE NEW.owner_team_hlc END,
    priority_hlc = CASE WHEN NEW.priority_hlc = '' THEN (SELECT now FROM sync_clock) ELSE NEW.priority_hlc END,
    due_date_hlc = CASE WHEN NEW.due_date_hlc = '' THEN (SELECT now FROM sync_clock) ELSE NEW.due_date_hlc END,
    status_hlc = CASE WHEN NEW.status_hlc = '' THEN (SELECT now FROM sync_clock) ELSE NEW.status_hlc END,
    ticket_key_hlc = CASE WHEN NEW.ticket_key_hlc = '' THEN (SELECT now FROM sync_clock) ELSE NEW.ticket_key_hlc END
    WHERE rowid = NEW.rowid;
INSERT OR IGNORE INTO status_history(finding_id, status, hlc) VALUES (NEW.finding_id, NEW.status, (SELECT now FROM sync_clock)); END;
CREATE TRIGGER actions_hlc_update AFTER UPDATE ON actions
WHEN (SELECT stamping FROM sync_clock) = 1
BEGIN UPDATE actions SET
    owner_team_hlc = CASE WHEN NEW.owner_team_hlc = OLD.owner_team_hlc AND NEW.owner_team IS NOT OLD.owner_team THEN (SELECT now FROM sync_clock) ELSE NEW.owner_team_hlc END,
    priority_hlc = CASE WHEN NEW.priority_hlc = OLD.priority_hlc AND NEW.priority IS NOT OLD.priority THEN (SELECT now FROM sync_clock) ELSE NEW.priority_hlc END,
    due_date_hlc = CASE WHEN NEW.due_date_hlc = OLD.due_date_hlc AND NEW.due_date IS NOT OLD.due_date THEN (SELECT now FROM sync_clock) ELSE NEW.due_date_hlc END,
    status_hlc = CASE WHEN NEW.status_hlc = OLD.status_hlc AND NEW.status IS NOT OLD.status THEN (SELECT now FROM sync_clock) ELSE NEW.status_hlc END,
    ticket_key_hlc = CASE WHEN NEW.ticket_key_hlc = OLD.ticket_key_hlc AND NEW.ticket_key IS NOT OLD.ticket_key THEN (SELECT now FROM sync_clock) ELSE NEW.ticket_key_hlc END
    WHERE rowid = NEW.rowid;
INSERT OR IGNORE INTO status_history(finding_id, status, hlc) SELECT NEW.finding_id, NEW.status, (SELECT now FROM sync_clock)
    WHERE NEW.status != OLD.status; END;
