#!/usr/bin/env bash
# Static checks of the systemd units in systemd/ (docs/systemd.md):
#   - `systemd-analyze verify` on each unit, failing on ANY output to stderr (it exits 0 on
#     unknown keys and most mistakes);
#   - `systemd-analyze security --offline=true --threshold=20`: exposure at most 2.0; prints it.
# verify insists that ExecStart's binary exists, so the checks run on copies in a temp folder
# whose ExecStart points at $DRIFTD_BINARY (the built driftd) or, without it, at a stub.
# The template is checked as an instance, driftd@example.service.
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in systemd-analyze; do
    command -v "$tool" >/dev/null || { echo "check_units: $tool not found (install systemd)" >&2; exit 1; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

binary=${DRIFTD_BINARY:-}
if [ -z "$binary" ] || [ ! -x "$binary" ]; then
    binary=$work/bin/driftd
    mkdir -p "$work/bin"
    printf '#!/bin/sh\nexit 0\n' >"$binary"
    chmod +x "$binary"
fi

status=0
check() { # check SOURCE NAME
    local source=$1 name=$2 unit=$work/units/$2 errors figure
    mkdir -p "$work/units"
    sed "s|/usr/bin/driftd|$binary|g" "$source" >"$unit"
    if ! errors=$(systemd-analyze verify "$unit" 2>&1 >/dev/null) || [ -n "$errors" ]; then
        echo "check_units: FAIL systemd-analyze verify $source:" >&2
        printf '%s\n' "$errors" >&2
        status=1
    fi
    local output
    if output=$(systemd-analyze security --offline=true --threshold=20 "$unit" 2>&1); then
        figure=$(printf '%s\n' "$output" | sed -n 's/^→ Overall exposure level for [^:]*: //p')
        echo "check_units: $source: verify clean, exposure $figure"
    else
        echo "check_units: FAIL $source: exposure above 2.0:" >&2
        printf '%s\n' "$output" | grep -E '✗|Overall' >&2
        status=1
    fi
}

check systemd/driftd.service driftd.service
check systemd/driftd@.service driftd@example.service

# The sysusers and tmpfiles snippets: systemd-sysusers/-tmpfiles parse them against a scratch root.
for snippet in systemd/sysusers.d/*.conf; do
    [ -e "$snippet" ] || continue
    mkdir -p "$work/root/etc"
    # sysusers reports what it creates on stderr ("Creating group ..."); anything else is a problem.
    sysusers_ok=yes
    output=$(systemd-sysusers --root="$work/root" - <"$snippet" 2>&1) || sysusers_ok=no
    errors=$(printf '%s\n' "$output" | grep -v -e '^Creating ' -e '^$' || true)
    if [ $sysusers_ok = no ] || [ -n "$errors" ]; then
        echo "check_units: FAIL systemd-sysusers $snippet:" >&2
        printf '%s\n' "$output" >&2
        status=1
    elif ! grep -q '^driftd:' "$work/root/etc/passwd"; then
        echo "check_units: FAIL $snippet made no driftd user" >&2
        status=1
    else
        echo "check_units: $snippet: creates $(grep '^driftd:' "$work/root/etc/passwd")"
    fi
done
for snippet in systemd/tmpfiles.d/*.conf; do
    [ -e "$snippet" ] || continue
    if ! errors=$(systemd-tmpfiles --root="$work/root" --create - <"$snippet" 2>&1) || [ -n "$errors" ]; then
        echo "check_units: FAIL systemd-tmpfiles $snippet:" >&2
        printf '%s\n' "$errors" >&2
        status=1
    fi
done

exit $status
