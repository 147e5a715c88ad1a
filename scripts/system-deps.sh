#!/usr/bin/env bash
# Check (and where we may, install) the Debian/Ubuntu packages Nodeplay needs outside Python:
# the shared libraries Qt loads on Linux, a font, and Xvfb for the tests and offscreen GL.
#
#   scripts/system-deps.sh          install what is missing (as root, or with passwordless sudo)
#   scripts/system-deps.sh --check  only report; exit 1 if something is missing
#
# Without root or passwordless sudo it prints the one `sudo apt-get install ...` command to run
# and exits 1. On systems without dpkg it prints a note and exits 0: install the equivalents of
# the packages below with your own package manager. NODEPLAY_SKIP_SYSTEM_DEPS=1 skips the check.
set -euo pipefail

PACKAGES=(
    # Qt (PySide6) on Linux
    libgl1 libegl1 libfontconfig1 libdbus-1-3 libxkbcommon0 libxkbcommon-x11-0
    libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xinerama0
    libxcb-image0 libxcb-render-util0 libglib2.0-0
    fonts-dejavu-core
    # a virtual display for the tests and for vispy's GL context when there is no screen
    xvfb xauth
)

check_only=0
case "${1:-}" in
    --check) check_only=1 ;;
    "") ;;
    *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

if [[ "${NODEPLAY_SKIP_SYSTEM_DEPS:-0}" == 1 ]]; then
    echo "system-deps: skipped (NODEPLAY_SKIP_SYSTEM_DEPS=1)."
    exit 0
fi

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "system-deps: no dpkg here, so not a Debian-like system; not checking system packages." >&2
    echo "system-deps: Qt needs OpenGL/EGL, fontconfig, D-Bus, xkbcommon(-x11) and the xcb" \
         "cursor/icccm/keysyms/shape/xinerama/image/render-util libraries; the tests want Xvfb." >&2
    exit 0
fi

installed() {
    # Ubuntu 24.04 renamed some libraries with a t64 suffix (libglib2.0-0 -> libglib2.0-0t64).
    local name
    for name in "$1" "$1t64"; do
        if [[ "$(dpkg-query -W -f='${db:Status-Abbrev}' "$name" 2>/dev/null)" == ii* ]]; then
            return 0
        fi
    done
    return 1
}

missing=()
for pkg in "${PACKAGES[@]}"; do
    installed "$pkg" || missing+=("$pkg")
done

# Debian's own python3.11 makes venvs only with python3.11-venv (it carries ensurepip).
py="$(command -v python3.11 || command -v python3 || true)"
if [[ -n "$py" && "$(readlink -f "$py")" == /usr/bin/* ]] && ! "$py" -c 'import ensurepip' 2>/dev/null; then
    venv_pkg="python$("$py" -c 'import sys; print("%d.%d" % sys.version_info[:2])')-venv"
    installed "$venv_pkg" || missing+=("$venv_pkg")
fi

if [[ ${#missing[@]} -eq 0 ]]; then
    echo "system-deps: all ${#PACKAGES[@]} system packages are installed."
    exit 0
fi

echo "system-deps: missing: ${missing[*]}"
if [[ $check_only == 1 ]]; then
    exit 1
fi

if [[ "$(id -u)" == 0 ]]; then
    as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    as_root=(sudo -n)
else
    echo "system-deps: Nodeplay needs these system packages; install them with:" >&2
    echo "" >&2
    echo "    sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    echo "" >&2
    echo "then run make again." >&2
    exit 1
fi

echo "system-deps: installing them with apt-get..."
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -q
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null
echo "system-deps: installed ${missing[*]}."
