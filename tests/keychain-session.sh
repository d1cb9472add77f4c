#!/bin/sh
# Runs a keychain test in a D-Bus session of its own with a freshly unlocked
# GNOME Keyring in a throwaway HOME: the tester's own keyring is never
# touched and no password prompt can appear. Everything runs under a time
# limit, and the keyring daemon is stopped afterwards.
#   keychain-session.sh TEST_BINARY [ARGUMENTS...]
set -eu

if [ "${CARWASH_KEYCHAIN_SESSION:-}" != 1 ]; then
    home=$(mktemp -d /tmp/carwash-keychain-XXXXXX)
    mkdir -m 700 "$home/run"
    status=0
    CARWASH_KEYCHAIN_SESSION=1 HOME="$home" XDG_RUNTIME_DIR="$home/run" \
        XDG_DATA_HOME="$home/.local/share" XDG_CONFIG_HOME="$home/.config" \
        timeout 280 dbus-run-session -- "$0" "$@" || status=$?
    rm -rf "$home"
    exit "$status"
fi

# Inside the new session.
echo -n pw | timeout 30 gnome-keyring-daemon --unlock --components=secrets >/dev/null
bus_name_owner_pid() {
    dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
        org.freedesktop.DBus.GetConnectionUnixProcessID string:org.freedesktop.secrets 2>/dev/null |
        awk '/uint32/ { print $2 }'
}
keyring_pid=""
tries=0
while [ -z "$keyring_pid" ] && [ "$tries" -lt 50 ]; do
    keyring_pid=$(bus_name_owner_pid)
    [ -n "$keyring_pid" ] || sleep 0.1
    tries=$((tries + 1))
done
if [ -z "$keyring_pid" ]; then
    echo "keychain-session.sh: gnome-keyring-daemon did not come up on the session bus" >&2
    exit 1
fi

status=0
timeout 240 "$@" || status=$?
# A test that stopped the daemon (to play a keychain that never answers)
# may have died before resuming it.
kill -CONT "$keyring_pid" 2>/dev/null || true
kill "$keyring_pid" 2>/dev/null || true
exit "$status"
