#!/usr/bin/env bash
# Starts the built server for the browser tests on a database of its own, with the demo shop and
# per viewport one shop whose owner's password the reset test changes, one for the account page and
# one whose loyalty programme the programme tests change, one whose dashboard starts empty,
# one whose retention rule the retention test changes, one the import test fills from a file, one
# whose API keys the API test makes, one that e-mails its clients, one that publishes its
# programme's terms, and a platform support account.
set -euo pipefail
cd "$(dirname "$0")/.."
data=$(mktemp -d)
export DATABASE_URL="sqlite://$data/e2e.db?mode=rwc"
export MAIL_OUTBOX_DIR="$data/outbox"
# The ports are chosen by end2end/ports.ts, never 3000: the user's own app may be running there.
export PUBLIC_URL="http://127.0.0.1:${E2E_PORT:?set by end2end/ports.ts}"
export LEPTOS_SITE_ADDR="127.0.0.1:$E2E_PORT"
# The listener of end2end/global-setup.ts receives the e-mails.
export SMTP_HOST=127.0.0.1 SMTP_PORT="${E2E_SMTP_PORT:?set by end2end/ports.ts}" SMTP_SECURITY=none
export COMPTOIR_OWNER_PASSWORD='Fleur-Rouge-2026'
server=target/debug/server
# The programme tests run `server expire --at …` on this database (the test clock).
mkdir -p target/e2e && printf '%s' "$DATABASE_URL" > target/e2e/database-url
"$server" demo
for viewport in desktop phone; do
  "$server" create-shop --name "Fleuriste $viewport" --owner-name "Flora $viewport" --owner-email "reset-$viewport@e2e.localhost"
  "$server" create-shop --name "Caviste $viewport" --owner-name "Victor $viewport" --owner-email "account-$viewport@e2e.localhost"
  "$server" create-shop --name "Café $viewport" --owner-name "Camille $viewport" --owner-email "programme-$viewport@e2e.localhost"
  "$server" create-shop --name "Épicerie $viewport" --owner-name "Denis $viewport" --owner-email "dashboard-$viewport@e2e.localhost"
  "$server" create-shop --name "Librairie $viewport" --owner-name "Lina $viewport" --owner-email "retention-$viewport@e2e.localhost"
  "$server" create-shop --name "Fromagerie $viewport" --owner-name "Inès $viewport" --owner-email "import-$viewport@e2e.localhost"
  "$server" create-shop --name "Torréfacteur $viewport" --owner-name "Anis $viewport" --owner-email "api-$viewport@e2e.localhost"
  "$server" create-shop --name "Pâtisserie $viewport" --owner-name "Paul $viewport" --owner-email "mail-$viewport@e2e.localhost"
  "$server" create-shop --name "Salon $viewport" --owner-name "Lila $viewport" --owner-email "terms-$viewport@e2e.localhost"
done
COMPTOIR_SUPPORT_PASSWORD='Support-Vert-2026' "$server" create-support --name "Sam Support" --email support@e2e.localhost
exec "$server"
