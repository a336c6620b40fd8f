-- 010: who uploaded each material (issue 18, finding 10). A content is stored
-- once however many upload it, but each uploader has an upload of their own:
-- only its uploader attaches a material to a case or reads it outside one;
-- inside a case, those who may read the case read its materials.
CREATE TABLE material_uploads (
  user_id INTEGER NOT NULL REFERENCES users (id),
  sha256 TEXT NOT NULL REFERENCES materials (sha256),
  created_ms BIGINT NOT NULL,
  PRIMARY KEY (user_id, sha256)
);
INSERT INTO material_uploads (user_id, sha256, created_ms)
  SELECT uploader, sha256, created_ms FROM materials WHERE uploader IS NOT NULL;
