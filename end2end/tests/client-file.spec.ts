import { expect, test } from "./fixtures";
import { clientCard, createClient, hydrated, login, search, switchLanguage, uniqueName } from "./helpers";

test.beforeEach(async ({ page }) => {
  await login(page);
});

/** A new client with one 12,50 € purchase, its page open. */
async function openNewClient(page: import("@playwright/test").Page) {
  const lastName = uniqueName();
  await createClient(page, { firstName: "Inès", lastName });
  await search(page, lastName);
  const card = clientCard(page, `Inès ${lastName}`);
  await card.getByRole("button", { name: `Ajouter une transaction pour Inès ${lastName}` }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Points gagnés").fill("12");
  await dialog.getByLabel("Montant dépensé (€, facultatif)").fill("12,50");
  await dialog.getByRole("button", { name: "Enregistrer" }).click();
  await expect(dialog).toBeHidden();
  await card.getByRole("link", { name: `Inès ${lastName}` }).click();
  await hydrated(page);
  await expect(page.getByRole("heading", { name: `Inès ${lastName}` })).toBeVisible();
  return lastName;
}

test("the client page shows visits and spending", async ({ page }) => {
  await openNewClient(page);
  await expect(page.getByTestId("visits")).toHaveText("1");
  await expect(page.getByTestId("total-spent")).toHaveText("12,50\u00a0€");
  await expect(page.getByTestId("average-basket")).toHaveText("12,50\u00a0€");

  // A second, bigger purchase moves the average.
  await page.getByRole("button", { name: "Ajouter une transaction" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Points gagnés").fill("30");
  await dialog.getByLabel("Montant dépensé (€, facultatif)").fill("27,50");
  await dialog.getByRole("button", { name: "Enregistrer" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId("visits")).toHaveText("2");
  await expect(page.getByTestId("total-spent")).toHaveText("40,00\u00a0€");
  await expect(page.getByTestId("average-basket")).toHaveText("20,00\u00a0€");

  // The client's data, as a file to hand over.
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Télécharger ses données (CSV)" }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^client-\d+\.csv$/);
  const csv = require("node:fs").readFileSync(await download.path(), "utf8");
  // Amounts read as on the page; a cell starting with "+" is defused against formulas.
  expect(csv).toContain("'+30 points 27,50\u00a0€");
});

test("a note joins the timeline with its author, and the timeline filters by kind", async ({ page }) => {
  await openNewClient(page);
  await page.getByLabel("Nouvelle note").fill("Préfère le pain bien cuit");
  await page.getByRole("button", { name: "Ajouter la note" }).click();
  await expect(page.getByLabel("Nouvelle note")).toHaveValue("");

  const noteRow = page.getByRole("row").filter({ hasText: "Préfère le pain bien cuit" });
  await expect(noteRow).toContainText("Note");
  await expect(noteRow).toContainText("Camille Boulanger");
  await expect(page.getByRole("status")).toHaveText("3 événement(s)");
  // One page: the pager says so and offers no other.
  const pager = page.getByRole("navigation", { name: "Pages" });
  await expect(pager).toContainText("Page 1 sur 1");
  await expect(pager.getByRole("button", { name: "Précédent" })).toBeDisabled();
  await expect(pager.getByRole("button", { name: "Suivant", exact: true })).toBeDisabled();

  await page.getByLabel("Afficher").selectOption({ label: "Notes" });
  await expect(page.getByRole("status")).toHaveText("1 événement(s)");
  await expect(page.getByRole("row")).toHaveCount(2);
  await page.getByLabel("Afficher").selectOption({ label: "Transactions" });
  await expect(page.getByRole("status")).toHaveText("1 événement(s)");
  await expect(page.getByRole("row").nth(1)).toContainText("Achat");

  // An empty note is refused next to the field and nothing is added.
  await page.getByRole("button", { name: "Ajouter la note" }).click();
  await expect(page.getByText("Ce champ est obligatoire.")).toBeVisible();
  await page.getByLabel("Afficher").selectOption({ label: "Tout" });
  await expect(page.getByRole("status")).toHaveText("3 événement(s)");
});

test("consents are recorded with their source and kept in the history", async ({ page }) => {
  await openNewClient(page);
  const consents = page.getByTestId("consents");
  await expect(consents).toContainText("Jamais demandé");

  await page.getByRole("button", { name: "Modifier les consentements" }).click();
  const dialog = page.getByRole("dialog", { name: "Consentements du client" });
  await dialog.getByRole("group", { name: "E-mails" }).getByLabel("Oui").check();
  await dialog.getByRole("group", { name: "SMS" }).getByLabel("Non").check();
  await dialog.getByLabel("Recueilli").selectOption({ label: "À l'oral" });
  await dialog.getByRole("button", { name: "Enregistrer" }).click();
  await expect(dialog).toBeHidden();
  await expect(consents).toContainText(/Oui depuis le .* \(À l'oral, par Camille Boulanger\)/);
  await expect(consents).toContainText(/Non depuis le/);

  await page.getByLabel("Afficher").selectOption({ label: "Consentements" });
  await expect(page.getByRole("status")).toHaveText("2 événement(s)");
  await expect(page.getByRole("row").filter({ hasText: "E-mails : oui (À l'oral)" })).toHaveCount(1);

  // In English too.
  await switchLanguage(page, "English");
  await expect(page.getByRole("heading", { name: "Activity" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Consents" })).toBeVisible();
  await expect(consents).toContainText(/Yes since .* \(Verbally, by Camille Boulanger\)/);
  await expect(page.getByRole("row").filter({ hasText: "E-mails: yes (Verbally)" })).toHaveCount(1);
  await switchLanguage(page, "Français");
  await expect(page.getByRole("heading", { name: "Activité" })).toBeVisible();
});
