import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { DEMO_EMAIL, DEMO_PASSWORD, clientCard, createClient, hydrated, login, navigate, search, switchLanguage, uniqueName } from "./helpers";

// Each viewport has a shop of its own whose dashboard starts empty ("Épicerie desktop", …).
const PASSWORD = "Fleur-Rouge-2026";

async function purchase(page: Page, name: string, points: string, amount: string, balance: string) {
  const card = clientCard(page, name);
  await card.getByRole("button", { name: `Ajouter une transaction pour ${name}` }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Points gagnés").fill(points);
  await dialog.getByLabel("Montant dépensé").fill(amount);
  await dialog.getByRole("button", { name: "Enregistrer" }).click();
  await expect(dialog).toBeHidden();
  await expect(card).toContainText(`${balance} pts`);
}

function tile(page: Page, label: string) {
  return page.getByRole("group", { name: label, exact: true });
}

test("the owner's home shows the period's figures, charts and tables, in French and in English", async ({ page }, testInfo) => {
  await login(page, `dashboard-${testInfo.project.name}@e2e.localhost`, PASSWORD);
  const family = uniqueName();
  await createClient(page, { firstName: "Léa", lastName: family, email: `lea.${family.toLowerCase()}@exemple.fr` });
  await createClient(page, { firstName: "Marc", lastName: family, email: `marc.${family.toLowerCase()}@exemple.fr` });
  await search(page, family);
  await purchase(page, `Léa ${family}`, "12", "12,50", "12");
  await purchase(page, `Léa ${family}`, "7", "7,50", "19");
  await purchase(page, `Marc ${family}`, "9", "9", "9");

  await navigate(page, "Tableau de bord");
  await expect(page.getByRole("heading", { name: "Tableau de bord" })).toBeVisible();
  await hydrated(page);
  await expect(page.getByRole("link", { name: "30 jours" })).toHaveAttribute("aria-current", "page");
  await expect(tile(page, "Clients actifs")).toContainText("2");
  await expect(tile(page, "Nouveaux clients")).toContainText("2");
  await expect(tile(page, "Clients revenus (1 sur 2)")).toContainText("50 %");
  await expect(tile(page, "Visites")).toContainText("3");
  await expect(tile(page, "Total dépensé")).toContainText("29,00 €");
  await expect(tile(page, "Panier moyen")).toContainText("9,66 €");
  await expect(tile(page, "Points émis")).toContainText("28");

  // The chart, and beside it its numbers: today's row holds the three visits.
  const today = new Date().toLocaleDateString("fr-FR", { timeZone: "Europe/Paris", day: "2-digit", month: "2-digit" });
  await expect(page.getByRole("img", { name: "Visites par jour" })).toBeVisible();
  const visits = page.getByRole("table", { name: "Visites par jour" });
  await expect(visits.getByRole("row")).toHaveCount(31);
  await expect(visits.getByRole("row", { name: today })).toContainText("3");
  await expect(page.getByRole("table", { name: "Montant dépensé" }).getByRole("row", { name: today })).toContainText("29,00 €");
  const best = page.getByRole("region", { name: "Meilleurs clients" }).getByRole("row");
  await expect(best.nth(1)).toContainText(`Léa ${family}`);
  await expect(best.nth(1)).toContainText("20,00 €");
  await expect(best.nth(2)).toContainText(`Marc ${family}`);

  // Twelve months, month by month; the address keeps the choice through a reload.
  await page.getByRole("link", { name: "12 mois" }).click();
  await expect(page).toHaveURL(/periode=12m$/);
  const thisMonth = new Date().toLocaleDateString("fr-FR", { timeZone: "Europe/Paris", month: "short", year: "numeric" });
  await expect(page.getByRole("table", { name: "Visites par mois" }).getByRole("row", { name: thisMonth })).toContainText("3");
  await page.reload();
  await hydrated(page);
  await expect(tile(page, "Visites")).toContainText("3");

  // Typed dates: the end before the start is refused next to the field.
  await page.getByRole("link", { name: "Dates" }).click();
  const isoToday = new Date().toLocaleDateString("sv-SE", { timeZone: "Europe/Paris" });
  await page.getByLabel("Du", { exact: true }).fill(isoToday);
  await page.getByLabel("Au", { exact: true }).fill("2026-01-01");
  await page.getByRole("button", { name: "Afficher" }).click();
  await expect(page.getByText("La fin ne peut pas précéder le début.")).toBeVisible();
  await page.getByLabel("Au", { exact: true }).fill(isoToday);
  await page.getByRole("button", { name: "Afficher" }).click();
  await expect(page).toHaveURL(new RegExp(`periode=dates&du=${isoToday}&au=${isoToday}$`));
  await expect(tile(page, "Visites")).toContainText("3");

  // In English, numbers are written the English way.
  await switchLanguage(page, "English");
  await expect(tile(page, "Total spent")).toContainText("€29.00");
  await expect(tile(page, "Returning clients (1 of 2)")).toContainText("50%");
});

test("an owner signs in to the dashboard, and the address / leads there", async ({ page }) => {
  await page.goto("/connexion");
  await hydrated(page);
  await page.getByLabel("Adresse e-mail").fill(DEMO_EMAIL);
  await page.getByLabel("Mot de passe", { exact: true }).fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Se connecter" }).click();
  await expect(page).toHaveURL(/\/tableau-de-bord$/);
  await expect(page.getByRole("heading", { name: "Tableau de bord" })).toBeVisible();
  await page.getByRole("link", { name: "Clients", exact: true }).click();
  await page.goto("/");
  await expect(page).toHaveURL(/\/tableau-de-bord$/);
});
