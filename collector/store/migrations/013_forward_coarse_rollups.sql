-- The hourly and daily rollups of polled data are forwarded from now on (ixp_port_1h, ixp_port_1d), so that a central
-- dashboard draws a port's month or year from 720 or 365 points rather than every 5-minute one. Until now they stayed
-- home and had no rollup_log entries: one entry per port and resolution names the history already stored, and the
-- forwarder sends it once, after what was waiting before this migration. Imported MRTG days are sent again with them
-- (same points, same values: InfluxDB keeps one).
INSERT INTO rollup_log (switch, port_id, res, t_from, t_to, rows)
  SELECT p.switch, r.port_id, r.res, min(r.ts) * 1000, max(r.ts) * 1000 + 1, count(*)
  FROM ports p JOIN rollup_rows r ON r.port_id = p.id AND r.res IN (3600, 86400)
  GROUP BY r.port_id, r.res
  ORDER BY r.res DESC, r.port_id;
