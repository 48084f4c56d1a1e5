-- Hub schema 1. Every table mirrors the domain. A row a device writes
-- carries that device in `device`, which is part of its key: the hub keeps
-- each device's own version of a row, never lets a device change another's
-- (row-level security below), and the domain's merge rules pick the winner.
CREATE SCHEMA IF NOT EXISTS techwalk;

CREATE TABLE techwalk.hub_schema (
    version integer NOT NULL
);
INSERT INTO techwalk.hub_schema(version) VALUES (0);

-- Which login role writes as which device. A device registers itself
-- under its own login; nobody can take over a registered device.
CREATE TABLE techwalk.devices (
    id            text PRIMARY KEY,
    login         name NOT NULL DEFAULT current_user,
    registered_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX devices_login ON techwalk.devices(login);

-- Which schools a reader's login (a principal) may read.
CREATE TABLE techwalk.reader_schools (
    login     name NOT NULL,
    school_id text NOT NULL,
    PRIMARY KEY (login, school_id)
);

CREATE TABLE techwalk.schools (
    id         text NOT NULL,
    device     text NOT NULL REFERENCES techwalk.devices(id),
    name       text NOT NULL,
    code       text NOT NULL DEFAULT '',
    address    text NOT NULL DEFAULT '',
    principal  text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    deleted    boolean NOT NULL DEFAULT false,
    PRIMARY KEY (id, device)
);
CREATE INDEX schools_code ON techwalk.schools(code);

CREATE TABLE techwalk.rooms (
    id         text NOT NULL,
    device     text NOT NULL REFERENCES techwalk.devices(id),
    school_id  text NOT NULL,
    number     text NOT NULL DEFAULT '',
    name       text NOT NULL DEFAULT '',
    kind       text NOT NULL CHECK (kind IN ('classroom', 'lab', 'library', 'gym', 'office', 'common')),
    teacher    text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    deleted    boolean NOT NULL DEFAULT false,
    PRIMARY KEY (id, device)
);
CREATE INDEX rooms_school ON techwalk.rooms(school_id, number);

-- Templates are immutable by (id, version): the first device to send one owns it.
CREATE TABLE techwalk.templates (
    id         text NOT NULL,
    version    text NOT NULL,
    device     text NOT NULL REFERENCES techwalk.devices(id),
    name       text NOT NULL,
    body       text NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (id, version)
);

CREATE TABLE techwalk.visits (
    id               text NOT NULL,
    device           text NOT NULL REFERENCES techwalk.devices(id),
    school_id        text NOT NULL,
    template_id      text NOT NULL,
    template_version text NOT NULL,
    auditor          text NOT NULL DEFAULT '',
    people           text NOT NULL DEFAULT '',
    started_at       timestamptz NOT NULL,
    finished_at      timestamptz,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    deleted          boolean NOT NULL DEFAULT false,
    PRIMARY KEY (id, device),
    CHECK (finished_at IS NULL OR finished_at >= started_at)
);
CREATE INDEX visits_school ON techwalk.visits(school_id, started_at);

CREATE TABLE techwalk.answers (
    id         text NOT NULL,
    device     text NOT NULL REFERENCES techwalk.devices(id),
    visit_id   text NOT NULL,
    room_id    text NOT NULL,
    item_id    text NOT NULL,
    value      text NOT NULL DEFAULT '',
    note       text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    deleted    boolean NOT NULL DEFAULT false,
    PRIMARY KEY (id, device),
    UNIQUE (visit_id, room_id, item_id, device)
);

CREATE TABLE techwalk.feedback (
    id                text NOT NULL,
    device            text NOT NULL REFERENCES techwalk.devices(id),
    visit_id          text NOT NULL,
    room_id           text NOT NULL,
    teacher_name      text NOT NULL DEFAULT '',
    supports_teaching smallint NOT NULL DEFAULT 0 CHECK (supports_teaching BETWEEN 0 AND 5),
    help_easy         smallint NOT NULL DEFAULT 0 CHECK (help_easy BETWEEN 0 AND 5),
    choose_again      text NOT NULL DEFAULT '' CHECK (choose_again IN ('', 'yes', 'no', 'unsure')),
    inconveniences    integer NOT NULL DEFAULT 0 CHECK (inconveniences BETWEEN 0 AND 1000),
    frustration       text NOT NULL DEFAULT '',
    consent           boolean NOT NULL DEFAULT false,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    deleted           boolean NOT NULL DEFAULT false,
    PRIMARY KEY (id, device)
);
CREATE INDEX feedback_visit ON techwalk.feedback(visit_id, room_id);

CREATE TABLE techwalk.photos (
    id         text NOT NULL,
    device     text NOT NULL REFERENCES techwalk.devices(id),
    visit_id   text NOT NULL,
    room_id    text NOT NULL,
    item_id    text NOT NULL DEFAULT '',
    caption    text NOT NULL DEFAULT '',
    mime       text NOT NULL,
    width      integer NOT NULL,
    height     integer NOT NULL,
    sha256     text NOT NULL,
    data       bytea NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    deleted    boolean NOT NULL DEFAULT false,
    PRIMARY KEY (id, device)
);
CREATE INDEX photos_visit ON techwalk.photos(visit_id, room_id);
CREATE INDEX photos_sha256 ON techwalk.photos(sha256);

CREATE TABLE techwalk.visit_rooms (
    visit_id   text NOT NULL,
    room_id    text NOT NULL,
    device     text NOT NULL REFERENCES techwalk.devices(id),
    done       boolean NOT NULL DEFAULT false,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (visit_id, room_id, device)
);

-- What IT adds to a finding (a failing answer); each device's edit is its
-- own row and the domain merges them field by field.
CREATE TABLE techwalk.finding_actions (
    finding_id text NOT NULL,
    device     text NOT NULL REFERENCES techwalk.devices(id),
    owner_team text NOT NULL DEFAULT '',
    priority   text NOT NULL DEFAULT '' CHECK (priority IN ('', 'critical', 'high', 'medium', 'low')),
    due_date   date,
    status     text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'in backlog', 'resolved', 'won''t fix')),
    ticket_key text NOT NULL DEFAULT '',
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (finding_id, device)
);

