import { expect, test } from "./fixtures";
import { clientCard, createClient, login, search, uniqueName, uniquePhone } from "./helpers";

test.beforeEach(async ({ page }) => {
  await login(page);
});

test("a client enrols at the till with only a phone number, and the purchase follows", async ({ page }) => {
  const phone = uniquePhone();
  const shown = phone.replace(/(\d\d)(?=\d)/g, "$1 ");
  await page.getByRole("button", { name: "Inscription rapide" }).click();
  const enrol = page.getByRole("dialog", { name: "Inscription rapide" });
  await enrol.getByLabel("Téléphone").fill(phone);
  await enrol.getByRole("button", { name: "Enregistrer" }).click();
  // The transaction dialog opens for the new client, named by its number for now.
  const purchase = page.getByRole("dialog", { name: `Ajout d'une transaction à ${shown}` });
  await purchase.getByLabel("Points gagnés").fill("5");
  await purchase.getByRole("button", { name: "Enregistrer" }).click();
  await expect(purchase).toBeHidden();
  await search(page, phone);
  await expect(clientCard(page, shown)).toContainText("5 pts");

  // The same number again offers that file instead of a second one.
  await page.getByRole("button", { name: "Inscription rapide" }).click();
  await enrol.getByLabel("Téléphone").fill(shown);
  await enrol.getByRole("button", { name: "Enregistrer" }).click();
  await expect(enrol.getByRole("alert")).toContainText("Un client a déjà ce numéro");
  await enrol.getByRole("link", { name: shown }).click();
  await expect(page.getByRole("heading", { name: shown })).toBeVisible();
});

test("a new client with a known e-mail or phone is offered the existing file", async ({ page }) => {
  const first = uniqueName();
  const phone = uniquePhone();
  await createClient(page, { firstName: "Anne", lastName: first, phone });

  // Same e-mail: refused, the existing file offered.
  const other = uniqueName();
  await page.getByRole("button", { name: "Nouveau" }).click();
  const dialog = page.getByRole("dialog", { name: "Nouveau client" });
  await dialog.getByLabel("Civilité").selectOption({ label: "Non précisé" });
  await dialog.getByLabel("Prénom").fill("Bruno");
  await dialog.getByRole("textbox", { name: "Nom", exact: true }).fill(other);
  await dialog.getByLabel("E-mail").fill(`${first.toLowerCase()}@exemple.fr`);
  await dialog.getByRole("button", { name: "Enregistrer" }).click();
  const offer = dialog.getByRole("alert");
  await expect(offer).toContainText("Un client a déjà cet e-mail");
  await expect(offer.getByRole("link", { name: `Anne ${first}` })).toBeVisible();
  await expect(offer.getByRole("button", { name: /créer quand même/ })).toHaveCount(0);

  // Same phone, another person: created once confirmed.
  await dialog.getByLabel("E-mail").fill(`${other.toLowerCase()}@exemple.fr`);
  await dialog.getByLabel("Téléphone").fill(phone);
  await dialog.getByRole("button", { name: "Enregistrer" }).click();
  await expect(offer).toContainText("Un client a déjà ce numéro");
  await offer.getByRole("button", { name: "C'est une autre personne : créer quand même" }).click();
  await expect(dialog).toBeHidden();
  await search(page, other);
  await expect(clientCard(page, `Bruno ${other}`)).toBeVisible();
});
