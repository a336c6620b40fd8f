-- 存量证照电子化: a converted licence's holder is found by the account carrying its ID number
-- (and name); its paper (subject_kind 'paper', subject its number) by certificates_subject.
CREATE INDEX users_id_number ON users (id_number) WHERE id_number IS NOT NULL;
