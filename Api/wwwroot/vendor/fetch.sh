#!/usr/bin/env bash
# Vendored browser libraries, pinned in vendor.json (package, version, path inside the package, path in the repo,
# sha256). No CDN: the console serves these files itself.
#
#   fetch.sh          fetches each pinned package with `npm pack`, copies the listed files into the repo and
#                     verifies every file's sha256 against vendor.json
#   fetch.sh --check  verifies the files in the repo against vendor.json, without network
#
# To move to another version: change the version in vendor.json, run fetch.sh (it fails on the old hashes),
# review the new files, then put their hashes (sha256sum) in vendor.json and run it again.
# vendor.json is read with node, which npm needs anyway.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../../.." && pwd)
manifest="$here/vendor.json"

mode=fetch
case "${1:-}" in
  "") ;;
  --check) mode=check ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

# One line per file: package<TAB>version<TAB>source<TAB>path<TAB>sha256
entries=$(node -e '
  const m = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  for (const f of m.files) {
    for (const k of ["package", "version", "source", "path", "sha256"]) {
      if (typeof f[k] !== "string" || f[k] === "" || /[\t\n]/.test(f[k])) { console.error(`vendor.json: bad ${k} in ${JSON.stringify(f)}`); process.exit(1); }
    }
    if (f.path.startsWith("/") || f.path.split("/").includes("..")) { console.error(`vendor.json: path outside the repo: ${f.path}`); process.exit(1); }
    console.log([f.package, f.version, f.source, f.path, f.sha256].join("\t"));
  }' "$manifest")

if [ -z "$entries" ]; then
  echo "vendor.json lists no files" >&2
  exit 1
fi

if [ "$mode" = fetch ]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  # Each distinct package@version once.
  while IFS=$'\t' read -r package version; do
    echo "fetching $package@$version"
    mkdir -p "$work/$package@$version"
    tarball=$(cd "$work" && npm pack --silent "$package@$version")
    tar -xzf "$work/$tarball" -C "$work/$package@$version"
  done < <(cut -f1,2 <<<"$entries" | sort -u)

  while IFS=$'\t' read -r package version source path sha256; do
    from="$work/$package@$version/package/$source"
    if [ ! -f "$from" ]; then
      echo "$package@$version has no $source" >&2
      exit 1
    fi
    mkdir -p "$(dirname "$root/$path")"
    cp "$from" "$root/$path"
  done <<<"$entries"
fi

failed=0
while IFS=$'\t' read -r package version source path sha256; do
  if [ ! -f "$root/$path" ]; then
    echo "MISSING   $path ($package@$version $source)" >&2
    failed=1
    continue
  fi
  actual=$(sha256sum "$root/$path" | cut -d' ' -f1)
  if [ "$actual" != "$sha256" ]; then
    echo "MISMATCH  $path ($package@$version $source): vendor.json has $sha256, the file is $actual" >&2
    failed=1
  else
    echo "ok        $path"
  fi
done <<<"$entries"

if [ "$failed" -ne 0 ]; then
  echo "vendored files do not match vendor.json" >&2
  exit 1
fi
