-- Hub schema 3: the district-wide settings (audit.DistrictSettings: the
-- district's name and logo, paper size, whether reports name teachers, the
-- coverage a walk needs, IT's owner teams), shaped like the other synced
-- tables: each device's own version of a setting under its key, with the
-- clock of its last change; the newer clock wins on every device. A
-- setting's only time is its clock, so exact stays empty. Settings that
-- belong to one device (who uses it, the feedback PIN, the hub's address,
-- the Wi-Fi test URL) never come here: push refuses them, and the check
-- below lists the district's keys (a test compares it with
-- audit.DistrictSettings).
CREATE TABLE techwalk.settings (
    key     text NOT NULL CONSTRAINT settings_district_key
                CHECK (key IN ('district_name', 'district_logo', 'paper', 'anonymise_teachers', 'min_coverage_percent', 'owner_teams')),
    device  text NOT NULL REFERENCES techwalk.devices(id),
    value   text NOT NULL DEFAULT '',
    hlc     text NOT NULL DEFAULT '',
    made_by text NOT NULL DEFAULT '',
    exact   text NOT NULL DEFAULT '',
    seq     bigint NOT NULL,
    PRIMARY KEY (key, device)
);
CREATE TRIGGER stamp_seq BEFORE INSERT OR UPDATE ON techwalk.settings FOR EACH ROW EXECUTE FUNCTION techwalk.stamp_seq();
CREATE INDEX settings_seq ON techwalk.settings(seq);

GRANT SELECT, INSERT, UPDATE ON techwalk.settings TO techwalk_auditor;
GRANT SELECT ON techwalk.settings TO techwalk_reader;

-- Auditors read every device's settings and write only as their own
-- devices; readers (principals) read them too: a report's cover needs the
-- district's name and logo, its paper size and whether it names teachers.
DO $$
DECLARE
    mine text := 'device IN (SELECT id FROM techwalk.devices WHERE login = current_user)';
BEGIN
    ALTER TABLE techwalk.settings ENABLE ROW LEVEL SECURITY;
    CREATE POLICY auditor_read ON techwalk.settings FOR SELECT TO techwalk_auditor USING (true);
    EXECUTE format('CREATE POLICY auditor_insert ON techwalk.settings FOR INSERT TO techwalk_auditor WITH CHECK (%s)', mine);
    EXECUTE format('CREATE POLICY auditor_update ON techwalk.settings FOR UPDATE TO techwalk_auditor USING (%s) WITH CHECK (%s)', mine, mine);
END $$;
CREATE POLICY reader_read ON techwalk.settings FOR SELECT TO techwalk_reader USING (true);
