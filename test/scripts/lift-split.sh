#!/usr/bin/env bash
# Splits a repository's history for the personalization protocol (issue: measured lift):
# OUT/train = the source tree at the commit 70% of the way through the non-merge history,
# OUT/test  = the source files added after that commit, as they are at HEAD.
#   test/scripts/lift-split.sh GITDIR OUT
set -euo pipefail
git_dir=$1; out=$2
mapfile -t commits < <(git --git-dir="$git_dir" rev-list --no-merges --reverse HEAD)
cut=${commits[$(( ${#commits[@]} * 70 / 100 ))]}
rm -rf "$out"; mkdir -p "$out/train" "$out/test"
git --git-dir="$git_dir" archive "$cut" | tar -x -C "$out/train"
git --git-dir="$git_dir" diff --name-only --diff-filter=A "$cut" HEAD \
  | grep -E '\.(ts|tsx|js|jsx|mjs|cjs|py)$' | grep -vE '(^|/)(node_modules|dist|build|out)/' \
  | while read -r f; do
      mkdir -p "$out/test/$(dirname "$f")"
      git --git-dir="$git_dir" show "HEAD:$f" > "$out/test/$f"
    done
echo "{\"commits\": ${#commits[@]}, \"cut\": \"$cut\", \"test_files\": $(find "$out/test" -type f | wc -l), \"train_files\": $(find "$out/train" -type f | grep -cE '\.(ts|tsx|js|jsx|mjs|cjs|py)$')}"
