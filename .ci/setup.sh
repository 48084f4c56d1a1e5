#!/usr/bin/env bash
# Installs what TechWalk needs to build and test on Debian/Ubuntu, only when
# something is missing. Uses sudo when not root. Other systems: see README.
set -euo pipefail

packages=(
  gcc pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev
  xvfb xauth libgl1-mesa-dri xdotool imagemagick
  poppler-utils qpdf sqlite3 fonts-droid-fallback fonts-noto-cjk locales
  fonts-noto-core fonts-nanum fonts-dejavu-core fonts-symbola
  gcc-mingw-w64-x86-64 appstream wine wine64 file xz-utils # make dist: Windows cross-build, metainfo check, the exe under Wine
  postgresql # the hub tests start a throwaway cluster (audit/postgres/pgtest)
)

if ! command -v go >/dev/null 2>&1; then
  echo "setup: Go is not installed; install Go 1.26 or newer from your package manager or the Go website" >&2
  exit 1
fi

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "setup: not a Debian/Ubuntu system; install the packages listed in README.md yourself" >&2
  exit 0
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Fyne reads the locale; make sure en_US.UTF-8 exists.
if command -v locale >/dev/null 2>&1 && ! locale -a 2>/dev/null | grep -qi '^en_US.utf-\?8$'; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  if [ -f /etc/locale.gen ]; then
    $sudo sed -i 's/^# *en_US.UTF-8 UTF-8/en_US.UTF-8 UTF-8/' /etc/locale.gen
    $sudo locale-gen >/dev/null || true
  fi
fi

go mod download
