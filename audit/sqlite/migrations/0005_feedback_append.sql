-- Schema 5: teacher feedback appends. A room may hold several feedback
-- entries (teachers sharing a room, two coaches each talking to the
-- teacher), so the table loses its UNIQUE (visit_id, room_id); copies from
-- several devices merge as a union by id. SQLite drops a UNIQUE only by
-- rebuilding the table; the line below has the migration runner recreate
-- every index and trigger the table had (the clock triggers and any other),
-- whatever earlier migrations added.
-- rebuilds: feedback
CREATE TABLE feedback_new (
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
    hlc               TEXT NOT NULL DEFAULT ''
);
INSERT INTO feedback_new(id, visit_id, room_id, teacher_name, supports_teaching, help_easy, choose_again, inconveniences,
    frustration, consent, created_at, updated_at, device, deleted, hlc)
SELECT id, visit_id, room_id, teacher_name, supports_teaching, help_easy, choose_again, inconveniences,
    frustration, consent, created_at, updated_at, device, deleted, hlc FROM feedback;

-- Feedback that lost to another device's feedback for the same room was
-- kept as a conflict: each device's newest such version still open becomes
-- an entry of its own, under an id every device derives alike from its clock.
INSERT INTO feedback_new(id, visit_id, room_id, teacher_name, supports_teaching, help_easy, choose_again, inconveniences,
    frustration, consent, created_at, updated_at, device, deleted, hlc)
SELECT 'feedback-' || c.hlc, c.visit_id, c.room_id,
    coalesce(json_extract(c.value, '$.TeacherName'), ''), coalesce(json_extract(c.value, '$.SupportsTeaching'), 0),
    coalesce(json_extract(c.value, '$.HelpEasy'), 0), coalesce(json_extract(c.value, '$.ChooseAgain'), ''),
    coalesce(json_extract(c.value, '$.Incon'), 0), coalesce(json_extract(c.value, '$.Frustration'), ''),
    coalesce(json_extract(c.value, '$.Consent'), 0),
    strftime('%Y-%m-%dT%H:%M:%fZ', CAST(substr(c.hlc, 1, 15) AS INTEGER) / 1000.0, 'unixepoch'),
    strftime('%Y-%m-%dT%H:%M:%fZ', CAST(substr(c.hlc, 1, 15) AS INTEGER) / 1000.0, 'unixepoch'),
    c.device, 0, c.hlc
FROM conflicts c
WHERE c.kind = 'feedback' AND c.resolved = 0 AND c.deleted = 0 AND json_valid(c.value)
    AND c.hlc = (SELECT max(o.hlc) FROM conflicts o WHERE o.kind = 'feedback' AND o.visit_id = c.visit_id
        AND o.room_id = c.room_id AND o.device = c.device)
    AND NOT EXISTS (SELECT 1 FROM feedback f WHERE f.visit_id = c.visit_id AND f.room_id = c.room_id AND f.device = c.device)
    AND EXISTS (SELECT 1 FROM visits v WHERE v.id = c.visit_id) AND EXISTS (SELECT 1 FROM rooms r WHERE r.id = c.room_id);
DELETE FROM conflicts WHERE kind = 'feedback';

DROP TABLE feedback;
ALTER TABLE feedback_new RENAME TO feedback;
CREATE INDEX feedback_room ON feedback(visit_id, room_id);

-- The district-wide settings (audit.DistrictSettings) travel with bundles
-- and merge last writer wins, so settings carry the clock of their last
-- change too, stamped like every other row.
ALTER TABLE settings ADD COLUMN hlc TEXT NOT NULL DEFAULT '';
UPDATE settings SET hlc = printf('%015d', CAST(round((julianday(updated_at) - 2440587.5) * 86400000) AS INTEGER)) || '-0000000000-' || device;
CREATE TRIGGER settings_hlc_insert AFTER INSERT ON settings
WHEN NEW.hlc = '' AND (SELECT stamping FROM sync_clock) = 1
BEGIN UPDATE settings SET hlc = (SELECT now FROM sync_clock) WHERE rowid = NEW.rowid; END;
CREATE TRIGGER settings_hlc_update AFTER UPDATE ON settings
WHEN NEW.hlc = OLD.hlc AND (SELECT stamping FROM sync_clock) = 1
BEGIN UPDATE settings SET hlc = (SELECT now FROM sync_clock) WHERE rowid = NEW.rowid; END;
UPDATE sync_clock SET now = max(now, (SELECT coalesce(max(hlc), '') FROM settings));

-- Feedback recovered from conflicts above counts in its visit's score:
-- every visit summary is computed again when next read.
DELETE FROM visit_summary;
