#!/usr/bin/env bash
# The Debian package as an administrator meets it, on this machine (CI; as
# root): build it (scripts/package.sh, lintian included), check its desktop
# entries, metainfo, icons, man pages and units, `apt-get install
# ./carwash-desk_*.deb`, `carwash-admin --version`; `carwash-admin site init`
# (twice) on a PostgreSQL this script starts with Debian's local peer
# authentication, letting in a normal user; carwash-server started as its
# unit starts it (its user, its environment file, no DATABASE_URL: the site's
# /etc/carwash-desk/database.conf), answering GET /health; carwash-admin seed
# and health as that normal user; `dpkg --purge` removes the programs, the
# units, the system user and database.conf, and the database stays.
# Then an upgrade from the previous release (packaging/previous-release): its
# package built from its commit by its own scripts/package.sh, installed, a
# site made and filled by its own programs (demo menu and day, a booking, a
# refund, a closure, a setting), then `apt-get install` of this package: the
# version, user, settings and site file kept, the new server and
# carwash-admin answer with the new version, every migration this version
# carries applied, and every row of every table the old schema had still
# there as it was (its old columns); purged again, the data stays.
# Never touches any other PostgreSQL.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
started=$(date +%s)

fail() { echo "package-test: FAIL: $*" >&2; exit 1; }
step() { echo "package-test: [$(($(date +%s) - started)) s] $*"; }

# It installs and purges the package: as root.
# Under sudo with the caller's ccache, not root's empty one: the previous
# release's compile finds what the caller's build of this tree cached.
if [ "$(id -u)" -ne 0 ]; then
  if command -v ccache >/dev/null 2>&1; then
    CCACHE_DIR=$(ccache --get-config cache_dir)
    export CCACHE_DIR
  fi
  exec sudo --preserve-env=CARWASH_DEB,BUILD_JOBS,PACKAGE_BUILD_DIR,CCACHE_DIR bash "$0" "$@"
fi
if dpkg-query -W -f='${Status}' carwash-desk 2>/dev/null | grep -q 'installed'; then
  fail "carwash-desk is installed on this machine already; this test would purge it"
fi

# The previous release, from packaging/previous-release; its commit must be
# in this clone's history, which a shallow clone lacks. (Git as root in a
# clone of another user's: safe.directory says it is this one.)
in_git() { git -c safe.directory="$root" -C "$root" "$@"; }
previous_version=$(sed -n 's/^version=//p' "$root/packaging/previous-release")
previous_commit=$(sed -n 's/^commit=//p' "$root/packaging/previous-release")
if [ -z "$previous_version" ] || [ -z "$previous_commit" ]; then
  fail "packaging/previous-release names no version= and commit="
fi
if ! in_git cat-file -e "$previous_commit^{commit}" 2>/dev/null; then
  if [ "$(in_git rev-parse --is-shallow-repository 2>/dev/null)" = true ]; then
    fail "the previous release's commit $previous_commit ($previous_version, packaging/previous-release)" \
      "is not in this shallow clone: run git fetch --unshallow (or clone with its history) and try again"
  fi
  fail "the previous release's commit $previous_commit ($previous_version, packaging/previous-release)" \
    "is not in $root's git history: the upgrade test builds that release from it; fetch it" \
    "(git fetch origin) or correct packaging/previous-release"
fi

# CARWASH_DEB=path/to.deb tests that package instead of building one.
if [ -n "${CARWASH_DEB:-}" ]; then
  deb=$(realpath "$CARWASH_DEB")
else
  step "building the package"
  deb=$(bash "$root/scripts/package.sh" | tail -n 1)
fi
version=$(dpkg-deb --field "$deb" Version)
expected=$(sed -n 's/^project(CarWashDesk VERSION \([0-9.]*\).*/\1/p' "$root/CMakeLists.txt")
[ "$version" = "$expected" ] || fail "the package's version $version is not project(VERSION) $expected"
[ "$(basename "$deb")" = "carwash-desk_${version}_amd64.deb" ] || fail "unexpected file name $(basename "$deb")"

