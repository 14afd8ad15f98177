import { expect, test } from "./fixtures";
import { clientCard, createClient, hydrated, login, search, uniqueName } from "./helpers";

test("a member card is shown and scanned at the till, opens on the client's phone, and a replaced one is refused", async ({ page, browser }) => {
  await login(page);
  const lastName = uniqueName();
  await createClient(page, { firstName: "Inès", lastName });
  await search(page, lastName);
  await clientCard(page, `Inès ${lastName}`).getByRole("link", { name: `Inès ${lastName}` }).click();
  await hydrated(page);

  await expect(page.getByRole("heading", { level: 2, name: "Carte de fidélité" })).toBeVisible();
  const card = page.getByTestId("member-card");
  await expect(card).toContainText(`Inès ${lastName}`);
  await expect(card.getByRole("img", { name: `QR code de la carte de Inès ${lastName}` })).toBeVisible();
  const printed = (await card.getByTestId("card-code").textContent()) ?? "";
  expect(printed).toMatch(/^[0-9a-z]{5}( [0-9a-z]{5}){3}$/);
  const link = (await page.getByRole("link", { name: "Ouvrir la page de la carte" }).getAttribute("href")) ?? "";
  expect(link).toMatch(/\/carte\/\d+-[0-9a-z]{20}$/);
  expect(link.endsWith(printed.replaceAll(" ", ""))).toBe(true);

  // The client's page rendered by the server (a reload) shows the same card, with no new one issued.
  await page.reload();
  await hydrated(page);
  await expect(page.getByTestId("card-code")).toHaveText(printed);

  // A scanner types the QR code's address and Enter into the search box: the client's
  // transaction dialog opens, and the box is empty again for the next client.
  await page.getByRole("link", { name: /Retour/ }).click();
  await hydrated(page);
  const box = page.getByLabel("Rechercher un client");
  await box.fill(link);
  await box.press("Enter");
  const dialog = page.getByRole("dialog", { name: `Ajout d'une transaction à Inès ${lastName}` });
  await expect(dialog).toBeVisible();
  await expect(box).toHaveValue("");
  await dialog.getByLabel("Points gagnés").fill("7");
  await dialog.getByRole("button", { name: "Enregistrer" }).click();
  await expect(dialog).toBeHidden();

  // The printed code, typed by hand, finds the client too.
  await box.fill(printed.toUpperCase());
  await box.press("Enter");
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: "Annuler" }).click();
  await expect(dialog).toBeHidden();

  // On the client's phone, with no account: the shop, the first name and the points only.
  const phone = await browser.newContext();
  const cardPage = await phone.newPage();
  await cardPage.goto(link);
  await expect(cardPage.getByRole("heading", { level: 1, name: /^Ma carte / })).toBeVisible();
  await expect(cardPage.getByText("Bonjour Inès")).toBeVisible();
  await expect(cardPage.getByTestId("card-points")).toHaveText("7 points");
  await expect(cardPage.getByText(lastName)).toHaveCount(0);
  await expect(cardPage.getByRole("img", { name: "Carte de fidélité" })).toBeVisible();

  // The card is lost: a new one is issued, and the old one is refused at the till and on the phone.
  await search(page, lastName);
  await clientCard(page, `Inès ${lastName}`).getByRole("link", { name: `Inès ${lastName}` }).click();
  await hydrated(page);
  await page.getByRole("button", { name: "Remplacer la carte (perdue ou volée)" }).click();
  const confirm = page.getByRole("dialog", { name: "Remplacer la carte (perdue ou volée)" });
  await expect(confirm).toContainText(`Remplacer la carte de Inès ${lastName} ?`);
  await confirm.getByRole("button", { name: "Remplacer", exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: "Nouvelle carte émise" })).toBeVisible();
  await expect(page.getByTestId("card-code")).not.toHaveText(printed);

  await page.getByRole("link", { name: /Retour/ }).click();
  await hydrated(page);
  await box.fill(link);
  await box.press("Enter");
  await expect(page.getByRole("alert")).toHaveText("Cette carte a été remplacée : demandez au client sa nouvelle carte.");
  await expect(dialog).toBeHidden();

  await cardPage.reload();
  await expect(cardPage.getByRole("alert")).toHaveText("Cette carte n'est pas valable. Demandez une nouvelle carte en boutique.");
  await phone.close();
});
