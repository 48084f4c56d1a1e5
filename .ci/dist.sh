#!/usr/bin/env bash
# Builds TechWalk's release packages into dist/ (or the folder given as $1):
#   TechWalk.tar.xz                the Linux archive from `fyne package`
#                                  (binary, icon, .desktop file, Makefile)
#   org.techwalk.app.metainfo.xml  AppStream metainfo, checked by appstreamcli
#   techwalk.exe                   Windows x86-64, cross-compiled with mingw-w64,
#                                  icon and version information embedded
#   SHA256SUMS
# The version comes from FyneApp.toml alone; CHANGELOG.md must have its entry.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
out=${1:-dist}
mkdir -p "$out"
out=$(cd "$out" && pwd)

# The fyne CLI, pinned; installed from the Go module proxy into bin/tools.
fyne_tools=v1.7.4
fyne=$root/bin/tools/fyne
if ! "$fyne" version 2>/dev/null | grep -q "cli version: $fyne_tools\$"; then
  echo "dist: installing the fyne CLI $fyne_tools"
  GOBIN=$root/bin/tools go install "fyne.io/tools/cmd/fyne@$fyne_tools"
fi

toml() { bash .ci/fyneapp.sh "$1"; }
version=$(toml Version)
name=$(toml Name)
id=$(toml ID)
if [ -z "$version" ] || [ -z "$name" ] || [ -z "$id" ] || [ -z "$(toml Build)" ] || [ -z "$(toml Icon)" ]; then
  echo "dist: FyneApp.toml needs Icon, Name, ID, Version and Build under [Details]" >&2
  exit 1
fi
date=$(sed -n "s/^## \[$version\] - \([0-9]\{4\}-[0-9]\{2\}-[0-9]\{2\}\)\$/\1/p" CHANGELOG.md)
if [ -z "$date" ]; then
  echo "dist: CHANGELOG.md has no '## [$version] - YYYY-MM-DD' entry for FyneApp.toml's Version" >&2
  exit 1
fi

# fyne reads FyneApp.toml from the main package's folder, builds there and
# leaves these files there while it works (it also counts Build up in the
# copy, which keeps FyneApp.toml itself unchanged).
src=$root/cmd/techwalk
leftovers=("$src/FyneApp.toml" "$src/techwalk" "$src/techwalk.exe" "$src/$name.exe" "$src/fyne.syso" "$src/fyne_metadata_init.go")
trap 'rm -f "${leftovers[@]}"' EXIT
rm -f "$out/$name.tar.xz" "$out/techwalk.exe" "$out/$id.metainfo.xml" "$out/SHA256SUMS"
stage() { sed "s#^Icon *= *\"\(.*\)\"#Icon = \"$root/\1\"#" FyneApp.toml >"$src/FyneApp.toml"; }

# Every build stamps the version into techwalk/audit/build.Version; fyne
# passes -ldflags from GOFLAGS on to go build.
export GOFLAGS="-ldflags=-X=techwalk/audit/build.Version=$version"
package() { # package OS [FLAGS]: fyne package --release for OS, writing into $out
  stage
  (cd "$out" && "$fyne" package -os "$@" --release --src "$src")
}

start=$SECONDS
echo "dist: $name $version for Linux"
package linux
echo "dist: Linux archive in $((SECONDS - start)) s"

start=$SECONDS
echo "dist: $name $version for Windows (x86_64-w64-mingw32-gcc)"
# For Windows, fyne builds once, adds the icon and version resources, and
# builds again; that second build would drop GOFLAGS' -ldflags (fyne takes
# them out of the environment), so name an exe for it to use and it builds
# once, with the resources and the version stamp.
: >"$src/techwalk.exe"
CC=x86_64-w64-mingw32-gcc CXX=x86_64-w64-mingw32-g++ GOARCH=amd64 package windows --exe "$src/techwalk.exe"
mv "$src/$name.exe" "$out/techwalk.exe"
echo "dist: Windows exe in $((SECONDS - start)) s"

sed -e "s/@VERSION@/$version/" -e "s/@DATE@/$date/" assets/org.techwalk.app.metainfo.xml.in >"$out/$id.metainfo.xml"
appstreamcli validate --no-net --pedantic "$out/$id.metainfo.xml"

(cd "$out" && sha256sum "$name.tar.xz" "$id.metainfo.xml" techwalk.exe >SHA256SUMS)
echo "dist: $out"
cat "$out/SHA256SUMS"
