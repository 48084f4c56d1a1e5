-- Schema 7: a settling travels through the district hub. The resolved
-- mark of a losing version carries the clock of the device that made it
-- (resolved_hlc: settling the conflict, writing over another device's
-- version, or taking a resolved mark a bundle brought without one), so a
-- push sends this device's settlings made since its last push.
ALTER TABLE conflicts ADD COLUMN resolved_hlc TEXT NOT NULL DEFAULT '';

-- Marks made before this schema: one clock reading of this device, just
-- after the newest it handed out or saw, so its next push sends them.
UPDATE conflicts SET resolved_hlc = (
    SELECT printf('%015d-%010d-', CAST(substr(now, 1, 15) AS INTEGER), CAST(substr(now, 17, 10) AS INTEGER) + 1) || l.value
    FROM sync_clock, local l WHERE l.key = 'device')
WHERE resolved = 1 AND EXISTS (SELECT 1 FROM local WHERE key = 'device');
UPDATE sync_clock SET now = (SELECT max(resolved_hlc) FROM conflicts)
WHERE (SELECT max(resolved_hlc) FROM conflicts) > now;

CREATE INDEX conflicts_resolved_hlc ON conflicts(resolved_hlc);

DROP TRIGGER answers_overwrite;
CREATE TRIGGER answers_overwrite AFTER UPDATE ON answers
WHEN OLD.device != NEW.device AND OLD.hlc != '' AND (SELECT stamping FROM sync_clock) = 1
    AND (OLD.value != NEW.value OR OLD.note != NEW.note OR OLD.deleted != NEW.deleted)
BEGIN INSERT INTO conflicts(kind, visit_id, room_id, item_id, value, note, deleted, device, hlc, resolved, resolved_hlc)
    VALUES ('answer', OLD.visit_id, OLD.room_id, OLD.item_id, OLD.value, OLD.note, OLD.deleted, OLD.device, OLD.hlc, 1, (SELECT now FROM sync_clock))
    ON CONFLICT DO UPDATE SET resolved = 1,
        resolved_hlc = CASE WHEN resolved = 1 AND resolved_hlc != '' THEN resolved_hlc ELSE excluded.resolved_hlc END; END;
