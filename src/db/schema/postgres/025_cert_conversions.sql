-- 存量证照电子化: a converted licence's holder is found by the account carrying its ID number
-- (and name); its paper (subject_kind 'paper', subject its number) by certificates_subject;
-- the conversions by type and department from their own partial index.
CREATE INDEX users_id_number ON users (id_number) WHERE id_number IS NOT NULL;
CREATE INDEX certificates_paper ON certificates (type, department, issued_ms) WHERE subject_kind = 'paper';
-- a year's certificates counted (the year report) without reading every certificate
CREATE INDEX certificates_issued ON certificates (issued_ms);
CREATE INDEX certificates_type_issued ON certificates (type, issued_ms);
