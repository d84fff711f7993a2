#!/usr/bin/env bash
# Packs SegHeads, SegHeads.Dynamics and SegHeads.Imaging into a folder feed and builds/runs this consumer against the .nupkg
# (not a project reference), as a NuGet user would.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
feed="$root/artifacts/packages"
config="${CONFIGURATION:-Release}"

rm -rf "$feed" "$here/packages/segheads" "$here/packages/segheads.dynamics" "$here/packages/segheads.imaging" "$here/bin" "$here/obj"
for project in SegHeads SegHeads.Dynamics SegHeads.Imaging; do
    dotnet pack "$root/src/$project/$project.csproj" -c "$config" -o "$feed" -nologo -v quiet
done
ls "$feed"
dotnet run --project "$here/PackageConsumer.csproj" -c "$config"
