-- Hub schema 2: push and pull. Every row carries the domain's clock of its
-- last change (hlc, text that sorts in clock order; a finding's action one
-- per field), the device that made the row (made_by, the domain's own
-- device field, which the key's device need not be), the device's exact
-- times (exact: timestamptz keeps microseconds, a device nanoseconds) and
-- a change number (seq) from one sequence, set on every insert and update:
-- a device pulls what changed after the last number it saw. Pushes take
-- the push lock before they write, so numbers are handed out in commit order.
ALTER TABLE techwalk.hub_schema ADD COLUMN hub_id text NOT NULL DEFAULT md5(random()::text || clock_timestamp()::text);

CREATE SEQUENCE techwalk.change_seq;

CREATE FUNCTION techwalk.stamp_seq() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.seq := nextval('techwalk.change_seq');
    RETURN NEW;
END $$;

-- Every status a finding had, with the clock of the change.
CREATE TABLE techwalk.status_history (
    finding_id text NOT NULL,
    device     text NOT NULL REFERENCES techwalk.devices(id),
    status     text NOT NULL CHECK (status IN ('', 'open', 'in backlog', 'resolved', 'won''t fix')),
    hlc        text NOT NULL,
    PRIMARY KEY (finding_id, hlc, device)
);

ALTER TABLE techwalk.finding_actions
    ADD COLUMN owner_team_hlc text NOT NULL DEFAULT '',
    ADD COLUMN priority_hlc   text NOT NULL DEFAULT '',
    ADD COLUMN due_date_hlc   text NOT NULL DEFAULT '',
    ADD COLUMN status_hlc     text NOT NULL DEFAULT '',
    ADD COLUMN ticket_key_hlc text NOT NULL DEFAULT '';

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['schools', 'rooms', 'templates', 'visits', 'answers', 'feedback', 'photos',
                             'visit_rooms', 'finding_actions', 'status_history'] LOOP
        EXECUTE format('ALTER TABLE techwalk.%I ADD COLUMN IF NOT EXISTS hlc text NOT NULL DEFAULT %L', t, '');
        EXECUTE format('ALTER TABLE techwalk.%I ADD COLUMN made_by text NOT NULL DEFAULT %L', t, '');
        EXECUTE format('ALTER TABLE techwalk.%I ADD COLUMN exact text NOT NULL DEFAULT %L', t, '');
        EXECUTE format('ALTER TABLE techwalk.%I ADD COLUMN seq bigint', t);
        EXECUTE format('CREATE TRIGGER stamp_seq BEFORE INSERT OR UPDATE ON techwalk.%I FOR EACH ROW EXECUTE FUNCTION techwalk.stamp_seq()', t);
        EXECUTE format('UPDATE techwalk.%I SET seq = 0', t); -- the trigger numbers the rows already held
        EXECUTE format('ALTER TABLE techwalk.%I ALTER COLUMN seq SET NOT NULL', t);
        EXECUTE format('CREATE INDEX %I ON techwalk.%I(seq)', t || '_seq', t);
    END LOOP;
END $$;

-- Change sets pushed, by device and id: pushing one again changes
-- nothing. The device is part of the key, so no other login can mark a
-- device's change set as pushed.
CREATE TABLE techwalk.change_sets (
    id        text NOT NULL,
    device    text NOT NULL REFERENCES techwalk.devices(id),
    pushed_at timestamptz NOT NULL DEFAULT now(),
    counts    jsonb NOT NULL DEFAULT '{}',
    PRIMARY KEY (device, id)
);

GRANT USAGE ON SEQUENCE techwalk.change_seq TO techwalk_auditor;
GRANT SELECT, INSERT, UPDATE ON techwalk.status_history TO techwalk_auditor;
GRANT SELECT, INSERT ON techwalk.change_sets TO techwalk_auditor;
GRANT SELECT ON techwalk.status_history TO techwalk_reader;

DO $$
DECLARE
    mine text := 'device IN (SELECT id FROM techwalk.devices WHERE login = current_user)';
BEGIN
    ALTER TABLE techwalk.status_history ENABLE ROW LEVEL SECURITY;
    CREATE POLICY auditor_read ON techwalk.status_history FOR SELECT TO techwalk_auditor USING (true);
    EXECUTE format('CREATE POLICY auditor_insert ON techwalk.status_history FOR INSERT TO techwalk_auditor WITH CHECK (%s)', mine);
    EXECUTE format('CREATE POLICY auditor_update ON techwalk.status_history FOR UPDATE TO techwalk_auditor USING (%s) WITH CHECK (%s)', mine, mine);
    ALTER TABLE techwalk.change_sets ENABLE ROW LEVEL SECURITY;
    CREATE POLICY auditor_read ON techwalk.change_sets FOR SELECT TO techwalk_auditor USING (true);
    EXECUTE format('CREATE POLICY auditor_insert ON techwalk.change_sets FOR INSERT TO techwalk_auditor WITH CHECK (%s)', mine);
END $$;

CREATE POLICY reader_read ON techwalk.status_history FOR SELECT TO techwalk_reader
    USING (finding_id IN (SELECT id FROM techwalk.answers));

-- A device's rows are keyed by their ids; when merging copies gives an
-- answer its canonical id, the device's next push sends it under that id,
-- and the hub keeps both versions (the newer clock wins on every device).
ALTER TABLE techwalk.answers DROP CONSTRAINT answers_visit_id_room_id_item_id_device_key;

-- A finding's action may carry no status yet (a field no device set).
ALTER TABLE techwalk.finding_actions DROP CONSTRAINT finding_actions_status_check;
ALTER TABLE techwalk.finding_actions ADD CONSTRAINT finding_actions_status_check
    CHECK (status IN ('', 'open', 'in backlog', 'resolved', 'won''t fix'));
