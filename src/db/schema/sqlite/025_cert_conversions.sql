-- 存量证照电子化: the conversions by type and department from their own partial index (a
-- converted licence's paper, subject_kind 'paper' and its number, by certificates_subject;
-- its holder's verified account by users_verified_identity).
CREATE INDEX certificates_paper ON certificates (type, department, issued_ms) WHERE subject_kind = 'paper';
-- a year's certificates counted (the year report) without reading every certificate
CREATE INDEX certificates_issued ON certificates (issued_ms);
CREATE INDEX certificates_type_issued ON certificates (type, issued_ms);
