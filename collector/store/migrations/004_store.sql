-- Store bookkeeping (store helper): where each switch's rollups stand, and indexes for retention
-- and status. Additive only: 001's tables keep their columns and meanings.

-- The start of the next window not yet rolled up, per switch and resolution (epoch ms).
-- A window is written once, when a sample at or after its end has been stored.
CREATE TABLE rollup_marks (
  switch TEXT    NOT NULL,
  res    INTEGER NOT NULL,
  next_t INTEGER NOT NULL,
  PRIMARY KEY (switch, res)
);

CREATE INDEX polls_by_time ON polls (t);
CREATE INDEX polls_by_switch ON polls (switch, t);
