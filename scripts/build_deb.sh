#!/usr/bin/env bash
# Build the Debian package of driftd with dpkg-deb (docs/packaging.md):
#
#     scripts/build_deb.sh BINARY OUTDIR      -> OUTDIR/driftd_<version>_<arch>.deb
#
# <version> is `BINARY --version`, <arch> `dpkg --print-architecture`. The staging tree is built in
# a temporary folder from the repository's files (systemd/, rules/, sample-streams/, docs/,
# packaging/debian/) and from BINARY itself (man page and shell completions come from its argument
# parser). If BINARY links Swift runtime libraries that no Debian package provides (a build without
# -static-stdlib: they come from the toolchain in /opt/swift), they are shipped in /usr/lib/driftd
# and the binary's RUNPATH is set to that folder with patchelf.
# Needs: dpkg-deb, dpkg-shlibdeps (dpkg-dev), python3, gzip; strip (binutils) and patchelf when used.
set -euo pipefail

if [ $# -ne 2 ]; then
    echo "usage: $0 BINARY OUTDIR" >&2
    exit 64
fi
binary=$(realpath "$1")
outdir=$2
cd "$(dirname "$0")/.."
repo=$(pwd)

[ -x "$binary" ] || { echo "build_deb: $binary is not an executable" >&2; exit 1; }
for tool in dpkg-deb dpkg-shlibdeps python3 gzip; do
    command -v "$tool" >/dev/null || { echo "build_deb: $tool not found (apt-get install dpkg-dev python3)" >&2; exit 1; }
done

package=driftd
version=$("$binary" --version)
arch=$(dpkg --print-architecture)
case "$version" in
    [0-9]*) ;;
    *) echo "build_deb: '$binary --version' printed '$version', not a version" >&2; exit 1 ;;
esac

# Reproducible dates: the last commit's, when this is a git checkout.
if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
    SOURCE_DATE_EPOCH=$(git log -1 --format=%ct 2>/dev/null || date +%s)
fi
export SOURCE_DATE_EPOCH
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/root
doc=$root/usr/share/doc/$package
mkdir -p "$root/DEBIAN" "$root/usr/bin" "$root/lib/systemd/system" "$root/usr/lib/sysusers.d" \
    "$root/usr/lib/tmpfiles.d" "$root/usr/lib/systemd/catalog" "$doc/examples/schema" \
    "$root/usr/share/man/man1" "$root/usr/share/bash-completion/completions" \
    "$root/usr/share/zsh/vendor-completions" "$root/usr/share/fish/vendor_completions.d"

say() { echo "build_deb: $*"; }

# --- the binary -------------------------------------------------------------------------------
install -m 0755 "$binary" "$root/usr/bin/driftd"
if command -v strip >/dev/null && strip --remove-section=.comment --remove-section=.note \
        "$root/usr/bin/driftd" 2>"$work/strip.err" && "$root/usr/bin/driftd" --version >/dev/null; then
    say "stripped /usr/bin/driftd: $(stat -c %s "$binary") -> $(stat -c %s "$root/usr/bin/driftd") bytes"
else
    install -m 0755 "$binary" "$root/usr/bin/driftd"
    say "NOT stripped /usr/bin/driftd (strip missing or failed: $(cat "$work/strip.err" 2>/dev/null))"
fi

# --- Swift runtime libraries that no Debian package provides ----------------------------------
owned_by_dpkg() { # PATH: does an installed package own this file (under either side of usrmerge)?
    local path=$1 real
    real=$(realpath "$path")
    for candidate in "$path" "$real" "${path#/usr}" "${real#/usr}" "/usr$path" "/usr$real"; do
        dpkg-query -S "$candidate" >/dev/null 2>&1 && return 0
    done
    return 1
}
private_libs=()
while read -r name arrow path _; do
    [ "$arrow" = "=>" ] && [ -f "$path" ] || continue
    owned_by_dpkg "$path" || private_libs+=("$path")
