-- Each member port's month (issue 11): its billable P95, highest utilisation and coverage, by owner, for capacity
-- forecasts and the members table; and per month (switch = '' and port = '') the IXP's rollup sources and the
-- 5-minute windows with a good poll (the poll log is kept 35 days; the month's count is kept here for good).
-- Written by collector/store/portMonths.ts; merged into member_months rows (their `ports`, `sources`, `pollWindows`).
CREATE TABLE port_months (
  month  TEXT    NOT NULL,  -- 'YYYY-MM' in the IXP's time zone
  switch TEXT    NOT NULL,
  port   TEXT    NOT NULL,
  asn    INTEGER NOT NULL,  -- the member that had the port (a port that changed hands in the month has a row each); 0 for the month's own row
  json   TEXT    NOT NULL,
  PRIMARY KEY (month, switch, port, asn)
) WITHOUT ROWID;