work=$(mktemp -d)
chmod 755 "$work"
previous_tree=""
server_pid=""
installed=""
cleanup() {
  # The server a failed check left running: the child of its job.
  [ -n "$server_pid" ] && pkill -TERM -P "$server_pid" 2>/dev/null || true
  # A failed run leaves no package behind (the next run would refuse to start).
  [ -n "$installed" ] && dpkg --purge carwash-desk >/dev/null 2>&1 || true
  if [ -f "$work/pg/postmaster.pid" ]; then
    runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D "$work/pg" -m immediate stop >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
  [ -z "$previous_tree" ] || rm -rf "$previous_tree"
}
trap cleanup EXIT

step "checking the package's contents"
dpkg-deb -x "$deb" "$work/root"
for f in org.carwashdesk.Desk org.carwashdesk.Kiosk; do
  desktop-file-validate "$work/root/usr/share/applications/$f.desktop" || fail "$f.desktop is not valid"
done
appstreamcli validate --no-net "$work/root/usr/share/metainfo/org.carwashdesk.Desk.metainfo.xml" \
  || fail "the metainfo is not valid"
for size in 16 22 24 32 48 64 128 256; do
  png="$work/root/usr/share/icons/hicolor/${size}x${size}/apps/org.carwashdesk.Desk.png"
  [ "$(file -b "$png" | sed -n 's/.*, \([0-9]*\) x \([0-9]*\),.*/\1x\2/p')" = "${size}x${size}" ] \
    || fail "no ${size}x${size} icon"
done
for program in carwash carwash-admin carwash-server; do
  zcat "$work/root/usr/share/man/man1/$program.1.gz" | grep -qF -- '\-\-version' \
    || fail "the man page of $program lacks its options"
done
# Everything README.md links to or shows in the project (docs/…), beside it
# in the package's doc folder, where its relative links lead.
doc="$work/root/usr/share/doc/carwash-desk"
[ -f "$doc/README.md" ] || fail "no README.md in /usr/share/doc/carwash-desk"
for link in $(grep -oE '\]\([^):#]+\)' "$root/README.md" | sed -E 's/^\]\((.*)\)$/\1/' | grep -v '^[a-z]*:' | sort -u); do
  [ -f "$doc/$link" ] || fail "README.md links to $link, which the package does not ship"
done

step "building the previous release $previous_version from $previous_commit"
# Its tree as committed, its own package script. Under the source root, in a
# build folder named as this package's: ccache (CCACHE_BASEDIR, as
# scripts/configure.sh sets it for this tree) then finds what this tree's
# build compiled, every unchanged source a hit.
previous_tree=$(mktemp -d "$root/build-previous.XXXXXX")
in_git archive "$previous_commit" | tar -x -C "$previous_tree"
ccache_stats() { if command -v ccache >/dev/null 2>&1; then ccache --print-stats; fi; }
ccache_stats >"$work/ccache-before.tsv"
previous_deb=$(env -u CARWASH_DEB CCACHE_BASEDIR="$root" \
  PACKAGE_BUILD_DIR="$previous_tree/$(basename "${PACKAGE_BUILD_DIR:-build-package}")" \
  bash "$previous_tree/scripts/package.sh" | tail -n 1) || fail "the previous release's package did not build (above)"
ccache_stats >"$work/ccache-after.tsv"
if [ -s "$work/ccache-after.tsv" ]; then
  /usr/bin/python3 - "$work/ccache-before.tsv" "$work/ccache-after.tsv" <<'PY'
import sys
def read(path):
    stats = {}
    for line in open(path):
        key, _, value = line.partition("\t")
        if value.strip().isdigit():
            stats[key] = int(value)
    return stats
