import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { clientCard, createClient, hydrated, login, navigate, search, switchLanguage, uniqueName } from "./helpers";

// Each viewport has a shop of its own ("Café desktop", "Café phone"): these tests change its
// programme, one after the other.
test.describe.configure({ mode: "serial" });

const PASSWORD = "Fleur-Rouge-2026";

test.beforeEach(async ({ page }, testInfo) => {
  await login(page, `programme-${testInfo.project.name}@e2e.localhost`, PASSWORD);
});

async function openProgramme(page: Page) {
  await navigate(page, "Programme");
  await expect(page.getByRole("heading", { name: "Programme de fidélité" })).toBeVisible();
  await hydrated(page);
}

async function startProgramme(page: Page, name: string, kind: string, fill: (page: Page) => Promise<void>) {
  await page.getByLabel("Nom du programme").fill(name);
  await page.getByRole("radio", { name: kind }).check();
  await fill(page);
  await page.getByRole("button", { name: "Démarrer le programme" }).click();
  await expect(page.getByRole("heading", { name, level: 2 })).toBeVisible();
}

async function endProgramme(page: Page) {
  await openProgramme(page);
  page.once("dialog", (dialog) => dialog.accept());
  await page.getByRole("button", { name: "Terminer le programme" }).click();
  await expect(page.getByText("Aucun programme en place : les points sont saisis à la caisse.")).toBeVisible();
}

/** A new client of the shop, found in the list; returns the list card. */
async function newClient(page: Page, firstName: string) {
  await page.getByRole("link", { name: "Clients", exact: true }).click();
  const lastName = uniqueName();
  await createClient(page, { firstName, lastName });
  await search(page, lastName);
  const name = `${firstName} ${lastName}`;
  return { card: clientCard(page, name), name };
}

test("points per euro: the till types the amount, sees the points, and saves with Enter", async ({ page }) => {
  await openProgramme(page);
  await expect(page.getByText("Aucun programme en place : les points sont saisis à la caisse.")).toBeVisible();
  await startProgramme(page, "Fidélité du café", "Points par euro dépensé", async (page) => {
    await page.getByRole("spinbutton", { name: "Points par euro" }).fill("0");
    await page.getByRole("button", { name: "Démarrer le programme" }).click();
    await expect(page.getByText("Un nombre entier entre 1 et 100.")).toBeVisible();
    await page.getByRole("spinbutton", { name: "Points par euro" }).fill("2");
    await page.getByRole("radio", { name: /Par euro complet/ }).check();
    await page.getByLabel("Achat minimum (€, facultatif)").fill("5");
    await expect(page.getByRole("status")).toHaveText("2 point(s) par euro complet, dès 5,00 € d’achat");
  });
  await expect(page.getByText("En cours", { exact: true })).toBeVisible();

  const { card, name } = await newClient(page, "Paul");
  await card.getByRole("button", { name: `Ajouter une transaction pour ${name}` }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByLabel("Points gagnés")).toHaveCount(0);
  const amount = dialog.getByLabel("Montant de l’achat (€)");
  await expect(amount).toBeFocused();
  await amount.fill("12,40");
  await expect(dialog.getByRole("status")).toHaveText("24 point(s) pour cet achat.");
  await amount.press("Enter");
  await expect(dialog).toBeHidden();
  await expect(card).toContainText("24 pts");

  await card.getByRole("button", { name: `Ajouter une transaction pour ${name}` }).click();
  await amount.fill("0");
  await amount.press("Enter");
  await expect(dialog.getByText("Un montant entre 0,01 € et 100000 €.")).toBeVisible();
  await amount.fill("4,99");
  await expect(dialog.getByRole("status")).toHaveText("0 point(s) pour cet achat.");
  await amount.press("Enter");
  await expect(dialog).toBeHidden();
  await expect(card).toContainText("24 pts");
});

