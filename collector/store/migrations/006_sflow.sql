-- sFlow peer-to-peer matrix (collector/sflow): per 5-minute window (t = window start, epoch ms, by the
-- collector's arrival time of the datagrams) and switch, the renormalised bytes and packets from one
-- member to another per IP version, with the samples behind each row (its error is about 1/sqrt(samples)).
-- src/dst are member labels ('AS65001') or 'unknown' for MACs no source maps. Forwarded as ixp_p2p_5m.
CREATE TABLE p2p (
  seq      INTEGER PRIMARY KEY AUTOINCREMENT,
  t        INTEGER NOT NULL,
  switch   TEXT    NOT NULL,
  src      TEXT    NOT NULL,
  dst      TEXT    NOT NULL,
  ip       TEXT    NOT NULL CHECK (ip IN ('ipv4', 'ipv6', 'other')),
  bytes    INTEGER NOT NULL,
  packets  INTEGER NOT NULL,
  samples  INTEGER NOT NULL,
  UNIQUE (t, switch, src, dst, ip)
);
CREATE INDEX p2p_by_time ON p2p (t);

-- One row per window and switch: what the receiver saw, so every figure can state its coverage.
CREATE TABLE p2p_windows (
  t              INTEGER NOT NULL,
  switch         TEXT    NOT NULL,
  datagrams      INTEGER NOT NULL,
  samples        INTEGER NOT NULL,
  dropped        INTEGER NOT NULL,
  not_ingress    INTEGER NOT NULL,
  no_frame       INTEGER NOT NULL,
  -- Lowest and highest sampling_rate of the window's samples (1:N).
  rate_min       INTEGER,
  rate_max       INTEGER,
  PRIMARY KEY (t, switch)
);
