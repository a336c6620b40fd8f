-- 009: an applicant's identity is verified before anything the hall recorded is
-- linked to it (issue 18, finding 1). A clerk checks the ID card (or a
-- business's licence) at a window against the account: verified_ms is when,
-- verified_by who. One verified account per ID number; registering an
-- unverified one with somebody else's number gains nothing. A disabled account
-- (one taken over, say) frees its number for the person's new one.
ALTER TABLE users ADD COLUMN verified_ms BIGINT;
ALTER TABLE users ADD COLUMN verified_by TEXT;
CREATE UNIQUE INDEX users_verified_identity ON users (id_number) WHERE verified_ms IS NOT NULL AND disabled = 0;
