-- Per-visit summaries: what Home and the district picture read of a visit
-- (its score and KPIs, its district row's figures), so they need not read
-- every answer. The rule that computes them stays in Go (audit's
-- SummariseSchool); this table only keeps its results. A visit's summary
-- depends on its school's rooms and every visit of the school (change since
-- the previous visit, loops), so every write that may change one deletes
-- the summaries of the school concerned, in the write's own transaction,
-- and readers recompute the missing ones from the answers. A missing row
-- is a stale summary. Existing databases start with none.
CREATE TABLE visit_summary (
    visit_id      TEXT PRIMARY KEY,
    school_id     TEXT NOT NULL,
    score         REAL NOT NULL,
    rooms_visited INTEGER NOT NULL,
    answered      INTEGER NOT NULL,
    applicable    INTEGER NOT NULL,
    partial       INTEGER NOT NULL,
    detail        BLOB NOT NULL
);
CREATE INDEX visit_summary_school ON visit_summary(school_id);

CREATE TRIGGER answers_summary_insert AFTER INSERT ON answers
BEGIN DELETE FROM visit_summary WHERE school_id = (SELECT school_id FROM visits WHERE id = NEW.visit_id); END;
CREATE TRIGGER answers_summary_update AFTER UPDATE OF id, visit_id, room_id, item_id, value, deleted ON answers
BEGIN DELETE FROM visit_summary WHERE school_id IN (SELECT school_id FROM visits WHERE id IN (OLD.visit_id, NEW.visit_id)); END;
CREATE TRIGGER answers_summary_delete AFTER DELETE ON answers
BEGIN DELETE FROM visit_summary WHERE school_id = (SELECT school_id FROM visits WHERE id = OLD.visit_id); END;

CREATE TRIGGER feedback_summary_insert AFTER INSERT ON feedback
BEGIN DELETE FROM visit_summary WHERE school_id = (SELECT school_id FROM visits WHERE id = NEW.visit_id); END;
CREATE TRIGGER feedback_summary_update AFTER UPDATE OF visit_id, room_id, supports_teaching, help_easy, choose_again, inconveniences, deleted ON feedback
BEGIN DELETE FROM visit_summary WHERE school_id IN (SELECT school_id FROM visits WHERE id IN (OLD.visit_id, NEW.visit_id)); END;
CREATE TRIGGER feedback_summary_delete AFTER DELETE ON feedback
BEGIN DELETE FROM visit_summary WHERE school_id = (SELECT school_id FROM visits WHERE id = OLD.visit_id); END;

CREATE TRIGGER visits_summary_insert AFTER INSERT ON visits
BEGIN DELETE FROM visit_summary WHERE school_id = NEW.school_id; END;
CREATE TRIGGER visits_summary_update AFTER UPDATE OF id, school_id, template_id, template_version, started_at, finished_at, deleted ON visits
BEGIN DELETE FROM visit_summary WHERE school_id IN (OLD.school_id, NEW.school_id); END;
CREATE TRIGGER visits_summary_delete AFTER DELETE ON visits
BEGIN DELETE FROM visit_summary WHERE school_id = OLD.school_id; END;

-- A room's record is not kept in a summary (readers attach the room as it
-- is now), but its number and name order the rooms; its teacher counts for nothing.
CREATE TRIGGER rooms_summary_insert AFTER INSERT ON rooms
BEGIN DELETE FROM visit_summary WHERE school_id = NEW.school_id; END;
CREATE TRIGGER rooms_summary_update AFTER UPDATE OF id, school_id, number, name, kind, deleted ON rooms
BEGIN DELETE FROM visit_summary WHERE school_id IN (OLD.school_id, NEW.school_id); END;
CREATE TRIGGER rooms_summary_delete AFTER DELETE ON rooms
BEGIN DELETE FROM visit_summary WHERE school_id = OLD.school_id; END;

-- IT's actions decide which findings are open, also for later findings of
-- the same fault.
CREATE TRIGGER actions_summary_insert AFTER INSERT ON actions
BEGIN DELETE FROM visit_summary WHERE school_id IN
    (SELECT v.school_id FROM answers a JOIN visits v ON v.id = a.visit_id WHERE a.id = NEW.finding_id); END;
CREATE TRIGGER actions_summary_update AFTER UPDATE OF finding_id, owner_team, priority, due_date, status, ticket_key, updated_at ON actions
BEGIN DELETE FROM visit_summary WHERE school_id IN
    (SELECT v.school_id FROM answers a JOIN visits v ON v.id = a.visit_id WHERE a.id IN (OLD.finding_id, NEW.finding_id)); END;
CREATE TRIGGER actions_summary_delete AFTER DELETE ON actions
BEGIN DELETE FROM visit_summary WHERE school_id IN
    (SELECT v.school_id FROM answers a JOIN visits v ON v.id = a.visit_id WHERE a.id = OLD.finding_id); END;

-- A template's items and the coverage threshold score every visit.
CREATE TRIGGER templates_summary_insert AFTER INSERT ON templates
BEGIN DELETE FROM visit_summary WHERE school_id IN
    (SELECT school_id FROM visits WHERE template_id = NEW.id AND template_version = NEW.version); END;
CREATE TRIGGER templates_summary_update AFTER UPDATE OF id, version, body ON templates
BEGIN DELETE FROM visit_summary WHERE school_id IN (SELECT school_id FROM visits
    WHERE (template_id = OLD.id AND template_version = OLD.version) OR (template_id = NEW.id AND template_version = NEW.version)); END;
CREATE TRIGGER templates_summary_delete AFTER DELETE ON templates
BEGIN DELETE FROM visit_summary WHERE school_id IN
    (SELECT school_id FROM visits WHERE template_id = OLD.id AND template_version = OLD.version); END;

CREATE TRIGGER settings_summary_insert AFTER INSERT ON settings WHEN NEW.key = 'min_coverage_percent'
BEGIN DELETE FROM visit_summary; END;
CREATE TRIGGER settings_summary_update AFTER UPDATE ON settings WHEN 'min_coverage_percent' IN (OLD.key, NEW.key)
BEGIN DELETE FROM visit_summary; END;
CREATE TRIGGER settings_summary_delete AFTER DELETE ON settings WHEN OLD.key = 'min_coverage_percent'
BEGIN DELETE FROM visit_summary; END;
