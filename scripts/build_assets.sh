#!/usr/bin/env bash
# Copy pinned npm packages into the app's static/vendor folder. Nothing is loaded from a CDN at run time.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules/bootstrap ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
vendor=src/zhaoshang/static/vendor
rm -rf "$vendor"
mkdir -p "$vendor"/{bootstrap,bootstrap-icons,htmx,echarts}
cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/css/bootstrap.min.css.map "$vendor/bootstrap/"
cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js node_modules/bootstrap/dist/js/bootstrap.bundle.min.js.map "$vendor/bootstrap/"
cp -r node_modules/bootstrap-icons/font/bootstrap-icons.min.css node_modules/bootstrap-icons/font/fonts "$vendor/bootstrap-icons/"
cp node_modules/htmx.org/dist/htmx.min.js "$vendor/htmx/"
cp node_modules/echarts/dist/echarts.min.js "$vendor/echarts/"
echo "assets: copied into $vendor"
