#!/usr/bin/env bash
# Installs or upgrades ixmeter on Debian / Raspberry Pi OS from this source tree: the `ixmeter`
# system user, /etc/ixmeter, /var/lib/ixmeter, a release under /opt/ixmeter/releases/<version>
# (npm ci, web build, dev dependencies pruned), the `current` symlink, and the systemd units.
# Idempotent: running it again with the same tree changes nothing; with a newer tree it upgrades
# and restarts what is enabled. It never overwrites /etc/ixmeter/ixmeter.yaml or any secret.
#
#   sudo deploy/install.sh --role collector        # the box at the IXP (Pi): collector (+ local dashboard with --dashboard)
#   sudo deploy/install.sh --role central          # the central server: dashboard only
#
# Options:
#   --role collector|central   which services to enable (default: collector)
#   --dashboard                with --role collector: also enable the dashboard on the box
#   --start                    start (or restart) the enabled services now
#   --skip-build               copy the tree as it is (node_modules and dist already built for this machine)
#   --rollback [VERSION]       point `current` back at an installed release (default: the one installed before the
#                              current one) and restart what runs; refused when the store already carries a schema
#                              migration that release does not know (--force to do it anyway)
# IXMETER_INSTALL_ROOT=/some/dir stages everything under that folder instead of / (packaging, tests):
# no user is created, nothing is chowned, systemctl is not called.
set -euo pipefail

ROLE=collector; DASHBOARD=no; START=no; BUILD=yes; ROLLBACK=no; ROLLBACK_TO=; FORCE=no
while [ $# -gt 0 ]; do
  case "$1" in
    --rollback) ROLLBACK=yes; if [ $# -gt 1 ] && [ "${2#-}" = "$2" ]; then ROLLBACK_TO=$2; shift; fi; shift ;;
    --force) FORCE=yes; shift ;;
    --role) ROLE=${2:?--role needs collector or central}; shift 2 ;;
    --dashboard) DASHBOARD=yes; shift ;;
    --start) START=yes; shift ;;
    --skip-build) BUILD=no; shift ;;
    -h|--help) sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
done
case "$ROLE" in collector|central) ;; *) echo "install.sh: --role must be collector or central (got $ROLE)" >&2; exit 2 ;; esac

SRC=$(cd "$(dirname "$0")/.." && pwd)
R=${IXMETER_INSTALL_ROOT:-}
STAGED=no; [ -n "$R" ] && STAGED=yes
VERSION=$(sed -n 's/^  "version": "\(.*\)",$/\1/p' "$SRC/package.json" | head -1)
[ -n "$VERSION" ] || { echo "install.sh: cannot read the version from $SRC/package.json" >&2; exit 1; }
if [ -d "$SRC/.git" ] && command -v git >/dev/null; then
  VERSION="$VERSION-$(git -C "$SRC" describe --tags --always --dirty 2>/dev/null || echo unknown)"
fi

say() { echo "install.sh: $*"; }
changed=no

