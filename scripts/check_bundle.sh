#!/usr/bin/env bash
# Build the bundle and the .deb, install the .deb into a throwaway root, and run it there with
# no Python of the project on the path: --version, the demo, the app offscreen to its unlock
# screen and list, a ledger print, and a sync against the bundled county server. The same
# steps run from the pip install in the same run, for the start-up ratio. Not part of the
# default tests (it takes minutes).
#
#   scripts/check_bundle.sh              build, then check
#   scripts/check_bundle.sh --no-build   check the .deb already in $DIST (default dist/)
#
# Environment: PYTHON (the project's Python, default python3), DIST, HOUSEHOLDS (default 300),
# RUNS (timed repetitions, default 5). Run as root it also drives the maintainer scripts
# (install, upgrade, remove, purge) with dpkg --root into the throwaway root; DPKG_ROOT keeps
# them from touching this machine. Prints the figures at the end (docs/packaging.md).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PYTHON="${PYTHON:-python3}"
DIST="${DIST:-$ROOT/dist}"
HOUSEHOLDS="${HOUSEHOLDS:-300}"
RUNS="${RUNS:-5}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/fieldsurvey-check.XXXXXX")"
SERVER_PID=""
cleanup() {
    if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT
say() { printf '\n== %s\n' "$*"; }
fail() { printf 'FAILED: %s\n' "$*" >&2; exit 1; }

if [ "${1:-}" != "--no-build" ]; then
    say "build"
    start=$(date +%s)
    "$PYTHON" "$ROOT/scripts/build_bundle.py" --dist "$DIST" --work "$ROOT/build/bundle"
    BUILD_S=$(( $(date +%s) - start ))
else
    BUILD_S="(not built)"
fi
VERSION="$("$PYTHON" -c 'import tomllib; print(tomllib.load(open("'"$ROOT"'/pyproject.toml", "rb"))["project"]["version"])')"
DEB="$(ls "$DIST"/fieldsurvey_*.deb | head -n1)"
[ -f "$DEB" ] || fail "no .deb in $DIST"

say "install $(basename "$DEB") into a throwaway root (dpkg -x, no privileges)"
INST="$WORK/root"
dpkg-deb -x "$DEB" "$INST"
dpkg-deb -f "$DEB" Depends | tr ',' '\n' | sed 's/^ */  depends: /'
for f in opt/fieldsurvey/FieldSurvey opt/fieldsurvey/fieldsurvey usr/share/applications/fieldsurvey.desktop \
         usr/share/icons/hicolor/16x16/apps/fieldsurvey.png usr/share/icons/hicolor/scalable/apps/fieldsurvey.svg \
         lib/systemd/system/fieldsurvey-server.service etc/fieldsurvey/server.toml; do
    [ -e "$INST/$f" ] || fail "$f missing from the package"
done
[ "$(readlink "$INST/usr/bin/fieldsurvey")" = /opt/fieldsurvey/fieldsurvey ] || fail "/usr/bin/fieldsurvey link"
[ "$(readlink "$INST/usr/bin/fieldsurvey-app")" = /opt/fieldsurvey/FieldSurvey ] || fail "/usr/bin/fieldsurvey-app link"
# /usr/bin's links, re-pointed into the throwaway root: the bundle must find itself through a symlink.
mkdir -p "$WORK/bin" "$WORK/home"
ln -s "$INST/opt/fieldsurvey/fieldsurvey" "$WORK/bin/fieldsurvey"
ln -s "$INST/opt/fieldsurvey/FieldSurvey" "$WORK/bin/fieldsurvey-app"

# The two environments. Bundle: nothing of the project's Python. Pip: the pip-installed
# console script of this checkout.
PIP_BIN="$(dirname "$(command -v fieldsurvey)")"
export FIELDSURVEY_PASSPHRASE="shan-shui-tian-yun-42"
export FIELDSURVEY_SERVER_PASSPHRASE="feng-lin-he-qiao-57"
bundle_env() {
    env -i HOME="$WORK/home" PATH="$WORK/bin:/usr/bin:/bin" LANG=C.UTF-8 QT_QPA_PLATFORM=offscreen \
        FIELDSURVEY_PASSPHRASE="$FIELDSURVEY_PASSPHRASE" FIELDSURVEY_SERVER_PASSPHRASE="$FIELDSURVEY_SERVER_PASSPHRASE" "$@"
}
pip_env() {
    env -i HOME="$WORK/home" PATH="$PIP_BIN:/usr/bin:/bin" LANG=C.UTF-8 QT_QPA_PLATFORM=offscreen PYTHONPATH="$ROOT" \
        FIELDSURVEY_PASSPHRASE="$FIELDSURVEY_PASSPHRASE" FIELDSURVEY_SERVER_PASSPHRASE="$FIELDSURVEY_SERVER_PASSPHRASE" "$@"
}
cd "$WORK"  # not the checkout: a Python started here must not find the project's sources in its folder
bundle_env sh -c 'command -v fieldsurvey' | grep -q "^$WORK/bin/" || fail "the bundle is not the fieldsurvey on PATH"
if bundle_env sh -c 'command -v python3 >/dev/null && python3 -c "import fieldsurvey"' 2>/dev/null; then
    fail "a Python with fieldsurvey is on the bundle's PATH"
fi
echo "  no Python with fieldsurvey on the bundle's PATH"

# median wall time in seconds of RUNS runs of a command
median() {
    local times=() i s e
    for ((i = 0; i < RUNS; i++)); do
        s=$(date +%s.%N); "$@" >/dev/null 2>&1 || fail "$*"; e=$(date +%s.%N)
        times+=("$(echo "$e $s" | awk '{printf "%.3f", $1 - $2}')")
    done
    printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p"
}

say "fieldsurvey --version"
[ "$(bundle_env fieldsurvey --version)" = "fieldsurvey $VERSION" ] || fail "bundle --version"
[ "$(bundle_env fieldsurvey -m fieldsurvey --version)" = "fieldsurvey $VERSION" ] || fail "bundle -m fieldsurvey"
B_VERSION=$(median bundle_env fieldsurvey --version)
P_VERSION=$(median pip_env fieldsurvey --version)
echo "  bundle $B_VERSION s, pip $P_VERSION s (median of $RUNS)"

say "fieldsurvey demo --no-gui ($HOUSEHOLDS households)"
bundle_env fieldsurvey demo --no-gui --data-dir "$WORK/b-village" --server-dir "$WORK/b-server" \
    --households "$HOUSEHOLDS" --port 8471 | grep -E "Generated|County server data"
pip_env fieldsurvey demo --no-gui --data-dir "$WORK/p-village" --server-dir "$WORK/p-server" \
    --households "$HOUSEHOLDS" --port 8472 >/dev/null
B_DEMO=$(median bundle_env fieldsurvey demo --no-gui --reset --data-dir "$WORK/b-demo-t" --households "$HOUSEHOLDS")
P_DEMO=$(median pip_env fieldsurvey demo --no-gui --reset --data-dir "$WORK/p-demo-t" --households "$HOUSEHOLDS")
echo "  bundle $B_DEMO s, pip $P_DEMO s"

say "the app, offscreen: unlock screen, then the household list"
bundle_env fieldsurvey-app app --check --data-dir "$WORK/b-village" | tee "$WORK/app.txt"
grep -q "Household list: $HOUSEHOLDS households" "$WORK/app.txt" || fail "the app did not list the households"
# median over RUNS of what `app --check` reports, from the process's start: "UNLOCK LIST"
app_times() {
    local i out unlock=() list=()
    for ((i = 0; i < RUNS; i++)); do
        out="$("$@" 2>/dev/null)" || fail "$*"
        unlock+=("$(echo "$out" | sed -n 's/.*Unlock screen shown: \([0-9.]*\) s.*/\1/p')")
        list+=("$(echo "$out" | sed -n 's/.*households shown after \([0-9.]*\) s.*/\1/p')")
    done
    echo "$(printf '%s\n' "${unlock[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p") $(printf '%s\n' "${list[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p")"
}
read -r B_UNLOCK B_LIST <<< "$(app_times bundle_env fieldsurvey-app app --check --data-dir "$WORK/b-village")"
read -r P_UNLOCK P_LIST <<< "$(app_times pip_env fieldsurvey app --check --data-dir "$WORK/p-village")"
B_APP=$(median bundle_env fieldsurvey-app app --check --data-dir "$WORK/b-village")
P_APP=$(median pip_env fieldsurvey app --check --data-dir "$WORK/p-village")
echo "  start -> unlock screen: bundle $B_UNLOCK s, pip $P_UNLOCK s; start -> list: bundle $B_LIST s, pip $P_LIST s"
echo "  whole process (to the list and closed): bundle $B_APP s, pip $P_APP s"

say "a store made by the pip install opens in the bundle (what an upgrade from pip meets)"
bundle_env fieldsurvey-app app --check --data-dir "$WORK/p-village" | grep "Household list"

say "ledger print"
bundle_env fieldsurvey households --data-dir "$WORK/b-village" --format json > "$WORK/households.json"
NO="$(grep -m1 -o '"household_no": "[0-9]*"' "$WORK/households.json" | grep -o '[0-9]\{16\}')"
bundle_env fieldsurvey ledger --data-dir "$WORK/b-village" --household "$NO" --out "$WORK/ledger.pdf" >/dev/null
# Read back with the project's Python (pypdf): the reader is not what is being checked.
"$PYTHON" - "$WORK/ledger.pdf" "$NO" <<'EOF'
import sys
from pypdf import PdfReader
reader = PdfReader(sys.argv[1])
text = "".join(page.extract_text() or "" for page in reader.pages)
assert sys.argv[2] in text, "the ledger does not name its household"
assert "第 1 页" in text, "the ledger has no page numbers"
fonts = sorted({str(f.get_object().get("/BaseFont")) for p in reader.pages for f in (p["/Resources"].get("/Font") or {}).values()})
print(f"  {len(reader.pages)} pages for household {sys.argv[2]}; fonts: {' '.join(fonts)}")
EOF

say "sync against the bundled county server (started as 'EXE -m fieldsurvey server run --config')"
printf '%s\n' "$FIELDSURVEY_SERVER_PASSPHRASE" > "$WORK/server-passphrase"
cat > "$WORK/server.toml" <<EOF
[server]
data_dir = "b-server"
passphrase_file = "server-passphrase"
port = 8471
EOF
# Not through the bundle_env function: `func &` forks a shell whose $! is not the server's pid.
env -i HOME="$WORK/home" PATH="$WORK/bin:/usr/bin:/bin" LANG=C.UTF-8 \
    fieldsurvey -m fieldsurvey server run --config "$WORK/server.toml" > "$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do grep -q "Serving on" "$WORK/server.log" && break; sleep 0.2; done
grep -q "Serving on http://127.0.0.1:8471" "$WORK/server.log" || { cat "$WORK/server.log"; fail "the server did not start"; }
bundle_env fieldsurvey sync --data-dir "$WORK/b-village" | tail -n3 | tee "$WORK/sync.txt"
grep -qE "uploaded a batch|上传批次" "$WORK/sync.txt" || fail "sync did not report"
kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""

if [ "$(id -u)" = 0 ] && dpkg --help 2>/dev/null | grep -q -- "--force-script-chrootless\|force-help"; then
    say "maintainer scripts: install an older build, upgrade, remove, purge (dpkg --root, DPKG_ROOT)"
    DR="$WORK/dpkgroot"
    mkdir -p "$DR/var/lib/dpkg/info" "$DR/var/lib/dpkg/updates" "$DR/etc" "$DR/usr/sbin"
    : > "$DR/var/lib/dpkg/status"; : > "$DR/var/lib/dpkg/available"
    printf 'root:x:0:0:root:/root:/bin/sh\n' > "$DR/etc/passwd"
    printf 'root:x:0:\n' > "$DR/etc/group"
    printf 'root:*:19000:0:99999:7:::\n' > "$DR/etc/shadow"
    printf 'root:*::\n' > "$DR/etc/gshadow"
    OLD="$WORK/old"
    "$PYTHON" - "$INST/opt/fieldsurvey" "$OLD" "$ROOT" >/dev/null <<'EOF'
import sys
from pathlib import Path
sys.path.insert(0, str(Path(sys.argv[3]) / "packaging"))
import deb
print(deb.build_deb(Path(sys.argv[1]), "0.0.1", Path(sys.argv[2]), Path(sys.argv[2]) / "work"))
EOF
    DPKG=(dpkg --root="$DR" --force-script-chrootless --force-not-root --force-depends --log=/dev/null)
    # (dpkg warns that the Depends are not installed in the empty root: kept in dpkg.log)
    "${DPKG[@]}" -i "$OLD"/fieldsurvey_0.0.1_*.deb >/dev/null 2>"$WORK/dpkg.log" \
        || { cat "$WORK/dpkg.log"; fail "dpkg"; }
    grep -q '^fieldsurvey:' "$DR/etc/passwd" || fail "postinst did not create the service user"
    [ "$(stat -c %a "$DR/var/lib/fieldsurvey")" = 700 ] || fail "/var/lib/fieldsurvey is not 0700"
    echo "data" > "$DR/var/lib/fieldsurvey/county-data"
    echo '# edited by the county' >> "$DR/etc/fieldsurvey/server.toml"
    "${DPKG[@]}" -i "$DEB" >/dev/null 2>>"$WORK/dpkg.log" \
        || { cat "$WORK/dpkg.log"; fail "dpkg"; }
    "${DPKG[@]}" -s fieldsurvey | grep -q "^Version: $VERSION" || fail "upgrade"
    grep -q "edited by the county" "$DR/etc/fieldsurvey/server.toml" || fail "the upgrade lost the edited server.toml"
    "${DPKG[@]}" -r fieldsurvey >/dev/null 2>>"$WORK/dpkg.log" \
        || { cat "$WORK/dpkg.log"; fail "dpkg"; }
    [ -f "$DR/var/lib/fieldsurvey/county-data" ] || fail "remove deleted the data"
    [ ! -e "$DR/opt/fieldsurvey/fieldsurvey" ] || fail "remove left the program"
    "${DPKG[@]}" -P fieldsurvey >/dev/null 2>>"$WORK/dpkg.log" \
        || { cat "$WORK/dpkg.log"; fail "dpkg"; }
    [ ! -e "$DR/var/lib/fieldsurvey" ] && [ ! -e "$DR/etc/fieldsurvey" ] || fail "purge kept the data"
    ! grep -q '^fieldsurvey:' "$DR/etc/passwd" || fail "purge kept the service user"
    ! getent passwd fieldsurvey >/dev/null || fail "the scripts touched this machine's users"
    echo "  install 0.0.1 -> upgrade $VERSION (edited server.toml kept) -> remove (data kept) -> purge (data and user gone)"
else
    echo "(not root: the maintainer scripts were not run; dpkg -x checked the files only)"
fi

say "figures"
B_SIZE=$(du -sb "$INST/opt/fieldsurvey" | cut -f1)
DEB_SIZE=$(stat -c %s "$DEB")
ratio() { echo "$1 $2" | awk '{printf "%.2f", $1 / $2}'; }
cat <<EOF
load average:            $(cut -d' ' -f1-3 /proc/loadavg) (2 cores shared with other work)
version:                 $VERSION ($(dpkg-deb -f "$DEB" Architecture))
build time:              $BUILD_S s
bundle (/opt/fieldsurvey): $((B_SIZE / 1000000)) MB ($((B_SIZE / 1048576)) MiB), target < 250 MB
.deb:                    $((DEB_SIZE / 1000000)) MB
median of $RUNS runs          bundle    pip      ratio (target <= 1.2)
fieldsurvey --version:   $B_VERSION  $P_VERSION  $(ratio "$B_VERSION" "$P_VERSION")
start -> unlock screen:  $B_UNLOCK  $P_UNLOCK  $(ratio "$B_UNLOCK" "$P_UNLOCK")
start -> household list: $B_LIST  $P_LIST  $(ratio "$B_LIST" "$P_LIST")
app --check, whole:      $B_APP  $P_APP  $(ratio "$B_APP" "$P_APP")
demo --no-gui ($HOUSEHOLDS hh):  $B_DEMO  $P_DEMO  $(ratio "$B_DEMO" "$P_DEMO")
EOF
[ "$B_SIZE" -lt 250000000 ] || fail "the bundle is over 250 MB"
echo "OK"
