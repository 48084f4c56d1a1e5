#!/usr/bin/env bash
# Prints the value of KEY (default Version) from FyneApp.toml, the one place
# TechWalk's name, id and version are written: .ci/fyneapp.sh [KEY]
set -euo pipefail
cd "$(dirname "$0")/.."
sed -n "s/^${1:-Version} *= *\"\{0,1\}\([^\"]*\)\"\{0,1\} *\$/\1/p" FyneApp.toml | head -n 1