before, after = read(sys.argv[1]), read(sys.argv[2])
delta = lambda key: after.get(key, 0) - before.get(key, 0)
hits = delta("direct_cache_hit") + delta("preprocessed_cache_hit")
misses = delta("cache_miss")
print(f"package-test: the previous release's compile: {hits} ccache hits, {misses} misses")
PY
fi
[ "$(dpkg-deb --field "$previous_deb" Version)" = "$previous_version" ] \
  || fail "the package of $previous_commit is version $(dpkg-deb --field "$previous_deb" Version), not $previous_version"

step "installing $deb"
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -q --no-install-recommends "$deb" >/dev/null
installed=yes
[ "$(carwash-admin --version)" = "carwash-admin $version" ] || fail "carwash-admin --version: $(carwash-admin --version)"
getent passwd carwash >/dev/null || fail "no system user carwash"
[ "$(stat -c '%a %U' /etc/carwash-desk/server.env)" = "600 root" ] || fail "server.env is not 0600 root"
systemd-analyze verify /lib/systemd/system/carwash-server.service /lib/systemd/system/carwash-kiosk.service \
  || fail "systemd-analyze verify"

step "starting a PostgreSQL for the server"
port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
install -d -o postgres -g postgres -m 0700 "$work/pg"
install -d -o postgres -g postgres -m 0755 "$work/pg-socket"
# As Debian's own cluster: local users log in as their own role (peer); the
# script's checks come over TCP.
runuser -u postgres -- /usr/lib/postgresql/15/bin/initdb -D "$work/pg" --auth-local=peer --auth-host=trust \
  -U postgres >/dev/null
runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D "$work/pg" -w -l "$work/pg-socket/log" \
  -o "-p $port -k $work/pg-socket -c listen_addresses=127.0.0.1" start >/dev/null
psql_postgres() { runuser -u postgres -- psql -h 127.0.0.1 -p "$port" -U postgres -v ON_ERROR_STOP=1 -qAt "$@"; }

step "carwash-server as its unit starts it"
unit=/lib/systemd/system/carwash-server.service
user=$(sed -n 's/^User=//p' "$unit")
env_file=$(sed -n 's/^EnvironmentFile=//p' "$unit")
exec_condition=$(sed -n 's/^ExecCondition=//p' "$unit" | sed 's/\$\$/$/g') # systemd's $$ is a $
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
state_dir=/var/lib/$(sed -n 's/^StateDirectory=//p' "$unit")
# Runs a command line of the unit as systemd would: the environment file
# read as root (KEY=VALUE lines, quotes around a value removed), a clean
# environment with its settings, the unit's user, no new privileges, in the
# state folder systemd makes.
as_unit() {
  install -d -o "$user" -g "$user" -m 0700 "$state_dir"
  local settings=() line key value
  while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in '#'* | '') continue ;; esac
    key=${line%%=*} value=${line#*=}
    case "$value" in \"*\" | \'*\') value=${value:1:${#value}-2} ;; esac
    settings+=("$key=$value")
  done <"$env_file"
  env -i PATH=/usr/bin:/bin HOME="$state_dir" LANG=C.UTF-8 "${settings[@]}" \
    setpriv --reuid="$user" --regid="$user" --init-groups --no-new-privs \
    sh -c "cd '$state_dir' && umask 0077 && exec $1"
}
# As installed, without the site database, the unit is not started and says why.
if as_unit "$exec_condition" 2>"$work/condition.err"; then fail "ExecCondition passed without DATABASE_URL"; fi
grep -q "run carwash-admin site init, or set DATABASE_URL in $env_file" "$work/condition.err" \
  || fail "ExecCondition: $(cat "$work/condition.err")"

