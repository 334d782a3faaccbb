#!/usr/bin/env bash
# Test the Debian package on this machine (docs/packaging.md):
#
#     scripts/test_deb.sh out/driftd_<version>_<arch>.deb
#
# Runs lintian on it (prints its output; fails on E: tags, not on warnings), installs it with
# dpkg -i, checks what it installed (below, one line each), reinstalls it over itself (the
# upgrade path of the maintainer scripts), then removes and purges it and checks that nothing is
# left. Needs root. Refuses to run when driftd is already installed (it would purge it at the end);
# the package is purged on exit whatever happens (KEEP=1 leaves it installed). Installs lintian with
# apt-get when it is missing.
set -euo pipefail

if [ $# -ne 1 ]; then
    echo "usage: $0 DEB" >&2
    exit 64
fi
deb=$(realpath "$1")
[ -f "$deb" ] || { echo "test_deb: $deb not found" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "test_deb: needs root (dpkg -i)" >&2; exit 1; }
if dpkg-query -W -f '${Status}' driftd 2>/dev/null | grep -qv 'not-installed'; then
    echo "test_deb: driftd is already installed ($(dpkg-query -W -f '${Version} ${Status}' driftd));" \
         "this test would purge it. Remove it first: dpkg -P driftd" >&2
    exit 1
fi
[ ! -e /usr/bin/driftd ] || { echo "test_deb: /usr/bin/driftd exists and belongs to no package" >&2; exit 1; }

version=$(dpkg-deb -f "$deb" Version)
# The package keeps the driftd user on purge (as Debian does); the test removes it again if it made it.
user_existed=no
getent passwd driftd >/dev/null && user_existed=yes
work=$(mktemp -d)
installed=no
cleanup() {
    local status=$?
    if [ "$installed" = yes ] && [ "${KEEP:-0}" != 1 ]; then
        echo "test_deb: purging driftd"
        dpkg -P driftd >/dev/null || true
        installed=no
    fi
    if [ "$installed" = no ] && [ "$user_existed" = no ] && getent passwd driftd >/dev/null; then
        userdel driftd 2>/dev/null || true
        getent group driftd >/dev/null && { groupdel driftd 2>/dev/null || true; }
        echo "test_deb: removed the driftd user and group the test's installation created"
    fi
    rm -rf "$work"
    exit $status
}
trap cleanup EXIT

# dpkg ARGS...: dpkg, waiting (up to 5 minutes) while another apt-get or dpkg holds its lock, as
# other work on the machine may install packages meanwhile.
dpkg() {
    local try
    for try in $(seq 60); do
        if command dpkg "$@" 2>"$work/dpkg.err"; then cat "$work/dpkg.err" >&2; return 0; fi
        if grep -q 'lock' "$work/dpkg.err"; then
            [ "$try" = 1 ] && echo "test_deb: dpkg is locked by another process; waiting" >&2
            sleep 5
        else
            cat "$work/dpkg.err" >&2; return 1
        fi
    done
    cat "$work/dpkg.err" >&2; return 1
}

failures=0
pass() { echo "  ok    $*"; }
fail() { echo "  FAIL  $*"; failures=$((failures + 1)); }
# expect DESCRIPTION COMMAND...: the command must succeed; its output is shown on failure.
expect() {
    local what=$1; shift
    if "$@" >"$work/out" 2>&1; then pass "$what"; else fail "$what"; sed 's/^/        /' "$work/out"; fi
}
# quiet DESCRIPTION COMMAND...: the command must succeed AND write nothing to stderr (systemd-analyze
# verify exits 0 on unknown keys and most mistakes: SYSTEMD-NOTES.md).
quiet() {
    local what=$1; shift
    if "$@" >/dev/null 2>"$work/err" && [ ! -s "$work/err" ]; then pass "$what"; else
        fail "$what"; sed 's/^/        /' "$work/err"; fi
}

echo "== lintian $(basename "$deb")"
if ! command -v lintian >/dev/null; then
    echo "test_deb: installing lintian"
    apt-get install -y -qq lintian >/dev/null
fi
lintian --pedantic --display-info --show-overrides "$deb" | tee "$work/lintian" || true
errors=$(grep -c '^E:' "$work/lintian" || true)
warnings=$(grep -c '^W:' "$work/lintian" || true)
if [ "$errors" -gt 0 ]; then fail "lintian: $errors errors"; else pass "lintian: no errors ($warnings warnings)"; fi

echo "== dpkg -i $(basename "$deb")"
installed=yes
dpkg -i "$deb"

echo "== checks"
expect "driftd --version from /usr/bin prints $version" \
    bash -c '[ "$(command -v driftd)" = /usr/bin/driftd ] && [ "$(driftd --version)" = "$1" ]' _ "$version"
expect "no library is missing (ldd /usr/bin/driftd)" bash -c '! ldd /usr/bin/driftd | grep -q "not found"'
if [ -d /opt/swift ]; then
    # The package must stand on its own: the toolchain hidden, it still runs.
    expect "driftd runs with /opt/swift hidden (no toolchain needed)" \
        unshare --mount --propagation private sh -c 'mount -t tmpfs none /opt/swift && /usr/bin/driftd --version'
fi

# Units: verify on the installed files (the real /usr/bin/driftd now exists, as verify insists);
# the template as an instance, from a copy named like one.
quiet "systemd-analyze verify /lib/systemd/system/driftd.service" \
    systemd-analyze verify /lib/systemd/system/driftd.service
cp /lib/systemd/system/driftd@.service "$work/driftd@example.service"
quiet "systemd-analyze verify driftd@.service (as driftd@example.service)" \
    systemd-analyze verify "$work/driftd@example.service"
expect "systemd-analyze security --offline: exposure at most 2.0" \
    systemd-analyze security --offline=true --threshold=20 /lib/systemd/system/driftd.service

expect "user driftd exists (home /var/lib/driftd, shell nologin), group driftd" \
    bash -c 'IFS=: read -r name _ uid gid _ home shell < <(getent passwd driftd) &&
             [ "$home" = /var/lib/driftd ] && [ "$shell" = /usr/sbin/nologin ] && [ "$uid" -lt 1000 ] &&
             getent group driftd >/dev/null'
expect "/etc/driftd/rules.d exists, root:root 0755, empty" \
    bash -c '[ "$(stat -c "%U:%G %a" /etc/driftd/rules.d)" = "root:root 755" ] && [ -z "$(ls -A /etc/driftd/rules.d)" ]'
expect "/var/lib/driftd exists, driftd:driftd 0750" \
    bash -c '[ "$(stat -c "%U:%G %a" /var/lib/driftd)" = "driftd:driftd 750" ]'

expect "man driftd finds the page" bash -c '[ "$(man -w driftd)" = /usr/share/man/man1/driftd.1.gz ]'
quiet "the man page renders without groff warnings (zcat | groff -man -Tutf8 -ww)" \
    bash -c 'zcat /usr/share/man/man1/driftd.1.gz | groff -man -Tutf8 -ww -z'
expect "man -l renders NAME, SYNOPSIS, every subcommand, FILES, SEE ALSO" \
    bash -c 'page=$(MANWIDTH=100 man -l /usr/share/man/man1/driftd.1.gz 2>/dev/null) &&
             for s in NAME SYNOPSIS DESCRIPTION "DRIFTD CHECK" "DRIFTD REPLAY" "DRIFTD RUN" "DRIFTD STATUS" \
                      "DRIFTD REPORT" "DRIFTD ALERTS" "DRIFTD REGISTRY" FILES "SEE ALSO"; do
                 grep -q "^$s" <<<"$page" || { echo "no section $s"; exit 1; }; done'

quiet "bash completion sources without error and completes driftd" \
    bash -c 'source /usr/share/bash-completion/completions/driftd && complete -p driftd >/dev/null'
expect "bash completion offers the subcommands" \
    bash -c 'source /usr/share/bash-completion/completions/driftd
             COMP_WORDS=(driftd ""); COMP_CWORD=1; COMP_LINE="driftd "; COMP_POINT=7
             $(complete -p driftd | sed -n "s/.*-F \([^ ]*\).*/\1/p") driftd "" driftd
             printf "%s\n" "${COMPREPLY[@]}" | grep -qx replay'
for shell_file in zsh:/usr/share/zsh/vendor-completions/_driftd fish:/usr/share/fish/vendor_completions.d/driftd.fish; do
    shell=${shell_file%%:*} file=${shell_file#*:}
    if command -v "$shell" >/dev/null; then
        quiet "$shell -n $file" "$shell" -n "$file"
    else
        expect "$file is there ($shell not installed: not parsed)" test -s "$file"
    fi
done

expect "the catalog is in /usr/lib/systemd/catalog" test -s /usr/lib/systemd/catalog/driftd.catalog
expect "journalctl --update-catalog; --list-catalog lists every driftd MESSAGE_ID" \
    bash -c 'journalctl --update-catalog && list=$(journalctl --list-catalog) &&
             ids=$(sed -n "s/^-- \([0-9a-f]\{32\}\).*/\1/p" /usr/lib/systemd/catalog/driftd.catalog) &&
             [ -n "$ids" ] && for id in $ids; do grep -q "^$id" <<<"$list" || { echo "missing $id"; exit 1; }; done'

examples=(/usr/share/doc/driftd/examples/*.json)
expect "driftd check /usr/share/doc/driftd/examples/*.json (${#examples[@]} files)" driftd check "${examples[@]}"
expect "driftd replay of an installed example reads the installed sample streams" \
    bash -c 'driftd replay /usr/share/doc/driftd/examples/taxi-duration.json --report "$1/taxi.json" --quiet &&
             python3 -c "import json,sys; r=json.load(open(sys.argv[1])); assert r[\"counts\"][\"records\"] == 10000, r[\"counts\"]" "$1/taxi.json"' \
    _ "$work"

echo "== the walkthrough (docs/packaging.md), the daemon started as the unit starts it (systemd is not PID 1 here)"
logs=$(mktemp -d /var/tmp/driftd-walkthrough.XXXXXX)
chmod 0755 "$logs"
cp /usr/share/doc/driftd/examples/sample-streams/taxi/*.jsonl "$logs/"
cat >/etc/driftd/rules.d/taxi.json <<RULE
{
  "monitor": "taxi",
  "task": "regression",
  "predictions": {"path": "$logs/predictions*.jsonl"},
  "labels": {"path": "$logs/labels.jsonl", "max_delay": "10s"},
  "reference": {"first": 4000},
  "window": {"size": 1000},
  "features": {
    "trip_distance": {"type": "numerical", "drift": [{"method": "psi", "threshold": 0.2}]},
    "payment_type":  {"type": "categorical", "drift": [{"method": "chi2", "p_value": 0.01}]}
  },
  "prediction_drift": [{"method": "psi"}],
  "performance": [{"metric": "rmse", "max": 6.0}]
}
RULE
expect "driftd check /etc/driftd/rules.d/taxi.json" driftd check /etc/driftd/rules.d/taxi.json
setpriv --reuid=driftd --regid=driftd --init-groups driftd run --rules /etc/driftd/rules.d --state /var/lib/driftd \
    --listen 127.0.0.1:9464 2>"$work/daemon.log" &
daemon=$!
expect "driftd alerts lists the critical rmse alert within 60 s" \
    bash -c 'for _ in $(seq 120); do driftd alerts --monitor taxi 2>/dev/null | grep -q "rmse 8.01 > 6 in window 3" && exit 0; sleep 0.5; done
             cat "$1"; exit 1' _ "$work/daemon.log"
expect "driftd status names the monitor" bash -c 'driftd status | grep -q taxi'
expect "driftd report --html writes the page" \
    bash -c 'driftd report --monitor taxi --html "$1/taxi.html" && grep -q "<svg class=\"timeline drift\"" "$1/taxi.html"' _ "$work"
expect "GET /report/taxi serves the page" \
    python3 -c 'import urllib.request; assert b"performance_degraded" in urllib.request.urlopen("http://127.0.0.1:9464/report/taxi").read()'
if [ -S /run/systemd/journal/socket ]; then
    expect "journalctl -t driftd has the monitor's alerts" \
        bash -c 'for _ in $(seq 40); do journalctl -t driftd DRIFTD_MONITOR=taxi --no-pager | grep -q "rmse 8.01" && exit 0; sleep 0.5; done; exit 1'
fi
kill -TERM "$daemon"
wait "$daemon" || true
rm -f /etc/driftd/rules.d/taxi.json
rm -rf "$logs"

echo "== dpkg -i again (upgrade path: prerm upgrade, postinst configure with the old version)"
echo "state" >/var/lib/driftd/test-keep
expect "reinstall over itself" dpkg -i "$deb"
expect "the state folder survives the upgrade" test -f /var/lib/driftd/test-keep

echo "== dpkg -r driftd"
dpkg-deb --fsys-tarfile "$deb" | tar -t | sed -n 's|^\./|/|p' | grep -v '/$' >"$work/files"
expect "dpkg -r driftd" dpkg -r driftd
expect "no file of the package is left ($(wc -l <"$work/files") files)" \
    bash -c 'left=0; while read -r f; do [ -e "$f" ] && { echo "left: $f"; left=1; }; done <"$1"; exit $left' _ "$work/files"
expect "remove keeps the state (/var/lib/driftd) until purge" test -f /var/lib/driftd/test-keep

echo "== dpkg -P driftd"
expect "dpkg -P driftd" dpkg -P driftd
installed=no
expect "the driftd user stays after purge (Debian keeps system users)" getent passwd driftd
expect "purge removed /var/lib/driftd, /etc/driftd/rules.d and /etc/driftd (empty)" \
    bash -c '! [ -e /var/lib/driftd ] && ! [ -e /etc/driftd/rules.d ] && ! [ -e /etc/driftd ]'
expect "dpkg knows driftd no more" bash -c '! dpkg-query -W driftd >/dev/null 2>&1 ||
    [ "$(dpkg-query -W -f "\${Status}" driftd)" = "unknown ok not-installed" ]'
expect "no /usr/lib/driftd, /lib/systemd/system/driftd*.service, /usr/bin/driftd" \
    bash -c '! ls -d /usr/lib/driftd /lib/systemd/system/driftd*.service /usr/bin/driftd 2>/dev/null | grep -q .'

echo
if [ $failures -gt 0 ]; then
    echo "test_deb: $failures checks FAILED"
    exit 1
fi
echo "test_deb: all checks passed (lintian: $errors errors, $warnings warnings)"
