-- Latency probes (collector/latency): one row per fping round and target, one row per round, and
-- hourly rollups per target. Times are epoch milliseconds (UTC); RTTs are milliseconds.
-- Additive only: no other table changes.

-- One row per round and target (ixp_latency). rtts: the RTTs that came back, sorted (JSON array), the "smoke".
CREATE TABLE latency (
  seq        INTEGER PRIMARY KEY AUTOINCREMENT,
  t          INTEGER NOT NULL,  -- start of the round
  target     TEXT    NOT NULL,  -- literal address probed
  kind       TEXT    NOT NULL,  -- 'member' | 'international' | 'local'
  name       TEXT    NOT NULL,  -- the reference's name, or the member's name (untrusted text)
  member_asn INTEGER,           -- members' routers only
  sent       INTEGER NOT NULL,
  received   INTEGER NOT NULL,
  loss       REAL    NOT NULL,  -- 0..1
  median_ms  REAL, min_ms REAL, max_ms REAL, -- NULL when nothing came back
  rtts       TEXT    NOT NULL,
  UNIQUE (target, t)
);
CREATE INDEX latency_by_time ON latency (t);
CREATE INDEX latency_by_member ON latency (member_asn, t);

-- One row per round: whether fping ran, and how long it took.
CREATE TABLE latency_rounds (
  t           INTEGER PRIMARY KEY,
  duration_ms REAL    NOT NULL,
  ok          INTEGER NOT NULL,  -- 0/1
  targets     INTEGER NOT NULL,
  error       TEXT
);

-- Hourly rollups per target (t = start of the hour), recomputed from the hour's rounds after each round.
-- median/p10/p90 are over every RTT of the hour; loss over every ping sent.
CREATE TABLE latency_hourly (
  target     TEXT    NOT NULL,
  t          INTEGER NOT NULL,
  kind       TEXT    NOT NULL,
  name       TEXT    NOT NULL,
  member_asn INTEGER,
  rounds     INTEGER NOT NULL,
  sent       INTEGER NOT NULL,
  received   INTEGER NOT NULL,
  median_ms  REAL, p10_ms REAL, p90_ms REAL, min_ms REAL, max_ms REAL,
  PRIMARY KEY (target, t)
);
CREATE INDEX latency_hourly_by_time ON latency_hourly (t);