done < <(ldd "$binary")
if [ ${#private_libs[@]} -gt 0 ]; then
    command -v patchelf >/dev/null || {
        echo "build_deb: $binary needs libraries no Debian package provides (${private_libs[*]});" \
             "shipping them needs patchelf (apt-get install patchelf), or build with -static-stdlib" >&2
        exit 1
    }
    mkdir -p "$root/usr/lib/$package"
    for lib in "${private_libs[@]}"; do
        install -m 0644 "$lib" "$root/usr/lib/$package/"
        strip --strip-unneeded --remove-section=.comment --remove-section=.note \
            "$root/usr/lib/$package/$(basename "$lib")" 2>/dev/null || true
    done
    # The binary finds them through its RUNPATH; they find each other through their own ($ORIGIN).
    patchelf --set-rpath "/usr/lib/$package" "$root/usr/bin/driftd"
    say "the binary links the Swift runtime dynamically: shipping ${#private_libs[@]} libraries" \
        "($(du -sh "$root/usr/lib/$package" | cut -f1)) in /usr/lib/$package, RUNPATH set to it:" \
        "$(cd "$root/usr/lib/$package" && echo *)"
else
    say "every library the binary links belongs to a Debian package (static Swift stdlib): nothing shipped"
fi

# --- systemd: units, user, folders, catalog ---------------------------------------------------
for unit in driftd.service driftd@.service; do
    grep -q '^ExecStart=/usr/bin/driftd ' "systemd/$unit" || {
        echo "build_deb: systemd/$unit does not start /usr/bin/driftd" >&2; exit 1; }
    install -m 0644 "systemd/$unit" "$root/lib/systemd/system/$unit"
done
install -m 0644 systemd/sysusers.d/driftd.conf "$root/usr/lib/sysusers.d/driftd.conf"
install -m 0644 systemd/tmpfiles.d/driftd.conf "$root/usr/lib/tmpfiles.d/driftd.conf"
install -m 0644 systemd/driftd.catalog "$root/usr/lib/systemd/catalog/driftd.catalog"

# --- documentation, examples ------------------------------------------------------------------
install -m 0644 README.md docs/*.md "$doc/"
install -m 0644 packaging/debian/copyright "$doc/copyright"
mkdir -p "$root/usr/share/lintian/overrides"
install -m 0644 packaging/debian/lintian-overrides "$root/usr/share/lintian/overrides/$package"
{
    echo "$package ($version) unstable; urgency=medium"
    echo
    echo "  * driftd $version from commit $commit (scripts/build_deb.sh)."
    echo
    echo " -- driftd developers <driftd@localhost>  $(date -u -R -d "@$SOURCE_DATE_EPOCH")"
} | gzip -9n >"$doc/changelog.Debian.gz"

# The example rules read ../sample-streams/ relative to their folder. They are installed in
# examples/ with the sample streams beside them in examples/sample-streams/, and that prefix
# rewritten, so they work as installed: driftd check|replay /usr/share/doc/driftd/examples/*.json.
for rule in rules/*.json; do
    [ "$(basename "$rule")" = schema.json ] && continue
    sed 's|"\.\./sample-streams/|"sample-streams/|g' "$rule" >"$doc/examples/$(basename "$rule")"
    chmod 0644 "$doc/examples/$(basename "$rule")"
done
install -m 0644 rules/schema.json "$doc/examples/schema/rules.schema.json"
for stream in taxi churn; do
    mkdir -p "$doc/examples/sample-streams/$stream"
    install -m 0644 sample-streams/$stream/*.jsonl "$doc/examples/sample-streams/$stream/"
done
mkdir -p "$doc/examples/sample-streams/trainers"
# The trainers are the retrain commands of taxi-duration.json: executable, as the rule runs them.
for file in train.py always_worse.py predict.py serve.py; do
    install -m 0755 "sample-streams/trainers/$file" "$doc/examples/sample-streams/trainers/"
done
install -m 0644 sample-streams/trainers/model.py sample-streams/trainers/initial-model.json \
    sample-streams/trainers/README.md "$doc/examples/sample-streams/trainers/"
install -m 0644 packaging/debian/examples-README "$doc/examples/README"

# --- man page and shell completions, from the argument parser --------------------------------
# Taken from the staged (stripped, re-linked) binary, run against the staged libraries: this also
# checks that it works as packaged.
staged=$work/staged-driftd
printf '#!/bin/sh\nLD_LIBRARY_PATH="%s" exec "%s" "$@"\n' "$root/usr/lib/$package" "$root/usr/bin/driftd" >"$staged"
chmod +x "$staged"
[ "$("$staged" --version)" = "$version" ] || { echo "build_deb: the staged binary does not run" >&2; exit 1; }
python3 scripts/generate_manpage.py "$staged" -o "$work/driftd.1"
if warnings=$(groff -man -Tutf8 -ww -z "$work/driftd.1" 2>&1) && [ -z "$warnings" ]; then :; else
    echo "build_deb: the man page has roff warnings:" >&2; printf '%s\n' "$warnings" >&2; exit 1
fi
gzip -9n <"$work/driftd.1" >"$root/usr/share/man/man1/driftd.1.gz"
# bash-completion sources its files: no #! line (lintian: bash-completion-with-hashbang).
"$staged" --generate-completion-script bash | sed '1{/^#!/d}' >"$root/usr/share/bash-completion/completions/driftd"
"$staged" --generate-completion-script zsh >"$root/usr/share/zsh/vendor-completions/_driftd"
"$staged" --generate-completion-script fish >"$root/usr/share/fish/vendor_completions.d/driftd.fish"
chmod 0644 "$root"/usr/share/*/completions/driftd "$root"/usr/share/zsh/vendor-completions/_driftd \
    "$root"/usr/share/fish/vendor_completions.d/driftd.fish

# --- DEBIAN/ --------------------------------------------------------------------------------------
for script in postinst prerm postrm; do
    install -m 0755 "packaging/debian/$script" "$root/DEBIAN/$script"
done

# Depends from the ELF files, as dpkg-shlibdeps sees them (it wants a debian/control to read).
mkdir -p "$work/src/debian"
printf 'Source: %s\n\nPackage: %s\nArchitecture: any\n' "$package" "$package" >"$work/src/debian/control"
elves=("$root/usr/bin/driftd")
[ -d "$root/usr/lib/$package" ] && elves+=("$root"/usr/lib/$package/*.so)
shlibs=$(cd "$work/src" && dpkg-shlibdeps -O -S"$root" -l"$root/usr/lib/$package" "${elves[@]}" 2>"$work/shlibdeps.err") || {
    cat "$work/shlibdeps.err" >&2; exit 1; }
grep -v -e 'warning: binaries to analyze should already be installed in their package' -e "warning: can't extract name and version from library name" "$work/shlibdeps.err" >&2 || true
shlibs=${shlibs#shlibs:Depends=}
depends="$shlibs, systemd"
say "Depends: $depends"

installed_size=$(du -sk --apparent-size --exclude=DEBIAN "$root" | cut -f1)
cat >"$root/DEBIAN/control" <<EOF
Package: $package
Version: $version
Architecture: $arch
Maintainer: driftd developers <driftd@localhost>
Installed-Size: $installed_size
Depends: $depends
Section: admin
Priority: optional
Description: drift monitor for machine-learning models in production
 driftd reads the JSON Lines logs a model service already writes
 (predictions, and later labels) and reports when the input data, the
 predictions or the model's performance have drifted: PSI,
 Kolmogorov-Smirnov, chi-squared, Jensen-Shannon and Wasserstein tests on
 features and predictions, windowed metrics (F1, ROC AUC, RMSE, ...) once
 labels arrive, and concept drift detectors (ADWIN, DDM, Page-Hinkley, ...).
 Alerts go to the journal and to webhooks; metrics are served for Prometheus.
 .
 This package provides the driftd command (rule checks, offline replay and
 the daemon), hardened systemd units (driftd.service and driftd@.service),
 the driftd system user, a journald message catalog for the alerts, a man
 page, shell completions, and example rules with sample streams. The service
 is installed but neither enabled nor started.
EOF

(cd "$root" && find . -type f ! -path './DEBIAN/*' -printf '%P\0' | LC_ALL=C sort -z \
    | xargs -0 md5sum) >"$root/DEBIAN/md5sums"
chmod 0644 "$root/DEBIAN/md5sums"

# Everything root-owned (--root-owner-group), modes as installed above, dates reproducible.
find "$root" -exec touch --no-dereference -d "@$SOURCE_DATE_EPOCH" {} +
find "$root" -type d -exec chmod 0755 {} +

mkdir -p "$outdir"
deb=$outdir/${package}_${version}_${arch}.deb
dpkg-deb --build --root-owner-group -Zxz "$root" "$deb" >/dev/null
say "built $deb ($(du -h "$deb" | cut -f1))"
