#!/bin/sh
# Install the Debian packages a make target needs, skipping those already there.
# Usage: scripts/deps.sh core|test|plot|slurm|rtl|viewer|synth|fuzz|all
# Uses apt-get directly as root, through sudo otherwise.
set -e
core="gcc make zlib1g-dev liblzma-dev python3"
test="libcmocka-dev valgrind binutils time bsdutils"
fuzz="clang libclang-rt-14-dev"
rtl="verilator g++ gtkwave xvfb xauth"
viewer="libsdl2-dev libsdl2-ttf-dev libsdl2-image-dev fonts-dejavu-core xvfb xauth xdotool"
synth="yosys nextpnr-ice40"
plot="gnuplot-nox"
slurm="slurm-wlm munge"
want=""
for group in "$@"; do
    case "$group" in
    core) want="$want $core" ;;
    test) want="$want $core $test" ;;
    rtl) want="$want $rtl" ;;
    viewer) want="$want $viewer" ;;
    synth) want="$want $synth" ;;
    plot) want="$want $plot" ;;
    slurm) want="$want $slurm" ;;
    fuzz) want="$want $core $fuzz" ;;
    all) want="$want $core $test $plot $rtl $viewer" ;;
    *) echo "deps.sh: unknown group '$group' (allowed: core test plot slurm rtl viewer synth fuzz all)" >&2; exit 2 ;;
    esac
done
missing=""
for p in $want; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps.sh: installing$missing" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
# Refresh the package lists only when an install fails on a stale or empty list.
$SUDO apt-get install -y -q --no-install-recommends $missing >/dev/null 2>&1 || {
    $SUDO apt-get update -q >/dev/null
    $SUDO apt-get install -y -q --no-install-recommends $missing >/dev/null
}
