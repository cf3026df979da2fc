#!/usr/bin/env bash
# Fetches jsQR (Apache-2.0) from npm at a pinned version, checks the tarball, minifies it with
# terser and writes loket/onsite/static/onsite/vendor/jsQR.min.js (+ its licence). The file is
# committed: a fresh clone, CI and the offices need neither npm nor a network. Run it again
# only to change the version (then update VERSION and SHA256 here).
#
# jsQR decodes the camera's QR frames on the check-in desk and the kiosk where the browser
# has no BarcodeDetector (Chrome on Windows and Linux, Firefox); it is loaded only when the
# camera is opened.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=1.4.0
SHA256=b5299b37917a1fe7a8cab9dd5cc6b8accf82663add80abe5bf7761a921cc6602
OUT=loket/onsite/static/onsite/vendor
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(
  cd "$work"
  npm pack --silent "jsqr@$VERSION" >/dev/null
  echo "$SHA256  jsqr-$VERSION.tgz" | sha256sum -c --quiet
  tar xzf "jsqr-$VERSION.tgz"
  npm install --silent --no-save --no-audit --no-fund terser@5 >/dev/null
  node_modules/.bin/terser package/dist/jsQR.js --compress --mangle --comments false -o jsQR.min.js
)
mkdir -p "$OUT"
{ echo "/*! jsQR $VERSION | Apache-2.0 | https://github.com/cozmo/jsQR | minified by scripts/vendor_jsqr.sh */"; cat "$work/jsQR.min.js"; echo; } >"$OUT/jsQR.min.js"
cp "$work/package/LICENSE" "$OUT/jsQR.LICENSE.txt"
echo "wrote $OUT/jsQR.min.js ($(wc -c <"$OUT/jsQR.min.js") bytes)"
