#!/usr/bin/env bash
# Creates (or brings up to date) the ixmeter database, its retention policy and two users on
# InfluxDB 1.x, through the HTTP /query API (InfluxQL), so only curl is needed. Safe to run again.
# Never prints the passwords.
#
#   INFLUX_URL=http://127.0.0.1:8086 \
#   INFLUX_ADMIN_USER=admin INFLUX_ADMIN_PASSWORD_FILE=/root/influx-admin \   # when auth is enabled
#   IXMETER_WRITER_PASSWORD_FILE=/etc/ixmeter/secrets/influx-writer \
#   IXMETER_READER_PASSWORD_FILE=/etc/ixmeter/secrets/influx-reader \
#   deploy/influxdb/setup-v1.sh
#
# Database:  ixmeter (INFLUX_DB)            retention policy: ixmeter_5y (INFLUX_RP), 1826 days, default
# Users:     ixmeter_writer (WRITE, the collectors' influxdb.username)
#            ixmeter_reader (READ, the central dashboard's influxdb.username)
set -euo pipefail

URL=${INFLUX_URL:-http://127.0.0.1:8086}
DB=${INFLUX_DB:-ixmeter}
RP=${INFLUX_RP:-ixmeter_5y}
DURATION=${INFLUX_RP_DURATION:-1826d}
SHARD=${INFLUX_SHARD_DURATION:-7d}
WRITER=${IXMETER_WRITER_USER:-ixmeter_writer}
READER=${IXMETER_READER_USER:-ixmeter_reader}

die() { echo "setup-v1: $*" >&2; exit 1; }
secret() { # secret NAME_OF_FILE_VARIABLE -> file content without trailing newline
  local f=${!1:-}
  [ -n "$f" ] || return 0
  [ -r "$f" ] || die "cannot read $1=$f"
  tr -d '\n' < "$f"
}
ident() { [[ $1 =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || die "not a plain identifier: $1"; }
ident "$DB"; ident "$RP"; ident "$WRITER"; ident "$READER"
[[ $DURATION =~ ^[0-9]+[hdw]$|^INF$ ]] || die "INFLUX_RP_DURATION must be like 1826d or INF (got $DURATION)"
[[ $SHARD =~ ^[0-9]+[hdw]$ ]] || die "INFLUX_SHARD_DURATION must be like 7d (got $SHARD)"

ADMIN_PW=$(secret INFLUX_ADMIN_PASSWORD_FILE)
auth=()
if [ -n "${INFLUX_ADMIN_USER:-}" ]; then
  # curl reads the credentials from stdin-free config so they never appear in `ps`.
  auth=(--config <(printf 'user = "%s:%s"\n' "$INFLUX_ADMIN_USER" "$ADMIN_PW"))
fi

# q STATEMENT: POST one InfluxQL statement; fails on an HTTP or InfluxQL error. Prints the JSON.
q() {
  local out
  out=$(curl -sS --fail-with-body "${auth[@]}" -XPOST "$URL/query" --data-urlencode "q=$1") || die "InfluxDB at $URL: ${out:-no answer} (statement: ${2:-$1})"
  if grep -q '"error"' <<<"$out"; then die "InfluxDB: $(grep -o '"error":"[^"]*"' <<<"$out" | head -1) (statement: ${2:-$1})"; fi
  printf '%s' "$out"
}
sq() { printf "'%s'" "${1//\'/\\\'}"; } # InfluxQL string literal

curl -sS -o /dev/null "$URL/ping" || die "no InfluxDB answers at $URL"

q "CREATE DATABASE \"$DB\"" >/dev/null
if q "SHOW RETENTION POLICIES ON \"$DB\"" | grep -q "\"$RP\""; then
  q "ALTER RETENTION POLICY \"$RP\" ON \"$DB\" DURATION $DURATION SHARD DURATION $SHARD DEFAULT" >/dev/null
  echo "retention policy $RP on $DB: updated ($DURATION)"
else
  q "CREATE RETENTION POLICY \"$RP\" ON \"$DB\" DURATION $DURATION REPLICATION 1 SHARD DURATION $SHARD DEFAULT" >/dev/null
  echo "retention policy $RP on $DB: created ($DURATION)"
fi

users=$(q "SHOW USERS")
for pair in "$WRITER:WRITE:IXMETER_WRITER_PASSWORD_FILE" "$READER:READ:IXMETER_READER_PASSWORD_FILE"; do
  IFS=: read -r user priv var <<<"$pair"
  pw=$(secret "$var")
  if [ -z "$pw" ]; then echo "user $user: skipped ($var not set)"; continue; fi
  if grep -q "\[\"$user\"," <<<"$users"; then
    q "SET PASSWORD FOR \"$user\" = $(sq "$pw")" "SET PASSWORD FOR $user" >/dev/null
    echo "user $user: password updated"
  else
    q "CREATE USER \"$user\" WITH PASSWORD $(sq "$pw")" "CREATE USER $user" >/dev/null
    echo "user $user: created"
  fi
  q "GRANT $priv ON \"$DB\" TO \"$user\"" >/dev/null
done
echo "InfluxDB 1.x at $URL: database $DB ready (default retention policy $RP)"
