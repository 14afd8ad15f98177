// Keystroke to results painted in the till (`/caisse`), on the device's copy of a shop of
// `CLIENTS` clients (default 5,000): each keystroke of a few searches is typed into the box, and
// the time from the input event to the frame after the list changed is taken in the page
// (`performance.now()`), online then with the network switched off. Prints p50, p95 and the
// worst. Run by scripts/measure-till, which starts the server.
import { chromium } from "playwright";

const base = process.env.BASE_URL;
const email = process.env.OWNER_EMAIL;
const password = process.env.OWNER_PASSWORD;
const clients = Number(process.env.CLIENTS ?? 5000);
const rounds = Number(process.env.ROUNDS ?? 5);

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const context = await browser.newContext({ baseURL: base, locale: "fr-FR", viewport: { width: 360, height: 640 } });
const page = await context.newPage();
await page.goto("/connexion");
await page.locator("body[data-hydrated=true]").waitFor();
await page.getByLabel("Adresse e-mail").fill(email);
await page.getByLabel("Mot de passe", { exact: true }).fill(password);
await page.getByRole("button", { name: "Se connecter" }).click();
await page.waitForURL(/\/(clients|tableau-de-bord)$/);

// The shop's clients, created through the app's own endpoint, 25 at a time.
const started = Date.now();
await page.evaluate(async (count) => {
  const first = ["Anne", "Bruno", "Chloé", "David", "Élodie", "François", "Gaëlle", "Hugo", "Inès", "Jules",
    "Karine", "Louis", "Manon", "Nicolas", "Océane", "Pierre", "Quentin", "Rose", "Sébastien", "Thérèse"];
  const last = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
    "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier",
    "Morel", "Girard", "André", "Lefebvre", "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Martinez"];
  const cities = [["69003", "Lyon"], ["75011", "Paris"], ["13001", "Marseille"], ["33000", "Bordeaux"], ["59000", "Lille"]];
  const create = async (index) => {
    const [postal_code, city] = cities[index % cities.length];
    const phone = "06" + String(10000000 + index * 7919).slice(-8);
    const response = await fetch("/api/client-create", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ form: {
        civility: "nc", first_name: first[index % first.length], last_name: `${last[(index * 7) % last.length]}`,
        email: `client${index}@mesure.localhost`, phone, address: "", postal_code, city, birth_date: "", note: "",
      } }),
    });
    if (!response.ok) throw new Error(`client ${index}: ${response.status} ${await response.text()}`);
  };
  for (let index = 0; index < count; index += 25) {
    await Promise.all(Array.from({ length: Math.min(25, count - index) }, (_, offset) => create(index + offset)));
  }
}, clients);
console.log(`${clients} clients created in ${((Date.now() - started) / 1000).toFixed(1)} s`);

await page.goto("/caisse");
await page.locator("body[data-hydrated=true]").waitFor();
await page.getByText(`Recherche sur les ${clients} clients`).waitFor({ timeout: 120_000 });

const searches = ["martin", "dupont", "anne mo", "0610", "lyon", "69003", "thérèse"];
async function measure() {
  return page.evaluate(async ({ searches, rounds }) => {
    const box = document.getElementById("till-search");
    const painted = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
    const samples = [];
    for (let round = 0; round < rounds; round++) {
      for (const text of searches) {
        for (let length = 1; length <= text.length; length++) {
          box.value = text.slice(0, length);
          const typed = performance.now();
          box.dispatchEvent(new Event("input", { bubbles: true }));
          await painted();
          samples.push(performance.now() - typed);
        }
        box.value = "";
        box.dispatchEvent(new Event("input", { bubbles: true }));
        await painted();
      }
    }
    return samples;
  }, { searches, rounds });
}
function report(label, samples) {
  samples.sort((a, b) => a - b);
  const at = (share) => samples[Math.min(samples.length - 1, Math.floor(share * samples.length))];
  console.log(`${label}: ${samples.length} keystrokes, p50 ${at(0.5).toFixed(1)} ms, p95 ${at(0.95).toFixed(1)} ms, worst ${samples[samples.length - 1].toFixed(1)} ms`);
}
report("online ", await measure());
await context.setOffline(true);
report("offline", await measure());
await browser.close();
