-- 011: composite processes (一件事一次办, issue 13): a definition joins catalog
-- items as its parts (core/process/process.h). The document is stored as
-- given; name and status beside it for lists.
CREATE TABLE processes (
  code TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  doc TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'retired')),
  updated_ms BIGINT NOT NULL
);
