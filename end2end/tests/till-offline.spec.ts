import { expect, test } from "./fixtures";
import { BASE_URL } from "../ports";
import { clientCard, createClient, hydrated, login, openMenu, search, uniqueName, uniquePhone } from "./helpers";

// The shop's Wi-Fi drops several times a day: the till carries on from the device's copy of the
// clients, keeps each transaction in the device's outbox, and the server records each once when
// the network is back. What the server refuses then is listed for staff, never lost.
test("the till works offline and each transaction reaches the server once", async ({ page, context, browser }) => {
  test.setTimeout(120_000);
  await login(page);
  await page.waitForFunction(async () => !!(await navigator.serviceWorker.ready).active);
  const lastName = uniqueName();
  const name = `Olive ${lastName}`;
  const phone = uniquePhone();
  await createClient(page, { firstName: "Olive", lastName, phone });
  await search(page, lastName);
  await clientCard(page, name).getByRole("button", { name: `Ajouter une transaction pour ${name}` }).click();
  const online = page.getByRole("dialog");
  await online.getByLabel("Points gagnés").fill("10");
  await online.getByRole("button", { name: "Enregistrer" }).click();
  await expect(online).toBeHidden();

  // Opened once with the network, the till keeps the shop's clients on the device.
  await page.goto("/caisse");
  await hydrated(page);
  await expect(page.getByRole("heading", { name: "Caisse", level: 1 })).toBeVisible();
  const row = page.getByRole("list", { name: "Liste des clients" }).getByRole("listitem").filter({ hasText: name });
  await page.getByLabel("Rechercher un client").fill(lastName);
  await expect(row).toContainText("10 pts");

  await context.setOffline(true);
  // Reopened with no network, the app still opens, on the till.
  await page.reload();
  await hydrated(page);
  await expect(page.getByRole("status").filter({ hasText: "Hors ligne" })).toBeVisible();
  await page.getByLabel("Rechercher un client").fill(phone.slice(0, 6));
  await expect(row).toContainText("10 pts");

  for (const points of ["2", "3", "4"]) {
    await row.getByRole("button", { name: `Ajouter des points à ${name}` }).click();
    const earn = page.getByRole("dialog", { name: `Ajout d'une transaction à ${name}` });
    await earn.getByLabel("Points gagnés").fill(points);
    await earn.getByRole("button", { name: "Enregistrer" }).click();
    await expect(earn).toBeHidden();
  }
  await expect(row).toContainText("19 pts");
  await expect(row).toContainText("+9 pts en attente");
  // Using points offline: only up to the balance the device knows.
  await row.getByRole("button", { name: `Utiliser des points de ${name}` }).click();
  const use = page.getByRole("dialog", { name: `Utiliser des points de ${name}` });
  await expect(use).toContainText("Solde connu de l'appareil : 19 points (provisoire).");
  await use.getByLabel("Points utilisés").fill("20");
  await use.getByRole("button", { name: "Enregistrer" }).click();
  await expect(use.getByText("Le client n'a que 19 points.")).toBeVisible();
  await use.getByLabel("Points utilisés").fill("10");
  await use.getByRole("button", { name: "Enregistrer" }).click();
  await expect(use).toBeHidden();
  const waiting = page.getByRole("region", { name: "En attente d'envoi" });
  await expect(waiting.getByRole("listitem")).toHaveCount(4);
  await expect(page.getByRole("status").filter({ hasText: "4 en attente d'envoi" }).first()).toBeVisible();

  // Meanwhile another till, online, uses the client's 10 points.
  const otherTill = await browser.newContext({ baseURL: BASE_URL, locale: "fr-FR", timezoneId: "Europe/Paris" });
  const other = await otherTill.newPage();
  await login(other);
  await other.goto("/points");
  await hydrated(other);
  await other.getByLabel("E-mail ou téléphone du client").fill(phone);
  await other.getByRole("spinbutton", { name: "Points" }).fill("10");
  await other.getByRole("button", { name: "Utiliser des points" }).click();
  await expect(other.getByRole("status")).toContainText("Nouveau solde : 0 points.");
  await otherTill.close();

  // Still offline, the outbox survives a reload.
  await page.reload();
  await hydrated(page);
  await expect(waiting.getByRole("listitem")).toHaveCount(4);

  await context.setOffline(false);
  // Oldest first: the three earns are recorded, the use finds 9 points and is refused.
  await expect(waiting).toHaveCount(0);
  const refused = page.getByRole("region", { name: "À traiter" });
  await expect(refused.getByRole("listitem")).toHaveCount(1);
  await expect(refused).toContainText(`${name} : -10 pts`);
  await expect(refused).toContainText("Le client n'a que 9 points.");
  await page.getByLabel("Rechercher un client").fill(lastName);
  await expect(row).toContainText("9 pts");
  await expect(row).not.toContainText("en attente");
  await refused.getByRole("button", { name: "Retirer de la liste" }).click();
  await expect(refused).toHaveCount(0);

  // The server's own answer: exactly the three earns on top of what it had.
  await page.getByRole("link", { name: "Clients", exact: true }).click();
  await hydrated(page);
  await search(page, lastName);
  await expect(clientCard(page, name)).toContainText("9 pts");
  await clientCard(page, name).getByRole("link", { name }).click();
  await hydrated(page);
  for (const points of ["+2", "+3", "+4"]) {
    await expect(page.getByRole("row").filter({ hasText: points })).toHaveCount(1);
  }

  // Signing out leaves nothing of the shop on the device.
  await openMenu(page);
  await page.getByRole("button", { name: "Se déconnecter" }).click();
  await expect(page).toHaveURL(/\/connexion$/);
  await expect
    .poll(() => page.evaluate(async () => (await indexedDB.databases()).map((database) => database.name)))
    .not.toContain("comptoir-till");
  await context.setOffline(true);
  try {
    await page.goto("/caisse").catch(() => undefined);
    await expect(page.getByRole("heading", { name: "Pas de connexion" })).toBeVisible();
    await expect(page.getByText(lastName)).toHaveCount(0);
  } finally {
    await context.setOffline(false);
  }
});