-- Roles belong to the whole cluster: create them once, tolerating another
-- database's hub init creating them at the same moment.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'techwalk_auditor') THEN
        CREATE ROLE techwalk_auditor NOLOGIN;
    END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$;
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'techwalk_reader') THEN
        CREATE ROLE techwalk_reader NOLOGIN;
    END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$;

GRANT USAGE ON SCHEMA techwalk TO techwalk_auditor, techwalk_reader;
GRANT SELECT ON techwalk.hub_schema TO techwalk_auditor, techwalk_reader;
GRANT SELECT, INSERT ON techwalk.devices TO techwalk_auditor;
GRANT SELECT ON techwalk.reader_schools TO techwalk_reader;
GRANT SELECT, INSERT, UPDATE ON techwalk.schools, techwalk.rooms, techwalk.templates, techwalk.visits,
    techwalk.answers, techwalk.feedback, techwalk.photos, techwalk.visit_rooms, techwalk.finding_actions
    TO techwalk_auditor;
GRANT SELECT ON techwalk.schools, techwalk.rooms, techwalk.templates, techwalk.visits,
    techwalk.answers, techwalk.feedback, techwalk.photos, techwalk.visit_rooms, techwalk.finding_actions
    TO techwalk_reader;

ALTER TABLE techwalk.devices ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_devices ON techwalk.devices FOR SELECT TO techwalk_auditor USING (login = current_user);
CREATE POLICY register_device ON techwalk.devices FOR INSERT TO techwalk_auditor WITH CHECK (login = current_user);

ALTER TABLE techwalk.reader_schools ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_schools ON techwalk.reader_schools FOR SELECT TO techwalk_reader USING (login = current_user);

-- Auditors read the whole district and write only as their own devices.
DO $$
DECLARE
    t text;
    mine text := 'device IN (SELECT id FROM techwalk.devices WHERE login = current_user)';
BEGIN
    FOREACH t IN ARRAY ARRAY['schools', 'rooms', 'templates', 'visits', 'answers', 'feedback', 'photos',
                             'visit_rooms', 'finding_actions'] LOOP
        EXECUTE format('ALTER TABLE techwalk.%I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY auditor_read ON techwalk.%I FOR SELECT TO techwalk_auditor USING (true)', t);
        EXECUTE format('CREATE POLICY auditor_insert ON techwalk.%I FOR INSERT TO techwalk_auditor WITH CHECK (%s)', t, mine);
        EXECUTE format('CREATE POLICY auditor_update ON techwalk.%I FOR UPDATE TO techwalk_auditor USING (%s) WITH CHECK (%s)', t, mine, mine);
    END LOOP;
END $$;

-- Readers (principals) read only their schools' rows, and every template.
CREATE POLICY reader_read ON techwalk.schools FOR SELECT TO techwalk_reader
    USING (id IN (SELECT school_id FROM techwalk.reader_schools WHERE login = current_user));
CREATE POLICY reader_read ON techwalk.rooms FOR SELECT TO techwalk_reader
    USING (school_id IN (SELECT school_id FROM techwalk.reader_schools WHERE login = current_user));
CREATE POLICY reader_read ON techwalk.visits FOR SELECT TO techwalk_reader
    USING (school_id IN (SELECT school_id FROM techwalk.reader_schools WHERE login = current_user));
CREATE POLICY reader_read ON techwalk.templates FOR SELECT TO techwalk_reader USING (true);
CREATE POLICY reader_read ON techwalk.answers FOR SELECT TO techwalk_reader
    USING (visit_id IN (SELECT id FROM techwalk.visits));
CREATE POLICY reader_read ON techwalk.feedback FOR SELECT TO techwalk_reader
    USING (visit_id IN (SELECT id FROM techwalk.visits));
CREATE POLICY reader_read ON techwalk.photos FOR SELECT TO techwalk_reader
    USING (visit_id IN (SELECT id FROM techwalk.visits));
CREATE POLICY reader_read ON techwalk.visit_rooms FOR SELECT TO techwalk_reader
    USING (visit_id IN (SELECT id FROM techwalk.visits));
CREATE POLICY reader_read ON techwalk.finding_actions FOR SELECT TO techwalk_reader
    USING (finding_id IN (SELECT id FROM techwalk.answers));
