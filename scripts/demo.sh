#!/usr/bin/env bash
# `make demo`: a guided run of gladcfg in a throwaway folder.
set -euo pipefail
gladcfg=${1:-gladcfg}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }

step gladcfg init "$work/acme"
"$gladcfg" init "$work/acme"

step gladcfg -C "$work/acme" validate --all
"$gladcfg" -C "$work/acme" validate --all

step "# a typo in a resource file is caught with file, line, field and a suggestion"
printf 'inboxes:\n  vip:\n    teams: [tier-1]\n    busines_hours: support\n' > "$work/acme/config/vip.yaml"
cat "$work/acme/config/vip.yaml"
step gladcfg -C "$work/acme" validate
"$gladcfg" -C "$work/acme" validate || echo "(exit code $?)"

step gladcfg -C examples/acme validate --all --strict
"$gladcfg" -C examples/acme validate --all --strict
