-- 智能导服: how people ask for an item or a process in their own words (常见问法), indexed as
-- a field of the entry; shipped in data/guide/asked.json, loaded into an empty table.
CREATE TABLE guide_asked (
  code TEXT NOT NULL,
  question TEXT NOT NULL,
  updated_ms BIGINT NOT NULL,
  PRIMARY KEY (code, question)
);
CREATE INDEX guide_asked_updated ON guide_asked (updated_ms);
