-- What Guichet itself wrote on a timeline step (an amendment, a quota ended early, the clock),
-- as a message and its values in JSON (domain/step_words.rs), so that each reader gets it in
-- their language; `note` keeps the English for the API. NULL on the steps people wrote.
ALTER TABLE request_events ADD COLUMN words TEXT;
