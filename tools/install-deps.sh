#!/bin/sh
# Install the Debian packages pyharness needs, if any is missing.
# Runs apt-get only when something is missing, and only as root (CI is root);
# otherwise prints the command to run.
set -eu
PKGS="cmake gcc make pkg-config python3 python3-dev libcurl4-openssl-dev libcjson-dev
libcriterion-dev libseccomp-dev libsqlite3-dev zlib1g-dev clang libclang-rt-dev clang-format cppcheck valgrind tmux
python3-jsonschema libespeak-ng-dev espeak-ng-data libpocketsphinx-dev pocketsphinx-en-us pulseaudio pulseaudio-utils slurm-wlm munge chromium"
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "pyharness needs:$missing" >&2
  echo "run: sudo apt-get install -y$missing" >&2
  exit 1
fi
echo "installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
