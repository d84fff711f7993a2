#!/usr/bin/env bash
# Regenerates PublicAPI.Unshipped.txt of each package project from its current public API, after an
# intended API change: additions, removals and signature changes in one step.
#
#   build/update-public-api.sh                     every project under src/ that tracks its API
#   build/update-public-api.sh src/SegHeads        only the projects (folders or .csproj) given
#
# `dotnet format analyzers` applies the analyzer's RS0016 fix (add a missing API) but has no fix for
# RS0017 (an API listed but gone), so the file is emptied first and every API still present is added
# back. PublicAPI.Shipped.txt is never touched: removing a shipped API is a breaking change, recorded
# by hand as a "*REMOVED*" line in the unshipped file (such lines are kept).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

projects=()
if [ "$#" -eq 0 ]; then
    for unshipped in src/*/PublicAPI.Unshipped.txt; do
        projects+=("$(ls "$(dirname "$unshipped")"/*.csproj)")
    done
else
    for arg in "$@"; do
        if [ -d "$arg" ]; then projects+=("$(ls "$arg"/*.csproj)"); else projects+=("$arg"); fi
    done
fi

for project in "${projects[@]}"; do
    unshipped="$(dirname "$project")/PublicAPI.Unshipped.txt"
    removed="$(grep '^\*REMOVED\*' "$unshipped" || true)"
    { echo '#nullable enable'; [ -z "$removed" ] || echo "$removed"; } > "$unshipped"
done

for project in "${projects[@]}"; do
    echo "update-public-api: $project"
    dotnet format analyzers "$project" --diagnostics RS0016 --severity info
done

# The build is the check: RS0016/RS0017 are errors, so a clean build means the files are complete.
for project in "${projects[@]}"; do
    if ! dotnet build "$project" -c Release -nologo -v quiet; then
        echo "update-public-api: $project still fails; an RS0017 on PublicAPI.Shipped.txt means a shipped API was removed (record it as *REMOVED* in the unshipped file)." >&2
        exit 1
    fi
done
for project in "${projects[@]}"; do
    git --no-pager diff --stat -- "$(dirname "$project")/PublicAPI.Unshipped.txt"
done
