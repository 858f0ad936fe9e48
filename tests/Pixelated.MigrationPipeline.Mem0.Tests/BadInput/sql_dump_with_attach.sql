BEGIN TRANSACTION;
CREATE TABLE messages (id TEXT PRIMARY KEY, session_scope TEXT, role TEXT, content TEXT, name TEXT, created_at DATETIME);
ATTACH DATABASE '/tmp/evil.db' AS evil;
INSERT INTO messages VALUES ('m1','user_id=u1','user','SECRET it''s ok; really',NULL,'2026-05-01T10:00:00+00:00');
COMMIT;
