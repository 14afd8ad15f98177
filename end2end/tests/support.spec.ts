import { expect, test } from "./fixtures";
import { clientCard, createClient, hydrated, login, navigate, search, uniqueName } from "./helpers";

const SUPPORT_EMAIL = "support@e2e.localhost";
const SUPPORT_PASSWORD = "Support-Vert-2026";

test("support finds a shop's client, downloads the report, and erases the client on request", async ({ page, browser }) => {
  // The shop has a client with a purchase.
  await login(page);
  const lastName = uniqueName();
  await createClient(page, { firstName: "Rose", lastName });
  await search(page, lastName);
  const card = clientCard(page, `Rose ${lastName}`);
  await card.getByRole("button", { name: `Ajouter une transaction pour Rose ${lastName}` }).click();
  const purchase = page.getByRole("dialog");
  await purchase.getByLabel("Points gagnés").fill("9");
  await purchase.getByRole("button", { name: "Enregistrer" }).click();
  await expect(purchase).toBeHidden();

  // Support signs in elsewhere and lands on the shops.
  const supportContext = await browser.newContext({ locale: "fr-FR", timezoneId: "Europe/Paris" });
  const support = await supportContext.newPage();
  await support.goto("/connexion");
  await hydrated(support);
  await support.getByLabel("Adresse e-mail").fill(SUPPORT_EMAIL);
  await support.getByLabel("Mot de passe", { exact: true }).fill(SUPPORT_PASSWORD);
  await support.getByRole("button", { name: "Se connecter" }).click();
  await expect(support).toHaveURL(/\/support$/);
  await hydrated(support);
  const nav = support.getByRole("navigation", { name: "Navigation principale" });
  await expect(nav.getByRole("link", { name: "Clients" })).toHaveCount(0);
  await support.getByLabel("Rechercher une boutique").fill("Boulangerie");
  await support.getByRole("button", { name: /^Ouvrir la boutique Boulangerie/ }).first().click();
  await support.getByLabel("Rechercher un client (nom, téléphone, e-mail)").fill(lastName);
  const client = support.getByRole("listitem").filter({ hasText: `Rose ${lastName}` });
  await expect(client).toBeVisible();

  const [download] = await Promise.all([
    support.waitForEvent("download"),
    client.getByRole("link", { name: "Télécharger ses données (JSON)" }).click(),
  ]);
  const report = JSON.parse(require("node:fs").readFileSync(await download.path(), "utf8"));
  expect(report.client.last_name).toBe(lastName);
  expect(report.transactions[0].points).toBe(9);

  // Erasing needs to know who asked.
  await client.getByRole("button", { name: `Effacer le client Rose ${lastName}` }).click();
  await client.getByRole("button", { name: "Effacer définitivement" }).click();
  await expect(client.getByText("Ce champ est obligatoire.")).toBeVisible();
  await client.getByLabel("Demande faite par").selectOption({ label: "Le client (droit à l'effacement)" });
  await client.getByRole("button", { name: "Effacer définitivement" }).click();
  await expect(support.getByRole("status").filter({ hasText: "Client effacé" })).toBeVisible();
  await expect(support.getByRole("listitem").filter({ hasText: `Rose ${lastName}` })).toHaveCount(0);
  await supportContext.close();

  // The shop no longer finds her; its journal keeps the 9 points without a name.
  await page.reload();
  await hydrated(page);
  await search(page, lastName);
  await expect(page.getByText("Aucun client ne correspond à cette recherche.")).toBeVisible();
  await navigate(page, "Journal");
  await expect(page.getByRole("row").filter({ hasText: "Client effacé" }).first()).toContainText("+9");
});