step "carwash-admin site init (twice), letting the normal user nobody in"
site_conf=/etc/carwash-desk/database.conf
# In English, whatever this machine's language: its output is checked.
site_init() { LC_ALL=C.UTF-8 carwash-admin site init --host "$work/pg-socket" --port "$port" --allow nobody; }
site_init >"$work/init.txt" 2>&1 || fail "site init: $(cat "$work/init.txt")"
[ "$(stat -c '%a %U' "$site_conf")" = "644 root" ] || fail "$site_conf is not 0644 root"
site_url=$(sed -n 's/^DATABASE_URL=//p' "$site_conf")
socket_encoded=$(/usr/bin/python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$work/pg-socket")
[ "$site_url" = "postgresql://$socket_encoded:$port/carwash" ] || fail "$site_conf names $site_url"
[ "$(psql_postgres -c "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'carwash'")" = carwash ] \
  || fail "the database carwash does not belong to the role carwash"
site_init >"$work/init2.txt" 2>&1 || fail "site init, again: $(cat "$work/init2.txt")"
grep -q "set up already" "$work/init2.txt" || fail "site init, again: $(cat "$work/init2.txt")"

http_port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# What an administrator writes into the environment file: no DATABASE_URL,
# the server takes the site's.
echo "CARWASH_SERVER_OPTIONS=--listen 127.0.0.1:$http_port" >> "$env_file"
as_unit "$exec_condition" || fail "ExecCondition refused the server of the site database"
# Starts the server as its unit would, waits for GET /health to answer 200
# with the database reachable, and every version VERSION ($1); stops it with
# SIGTERM as systemd would, and expects it to end cleanly.
server_answers_health() {
  local expected_version=$1
  as_unit "$exec_start" >"$work/server.log" 2>&1 &
  server_pid=$! # the job; it ends with carwash-server's exit code
  # Until it answers 200 with the database reachable and lists itself among
  # the processes (its first health snapshot lands just after it listens),
  # every version the programs' own.
  local health="" ok=""
  for _ in $(seq 1 120); do
    health=$(/usr/bin/python3 - "$http_port" <<'PY' 2>/dev/null || true
import sys, urllib.request
with urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/health", timeout=5) as r:
    print(r.status, r.read().decode())
PY
)
    if [ "${health%% *}" = 200 ] && echo "${health#200 }" | /usr/bin/python3 -c '
import json, sys
h = json.load(sys.stdin)
version = sys.argv[1]
servers = [p for p in h["processes"] if p["program"] == "carwash-server"]
sys.exit(0 if h["version"] == version and h["database"]["reachable"] and servers
         and all(p["version"] == version for p in servers) else 1)
' "$expected_version"; then ok=yes; break; fi
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; fail "carwash-server exited"; }
    sleep 1
  done
  [ -n "$ok" ] || { cat "$work/server.log" >&2; fail "GET /health: $health"; }
  local server
  server=$(pgrep -u "$user" -x carwash-server) || fail "no carwash-server runs as $user"
  kill -TERM "$server"
  wait "$server_pid" || fail "carwash-server did not end cleanly on SIGTERM: $(cat "$work/server.log")"
  server_pid=""
}
server_answers_health "$version"

# carwash-admin as a normal user (nobody) on the site database: through
# database.conf and the socket as its own role, let in by site init.
install -d -o nobody -m 0700 "$work/home"
admin() {
  runuser -u nobody -- env -i PATH=/usr/bin:/bin HOME="$work/home" LANG=C.UTF-8 carwash-admin "$@"
}
step "carwash-admin as a normal user: seed --demo, health"
admin seed --demo >/dev/null || fail "carwash-admin seed --demo"
admin health >"$work/health.txt" || fail "carwash-admin health: $(cat "$work/health.txt")"
grep -q "^Version: $version\$" "$work/health.txt" || fail "carwash-admin health does not say the version"
services=$(admin services --json | /usr/bin/python3 -c 'import json, sys; print(len(json.load(sys.stdin)))')
[ "$services" -gt 0 ] || fail "no services after seed --demo"