test("suspended, a purchase earns nothing; resumed, it earns again; the rule changes from then on", async ({ page }) => {
  await openProgramme(page);
  await page.getByRole("button", { name: "Suspendre" }).click();
  await expect(page.getByText("Suspendu", { exact: true })).toBeVisible();

  const { card, name } = await newClient(page, "Inès");
  await card.getByRole("button", { name: `Ajouter une transaction pour ${name}` }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText("Programme en pause : l'achat est enregistré sans points.");
  await dialog.getByLabel("Montant dépensé (€, facultatif)").fill("30");
  await dialog.getByRole("button", { name: "Enregistrer" }).click();
  await expect(dialog).toBeHidden();
  await expect(card).toContainText("0 pts");

  await openProgramme(page);
  await page.getByRole("button", { name: "Reprendre" }).click();
  await expect(page.getByText("En cours", { exact: true })).toBeVisible();
  await page.getByRole("spinbutton", { name: "Points par euro" }).fill("1");
  await page.getByRole("button", { name: "Enregistrer les modifications" }).click();
  await expect(page.getByRole("region", { name: "Fidélité du café" })).toContainText("1 point(s) par euro complet, dès 5,00 € d’achat");

  await page.getByRole("link", { name: "Clients", exact: true }).click();
  await search(page, name.split(" ")[1]);
  await card.getByRole("button", { name: `Ajouter une transaction pour ${name}` }).click();
  await dialog.getByLabel("Montant de l’achat (€)").fill("30");
  await dialog.getByRole("button", { name: "Enregistrer" }).click();
  await expect(dialog).toBeHidden();
  await expect(card).toContainText("30 pts");

  await navigate(page, "Journal d'audit");
  await expect(page.getByRole("row").filter({ hasText: "Programme modifié" })).toHaveCount(1);
  await expect(page.getByRole("row").filter({ hasText: "Programme suspendu" })).toHaveCount(1);
  await endProgramme(page);
});

test("a stamp card fills by items, and a visit counts once a day", async ({ page }) => {
  await openProgramme(page);
  await startProgramme(page, "Le 10e café offert", "Carte de tampons", async (page) => {
    await page.getByRole("spinbutton", { name: "Tampons sur une carte pleine" }).fill("1000");
    await page.getByRole("button", { name: "Démarrer le programme" }).click();
    await expect(page.getByText("Un nombre entier entre 2 et 50.")).toBeVisible();
    await page.getByRole("spinbutton", { name: "Tampons sur une carte pleine" }).fill("10");
    await page.getByRole("checkbox", { name: /Un tampon par article/ }).check();
  });

  const { card, name } = await newClient(page, "Hugo");
  const dialog = page.getByRole("dialog");
  await card.getByRole("button", { name: `Ajouter une transaction pour ${name}` }).click();
  await expect(dialog).toContainText("Carte : 0 tampon(s) sur 10.");
  const items = dialog.getByLabel("Nombre d'articles");
  await expect(items).toBeFocused();
  await items.fill("3");
  await expect(dialog.getByRole("status")).toHaveText("3 tampon(s) pour cet achat.");
  await items.press("Enter");
  await expect(dialog).toBeHidden();
  await expect(card).toContainText("3 pts");
  await card.getByRole("button", { name: `Ajouter une transaction pour ${name}` }).click();
  await expect(dialog).toContainText("Carte : 3 tampon(s) sur 10.");
  await dialog.getByRole("button", { name: "Annuler" }).click();

  await endProgramme(page);
  await startProgramme(page, "Une visite, cinq points", "Points par visite", async (page) => {
    await page.getByRole("spinbutton", { name: "Points gagnés par visite" }).fill("5");
    await expect(page.getByRole("checkbox", { name: "Une visite comptée par jour au plus" })).toBeChecked();
  });
  // Hugo's visit is counted today already (his stamps): a new client.
  const zoe = await newClient(page, "Zoé");
  const open = () => zoe.card.getByRole("button", { name: `Ajouter une transaction pour ${zoe.name}` }).click();
  await open();
  await expect(dialog.getByRole("status")).toHaveText("5 point(s) pour cet achat.");
  await page.keyboard.press("Enter");
  await expect(dialog).toBeHidden();
  await expect(zoe.card).toContainText("5 pts");
  await open();
  await page.keyboard.press("Enter");
  await expect(dialog.getByText("La visite de ce client est déjà comptée aujourd'hui.")).toBeVisible();
  await dialog.getByRole("button", { name: "Annuler" }).click();
  await expect(zoe.card).toContainText("5 pts");

  await openProgramme(page);
  await switchLanguage(page, "English");
  await expect(page.getByRole("heading", { name: "Loyalty programme" })).toBeVisible();
  await expect(page.getByText("Running", { exact: true })).toBeVisible();
  await expect(page.getByRole("region", { name: "Une visite, cinq points" })).toContainText("5 point(s) per visit, at most one visit a day");
  await switchLanguage(page, "Français");
  await endProgramme(page);
});

test("a reward is earned when the balance reaches its cost, and used once from the client's page", async ({ page }) => {
  await openProgramme(page);
  const catalogue = page.getByRole("list", { name: "Récompenses" });
  await page.getByLabel("Nom de la récompense").fill("Un croissant offert");
  await page.getByLabel(/^Coût/).fill("0");
  await page.getByRole("button", { name: "Ajouter la récompense" }).click();
  await expect(page.getByText("Un nombre entier entre 1 et 100000.")).toBeVisible();
  await page.getByLabel(/^Coût/).fill("20");
  await page.getByLabel(/^Valable/).fill("30");
  await page.getByRole("button", { name: "Ajouter la récompense" }).click();
  await expect(catalogue).toContainText("Un croissant offert");
  await expect(catalogue).toContainText("Coût : 20 point(s)");
  await expect(catalogue).toContainText("Valable 30 jours");

  // No programme runs: the points are typed.
  const { card, name } = await newClient(page, "Rémi");
  await card.getByRole("button", { name: `Ajouter une transaction pour ${name}` }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Points gagnés").fill("25");
  await dialog.getByRole("button", { name: "Enregistrer" }).click();
  await expect(dialog.getByRole("status")).toHaveText("Récompense obtenue : Un croissant offert (solde : 25 point(s)).");
  await dialog.getByRole("button", { name: "Plus tard" }).click();
  await expect(dialog).toBeHidden();
  await expect(card).toContainText("Récompense à utiliser");
  await card.getByRole("link", { name }).click();
  await hydrated(page);

  const rewards = page.getByRole("region", { name: "Récompenses" });
  const croissant = rewards.getByRole("listitem").filter({ hasText: "Un croissant offert" });
  await expect(croissant).toContainText("Obtenue");
  await expect(croissant).toContainText("valable jusqu’au");
  await croissant.getByRole("button", { name: "Utiliser la récompense Un croissant offert" }).click();
  await expect(croissant).toContainText("Réclamée");
  await expect(croissant.getByRole("button")).toHaveCount(0);
  await expect(page.getByTestId("balance")).toHaveText("5");
  await expect(page.getByRole("row").nth(1)).toContainText("-20");

  await openProgramme(page);
  await catalogue.getByRole("button", { name: "Retirer la récompense Un croissant offert" }).click();
  await expect(catalogue.getByRole("listitem").filter({ hasText: "Un croissant offert" })).toContainText("Retirée");
});

/** Runs the server's expiry job on the test database as if it were `days` from now, for this
 * viewport's shop only (the other viewport's runs beside it). */
function expireAsOf(viewport: string, days: number) {
  const at = new Date(Date.now() + days * 24 * 3600 * 1000).toISOString();
  const databaseUrl = readFileSync("../target/e2e/database-url", "utf8");
  return execFileSync("../target/debug/server", ["expire", "--at", at, "--shop", `Café ${viewport}`], {
    env: { ...process.env, DATABASE_URL: databaseUrl },
    encoding: "utf8",
  });
}

function isoDay(daysFromNow: number) {
  return new Date(Date.now() + daysFromNow * 24 * 3600 * 1000).toISOString().slice(0, 10);
}

test("the till offers a reward just earned; the owner revokes, extends, and points expire", async ({ page }, testInfo) => {
  await openProgramme(page);
  await startProgramme(page, "Points au passage", "Points par visite", async (page) => {
    await page.getByRole("spinbutton", { name: "Points gagnés par visite" }).fill("10");
    await page.getByRole("checkbox", { name: "Une visite comptée par jour au plus" }).uncheck();
    await page.getByRole("radio", { name: /sans visite/ }).check();
    await page.getByRole("spinbutton", { name: /Nombre de mois/ }).fill("0");
    await page.getByRole("button", { name: "Démarrer le programme" }).click();
    await expect(page.getByText("Un nombre entier entre 1 et 120.")).toBeVisible();
    await page.getByRole("spinbutton", { name: /Nombre de mois/ }).fill("1");
  });
  await expect(page.getByRole("region", { name: "Points au passage" })).toContainText("Le solde expire après 1 mois sans visite.");
  await page.getByLabel("Nom de la récompense").fill("Un chocolat offert");
  await page.getByLabel(/^Coût/).fill("10");
  await page.getByLabel(/^Valable/).fill("2");
  await page.getByRole("button", { name: "Ajouter la récompense" }).click();
  await expect(page.getByRole("list", { name: "Récompenses" })).toContainText("Un chocolat offert");

  // Earned at the till: the dialog says so and uses it in one tap.
  const { card, name } = await newClient(page, "Nina");
  const dialog = page.getByRole("dialog");
  const visit = async () => {
    await card.getByRole("button", { name: `Ajouter une transaction pour ${name}` }).click();
    await expect(dialog.getByRole("status")).toHaveText("10 point(s) pour cet achat.");
    await page.keyboard.press("Enter");
    await expect(dialog.getByRole("status")).toHaveText("Récompense obtenue : Un chocolat offert (solde : 10 point(s)).");
  };
  await visit();
  // Keyboard first: the offer takes the focus, Enter uses it.
  await expect(dialog.getByRole("button", { name: "Utiliser la récompense Un chocolat offert" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(dialog).toBeHidden();
  await expect(card).toContainText("0 pts");
  await expect(card).not.toContainText("Récompense à utiliser");

  // Later: the list card keeps it, one tap away.
  await visit();
  await dialog.getByRole("button", { name: "Plus tard" }).click();
  await expect(card).toContainText("Récompense à utiliser");
  await card.getByRole("button", { name: "Utiliser la récompense Un chocolat offert" }).click();
  await expect(card).toContainText("0 pts");
  await expect(card).not.toContainText("Récompense à utiliser");

  // The owner revokes one, with a reason.
  await visit();
  await dialog.getByRole("button", { name: "Plus tard" }).click();
  await card.getByRole("link", { name }).click();
  await hydrated(page);
  const rewards = page.getByRole("region", { name: "Récompenses" });
  const useChocolate = page.getByRole("button", { name: "Utiliser la récompense Un chocolat offert" });
  const waiting = rewards.getByRole("listitem").filter({ has: useChocolate });
  await waiting.getByRole("button", { name: "Révoquer la récompense Un chocolat offert" }).click();
  await rewards.getByRole("button", { name: "Révoquer la récompense", exact: true }).click();
  await expect(rewards.getByText("Ce champ est obligatoire.")).toBeVisible();
  await rewards.getByLabel("Raison de la révocation").fill("Achat remboursé");
  await rewards.getByRole("button", { name: "Révoquer la récompense", exact: true }).click();
  await expect(rewards.getByRole("listitem").filter({ hasText: "Révoquée" })).toContainText("révoquée : Achat remboursé");
  await expect(page.getByTestId("balance")).toHaveText("10");

  // Filters: by availability, by kind.
  await rewards.getByLabel("Disponibilité").selectOption({ label: "Disponibles" });
  await expect(rewards.getByText("Aucune récompense ne correspond à ces filtres.")).toBeVisible();
  await rewards.getByLabel("Disponibilité").selectOption({ label: "Utilisées, expirées ou révoquées" });
  await expect(rewards.getByRole("listitem")).toHaveCount(3);
  await rewards.getByLabel("Type de récompense").selectOption({ label: "Remise en euros" });
  await expect(rewards.getByText("Aucune récompense ne correspond à ces filtres.")).toBeVisible();
  await rewards.getByLabel("Type de récompense").selectOption({ label: "Tous les types" });
  await rewards.getByLabel("Disponibilité").selectOption({ label: "Toutes" });

  // A new one, expired by the job three days on, then extended by the owner.
  await page.getByRole("button", { name: "Ajouter une transaction" }).click();
  await expect(dialog.getByRole("status")).toHaveText("10 point(s) pour cet achat.");
  await page.keyboard.press("Enter");
  await dialog.getByRole("button", { name: "Plus tard" }).click();
  await expect(page.getByTestId("balance")).toHaveText("20");
  expect(expireAsOf(testInfo.project.name, 3)).toContain("1 reward(s) expired");
  expect(expireAsOf(testInfo.project.name, 3)).toContain("0 reward(s) expired; 0 point(s)");
  await page.reload();
  await hydrated(page);
  const expired = rewards.getByRole("listitem").filter({ hasText: "Expirée" });
  await expect(expired).toHaveCount(1);
  await expect(expired.getByRole("button", { name: /Utiliser/ })).toHaveCount(0);
  await expired.getByRole("button", { name: "Prolonger l’expiration de la récompense Un chocolat offert" }).click();
  await rewards.getByLabel("Nouveau dernier jour").fill(isoDay(-5));
  await rewards.getByRole("button", { name: "Prolonger", exact: true }).click();
  await expect(rewards.getByText("Choisissez aujourd’hui ou un jour à venir.")).toBeVisible();
  await rewards.getByLabel("Nouveau dernier jour").fill(isoDay(10));
  await rewards.getByRole("button", { name: "Prolonger", exact: true }).click();
  await expect(rewards.getByRole("listitem").filter({ has: useChocolate })).toHaveCount(1);
  await expect(rewards.getByRole("listitem").filter({ hasText: "Expirée" })).toHaveCount(0);

  // A month and more without a visit: the balance expires, written in the ledger.
  await expect(rewards).toContainText("20 point(s) expirent le");
  // Every client of the shop is idle by then, Nina and those of the tests before.
  expect(expireAsOf(testInfo.project.name, 40)).toMatch(/; [1-9]\d* point\(s\) expired on [1-9]\d* client file\(s\)/);
  await page.reload();
  await hydrated(page);
  await expect(page.getByTestId("balance")).toHaveText("0");
  await expect(page.getByRole("row").nth(1)).toContainText("Points expirés");
  await endProgramme(page);
});
