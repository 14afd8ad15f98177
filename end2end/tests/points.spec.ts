import { expect, test } from "./fixtures";
import { clientCard, createClient, hydrated, login, navigate, search, uniqueName, uniquePhone } from "./helpers";

test.beforeEach(async ({ page }) => {
  await login(page);
});

test("the till adds and uses points with only the client's phone, never below zero", async ({ page }) => {
  const lastName = uniqueName();
  const phone = uniquePhone();
  await createClient(page, { firstName: "Nora", lastName, phone });
  await navigate(page, "Points");
  await expect(page.getByRole("heading", { name: "Ajouter ou utiliser des points" })).toBeVisible();
  await hydrated(page);

  const contact = page.getByLabel("E-mail ou téléphone du client");
  const points = page.getByRole("spinbutton", { name: "Points" });
  await contact.fill(phone.replace(/(\d\d)(?=\d)/g, "$1 "));
  await points.fill("10");
  await page.getByRole("button", { name: "Ajouter des points" }).click();
  await expect(page.getByRole("status")).toContainText(`Nora ${lastName} : 10 points ajoutés. Nouveau solde : 10 points.`);
  await expect(contact).toHaveValue("");

  await contact.fill(phone);
  await points.fill("4");
  await page.getByRole("button", { name: "Utiliser des points" }).click();
  await expect(page.getByRole("status")).toContainText("4 points utilisés. Nouveau solde : 6 points.");

  await contact.fill(phone);
  await points.fill("7");
  await page.getByRole("button", { name: "Utiliser des points" }).click();
  await expect(page.getByText("Le client n'a que 6 points.")).toBeVisible();
  await expect(contact).toHaveValue(phone);

  await contact.fill("09 99 99 99 99");
  await points.press("Enter");
  await expect(page.getByText("Aucun client avec cet e-mail ou ce téléphone.")).toBeVisible();

  await page.getByRole("link", { name: "Clients", exact: true }).click();
  await search(page, lastName);
  await expect(clientCard(page, `Nora ${lastName}`)).toContainText("6 pts");
});

test("points are used from the client's page, and a use is corrected like any transaction", async ({ page }) => {
  const lastName = uniqueName();
  await createClient(page, { firstName: "Yves", lastName });
  await search(page, lastName);
  const card = clientCard(page, `Yves ${lastName}`);
  await card.getByRole("button", { name: `Ajouter une transaction pour Yves ${lastName}` }).click();
  const earn = page.getByRole("dialog");
  await earn.getByLabel("Points gagnés").fill("10");
  await earn.getByRole("button", { name: "Enregistrer" }).click();
  await expect(earn).toBeHidden();
  await card.getByRole("link", { name: `Yves ${lastName}` }).click();
  await hydrated(page);

  await page.getByRole("button", { name: "Utiliser des points" }).click();
  const use = page.getByRole("dialog", { name: `Utiliser des points de Yves ${lastName}` });
  await expect(use).toContainText("Solde actuel : 10 points.");
  await use.getByLabel("Points utilisés").fill("3");
  await use.getByRole("button", { name: "Enregistrer" }).click();
  await expect(use).toBeHidden();
  await expect(page.getByTestId("balance")).toHaveText("7");
  await expect(page.getByRole("row").nth(1)).toContainText("Points utilisés");
  await expect(page.getByRole("row").nth(1)).toContainText("-3");

  await page.getByRole("button", { name: /Modifier la transaction n° \d+/ }).first().click();
  const modify = page.getByRole("dialog");
  await expect(modify.getByLabel("Points utilisés")).toHaveValue("3");
  await modify.getByLabel("Points utilisés").fill("5");
  await modify.getByRole("button", { name: "Enregistrer" }).click();
  await expect(modify).toBeHidden();
  await expect(page.getByTestId("balance")).toHaveText("5");
  await expect(page.getByRole("row").nth(1)).toContainText("-5");
  await expect(page.getByRole("row").nth(2)).toContainText("Annulation");
});

test("an old phone number is unlinked from the client's page", async ({ page }) => {
  const lastName = uniqueName();
  await createClient(page, { firstName: "Lou", lastName, phone: uniquePhone() });
  await search(page, lastName);
  await clientCard(page, `Lou ${lastName}`).getByRole("link", { name: `Lou ${lastName}` }).click();
  await hydrated(page);
  await page.getByRole("button", { name: "Dissocier ce numéro" }).click();
  const confirm = page.getByRole("group", { name: "Dissocier ce numéro" });
  await expect(confirm).toContainText("de cette fiche ?");
  await confirm.getByRole("button", { name: "Dissocier", exact: true }).click();
  await expect(page.getByRole("button", { name: "Dissocier ce numéro" })).toHaveCount(0);
  const edit = page.getByRole("row").filter({ hasText: "Fiche modifiée" });
  await expect(edit).toContainText("Téléphone");
});
