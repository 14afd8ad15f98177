import { expect, test } from "./fixtures";
import { clientCard, hydrated, login, navigate, search, switchLanguage } from "./helpers";

// The demo's former clients (services/demo.rs, FORMER_CLIENTS): four years without a visit.
// Each viewport works on its own two, as both run at once on the same demo shop.
const FORMER: Record<string, { kept: string; erased: string }> = {
  desktop: { kept: "Gisèle Vasseur", erased: "Roland Peyrac" },
  phone: { kept: "Odette Marchal", erased: "Lucien Brès" },
};

test("the owner keeps one inactive client and erases another, both in the audit log", async ({ page }, testInfo) => {
  const { kept, erased } = FORMER[testInfo.project.name];
  await login(page);
  await page.getByRole("link", { name: /^Clients inactifs depuis des années/ }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Clients inactifs" })).toBeVisible();
  await hydrated(page);
  const row = (name: string) => page.getByRole("row").filter({ hasText: name });
  await expect(row(kept)).toBeVisible();
  await expect(row(erased)).toBeVisible();

  await row(kept).getByRole("button", { name: `Conserver ${kept}` }).click();
  await expect(row(kept)).toHaveCount(0);

  page.once("dialog", (dialog) => dialog.accept());
  await row(erased).getByRole("button", { name: `Effacer ${erased}` }).click();
  await expect(row(erased)).toHaveCount(0);

  // The kept client is still in the shop's list; the erased one is not found any more.
  await page.goto("/clients");
  await hydrated(page);
  await search(page, kept);
  await expect(clientCard(page, kept)).toBeVisible();
  await search(page, erased);
  await expect(page.getByText("Aucun client ne correspond à cette recherche.")).toBeVisible();

  await navigate(page, "Journal d'audit");
  await hydrated(page);
  await page.getByLabel("Événement").selectOption({ label: "Client conservé (inactif)" });
  await page.getByRole("button", { name: "Filtrer" }).click();
  await expect(page.getByRole("cell", { name: "Client conservé (inactif)" }).first()).toBeVisible();
});

test("the retention rule refuses a period outside 1 to 10 years and keeps what was saved", async ({ page }, testInfo) => {
  await login(page, `retention-${testInfo.project.name}@e2e.localhost`, "Fleur-Rouge-2026");
  await page.goto("/clients-inactifs");
  await hydrated(page);
  const years = page.getByLabel("Durée sans visite avant la liste (en années)");
  const automatic = page.getByLabel("Effacer automatiquement un client listé depuis 30 jours");
  await expect(years).toHaveValue("3");
  await expect(automatic).not.toBeChecked();
  await expect(page.getByText("Aucun client inactif : tous sont venus pendant la durée choisie.")).toBeVisible();

  await years.fill("0");
  await page.getByRole("button", { name: "Enregistrer" }).click();
  await expect(page.getByText("Un nombre entier entre 1 et 10.")).toBeVisible();

  await years.fill("2");
  await automatic.check();
  await page.getByRole("button", { name: "Enregistrer" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Règle enregistrée." })).toBeVisible();

  await page.reload();
  await hydrated(page);
  await expect(years).toHaveValue("2");
  await expect(automatic).toBeChecked();

  await switchLanguage(page, "English");
  await expect(page.getByRole("heading", { level: 1, name: "Inactive clients" })).toBeVisible();
  await expect(page.getByLabel("Years without a visit before listing")).toHaveValue("2");
});