# --rollback: only the `current` symlink changes (releases, config, store and units stay as they are).
if [ "$ROLLBACK" = yes ]; then
  [ "$STAGED" = yes ] || [ "$(id -u)" = 0 ] || { echo "install.sh: run as root (sudo)" >&2; exit 1; }
  cur=$(basename "$(readlink "$R/opt/ixmeter/current" 2>/dev/null)" 2>/dev/null || true)
  installed=$(ls -1t "$R/opt/ixmeter/releases" 2>/dev/null | grep -v '\.tmp$' | tr '\n' ' ')
  if [ -z "$ROLLBACK_TO" ]; then
    # The release installed just before the current one (releases newest first).
    seen=no
    for v in $installed; do
      if [ "$seen" = yes ]; then ROLLBACK_TO=$v; break; fi
      [ "$v" = "$cur" ] && seen=yes
    done
    [ -n "$ROLLBACK_TO" ] || { echo "install.sh: --rollback: no release older than the current one (installed, newest first: ${installed:-none}; current: ${cur:-none})" >&2; exit 1; }
  fi
  REL=/opt/ixmeter/releases/$ROLLBACK_TO
  [ -f "$R$REL/.installed" ] || { echo "install.sh: --rollback: release $ROLLBACK_TO is not installed (installed: ${installed:-none})" >&2; exit 1; }
  [ "$ROLLBACK_TO" != "$cur" ] || { say "release $ROLLBACK_TO is already current: nothing to do"; exit 0; }
  # A release never downgrades the store: refuse when the store has migrations the older release does not know.
  DB=${IXMETER_STORE:-/var/lib/ixmeter/ixmeter.db}
  if [ -f "$R$DB" ] && [ "$FORCE" = no ]; then
    known=$(ls "$R$REL/collector/store/migrations" 2>/dev/null | sed -n 's/^0*\([0-9][0-9]*\)_.*\.sql$/\1/p' | sort -n | tr '\n' ' ')
    applied=$(node -e 'const D = require(process.argv[1]); const db = new D(process.argv[2], { readonly: true, fileMustExist: true });
      try { console.log(db.prepare("SELECT version FROM schema_migrations ORDER BY version").all().map((r) => r.version).join(" ")); } catch { console.log(""); }' \
      "$R$REL/node_modules/better-sqlite3" "$R$DB") || { echo "install.sh: --rollback: cannot read the schema version of $DB (use --force to roll back without this check)" >&2; exit 1; }
    unknown=
    for a in $applied; do case " $known " in *" $a "*) ;; *) unknown="$unknown $a" ;; esac; done
    if [ -n "$unknown" ]; then
      echo "install.sh: --rollback: the store $DB has schema migration(s)$unknown that release $ROLLBACK_TO does not know (it knows: ${known:-none});" >&2
      echo "  it would run against a schema it was not written for. Roll back to a release of the same schema, or add --force." >&2
      exit 1
    fi
  fi
  ln -sfn "releases/$ROLLBACK_TO" "$R/opt/ixmeter/current"
  say "current -> releases/$ROLLBACK_TO (was ${cur:-none})"
  if [ "$STAGED" = no ] && [ -d /run/systemd/system ]; then
    for u in ixmeter-collector.service ixmeter-dashboard.service; do
      if systemctl is-active --quiet "$u"; then systemctl restart "$u"; say "restarted $u"; fi
    done
  fi
  exit 0
fi

if [ "$STAGED" = no ]; then
  [ "$(id -u)" = 0 ] || { echo "install.sh: run as root (sudo)" >&2; exit 1; }
  NODE_OK=$(node -e 'const [a,b]=process.versions.node.split(".").map(Number);console.log(a>20||(a===20&&b>=6)?"yes":"no")' 2>/dev/null || echo no)
  if [ "$NODE_OK" != yes ]; then
    echo "install.sh: Node.js 20.6 or newer is needed (found: $(node --version 2>/dev/null || echo none))." >&2
    echo "  Debian 13 / Raspberry Pi OS (trixie): apt-get install nodejs npm; older releases: use NodeSource's Node 20 packages." >&2
    exit 1
  fi
  # 1. The system user (dialout: the modem's serial port).
  if ! getent passwd ixmeter >/dev/null; then
    adduser --system --group --home /var/lib/ixmeter --no-create-home --shell /usr/sbin/nologin ixmeter >/dev/null
    say "created system user ixmeter"; changed=yes
  fi
  id -nG ixmeter | grep -qw dialout || { usermod -aG dialout ixmeter; say "added ixmeter to dialout"; }
fi

# mkdirp DIR MODE OWNER: create with mode/owner if missing (owner applied only on a real install).
mkdirp() {
  if [ ! -d "$R$1" ]; then install -d -m "$2" "$R$1"; changed=yes; say "created $1"; fi
  chmod "$2" "$R$1"
  [ "$STAGED" = yes ] || chown "$3" "$R$1"
}
# 2. Folders. Secrets are files read by the service user, so that folder belongs to it (mode 0700).
mkdirp /etc/ixmeter 0750 root:ixmeter
mkdirp /etc/ixmeter/secrets 0700 ixmeter:ixmeter
mkdirp /var/lib/ixmeter 0750 ixmeter:ixmeter
mkdirp /opt/ixmeter/releases 0755 root:root

