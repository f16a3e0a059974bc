-- The member registry (collector/members): members with the source of each value, and which switch
-- port belonged to which member when, so that history stays attributed after members join or leave.
-- Sources: 'config' | 'ixf' | 'peeringdb' | 'ifalias' | 'ixf+ifalias' | 'default'. Times: epoch ms UTC.

CREATE TABLE IF NOT EXISTS members (
  asn                     INTEGER PRIMARY KEY,
  name                    TEXT    NOT NULL,
  name_source             TEXT    NOT NULL,
  category                TEXT    NOT NULL,
  category_source         TEXT    NOT NULL,
  buys_transit            INTEGER,          -- 0/1, NULL: by category
  buys_transit_source     TEXT,
  transit_price_per_mbps  REAL,             -- NULL: the IXP's price
  transit_price_source    TEXT,
  port_fee_per_month      REAL,
  port_fee_source         TEXT,
  joined_date             TEXT,             -- YYYY-MM-DD
  joined_source           TEXT,
  left_date               TEXT,
  left_source             TEXT,
  url                     TEXT,             -- untrusted text from the IX-F export
  updated_at              INTEGER NOT NULL
);

-- A port attributed to a member from valid_from (NULL: since always) until valid_to (NULL: still).
CREATE TABLE IF NOT EXISTS member_ports (
  id          INTEGER PRIMARY KEY,
  asn         INTEGER NOT NULL,
  switch      TEXT    NOT NULL,
  port        TEXT    NOT NULL,             -- ifName
  valid_from  INTEGER,
  valid_to    INTEGER,
  source      TEXT    NOT NULL
);
CREATE INDEX IF NOT EXISTS member_ports_by_port ON member_ports (switch, port);

-- One row per `ixmeter members import`: what was read, and its warnings and unmapped ports (JSON).
CREATE TABLE IF NOT EXISTS member_imports (
  id        INTEGER PRIMARY KEY,
  t         INTEGER NOT NULL,
  ixf       TEXT,
  peeringdb TEXT,
  members   INTEGER NOT NULL,
  report    TEXT    NOT NULL
);
