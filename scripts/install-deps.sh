#!/bin/sh
# install-deps.sh - installs the Debian packages cari needs, if any is missing.
# Idempotent and quiet when everything is there. Uses sudo when not root.
set -eu
packages="gcc cmake make pkg-config python3 hunspell-id libstemmer-dev libzstd-dev libcriterion-dev zstd"
missing=""
for p in $packages; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    case "$status" in *"install ok installed"*) ;; *) missing="$missing $p" ;; esac
done
[ -z "$missing" ] && exit 0
echo "install-deps: installing$missing" >&2
sudo=""
if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "install-deps: run as root or install:$missing" >&2; exit 1; }
    sudo=sudo
fi
# the package lists may be empty on a fresh machine
if [ -z "$(ls -A /var/lib/apt/lists 2>/dev/null | grep -v -e lock -e partial || true)" ]; then
    $sudo apt-get update -qq
fi
if ! DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing >/dev/null; then
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing >/dev/null
fi
