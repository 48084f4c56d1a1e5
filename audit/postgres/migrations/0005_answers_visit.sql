-- Hub schema 5: answers by visit. A pull in batches reads each batch's
-- answers, and its findings' actions and status history, by visit; with
-- no index on the visit (its unique key went in schema 2) every batch
-- read the whole answers table, twice.
CREATE INDEX answers_visit ON techwalk.answers(visit_id);
