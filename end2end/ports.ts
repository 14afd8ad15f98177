import { execFileSync } from "node:child_process";

// The tests' server and their SMTP listener take free ports of their own, so the tests run beside
// an app started by `scripts/start` (port 3000). The config runs first in the runner process and
// sets the variables; the workers and the web server inherit them, so all agree on the ports.
// E2E_PORT and E2E_SMTP_PORT choose them by hand.
function freePort(): string {
  const script =
    "const s = require('net').createServer();" +
    "s.listen(0, '127.0.0.1', () => { process.stdout.write(String(s.address().port)); s.close(); });";
  return execFileSync(process.execPath, ["-e", script]).toString().trim();
}

process.env.E2E_PORT ??= freePort();
process.env.E2E_SMTP_PORT ??= freePort();

export const BASE_URL = `http://127.0.0.1:${process.env.E2E_PORT}`;
export const SMTP_PORT = Number(process.env.E2E_SMTP_PORT);