# 3. The release: a copy of the tree, built, dev dependencies pruned. An existing release of the same version is kept.
REL=/opt/ixmeter/releases/$VERSION
if [ ! -f "$R$REL/.installed" ]; then
  rm -rf "$R$REL.tmp"
  mkdir -p "$R$REL.tmp"
  tar -C "$SRC" --exclude=./.git --exclude=./node_modules --exclude='./*.db' --exclude='./*.db-*' -cf - . | tar -C "$R$REL.tmp" -xf -
  if [ "$BUILD" = yes ]; then
    (cd "$R$REL.tmp" && npm ci --no-audit --no-fund && npm prune --omit=dev --no-audit --no-fund)
  else
    [ -d "$SRC/node_modules" ] && cp -a "$SRC/node_modules" "$R$REL.tmp/"
  fi
  echo "$VERSION" > "$R$REL.tmp/.installed"
  rm -rf "$R$REL"
  mv "$R$REL.tmp" "$R$REL"
  say "installed release $VERSION"; changed=yes
fi
if [ "$(readlink "$R/opt/ixmeter/current" 2>/dev/null)" != "releases/$VERSION" ]; then
  ln -sfn "releases/$VERSION" "$R/opt/ixmeter/current"
  say "current -> releases/$VERSION"; changed=yes
fi
# Keep the three newest releases (rollback: point `current` at an older one and restart).
ls -1dt "$R"/opt/ixmeter/releases/*/ 2>/dev/null | tail -n +4 | while read -r old; do
  [ "$(basename "$old")" = "$VERSION" ] || { rm -rf "$old"; say "removed old release $(basename "$old")"; }
done

# 4. A starting config, only when there is none.
if [ ! -f "$R/etc/ixmeter/ixmeter.yaml" ] && [ -f "$SRC/config.example.yaml" ]; then
  install -m 0640 "$SRC/config.example.yaml" "$R/etc/ixmeter/ixmeter.yaml"
  [ "$STAGED" = yes ] || chown root:ixmeter "$R/etc/ixmeter/ixmeter.yaml"
  say "wrote /etc/ixmeter/ixmeter.yaml from config.example.yaml: edit it, then ixmeter run --check"; changed=yes
fi

# 5. systemd units.
units=()
if [ "$ROLE" = collector ]; then units+=(ixmeter-collector.service); [ "$DASHBOARD" = yes ] && units+=(ixmeter-dashboard.service); fi
[ "$ROLE" = central ] && units+=(ixmeter-dashboard.service)
mkdir -p "$R/etc/systemd/system"
unit_changed=no
for u in "${units[@]}"; do
  if ! cmp -s "$SRC/deploy/systemd/$u" "$R/etc/systemd/system/$u"; then
    install -m 0644 "$SRC/deploy/systemd/$u" "$R/etc/systemd/system/$u"
    say "installed unit $u"; changed=yes; unit_changed=yes
  fi
done
# The command for people: /usr/local/bin/ixmeter.
if [ "$(readlink "$R/usr/local/bin/ixmeter" 2>/dev/null)" != /opt/ixmeter/current/bin/ixmeter.mjs ]; then
  mkdir -p "$R/usr/local/bin"
  ln -sfn /opt/ixmeter/current/bin/ixmeter.mjs "$R/usr/local/bin/ixmeter"
  say "linked /usr/local/bin/ixmeter"; changed=yes
fi

if [ "$STAGED" = no ]; then
  if [ -d /run/systemd/system ]; then
    [ "$unit_changed" = yes ] && systemctl daemon-reload
    for u in "${units[@]}"; do systemctl is-enabled --quiet "$u" 2>/dev/null || { systemctl enable "$u" >/dev/null 2>&1; say "enabled $u"; }; done
    if [ "$START" = yes ] || { [ "$changed" = yes ] && systemctl is-active --quiet "${units[0]}"; }; then
      systemctl restart "${units[@]}"; say "restarted ${units[*]}"
    fi
  else
    say "systemd is not running here: units installed but not enabled"
  fi
fi
[ "$changed" = yes ] || say "nothing to do: release $VERSION already installed"
