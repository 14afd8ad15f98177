import { expect, test } from "./fixtures";
import { clientCard, createClient, hydrated, login, navigate, search, uniqueName } from "./helpers";

async function clientWithTransaction(page: import("@playwright/test").Page, points: string) {
  const lastName = uniqueName();
  await createClient(page, { firstName: "Zoé", lastName });
  await search(page, lastName);
  const card = clientCard(page, `Zoé ${lastName}`);
  await card.getByRole("button", { name: `Ajouter une transaction pour Zoé ${lastName}` }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Points gagnés").fill(points);
  await dialog.getByRole("button", { name: "Enregistrer" }).click();
  await expect(dialog).toBeHidden();
  await expect(card).toContainText(`${points} pts`);
  return { lastName, card };
}

test.beforeEach(async ({ page }) => {
  await login(page);
});

test("a transaction is modified from the client's history: reversal plus correction, with author", async ({ page }) => {
  const { lastName, card } = await clientWithTransaction(page, "12");
  await card.getByRole("link", { name: `Zoé ${lastName}` }).click();
  await hydrated(page);
  await expect(page.getByRole("heading", { name: `Zoé ${lastName}` })).toBeVisible();
  await page.getByRole("button", { name: /Modifier la transaction n° \d+/ }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByLabel("Points gagnés")).toHaveValue("12");
  await dialog.getByLabel("Points gagnés").fill("20");
  await dialog.getByRole("button", { name: "Enregistrer" }).click();
  await expect(dialog).toBeHidden();

  // The timeline: the three ledger entries, then the file's creation.
  const rows = page.getByRole("row");
  await expect(rows).toHaveCount(5);
  await expect(rows.nth(1)).toContainText("Correction");
  await expect(rows.nth(1)).toContainText("+20");
  await expect(rows.nth(1)).toContainText("Camille Boulanger");
  await expect(rows.nth(2)).toContainText("Annulation");
  await expect(rows.nth(2)).toContainText("-12");
  await expect(rows.nth(3)).toContainText("modifiée");
  await expect(rows.nth(4)).toContainText("Fiche créée");
  await expect(page.getByTestId("balance")).toHaveText("20");
  // The original can no longer be modified; the correction can.
  await expect(page.getByRole("button", { name: /Modifier la transaction n° \d+/ })).toHaveCount(1);
});

test("a transaction is modified from the shop's journal, filtered by client", async ({ page }) => {
  const { lastName } = await clientWithTransaction(page, "7");
  await navigate(page, "Journal");
  await expect(page.getByRole("heading", { name: "Journal des transactions" })).toBeVisible();
  await hydrated(page);
  await page.getByLabel("Filtrer par client").fill(lastName);
  await page.getByRole("button", { name: new RegExp(`Zoé ${lastName}`) }).click();
  await expect(page.getByRole("status")).toHaveText("1 écriture(s)");
  const today = new Date().toLocaleDateString("sv-SE", { timeZone: "Europe/Paris" });
  await page.getByLabel("Du").fill(today);
  await page.getByLabel("Au").fill(today);
  await page.getByRole("button", { name: "Filtrer" }).click();
  await expect(page.getByRole("status")).toHaveText("1 écriture(s)");

  await page.getByRole("button", { name: /Modifier la transaction n° \d+/ }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Points gagnés").fill("3");
  await dialog.getByRole("button", { name: "Enregistrer" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole("status")).toHaveText("3 écriture(s)");
  const rows = page.getByRole("row");
  await expect(rows.nth(1)).toContainText("Correction");
  await expect(rows.nth(1)).toContainText(`Zoé ${lastName}`);
  await expect(rows.nth(2)).toContainText("Annulation");
  // Every column of an entry is on screen, on a phone as a card: nothing is cut off to the right.
  const correction = rows.nth(1);
  await correction.scrollIntoViewIfNeeded();
  for (const text of ["+3", "Camille Boulanger", `Zoé ${lastName}`, "Correction"]) {
    await expect(correction.getByRole("cell").filter({ hasText: text })).toBeInViewport({ ratio: 1 });
  }
  await expect(correction.getByRole("button", { name: /Modifier la transaction n° \d+/ })).toBeInViewport({ ratio: 1 });

  await page.getByRole("link", { name: `Zoé ${lastName}` }).first().click();
  await expect(page.getByTestId("balance")).toHaveText("3");
});

test("the journal's filters live in its address: sent rendered, reloaded, undone by the back button", async ({ page }) => {
  const { lastName } = await clientWithTransaction(page, "5");
  await navigate(page, "Journal");
  await expect(page.getByRole("heading", { name: "Journal des transactions" })).toBeVisible();
  await hydrated(page);
  await page.getByLabel("Filtrer par client").fill(lastName);
  await page.getByRole("button", { name: new RegExp(`Zoé ${lastName}`) }).click();
  await expect(page).toHaveURL(/\/journal\?client=\d+$/);
  await expect(page.getByRole("status")).toHaveText("1 écriture(s)");
  const today = new Date().toLocaleDateString("sv-SE", { timeZone: "Europe/Paris" });
  await page.getByLabel("Du").fill(today);
  await page.getByLabel("Au").fill(today);
  await page.getByRole("button", { name: "Filtrer" }).click();
  await expect(page).toHaveURL(new RegExp(`/journal\\?du=${today}&au=${today}&client=\\d+$`));

  const served = await (await page.request.get(page.url())).text();
  expect(served).toContain(`Zoé ${lastName}`);
  expect(served).toContain("1 écriture(s)");

  await page.reload();
  await hydrated(page);
  await expect(page.getByLabel("Du")).toHaveValue(today);
  await expect(page.getByLabel("Au")).toHaveValue(today);
  await expect(page.getByRole("status")).toHaveText("1 écriture(s)");

  await page.goBack();
  await expect(page).toHaveURL(/\/journal\?client=\d+$/);
  await expect(page.getByLabel("Du")).toHaveValue("");
  await expect(page.getByText(`Zoé ${lastName}`).first()).toBeVisible();
  await page.goBack();
  await expect(page).toHaveURL(/\/journal$/);
  await expect(page.getByLabel("Filtrer par client")).toBeVisible();
});
