#!/usr/bin/env bash
# Packs SegHeads into a folder feed and builds/runs this consumer against the .nupkg
# (not a project reference), as a NuGet user would.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
feed="$root/artifacts/packages"
config="${CONFIGURATION:-Release}"

rm -rf "$feed" "$here/packages/segheads" "$here/bin" "$here/obj"
dotnet pack "$root/src/SegHeads/SegHeads.csproj" -c "$config" -o "$feed" -nologo -v quiet
ls "$feed"
dotnet run --project "$here/PackageConsumer.csproj" -c "$config"