# Purges the package and checks that it took the programs, the units, the
# system user, database.conf and the state folder with it.
purge_and_check() {
  dpkg --purge carwash-desk >/dev/null
  installed=""
  local gone
  for gone in /usr/bin/carwash /usr/bin/carwash-admin /usr/bin/carwash-server "$unit" \
              /lib/systemd/system/carwash-kiosk.service /etc/carwash-desk/server.env "$site_conf" "$state_dir"; do
    [ ! -e "$gone" ] || fail "$gone is still there after the purge"
  done
  ! getent passwd carwash >/dev/null || fail "the system user carwash is still there after the purge"
}
step "purging"
purge_and_check
[ "$(psql_postgres -d carwash -c "SELECT count(*) FROM services")" = "$services" ] \
  || fail "the site database lost its data in the purge"

step "installing the previous release $previous_version and making its site with its own programs"
# A new site: the one above, its role and the normal user's role go.
psql_postgres -c "DROP DATABASE carwash" -c "DROP ROLE nobody" -c "DROP ROLE carwash"
apt-get install -y -q --no-install-recommends "$previous_deb" >/dev/null
installed=yes
[ "$(carwash-admin --version)" = "carwash-admin $previous_version" ] \
  || fail "the previous release's carwash-admin --version: $(carwash-admin --version)"
site_init >"$work/init-previous.txt" 2>&1 || fail "site init of $previous_version: $(cat "$work/init-previous.txt")"
site_url=$(sed -n 's/^DATABASE_URL=//p' "$site_conf")
echo "CARWASH_SERVER_OPTIONS=--listen 127.0.0.1:$http_port" >> "$env_file"
server_answers_health "$previous_version"
# Its data, by its carwash-admin: the demo menu, staff, bays and hours, two
# days of bookings with their payments, a booking of a new customer checked
# in, a cash refund, a closure and a setting changed.
admin seed --demo >/dev/null || fail "seed --demo of $previous_version"
# Two days ago (every booking over, most paid, cash or card), whatever the
# site's time zone; and today (bookings held, checked in, to come).
admin seed --demo-day --date "$(date -u -d '2 days ago' +%F)" >/dev/null || fail "seed --demo-day of $previous_version"
admin seed --demo-day >/dev/null || fail "seed --demo-day (today) of $previous_version"
# json_field KEY|INDEX…: that field of the JSON on standard input.
json_field() {
  /usr/bin/python3 -c 'import json, sys
value = json.load(sys.stdin)
for key in sys.argv[1:]:
    value = value[int(key)] if key.isdigit() else value[key]
print(value)' "$@"
}
service=$(admin services --json | json_field 0 id) || fail "services with $previous_version"
start=$(admin next --service "$service" --json | json_field start) || fail "next with $previous_version"
code=$(admin book --service "$service" --start "$start" --plate "UPG 010" --name "Upgrade Customer" \
         --phone "+1 555 0199" --email upgrade@example.org --json | json_field code) \
  || fail "book with $previous_version"
