#!/bin/sh
# The behaviour sandbox as a non-root worker runs it: Behaviour Servers start under `unshare --net --map-root-user`
# (an unprivileged user namespace) instead of `unshare --net`. Run as root from the repository: creates the user
# (default tether-unprivileged) if it does not exist, copies the Temporal CLI where that user can run it, and runs
# the behaviour sandbox tests as that user. Needs `npm install` done and the Temporal CLI built (npm start once).
set -eu
user="${TETHER_UNPRIVILEGED_USER:-tether-unprivileged}"
repo="$(cd "$(dirname "$0")/.." && pwd)"
if [ "$(id -u)" != 0 ]; then echo "run as root (it creates and switches to the user $user)" >&2; exit 1; fi
id "$user" >/dev/null 2>&1 || useradd --create-home --shell /bin/sh "$user"
home="$(getent passwd "$user" | cut -d: -f6)"
cli="$(mktemp -d)"
trap 'rm -rf "$cli"' EXIT
cp "${TEMPORAL_CLI_PATH:-${XDG_CACHE_HOME:-$HOME/.cache}/tether/bin/temporal}" "$cli/temporal"
chmod 755 "$cli" "$cli/temporal"
su "$user" -c "unshare --net --map-root-user true" || { echo "this host refuses unprivileged network namespaces: servers would run 'none (in-process)'" >&2; exit 1; }
su "$user" -c "cd '$repo' && HOME='$home' TEMPORAL_CLI_PATH='$cli/temporal' node_modules/.bin/jest test/security/behaviour-network.test.ts test/security/behaviour-attacks.test.ts --runInBand --cacheDirectory='$home/.jest-cache'"
