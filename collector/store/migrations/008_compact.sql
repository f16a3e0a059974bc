-- Compact history (issue 11, a Pi's SD card): the rollups move into a table clustered on the key the readers use,
-- with compact values, and `rollups` becomes a view with 001's columns and meanings (readers keep reading it).
-- Converts in place and loses no row. Precision (documented in collector/store/rollupRows.ts, which writes the same
-- encoding): bps to 8 bit/s (stored as bytes/s), pps to 0.01 packet/s, utilisation to 1e-4 (0.01 %); errors,
-- discards, oper_up_share, coverage and source exactly.

-- One row per port, resolution and window (ts = window start in epoch seconds: windows start on whole seconds, and
-- seconds take 4 bytes where milliseconds take 6). No rowid and no other index: the primary key (what every reader
-- asks: a port, a resolution, a time range) is the table. Integers take 0-6 bytes (0 and 1 none).
CREATE TABLE rollup_rows (
  port_id       INTEGER NOT NULL REFERENCES ports (id),
  res           INTEGER NOT NULL,
  ts            INTEGER NOT NULL,
  in_bytes_avg  INTEGER, out_bytes_avg INTEGER,   -- bytes per second (bps / 8), rounded
  in_bytes_max  INTEGER, out_bytes_max INTEGER,   -- highest, bytes per second, rounded
  in_pps_x100   INTEGER, out_pps_x100 INTEGER,    -- packets per second x 100, rounded
  util_in_bp    INTEGER, util_out_bp INTEGER,     -- highest utilisation in basis points (x 10000), rounded
  coverage      REAL    NOT NULL,                 -- share of the window covered by rates, 0..1, exact (1: no byte)
  PRIMARY KEY (port_id, res, ts)
) WITHOUT ROWID;

-- The exceptions, exact: a window whose errors or discards are not all 0, whose port was not up all the covered time
-- (oper_up_share not 1), whose values are unknown (NULL: imported history), or whose source is not the collector's
-- polls. No row: errors and discards 0, oper_up_share 1, source poll.
CREATE TABLE rollup_health (
  port_id          INTEGER NOT NULL,
  res              INTEGER NOT NULL,
  ts               INTEGER NOT NULL,
  in_errors_avg    REAL, out_errors_avg REAL,
  in_discards_avg  REAL, out_discards_avg REAL,
  oper_up_share    REAL,
  source           INTEGER NOT NULL,   -- 0 poll, 1 mrtg, 2 demo
  PRIMARY KEY (port_id, res, ts)
) WITHOUT ROWID;

-- The order rollups were written in, for the forwarder (its cursor): one row per write of windows [t_from, t_to) at
-- `res` of one port (port_id) or of every port of a switch (port_id NULL). The forwarder sends an entry's rows by
-- (port_id, t) and its cursor is (seq, port_id, t) of the last row InfluxDB acknowledged. Forwarded entries are
-- deleted by retention.
CREATE TABLE rollup_log (
  seq     INTEGER PRIMARY KEY AUTOINCREMENT,
  switch  TEXT    NOT NULL,
  port_id INTEGER,
  res     INTEGER NOT NULL,
  t_from  INTEGER NOT NULL,
  t_to    INTEGER NOT NULL,
  rows    INTEGER NOT NULL    -- rows this write stored (the backlog without a count over the table)
);

-- A position inside a rollup_log entry (rollups only; NULL for the tables whose seq is a row's own).
ALTER TABLE cursors ADD COLUMN port_id INTEGER;
ALTER TABLE cursors ADD COLUMN t INTEGER;

INSERT INTO rollup_rows (port_id, res, ts, in_bytes_avg, out_bytes_avg, in_bytes_max, out_bytes_max, in_pps_x100, out_pps_x100,
    util_in_bp, util_out_bp, coverage)
  SELECT port_id, res, t / 1000, round(in_bps_avg / 8.0), round(out_bps_avg / 8.0), round(in_bps_max / 8.0), round(out_bps_max / 8.0),
    round(in_pps_avg * 100), round(out_pps_avg * 100), round(util_in_max * 10000), round(util_out_max * 10000), coverage
  FROM rollups ORDER BY port_id, res, t;

INSERT INTO rollup_health (port_id, res, ts, in_errors_avg, out_errors_avg, in_discards_avg, out_discards_avg, oper_up_share, source)
  SELECT port_id, res, t / 1000, in_errors_avg, out_errors_avg, in_discards_avg, out_discards_avg, oper_up_share,
    CASE source WHEN 'poll' THEN 0 WHEN 'mrtg' THEN 1 WHEN 'demo' THEN 2 END
  FROM rollups
  WHERE NOT (in_errors_avg IS 0 AND out_errors_avg IS 0 AND in_discards_avg IS 0 AND out_discards_avg IS 0 AND oper_up_share IS 1
    AND source = 'poll')
  ORDER BY port_id, res, t;

-- What the forwarder had not yet sent (rows after the old seq cursor, or every row when it never started) becomes one
-- log entry per port and resolution, in the order of each series' first unsent row. An entry spans its series'
-- unsent rows; a sent row inside that span is sent again, an identical point that InfluxDB overwrites.
INSERT INTO rollup_log (switch, port_id, res, t_from, t_to, rows)
  SELECT p.switch, r.port_id, r.res, min(r.t), max(r.t) + 1, count(*)
  FROM rollups r JOIN ports p ON p.id = r.port_id
  WHERE r.seq > coalesce((SELECT seq FROM cursors WHERE name = 'rollups'), 0) AND (r.res = 300 OR r.source = 'mrtg')
  GROUP BY r.port_id, r.res
  ORDER BY min(r.seq);
UPDATE cursors SET seq = 0, port_id = NULL, t = NULL WHERE name = 'rollups';

DROP TABLE rollups;

-- 001's rollups, decoded: every reader of `rollups` reads the same columns in the same units, plus `ts` (the window
-- start in seconds, the stored key): a reader that filters or orders by time uses `ts`, so that SQLite seeks the
-- primary key (a condition on the computed `t` is right but reads every row of the port).
CREATE VIEW rollups AS
  SELECT r.port_id, r.res, r.ts * 1000 AS t, r.ts,
    r.in_bytes_avg * 8.0 AS in_bps_avg, r.in_bytes_max * 8.0 AS in_bps_max,
    r.out_bytes_avg * 8.0 AS out_bps_avg, r.out_bytes_max * 8.0 AS out_bps_max,
    r.in_pps_x100 / 100.0 AS in_pps_avg, r.out_pps_x100 / 100.0 AS out_pps_avg,
    CASE WHEN h.ts IS NULL THEN 0.0 ELSE h.in_errors_avg END AS in_errors_avg,
    CASE WHEN h.ts IS NULL THEN 0.0 ELSE h.out_errors_avg END AS out_errors_avg,
    CASE WHEN h.ts IS NULL THEN 0.0 ELSE h.in_discards_avg END AS in_discards_avg,
    CASE WHEN h.ts IS NULL THEN 0.0 ELSE h.out_discards_avg END AS out_discards_avg,
    r.util_in_bp / 10000.0 AS util_in_max, r.util_out_bp / 10000.0 AS util_out_max,
    CASE WHEN h.ts IS NULL THEN 1.0 ELSE h.oper_up_share END AS oper_up_share,
    r.coverage,
    CASE WHEN h.ts IS NULL THEN 'poll' ELSE CASE h.source WHEN 0 THEN 'poll' WHEN 1 THEN 'mrtg' WHEN 2 THEN 'demo' END END AS source
  FROM rollup_rows r LEFT JOIN rollup_health h ON h.port_id = r.port_id AND h.res = r.res AND h.ts = r.ts;

-- Writing into the view stores the same encoding (tools, fixtures; the collector's own writers use rollupRows.ts).
-- INSERT OR IGNORE INTO rollups ignores a window already stored, as it did on the table. The forwarder sends only
-- what a rollup_log entry names: a writer that wants its rows forwarded adds one (collector/store/rollupRows.ts).
CREATE TRIGGER rollups_insert INSTEAD OF INSERT ON rollups
BEGIN
  SELECT RAISE(ABORT, 'rollups: source must be poll, mrtg or demo') WHERE coalesce(NEW.source, 'poll') NOT IN ('poll', 'mrtg', 'demo');
  SELECT RAISE(ABORT, 'rollups: t must be epoch ms on a whole second') WHERE NEW.t % 1000 != 0;
  INSERT INTO rollup_health (port_id, res, ts, in_errors_avg, out_errors_avg, in_discards_avg, out_discards_avg, oper_up_share, source)
    SELECT NEW.port_id, NEW.res, NEW.t / 1000, NEW.in_errors_avg, NEW.out_errors_avg, NEW.in_discards_avg, NEW.out_discards_avg, NEW.oper_up_share,
      CASE coalesce(NEW.source, 'poll') WHEN 'poll' THEN 0 WHEN 'mrtg' THEN 1 ELSE 2 END
    WHERE NOT (NEW.in_errors_avg IS 0 AND NEW.out_errors_avg IS 0 AND NEW.in_discards_avg IS 0 AND NEW.out_discards_avg IS 0
        AND NEW.oper_up_share IS 1 AND coalesce(NEW.source, 'poll') = 'poll')
      AND NOT EXISTS (SELECT 1 FROM rollup_rows x WHERE x.port_id = NEW.port_id AND x.res = NEW.res AND x.ts = NEW.t / 1000);
  INSERT INTO rollup_rows (port_id, res, ts, in_bytes_avg, out_bytes_avg, in_bytes_max, out_bytes_max, in_pps_x100, out_pps_x100,
      util_in_bp, util_out_bp, coverage)
    VALUES (NEW.port_id, NEW.res, NEW.t / 1000, round(NEW.in_bps_avg / 8.0), round(NEW.out_bps_avg / 8.0), round(NEW.in_bps_max / 8.0),
      round(NEW.out_bps_max / 8.0), round(NEW.in_pps_avg * 100), round(NEW.out_pps_avg * 100),
      round(NEW.util_in_max * 10000), round(NEW.util_out_max * 10000), NEW.coverage);
END;

-- Raw rates: the index on time served only retention, which now deletes by seq (rows are written in time order).
DROP INDEX rates_by_time;
