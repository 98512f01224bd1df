-- The language of the pages a person last signed in with ('fr' or 'en'), from their browser or the
-- switch. Their notices and e-mails are written in the language they chose (`language`), else in
-- this one, else in French.
ALTER TABLE users ADD COLUMN seen_language TEXT CHECK (seen_language IN ('fr', 'en'));
