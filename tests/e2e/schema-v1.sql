-- A database of schema 1 (tally before issue 13), one document and its claim, as
-- sqlite3 .dump wrote it; tests/e2e/robust.sh checks that tally migrates it.
PRAGMA application_id = 1413565529;
PRAGMA user_version = 1;
PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE documents (  id INTEGER PRIMARY KEY,  key TEXT NOT NULL UNIQUE,  name TEXT NOT NULL,  url TEXT, title TEXT, outlet TEXT,  date TEXT,  revised TEXT,  origin TEXT,  hash TEXT NOT NULL,  body TEXT NOT NULL,  curated INTEGER NOT NULL DEFAULT 0 CHECK (curated IN (0, 1)),  ingested_at TEXT NOT NULL,  updated_at TEXT NOT NULL) STRICT;
INSERT INTO documents VALUES(1,'file:/tmp/v1doc.txt','v1doc',NULL,'A test',NULL,'2024-03-01',NULL,'v1doc.txt','dbf828a670f3adba997046300dc53228538fa8502f47e374fbb706f2b096d8c3',replace('North Korea has sent about 6,700 containers of munitions to Russia, the South Korean defence ministry said.\n','\n',char(10)),0,'2026-12-07T06:15:02Z','2026-12-07T06:15:02Z');
CREATE TABLE sources (  id INTEGER PRIMARY KEY,  name TEXT NOT NULL UNIQUE COLLATE NOCASE,  country TEXT,  kind TEXT NOT NULL CHECK (kind IN ('government', 'intelligence', 'official', 'outlet',                                     'think-tank', 'author', 'other'))) STRICT;
INSERT INTO sources VALUES(1,'South Korean defence ministry','KOR','government');
CREATE TABLE claims (  id INTEGER PRIMARY KEY,  doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,  sentence_start INTEGER, sentence_end INTEGER,  start INTEGER, end INTEGER,  text TEXT,  kind TEXT NOT NULL,  supplier TEXT, recipient TEXT,  items INTEGER NOT NULL,  item TEXT NOT NULL,  caliber_mm REAL,  unit TEXT NOT NULL,  low REAL, high REAL,  qualifier TEXT NOT NULL,  since TEXT, as_of TEXT,  stated TEXT,  date TEXT,  source_id INTEGER NOT NULL REFERENCES sources(id),  source_detail TEXT,  source_written TEXT,  hedged INTEGER NOT NULL CHECK (hedged IN (0, 1)),  note TEXT) STRICT;
INSERT INTO claims VALUES(1,1,0,107,21,43,'about 6,700 containers','transfer','PRK','RUS',1,'munitions',NULL,'container',6700.0,NULL,'about',NULL,NULL,'2024-03-01','2024-03-01',1,NULL,'South Korean defence ministry',0,NULL);
CREATE TABLE claim_items (  item TEXT NOT NULL,  date TEXT NOT NULL,  claim_id INTEGER NOT NULL,  PRIMARY KEY (item, date, claim_id)) STRICT, WITHOUT ROWID;
INSERT INTO claim_items VALUES('munitions','2024-03-01',1);
CREATE INDEX documents_name ON documents(name);
CREATE INDEX documents_url ON documents(url);
CREATE INDEX documents_hash ON documents(hash);
CREATE INDEX claims_doc ON claims(doc_id);
CREATE INDEX claims_pair ON claims(supplier, recipient, date);
CREATE INDEX claims_supplier ON claims(supplier, date);
CREATE INDEX claims_recipient ON claims(recipient, date);
CREATE INDEX claims_kind ON claims(kind, date);
CREATE INDEX claims_source ON claims(source_id, date);
CREATE INDEX claims_date ON claims(date);
COMMIT;