admin booking status "$code" checked_in >/dev/null || fail "booking status with $previous_version"
paid=$(psql_postgres -d carwash -c "SELECT b.code FROM bookings b JOIN payments p ON p.booking_id = b.id
                                    WHERE p.method = 'cash' AND p.status = 'succeeded' ORDER BY b.id LIMIT 1")
[ -n "$paid" ] || fail "seed --demo-day of $previous_version made no cash payment"
admin payment refund "$paid" --amount 1.00 --reason "Upgrade test" >/dev/null \
  || fail "payment refund with $previous_version"
admin closure add "$(date -u -d '+40 days' +%F)" --reason "Upgrade test" >/dev/null \
  || fail "closure add with $previous_version"
admin settings set booking.buffer_minutes 10 >/dev/null || fail "settings set with $previous_version"

# The old schema's tables (but schema_migrations, checked below) and their
# columns; a migration may add columns, so only these are compared.
psql_postgres -d carwash -F $'\t' -c "
  SELECT quote_ident(c.table_name), string_agg(quote_ident(c.column_name), ',' ORDER BY c.ordinal_position)
  FROM information_schema.columns c
  JOIN information_schema.tables t USING (table_schema, table_name)
  WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' AND c.table_name <> 'schema_migrations'
  GROUP BY c.table_name ORDER BY c.table_name" >"$work/old-schema.tsv"
# Per table: its row count and the md5 of its rows (the old columns), sorted.
fingerprint() {
  local table columns
  while IFS=$'\t' read -r table columns; do
    printf '%s\t%s\n' "$table" "$(psql_postgres -d carwash -c "
      SELECT count(*) || ' ' || coalesce(md5(string_agg(r, E'\n' ORDER BY r)), '-')
      FROM (SELECT ROW($columns)::text AS r FROM $table) t")"
  done <"$work/old-schema.tsv"
}
fingerprint >"$work/data-previous.tsv"
for table in services customers bookings payments refunds closures; do
  grep -qP "^$table\t[1-9]" "$work/data-previous.tsv" || fail "the previous release's site has no $table"
done

step "upgrading to $version: apt-get install $(basename "$deb")"
uid=$(id -u "$user")
apt-get install -y -q --no-install-recommends "$deb" >/dev/null
[ "$(dpkg-query -W -f='${Version}' carwash-desk)" = "$version" ] || fail "the upgrade did not happen"
[ "$(carwash-admin --version)" = "carwash-admin $version" ] || fail "carwash-admin --version: $(carwash-admin --version)"
[ "$(id -u "$user")" = "$uid" ] || fail "the upgrade made the user $user anew"
[ "$(stat -c '%a %U' "$env_file")" = "600 root" ] || fail "the upgrade changed $env_file's mode"
grep -q "^CARWASH_SERVER_OPTIONS=--listen 127.0.0.1:$http_port\$" "$env_file" \
  || fail "the upgrade lost the administrator's settings in $env_file"
[ "$(sed -n 's/^DATABASE_URL=//p' "$site_conf")" = "$site_url" ] || fail "the upgrade changed $site_conf"
# What dpkg did (the old prerm, the new postinst) left every row as it was.
diff "$work/data-previous.tsv" <(fingerprint) >&2 || fail "the upgrade changed the site's data (above)"

step "the new programs on the upgraded site"
server_answers_health "$version"
admin health >"$work/health.txt" || fail "carwash-admin health after the upgrade: $(cat "$work/health.txt")"
grep -q "^Version: $version\$" "$work/health.txt" || fail "carwash-admin health does not say $version"
# Every migration this version carries (resources/migrations) is applied:
# the server applied them at its start, so migrate finds nothing to do.
carried=$(find "$root/resources/migrations" -name '[0-9][0-9][0-9][0-9]_*.sql' -printf '%f\n' | cut -c1-4 | sort)
admin migrate --json >"$work/migrate.json" || fail "carwash-admin migrate: $(cat "$work/migrate.json")"
/usr/bin/python3 - "$work/migrate.json" "$(echo "$carried" | tail -n 1)" <<'PY' || fail "migrate after the upgrade: $(cat "$work/migrate.json")"
import json, sys
m = json.load(open(sys.argv[1]))
sys.exit(0 if m["applied"] == [] and m["version"] == sys.argv[2] else 1)
PY
applied=$(psql_postgres -d carwash -c "SELECT version FROM schema_migrations ORDER BY version")
[ "$applied" = "$carried" ] \
  || fail "the upgraded site's migrations $(tr '\n' ' ' <<<"$applied")are not the $(tr '\n' ' ' <<<"$carried")this version carries"
site_init >"$work/init-upgraded.txt" 2>&1 || fail "site init after the upgrade: $(cat "$work/init-upgraded.txt")"
grep -q "set up already" "$work/init-upgraded.txt" || fail "site init after the upgrade: $(cat "$work/init-upgraded.txt")"
# Nor did the new programs: the server signed off (its process_health row
# gone), and nothing else was due.
diff "$work/data-previous.tsv" <(fingerprint) >&2 || fail "the new programs changed the site's old data (above)"

step "purging the upgraded package"
purge_and_check
diff "$work/data-previous.tsv" <(fingerprint) >&2 || fail "the site database lost data in the purge (above)"

echo "package-test: passed in $(($(date +%s) - started)) s"
