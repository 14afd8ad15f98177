import { expect, test } from "./fixtures";
import { clientCard, createClient, hydrated, login, search, uniqueName, uniquePhone } from "./helpers";

test.beforeEach(async ({ page }) => {
  await login(page);
});

test("the owner merges a till enrolment into the full file", async ({ page }) => {
  const lastName = uniqueName();
  const phone = uniquePhone();
  const shown = phone.replace(/(\d\d)(?=\d)/g, "$1 ");
  await createClient(page, { firstName: "Maëlle", lastName });

  // The same person was enrolled at the till with her phone, and earned 6 points there.
  await page.getByRole("button", { name: "Inscription rapide" }).click();
  const enrol = page.getByRole("dialog", { name: "Inscription rapide" });
  await enrol.getByLabel("Téléphone").fill(phone);
  await enrol.getByRole("button", { name: "Enregistrer" }).click();
  const purchase = page.getByRole("dialog", { name: `Ajout d'une transaction à ${shown}` });
  await purchase.getByLabel("Points gagnés").fill("6");
  await purchase.getByRole("button", { name: "Enregistrer" }).click();
  await expect(purchase).toBeHidden();
  await search(page, phone);
  const oldHref = await clientCard(page, shown).getByRole("link", { name: shown }).getAttribute("href");

  await search(page, lastName);
  const keptLink = clientCard(page, `Maëlle ${lastName}`).getByRole("link", { name: `Maëlle ${lastName}` });
  const keptHref = await keptLink.getAttribute("href");
  await keptLink.click();
  await expect(page.getByRole("heading", { name: `Maëlle ${lastName}` })).toBeVisible();
  await hydrated(page);
  await page.getByRole("button", { name: "Fusionner avec une autre fiche…" }).click();
  const dialog = page.getByRole("dialog", { name: "Fusionner deux fiches" });
  await dialog.getByLabel("Autre fiche (nom, téléphone, e-mail)").fill(phone);
  await dialog.getByRole("button", { name: `Choisir la fiche de ${shown}` }).click();
  await expect(dialog.getByRole("status")).toContainText(`La fiche de ${shown} sera fusionnée dans celle de Maëlle ${lastName} : ses 6 points`);
  await dialog.getByRole("button", { name: "Fusionner", exact: true }).click();
  await expect(dialog).toBeHidden();

  await expect(page.getByTestId("balance")).toHaveText("6");
  await expect(page.getByTestId("visits")).toHaveText("1");
  await expect(page.getByText(shown).first()).toBeVisible();
  await expect(page.getByRole("table").getByText("Fiche fusionnée dans celle-ci")).toBeVisible();

  // The old file's address leads to the kept one; the list shows one file.
  await page.goto(oldHref!);
  await expect(page).toHaveURL(new RegExp(`${keptHref}$`));
  await hydrated(page);
  await expect(page.getByRole("heading", { name: `Maëlle ${lastName}` })).toBeVisible();
  await page.getByRole("link", { name: "Clients", exact: true }).first().click();
  await hydrated(page);
  await search(page, phone);
  await expect(page.getByRole("status").filter({ hasText: "client" })).toHaveText("1 client(s)");
  await expect(clientCard(page, `Maëlle ${lastName}`)).toContainText("6 pts");
});
