-- 外商投资准入负面清单: each edition of the national negative list, stored whole (its
-- measures with their GB/T 4754 codes and conditions); the edition in force on a day is the
-- newest whose effective date (YYYY-MM-DD) has come.
CREATE TABLE fdi_editions (
  edition TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  effective TEXT NOT NULL,
  doc TEXT NOT NULL,
  updated_ms BIGINT NOT NULL
);
CREATE INDEX fdi_editions_effective ON fdi_editions (effective);
