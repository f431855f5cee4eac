#!/usr/bin/env bash
# `make demo`: a guided run of gladcfg in a throwaway folder, against the embedded mock adapter.
set -euo pipefail
gladcfg=${1:-gladcfg}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
run() { step "gladcfg $*"; "$gladcfg" "$@"; }

run init "$work/acme"
cd "$work/acme"
run validate --all

step "# a typo is caught with file, line, field and a suggestion; nothing is touched"
printf 'inboxes:\n  vip:\n    teams: [tier-1]\n    busines_hours: support\n' > config/vip.yaml
cat config/vip.yaml
run validate || echo "(exit code $?)"
rm config/vip.yaml

run plan -i staging --detailed-exitcode || echo "(exit code $?: changes to make)"
run apply -i staging --auto-approve
run plan -i staging --detailed-exitcode

step "# edit one field, save the plan, review it as a pull-request comment, apply exactly it"
sed -i 's/sla: {email: 24h/sla: {email: 12h/' config/support.yaml
run plan -i staging --out staging.plan.json
run show staging.plan.json --format markdown
run apply staging.plan.json
run plan -i staging --detailed-exitcode

step "# someone changes the instance in the admin UI (here: gladcfg state); plan shows the drift"
run state edit -i staging inboxes.support sla.email=4h
run state show -i staging
run plan -i staging --detailed-exitcode || echo "(exit code $?: drift to undo)"
