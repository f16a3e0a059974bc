#!/usr/bin/env bash
# Sets up InfluxDB 2.x for ixmeter with the `influx` CLI (2.x): a bucket with 5 years' retention,
# a DBRP mapping so the InfluxQL /query API (which the dashboard uses) finds it as database/rp,
# a write token for the collectors and a read token for the dashboard. Safe to run again.
#
#   INFLUX_HOST=http://127.0.0.1:8086 INFLUX_ORG=ixmeter INFLUX_TOKEN=<operator token> \
#   deploy/influxdb/setup-v2.sh
#
# Collectors then use, in their config:  influxdb: {api: v2, url, org, bucket: ixmeter, token: {file: ...}}
# The central dashboard reads InfluxQL through the v1 compatibility API (database ixmeter, rp ixmeter_5y).
set -euo pipefail

: "${INFLUX_HOST:=http://127.0.0.1:8086}"
: "${INFLUX_ORG:?set INFLUX_ORG (the organisation)}"
: "${INFLUX_TOKEN:?set INFLUX_TOKEN (an operator or all-access token)}"
export INFLUX_HOST INFLUX_ORG INFLUX_TOKEN
BUCKET=${INFLUX_BUCKET:-ixmeter}
RP=${INFLUX_RP:-ixmeter_5y}
RETENTION=${INFLUX_RETENTION:-43824h}   # 1826 days
command -v influx >/dev/null || { echo "setup-v2: the influx CLI (2.x) is not installed" >&2; exit 1; }

if influx bucket list --name "$BUCKET" --hide-headers >/dev/null 2>&1; then
  id=$(influx bucket list --name "$BUCKET" --hide-headers | awk '{print $1}')
  influx bucket update --id "$id" --retention "$RETENTION" >/dev/null
  echo "bucket $BUCKET: retention set to $RETENTION"
else
  influx bucket create --name "$BUCKET" --retention "$RETENTION" >/dev/null
  id=$(influx bucket list --name "$BUCKET" --hide-headers | awk '{print $1}')
  echo "bucket $BUCKET: created ($RETENTION)"
fi

# InfluxQL (/query) reaches the bucket as database "$BUCKET", retention policy "$RP".
if influx v1 dbrp list --db "$BUCKET" --hide-headers 2>/dev/null | grep -q .; then
  echo "dbrp $BUCKET/$RP: exists"
else
  influx v1 dbrp create --db "$BUCKET" --rp "$RP" --bucket-id "$id" --default >/dev/null
  echo "dbrp $BUCKET/$RP: created"
fi

token() { sed -n 's/.*"token": *"\([^"]*\)".*/  \1/p'; }
if [ "${CREATE_TOKENS:-yes}" = yes ]; then
  echo "write token for the collectors (store it in a 0600 file, e.g. /etc/ixmeter/secrets/influx-token):"
  influx auth create --description "ixmeter collectors (write $BUCKET)" --write-bucket "$id" --json | token
  echo "read token for the dashboard:"
  influx auth create --description "ixmeter dashboard (read $BUCKET)" --read-bucket "$id" --json | token
fi
