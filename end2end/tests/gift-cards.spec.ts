import { expect, test } from "./fixtures";
import { clientCard, createClient, hydrated, login, openMenu, search, switchLanguage, uniqueName } from "./helpers";

test("a gift card is sold for a client, printed, found by its code at the till, spent never below zero and cancelled by the owner", async ({ page }) => {
  await login(page);
  const lastName = uniqueName();
  await createClient(page, { firstName: "Rose", lastName });
  await search(page, lastName);
  await clientCard(page, `Rose ${lastName}`).getByRole("link", { name: `Rose ${lastName}` }).click();
  await hydrated(page);

  // From the buyer's page to the sale, which names the buyer.
  const section = page.getByRole("region", { name: "Cartes-cadeaux" });
  await expect(section.getByText("Aucune carte-cadeau achetée ou reçue.")).toBeVisible();
  await section.getByRole("link", { name: "Offrir une carte-cadeau" }).click();
  await hydrated(page);
  await expect(page.getByText(`Achetée par Rose ${lastName}`)).toBeVisible();

  // Nobody it is for: told next to the field, nothing sold.
  await page.getByLabel("Montant (€)").fill("50");
  await page.getByRole("button", { name: "Vendre la carte" }).click();
  await expect(page.getByText("Ce champ est obligatoire.")).toBeVisible();
  await page.getByLabel("Pour qui (nom du bénéficiaire)").fill(`Chloé ${lastName}`);
  await page.getByRole("button", { name: "Vendre la carte" }).click();
  await expect(page).toHaveURL(/\/cartes-cadeaux\/KDO-/);
  await hydrated(page);
  const code = decodeURIComponent(new URL(page.url()).pathname.split("/").pop()!);
  await expect(page.getByRole("heading", { name: `Carte-cadeau ${code}` })).toBeVisible();
  await expect(page.getByText("Reste 50,00 € · Valable", { exact: true })).toBeVisible();

  // Printed alone: the card with its code, for whom and until when.
  await page.getByRole("button", { name: "Imprimer la carte" }).click();
  await page.emulateMedia({ media: "print" });
  await expect(page.getByText("Carte-cadeau de 50,00 €")).toBeVisible();
  await expect(page.getByText(`Pour Chloé ${lastName}`)).toBeVisible();
  await expect(page.getByRole("heading", { name: "Utiliser la carte" })).toBeHidden();
  await page.emulateMedia({ media: "screen" });

  // The till types or scans the code into the clients' search: the card opens.
  await page.getByRole("link", { name: "Clients", exact: true }).first().click();
  await hydrated(page);
  await page.getByLabel("Rechercher un client").fill(code.toLowerCase());
  await page.getByLabel("Rechercher un client").press("Enter");
  await expect(page).toHaveURL(new RegExp(`/cartes-cadeaux/${code}$`));
  await hydrated(page);

  // More than what is left: told, nothing spent; then spent in part.
  await page.getByLabel("Montant utilisé (€)").fill("60");
  await page.getByRole("button", { name: "Utiliser", exact: true }).click();
  await expect(page.getByText("Il ne reste que 50,00 € sur cette carte-cadeau.")).toBeVisible();
  await page.getByLabel("Montant utilisé (€)").fill("20");
  await page.getByRole("button", { name: "Utiliser", exact: true }).click();
  await expect(page.getByText("Reste 30,00 € · Valable", { exact: true })).toBeVisible();

  // The owner cancels it, with the reason: nothing more can be spent.
  await page.getByLabel("Motif de l'annulation").fill("Carte perdue");
  await page.getByRole("button", { name: "Annuler la carte" }).click();
  await expect(page.getByText("Annulée : Carte perdue")).toBeVisible();
  await switchLanguage(page, "English");
  await expect(page.getByRole("heading", { name: `Gift card ${code}` })).toBeVisible();
  await expect(page.getByText("Cancelled: Carte perdue")).toBeVisible();
  await expect(page.getByRole("button", { name: "Print the card" })).toBeVisible();
  await expect(page.getByText(/left · Cancelled$/)).toBeVisible();
  await expect(page.getByRole("listitem").filter({ hasText: "Spent" })).toHaveCount(1);
  await switchLanguage(page, "Français");
  await expect(page.getByRole("heading", { name: "Utiliser la carte" })).toBeHidden();

  // The gift cards page, from the menu, lists it; the buyer's page too.
  await openMenu(page);
  await page.getByRole("banner").getByRole("link", { name: "Cartes-cadeaux" }).click();
  await hydrated(page);
  await expect(page.getByRole("region", { name: "Dernières cartes vendues" }).getByRole("link", { name: code })).toBeVisible();
  await page.getByLabel("Code d'une carte (saisi ou scanné)").fill("pas un code");
  await page.getByRole("button", { name: "Trouver" }).click();
  await expect(page.getByText("Ce n'est pas un code de carte-cadeau (KDO-XXXX-XXXX-XXXX).")).toBeVisible();
});
