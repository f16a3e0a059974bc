-- Port roles decided at the collector (collector/members/roles.ts): the IXP's own ports (trunk, uplink,
-- service, from the switch's `roles` patterns) and LAGs from IF-MIB ifStackTable. A port with no row here is a
-- member port when a member owns it. Rewritten for a switch whenever its roles change. Additive only.
CREATE TABLE port_roles (
  switch      TEXT    NOT NULL,
  port        TEXT    NOT NULL,              -- interface name (ports.name)
  role        TEXT,                          -- trunk | uplink | service | lag-link | lag | NULL (by membership)
  lag         TEXT,                          -- a LAG link: its LAG's name
  counted     TEXT,                          -- a LAG: 'lag' (its own counters) or 'links' (its links summed)
  peer_switch TEXT,                          -- a trunk: the other end, when configured
  peer_port   TEXT,
  link_name   TEXT,
  why         TEXT    NOT NULL,              -- the rule that decided it
  updated_at  INTEGER NOT NULL,
  PRIMARY KEY (switch, port)
);
