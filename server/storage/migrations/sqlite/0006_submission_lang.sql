-- The language a form was filled in (its labels and options were shown in
-- it); empty for submissions made before languages were recorded.
ALTER TABLE submissions ADD COLUMN lang TEXT NOT NULL DEFAULT '';
