-- Figures computed at the collector (issue 11): member and IXP windows, month figures, and the outbox that
-- forwards them with the metadata. asn 0 is the IXP as a whole.
-- One row per member (asn > 0) and for the IXP (asn 0) per closed window.
CREATE TABLE member_windows (
  asn      INTEGER NOT NULL,
  t        INTEGER NOT NULL,   -- window start, epoch ms
  res      INTEGER NOT NULL,   -- 300; 1800/7200/86400 for imported (MRTG) history where no 5-minute row exists
  in_bps   REAL,               -- Σ over the member's ports present of their window average (null: none measured)
  out_bps  REAL,
  coverage REAL    NOT NULL,   -- mean coverage of the ports present, 0..1 (as readers/sqlite.ts memberWindows today)
  ports    INTEGER NOT NULL,   -- ports present in the window
  max_util REAL,               -- highest max(util_in_max, util_out_max) of its ports in the window (0..1), null unknown
  PRIMARY KEY (asn, t)
) WITHOUT ROWID;

-- One row per member (asn > 0) and for the IXP (asn 0) per calendar month (the IXP's time zone).
CREATE TABLE member_months (
  month       TEXT    NOT NULL,  -- 'YYYY-MM'
  asn         INTEGER NOT NULL,
  complete    INTEGER NOT NULL,  -- 1 once the month is over (final), 0 while it runs ("so far")
  computed_at INTEGER NOT NULL,  -- the `now` the figures were computed at (end of the last closed window), epoch ms
  json        TEXT    NOT NULL,  -- MonthRow below, JSON
  PRIMARY KEY (month, asn)
) WITHOUT ROWID;

-- What the collector forwards of these (and of the metadata): an outbox of pointers, in order. Rows at or below the
-- 'figures' cursor may be deleted by retention. kind: 'window' (asn,t) | 'month' (asn, month in `key`) |
-- 'delete-windows' (asn or NULL = all, [t, t_to)) | 'delete-months' (asn or NULL, [t, t_to)) | 'meta'.
CREATE TABLE figures_outbox (
  seq  INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT    NOT NULL,
  asn  INTEGER,
  t    INTEGER,
  t_to INTEGER,
  key  TEXT
);
