-- Schema 6: a push to the district hub reads this device's rows changed
-- since its last push by their clock; without an index every push scanned
-- every answer of the district.
CREATE INDEX answers_hlc ON answers(hlc);
CREATE INDEX feedback_hlc ON feedback(hlc);
CREATE INDEX photos_hlc ON photos(hlc);
CREATE INDEX visit_rooms_hlc ON visit_rooms(hlc);
