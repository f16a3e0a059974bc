#!/usr/bin/env bash
# Installs the Debian packages the tests start for real, when they are missing (needs root and apt).
set -euo pipefail
need=()
have() { command -v "$1" >/dev/null 2>&1; }
have snmpd || need+=(snmpd)
have snmpbulkwalk || need+=(snmp)
have snmpsimd || have snmpsim-command-responder || need+=(snmpsim)
have influxd || need+=(influxdb)
have victoria-metrics || need+=(victoria-metrics)
have chromium || need+=(chromium)
have ip || need+=(iproute2)
have tc || need+=(iproute2)
have socat || need+=(socat)
have nft || need+=(nftables)  # lab: management-path loss where the kernel has no sch_netem
have pdftotext || need+=(poppler-utils)
have nginx || need+=(nginx-light)
have cloud-init || need+=(cloud-init)
have systemd-analyze || need+=(systemd)
have pmacctd || need+=(pmacct)          # lab: a real sFlow v5 agent (pmacctd + sfprobe) and collector (sfacctd)
have fping || need+=(fping)             # latency probes
have systemd-nspawn || need+=(systemd-container)  # deploy: the units under a real systemd in a container
have sqlite3 || need+=(sqlite3)         # deploy: integrity_check of the store inside the container
have curl || need+=(curl)               # deploy: InfluxDB and the dashboard inside the container
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)  # website graph PNGs: the font they are drawn in
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" != 0 ]; then
  echo "tests need these Debian packages: ${need[*]} (run as root, or install them: apt-get install ${need[*]})" >&2
  exit 1
fi
echo "installing Debian packages the tests need: ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >&2
# policy-rc.d keeps the packages' own services (snmpd on :161, influxdb on :8086, nginx on :80)
# from starting: the tests start their own instances on free loopback ports.
printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d
trap 'rm -f /usr/sbin/policy-rc.d' EXIT
apt-get install -y -q --no-install-recommends "${need[@]}" >&2
