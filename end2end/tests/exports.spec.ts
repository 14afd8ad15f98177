import * as fs from "node:fs";
import { expect, test } from "./fixtures";
import { clientCard, createClient, hydrated, login, navigate, search, uniqueName } from "./helpers";

test.beforeEach(async ({ page }) => {
  await login(page);
});

test("the owner downloads every client for Excel in French, and the journal's transactions as data", async ({ page }) => {
  const lastName = uniqueName();
  await createClient(page, { firstName: "Aimée", lastName, postalCode: "01000", city: "Bourg-en-Bresse" });
  await search(page, lastName);
  const card = clientCard(page, `Aimée ${lastName}`);
  await card.getByRole("button", { name: `Ajouter une transaction pour Aimée ${lastName}` }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Points gagnés").fill("7");
  await dialog.getByRole("button", { name: "Enregistrer" }).click();
  await expect(dialog).toBeHidden();

  const [spreadsheet] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Excel (CSV français)" }).click(),
  ]);
  expect(spreadsheet.suggestedFilename()).toMatch(/^clients-\d{4}-\d{2}-\d{2}\.csv$/);
  const clients = fs.readFileSync(await spreadsheet.path(), "utf8");
  expect(clients.startsWith("\ufeffN° client;Civilité;Prénom;Nom;")).toBe(true);
  // Excel keeps the leading zero of a postal code written as a text formula.
  expect(clients).toContain(`;Aimée;${lastName};${lastName.toLowerCase()}@exemple.fr;;;"=""01000""";Bourg-en-Bresse;FR;`);

  await navigate(page, "Journal");
  await hydrated(page);
  await page.getByLabel("Filtrer par client").fill(lastName);
  await page.getByRole("button", { name: new RegExp(`Aimée ${lastName}`) }).click();
  await expect(page.getByRole("status")).toHaveText("1 écriture(s)");
  const dataLink = page.getByRole("link", { name: "CSV (données)" });
  await expect(dataLink).toHaveAttribute("href", /\/export\/transactions\?format=csv&client=\d+$/);
  const [data] = await Promise.all([page.waitForEvent("download"), dataLink.click()]);
  const rows = fs.readFileSync(await data.path(), "utf8").trim().split("\r\n");
  expect(rows[0]).toBe("id,recorded_at,client_id,client,kind,points,amount_eur,refers_to,reversed_by,by");
  expect(rows).toHaveLength(2);
  expect(rows[1]).toContain(`,Aimée ${lastName},earn,7,,,,Camille Boulanger`);
});
