-- The language a person chose for the pages and their e-mails ('fr' or 'en'); NULL until they
-- choose, when the browser's language (else French) is used.
ALTER TABLE users ADD COLUMN language TEXT CHECK (language IN ('fr', 'en'));
