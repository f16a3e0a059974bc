-- p2p_windows gains a seq (AUTOINCREMENT, never reused), so the forwarder can keep a cursor over it and send each
-- window's coverage as ixp_p2p_window: a central dashboard then states windows, samples and sampling rates as the
-- local one does. Numbered 012 (issue 12) to stay clear of the numbers other branches take. Rows keep their order.
CREATE TABLE p2p_windows_seq (
  seq            INTEGER PRIMARY KEY AUTOINCREMENT,
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
  UNIQUE (t, switch)
);
INSERT INTO p2p_windows_seq (t, switch, datagrams, samples, dropped, not_ingress, no_frame, rate_min, rate_max)
  SELECT t, switch, datagrams, samples, dropped, not_ingress, no_frame, rate_min, rate_max FROM p2p_windows ORDER BY t, switch;
DROP TABLE p2p_windows;
ALTER TABLE p2p_windows_seq RENAME TO p2p_windows;
CREATE INDEX p2p_windows_by_time ON p2p_windows (t);
