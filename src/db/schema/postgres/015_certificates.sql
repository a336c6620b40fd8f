-- 015: electronic certificates (电子证照, issue 15). Issuers are the
-- departments with their unified social credit codes; a type (营业执照,
-- 不动产登记证明…) has its GB/T 36904 type code and is bound to the items and
-- processes whose approval issues it. Keys: the district's root and each
-- issuing department's, SM2, the private half encrypted under the keyring
-- (never stored here in the clear). A certificate keeps its canonical bytes
-- (data), the envelope its signature covers (the key fields and the data's SM3)
-- and the key that signed it.
CREATE TABLE cert_issuers (
  department TEXT PRIMARY KEY REFERENCES departments (code),
  credit_code TEXT NOT NULL UNIQUE          -- the issuer code of identifiers
);

CREATE TABLE cert_types (
  code TEXT PRIMARY KEY,                    -- "business-licence"
  name TEXT NOT NULL,                       -- 营业执照
  type_code TEXT NOT NULL UNIQUE,           -- the definer's credit code + 3 digits
  holder TEXT NOT NULL,                     -- "applicant" or "form:FIELD" (the holder's name)
  holder_id TEXT NOT NULL DEFAULT '',       -- "": the applicant's ID; "new-credit-code": a new entity's
  valid_years BIGINT NOT NULL DEFAULT 0,   -- 0: long-term (长期)
  issuer TEXT NOT NULL DEFAULT '',          -- the issuing department; '': the approving case's
  fields TEXT NOT NULL DEFAULT '{}',        -- JSON: the type's own fields, {label: "form:FIELD" | text}
  materials TEXT NOT NULL DEFAULT '[]'      -- JSON: the materials (by name) it stands for (免提交)
);

CREATE TABLE cert_type_items (
  item TEXT PRIMARY KEY,                    -- an item's code, or a process's code
  type TEXT NOT NULL REFERENCES cert_types (code)
);

CREATE TABLE cert_keys (
  kid TEXT PRIMARY KEY,                     -- 16 hex digits of SHA-256 over the certificate's DER
  owner TEXT NOT NULL,                      -- "root" or a department's code
  private_pem TEXT NOT NULL,                -- PKCS#8, AES-256-CBC under the keyring's passphrase
  cert_pem TEXT NOT NULL,
  created_ms BIGINT NOT NULL,
  not_after_ms BIGINT NOT NULL,
  retired_ms BIGINT,                       -- rotated: signs nothing more, still verifies
  compromised_ms BIGINT                    -- what it signed from then on is revoked
);
CREATE INDEX cert_keys_owner ON cert_keys (owner, created_ms);

CREATE TABLE cert_serials (
  department TEXT NOT NULL,
  type TEXT NOT NULL,
  year BIGINT NOT NULL,
  last BIGINT NOT NULL,
  PRIMARY KEY (department, type, year)
);

CREATE TABLE certificates (
  id TEXT PRIMARY KEY,                      -- the GB/T 36904 identifier
  type TEXT NOT NULL REFERENCES cert_types (code),
  name TEXT NOT NULL,
  number TEXT NOT NULL,                     -- the serial as printed (证照编号)
  version BIGINT NOT NULL,
  department TEXT NOT NULL,
  holder_user BIGINT REFERENCES users (id),
  holder_name TEXT NOT NULL,
  holder_id_type TEXT NOT NULL,             -- 111 resident ID, 001 credit code
  holder_id TEXT NOT NULL,                  -- personal data: masked in every view but the file
  subject_kind TEXT NOT NULL,               -- case or run
  subject TEXT NOT NULL,
  issued_ms BIGINT NOT NULL,
  valid_until TEXT NOT NULL,                -- "YYYY-MM-DD" or "长期"
  data TEXT NOT NULL,                       -- the certificate's canonical bytes
  envelope TEXT NOT NULL,                   -- what is signed: key fields and the data's SM3, canonical
  signature TEXT NOT NULL,                  -- base64 DER over the envelope
  qr TEXT NOT NULL,                         -- the QR code's payload: envelope, signature, key id
  kid TEXT NOT NULL REFERENCES cert_keys (kid),
  state TEXT NOT NULL DEFAULT 'issued',
  changed_ms BIGINT,
  reason TEXT,
  replaced_by TEXT
);
CREATE INDEX certificates_holder ON certificates (holder_user, issued_ms);
CREATE INDEX certificates_holder_id ON certificates (holder_id, type);
CREATE INDEX certificates_subject ON certificates (subject, subject_kind);
CREATE INDEX certificates_department ON certificates (department, issued_ms);
CREATE INDEX certificates_changed ON certificates (state, changed_ms);
CREATE INDEX certificates_kid ON certificates (kid, issued_ms);
CREATE UNIQUE INDEX cert_keys_current ON cert_keys (owner) WHERE retired_ms IS NULL;
