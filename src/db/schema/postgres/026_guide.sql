-- 智能导服: the synonym table (colloquial phrase → the catalog's words; the administrator
-- edits it as one list) and the questions the guide could not answer (masked, one row per
-- question, counted), for the administrator.
CREATE TABLE guide_synonyms (
  phrase TEXT PRIMARY KEY,
  terms TEXT NOT NULL,
  updated_ms BIGINT NOT NULL
);
CREATE TABLE guide_unanswered (
  question TEXT PRIMARY KEY,
  channel TEXT NOT NULL,
  asked BIGINT NOT NULL,
  first_ms BIGINT NOT NULL,
  last_ms BIGINT NOT NULL
);
CREATE INDEX guide_unanswered_asked ON guide_unanswered (asked DESC, last_ms DESC);
-- the guide's index is remade when the catalog changes: its version (counts and the latest
-- edit) is read on every question, from these indexes rather than from every row
CREATE INDEX items_updated ON items (updated_ms);
CREATE INDEX processes_updated ON processes (updated_ms);
CREATE INDEX guide_synonyms_updated ON guide_synonyms (updated_ms);
