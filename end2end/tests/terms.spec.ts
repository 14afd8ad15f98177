import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { clientCard, createClient, hydrated, login, navigate, search, switchLanguage, uniqueName } from "./helpers";

// Each viewport has a shop of its own ("Salon desktop", "Salon phone"): publishing terms there
// asks every client of that shop, so no other test meets them.
const PASSWORD = "Fleur-Rouge-2026";

async function openClient(page: Page, fullName: string, lastName: string) {
  await navigate(page, "Clients");
  await search(page, lastName);
  await clientCard(page, fullName).getByRole("link", { name: fullName }).click();
  await hydrated(page);
}

test("the owner publishes the terms, the till asks the client, a new version asks again", async ({ page }, testInfo) => {
  await login(page, `terms-${testInfo.project.name}@e2e.localhost`, PASSWORD);
  await navigate(page, "Programme");
  await hydrated(page);
  const editor = page.getByRole("region", { name: "Règlement du programme" });
  await expect(editor.getByText("Aucun règlement publié pour l'instant.")).toBeVisible();
  // Empty terms are refused next to the field.
  await editor.getByRole("button", { name: "Publier une nouvelle version" }).click();
  await expect(editor.getByText("Ce champ est obligatoire.")).toBeVisible();
  await editor.getByLabel("Texte du règlement").fill("Article 1 : un point par euro.");
  await editor.getByRole("button", { name: "Publier une nouvelle version" }).click();
  await expect(editor.getByRole("status")).toHaveText(/Nouvelle version publiée/);
  await expect(editor).toContainText("Version 1 en vigueur");

  // The client's page: not accepted yet; the text can be read, the client accepts on a form.
  const lastName = uniqueName();
  await navigate(page, "Clients");
  await createClient(page, { firstName: "Zoé", lastName });
  await openClient(page, `Zoé ${lastName}`, lastName);
  const standing = page.getByRole("region", { name: "Règlement du programme" });
  await expect(standing).toContainText("Règlement version 1 à faire accepter par le client.");
  await standing.getByText("Lire le règlement (version 1)").click();
  await expect(standing).toContainText("Article 1 : un point par euro.");
  await standing.getByLabel("Accord donné").selectOption({ label: "sur formulaire signé" });
  await standing.getByRole("button", { name: "Le client accepte la version 1" }).click();
  await expect(standing).toContainText(/Version 1 acceptée le .* \(sur formulaire signé, enregistré par /);
  await expect(standing.getByRole("button", { name: /Le client accepte/ })).toHaveCount(0);

  // A new version: at the next visit the till's dialog asks again, and the answer is kept.
  await navigate(page, "Programme");
  await hydrated(page);
  await editor.getByLabel("Texte du règlement").fill("Article 1 : deux points par euro.");
  await editor.getByRole("button", { name: "Publier une nouvelle version" }).click();
  await expect(editor).toContainText("Version 2 en vigueur");

  await navigate(page, "Clients");
  await search(page, lastName);
  await clientCard(page, `Zoé ${lastName}`).getByRole("button", { name: `Ajouter une transaction pour Zoé ${lastName}` }).click();
  const dialog = page.getByRole("dialog", { name: `Ajout d'une transaction à Zoé ${lastName}` });
  const notice = dialog.getByRole("note");
  await expect(notice).toContainText("Règlement version 2 à faire accepter par le client.");
  await notice.getByRole("button", { name: "Le client accepte la version 2" }).click();
  await expect(notice).toBeHidden();
  await dialog.getByRole("button", { name: "Annuler" }).click();

  await openClient(page, `Zoé ${lastName}`, lastName);
  await expect(standing).toContainText(/Version 2 acceptée le .* \(en caisse, enregistré par /);

  await switchLanguage(page, "English");
  await expect(page.getByRole("region", { name: "Programme terms" })).toContainText(/Version 2 accepted on .* \(at the till, recorded by /);
  await switchLanguage(page, "Français");
});
