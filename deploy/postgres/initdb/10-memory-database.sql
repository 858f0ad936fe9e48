-- Run once by the postgres image on an empty data volume (docker-compose.yml): the memory service keeps its sessions,
-- idempotency keys and audit in a database of its own beside the ledger (both migrate their schema at start).
CREATE DATABASE memory OWNER pixelated;
