-- The local store: the record of every poll. Times are epoch milliseconds (UTC).
-- Rates are per second; bps = bits per second. Raw octet counters are decimal TEXT because
-- Counter64 exceeds SQLite's signed 64-bit INTEGER.

CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

-- One row per interface identity. A new row when an ifIndex starts naming another interface.
CREATE TABLE ports (
  id           INTEGER PRIMARY KEY,
  switch       TEXT    NOT NULL,
  if_index     INTEGER NOT NULL,
  name         TEXT    NOT NULL,          -- ifName (made unique per switch: 'Ethernet 0/1 (201335104)' when a name repeats)
  descr        TEXT    NOT NULL DEFAULT '',
  alias        TEXT    NOT NULL DEFAULT '', -- untrusted switch text
  if_type      INTEGER,
  speed_mbps   REAL,
  oper_status  INTEGER,
  admin_status INTEGER,
  first_seen   INTEGER NOT NULL,
  last_seen    INTEGER NOT NULL,
  UNIQUE (switch, if_index, name)
);
CREATE INDEX ports_by_name ON ports (switch, name);

-- One row per switch poll (ixp_poll).
CREATE TABLE polls (
  seq         INTEGER PRIMARY KEY AUTOINCREMENT,
  switch      TEXT    NOT NULL,
  t           INTEGER NOT NULL,   -- time of the response (or of the failure)
  duration_ms REAL    NOT NULL,
  ok          INTEGER NOT NULL,   -- 0/1
  ports       INTEGER NOT NULL,
  error       TEXT,
  sys_uptime  INTEGER,            -- centiseconds
  UNIQUE (switch, t)
);

-- One row per port per interval (ixp_port). A gap row has every rate NULL and `gap` set.
CREATE TABLE rates (
  seq          INTEGER PRIMARY KEY AUTOINCREMENT,
  port_id      INTEGER NOT NULL REFERENCES ports (id),
  t            INTEGER NOT NULL,  -- end of the interval
  interval     REAL    NOT NULL,  -- seconds between the two responses
  in_bps       REAL, out_bps REAL,
  in_pps       REAL, out_pps REAL,
  in_errors    REAL, out_errors REAL,
  in_discards  REAL, out_discards REAL,
  util_in      REAL, util_out REAL,
  oper_up      INTEGER NOT NULL,
  speed_mbps   REAL,
  in_octets    TEXT, out_octets TEXT, -- raw counters of the interval's end, exact
  gap          TEXT,                  -- GapReason, or NULL for a real rate
  UNIQUE (port_id, t)
);
CREATE INDEX rates_by_time ON rates (t);

-- The last complete Sample of each switch (JSON, bigints as strings): a restart resumes from it.
CREATE TABLE last_sample (
  switch TEXT PRIMARY KEY,
  t      INTEGER NOT NULL,
  json   TEXT    NOT NULL
);

-- Rollups (ixp_port_5m and coarser). res = window length in seconds: 300, 3600, 86400, or an
-- imported resolution (MRTG: 300, 1800, 7200, 86400). t = window start.
CREATE TABLE rollups (
  seq              INTEGER PRIMARY KEY AUTOINCREMENT,
  port_id          INTEGER NOT NULL REFERENCES ports (id),
  res              INTEGER NOT NULL,
  t                INTEGER NOT NULL,
  in_bps_avg       REAL, in_bps_max  REAL,
  out_bps_avg      REAL, out_bps_max REAL,
  in_pps_avg       REAL, out_pps_avg REAL,
  in_errors_avg    REAL, out_errors_avg REAL,
  in_discards_avg  REAL, out_discards_avg REAL,
  util_in_max      REAL, util_out_max REAL,
  oper_up_share    REAL,             -- share of covered time the port was up
  coverage         REAL    NOT NULL, -- share of the window covered by rates, 0..1
  source           TEXT    NOT NULL DEFAULT 'poll', -- 'poll' | 'mrtg' | 'demo'
  UNIQUE (port_id, res, t)
);
CREATE INDEX rollups_by_time ON rollups (res, t);

-- Forwarding cursors: the highest seq of each table InfluxDB acknowledged.
CREATE TABLE cursors (
  name TEXT PRIMARY KEY,   -- 'rates' | 'rollups' | 'polls'
  seq  INTEGER NOT NULL
);
