-- Hub schema 4: settled conflicts. When a device settles a conflict (or
-- writes over another device's version of an answer), the losing version
-- is marked resolved; the mark travels here, so the other devices stop
-- showing the conflict. A row is one device's settling of one losing
-- version: its answer (visit, room, item), the version's clock
-- (version_hlc), value, note and deletion, the version's device (made_by),
-- and the settling's clock (hlc). A settling never changes once stored. It
-- carries no times: exact stays empty, as in status_history.
CREATE TABLE techwalk.conflicts (
    visit_id    text NOT NULL,
    room_id     text NOT NULL,
    item_id     text NOT NULL,
    version_hlc text NOT NULL,
    device      text NOT NULL REFERENCES techwalk.devices(id),
    value       text NOT NULL DEFAULT '',
    note        text NOT NULL DEFAULT '',
    deleted     boolean NOT NULL DEFAULT false,
    made_by     text NOT NULL DEFAULT '',
    hlc         text NOT NULL,
    exact       text NOT NULL DEFAULT '',
    seq         bigint NOT NULL,
    PRIMARY KEY (visit_id, room_id, item_id, version_hlc, device)
);
CREATE TRIGGER stamp_seq BEFORE INSERT OR UPDATE ON techwalk.conflicts FOR EACH ROW EXECUTE FUNCTION techwalk.stamp_seq();
CREATE INDEX conflicts_seq ON techwalk.conflicts(seq);

GRANT SELECT, INSERT, UPDATE ON techwalk.conflicts TO techwalk_auditor;
GRANT SELECT ON techwalk.conflicts TO techwalk_reader;

-- Auditors read the whole district and write only as their own devices;
-- readers read the settlings of their schools' visits.
DO $$
DECLARE
    mine text := 'device IN (SELECT id FROM techwalk.devices WHERE login = current_user)';
BEGIN
    ALTER TABLE techwalk.conflicts ENABLE ROW LEVEL SECURITY;
    CREATE POLICY auditor_read ON techwalk.conflicts FOR SELECT TO techwalk_auditor USING (true);
    EXECUTE format('CREATE POLICY auditor_insert ON techwalk.conflicts FOR INSERT TO techwalk_auditor WITH CHECK (%s)', mine);
    EXECUTE format('CREATE POLICY auditor_update ON techwalk.conflicts FOR UPDATE TO techwalk_auditor USING (%s) WITH CHECK (%s)', mine, mine);
END $$;
CREATE POLICY reader_read ON techwalk.conflicts FOR SELECT TO techwalk_reader
    USING (visit_id IN (SELECT id FROM techwalk.visits));
