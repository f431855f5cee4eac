#!/usr/bin/env bash
# `make demo`: a guided run of gladcfg in a throwaway folder, against the embedded mock adapter.
set -euo pipefail
gladcfg=$(command -v "${1:-gladcfg}") || { echo "demo: ${1:-gladcfg} not found" >&2; exit 1; }
case $gladcfg in /*) ;; *) gladcfg="$PWD/$gladcfg" ;; esac  # the demo changes directory
checkout=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Bold only on a terminal: piped or in a CI log, plain text (NO_COLOR turns it off too).
if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then bold=$'\033[1m' plain=$'\033[0m'; else bold='' plain=''; fi
step() { printf '\n%s$ %s%s\n' "$bold" "$*" "$plain"; }
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

bin=$(dirname "$gladcfg")
cat <<EOF

${bold}That was $("$gladcfg" --version), installed in $bin.${plain}
To run it yourself, put it on your PATH (for this shell), then start a project of your own:

  export PATH="$bin:\$PATH"
  gladcfg init my-project && cd my-project && gladcfg validate

Or install it for every shell, outside this checkout: pipx install $checkout
EOF
