import { expect, test } from "./fixtures";
import { clientCard, createClient, hydrated, login, search, switchLanguage, uniqueName } from "./helpers";

test("an avoir is credited with its reason, used never below zero, shown on the list card and cancelled by the owner", async ({ page }) => {
  await login(page);
  const lastName = uniqueName();
  await createClient(page, { firstName: "Inès", lastName });
  await search(page, lastName);
  await clientCard(page, `Inès ${lastName}`).getByRole("link", { name: `Inès ${lastName}` }).click();
  await hydrated(page);

  const section = page.getByRole("region", { name: "Avoirs (cagnotte)" });
  await expect(section.getByText("Aucun avoir pour l'instant.")).toBeVisible();
  await expect(section.getByRole("button", { name: "Utiliser l'avoir" })).toBeDisabled();

  // A credit without its reason is refused next to the field; nothing is saved.
  await section.getByRole("button", { name: "Créditer un avoir" }).click();
  const credit = page.getByRole("dialog", { name: "Créditer un avoir" });
  await credit.getByLabel("Montant (€)").fill("12,50");
  await credit.getByRole("button", { name: "Enregistrer" }).click();
  await expect(credit.getByText("Ce champ est obligatoire.")).toBeVisible();
  await credit.getByLabel(/^Motif/).fill("Vase rendu");
  await credit.getByRole("button", { name: "Enregistrer" }).click();
  await expect(credit).toBeHidden();
  await expect(section.getByText("Solde : 12,50 €")).toBeVisible();
  await expect(section.getByRole("row", { name: /Vase rendu/ })).toContainText("Avoir crédité");

  // More than the balance: the balance is told, nothing is used.
  await section.getByRole("button", { name: "Utiliser l'avoir" }).click();
  const use = page.getByRole("dialog", { name: "Utiliser l'avoir" });
  await use.getByLabel("Montant (€)").fill("20");
  await use.getByRole("button", { name: "Enregistrer" }).click();
  await expect(use.getByText("Le client n'a que 12,50 € d'avoir.")).toBeVisible();
  await use.getByLabel("Montant (€)").fill("5");
  await use.getByRole("button", { name: "Enregistrer" }).click();
  await expect(use).toBeHidden();
  await expect(section.getByText("Solde : 7,50 €")).toBeVisible();

  // The owner cancels the use with a reason: a reversal, both entries stay.
  await section.getByRole("button", { name: "Annuler le mouvement de -5,00 €" }).click();
  const reverse = page.getByRole("dialog", { name: "Annuler un mouvement de l'avoir" });
  await reverse.getByLabel(/^Motif/).fill("Mauvais client");
  await reverse.getByRole("button", { name: "Enregistrer" }).click();
  await expect(reverse).toBeHidden();
  await expect(section.getByText("Solde : 12,50 €")).toBeVisible();
  await expect(section.getByRole("row", { name: /Mauvais client/ })).toContainText("Annulation");

  // The page rendered by the server shows the same; the list card shows the credit.
  await page.reload();
  await hydrated(page);
  await expect(page.getByRole("region", { name: "Avoirs (cagnotte)" }).getByText("Solde : 12,50 €")).toBeVisible();
  // In English too.
  await switchLanguage(page, "English");
  const english = page.getByRole("region", { name: "Store credit" });
  await expect(english.getByRole("button", { name: "Add store credit" })).toBeVisible();
  await expect(english.getByRole("row", { name: /Vase rendu/ })).toContainText("Credit added");
  await switchLanguage(page, "Français");
  await page.getByRole("link", { name: "Clients", exact: true }).first().click();
  await search(page, lastName);
  await expect(clientCard(page, `Inès ${lastName}`)).toContainText("Avoir 12,50 €");

  // The till's dialog tells the credit there is to use.
  await clientCard(page, `Inès ${lastName}`).getByRole("button", { name: `Ajouter une transaction pour Inès ${lastName}` }).click();
  const till = page.getByRole("dialog", { name: new RegExp(`Inès ${lastName}`) });
  await expect(till.getByRole("note").filter({ hasText: "Avoir disponible : 12,50 €." })).toBeVisible();
  await till.getByRole("button", { name: "Annuler", exact: true }).click();

  // The owner's journal lists the shop's store credit entries with their client.
  await page.goto("/journal");
  await hydrated(page);
  const journal = page.getByRole("region", { name: "Avoirs (cagnotte)" });
  const rows = journal.getByRole("row").filter({ hasText: `Inès ${lastName}` });
  await expect(rows).toHaveCount(3);
  await expect(rows.filter({ hasText: "Vase rendu" })).toContainText("Avoir crédité");
});
