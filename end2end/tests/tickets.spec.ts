import { expect, test } from "./fixtures";
import { clientCard, createClient, hydrated, login, search, switchLanguage, uniqueName } from "./helpers";

test("a purchase carries its ticket, the client's favourites and the dashboard's best sellers count its lines", async ({ page }) => {
  await login(page);
  const lastName = uniqueName();
  const service = `Coupe ${lastName}`;
  await createClient(page, { firstName: "Maëlle", lastName });
  await search(page, lastName);
  const card = clientCard(page, `Maëlle ${lastName}`);
  await card.getByRole("button", { name: `Ajouter une transaction pour Maëlle ${lastName}` }).click();
  const till = page.getByRole("dialog");
  await till.getByLabel("Points gagnés").fill("10");
  await till.getByRole("button", { name: "Enregistrer" }).click();
  await expect(till).toBeHidden();
  await card.getByRole("link", { name: `Maëlle ${lastName}` }).click();
  await hydrated(page);

  const section = page.getByRole("region", { name: "Visites et tickets" });
  await section.getByRole("button", { name: /^Ajouter le ticket de l'achat du / }).click();
  const dialog = page.getByRole("dialog", { name: "Ticket de l'achat" });
  // A line without its label: told next to it, nothing saved.
  await dialog.getByLabel("Prix unitaire (€, facultatif)").fill("25");
  await dialog.getByRole("button", { name: "Enregistrer" }).click();
  await expect(dialog.getByText("Ce champ est obligatoire.")).toBeVisible();
  await dialog.getByLabel("Prestation ou produit").fill(service);
  await dialog.getByRole("button", { name: "Ajouter une ligne" }).click();
  const second = dialog.getByRole("group", { name: "Ligne 2" });
  await second.getByLabel("Type").selectOption({ label: "produit" });
  await second.getByLabel("Prestation ou produit").fill("Shampooing doux");
  await second.getByLabel("Quantité (1 si vide)").fill("2");
  await dialog.getByLabel("Référence du ticket").fill("T-0042");
  await dialog.getByRole("button", { name: "Enregistrer" }).click();
  await expect(dialog).toBeHidden();

  await expect(section.getByText("Ticket T-0042")).toBeVisible();
  await expect(section.getByText(`${service} × 1 · 25,00 € (prestation)`)).toBeVisible();
  await expect(section.getByText("Shampooing doux × 2 (produit)")).toBeVisible();
  await expect(section.getByRole("listitem").filter({ hasText: `${service} · 1 fois` })).toBeVisible();
  await expect(section.getByRole("button", { name: /^Ajouter le ticket/ })).toHaveCount(0);
  await switchLanguage(page, "English");
  const english = page.getByRole("region", { name: "Visits and tickets" });
  await expect(english.getByText("Favourite services")).toBeVisible();
  await expect(english.getByText(`${service} · quantity 1`)).toBeVisible();
  await expect(english.getByText("Shampooing doux × 2 (product)")).toBeVisible();
  await switchLanguage(page, "Français");

  // The owner's dashboard names it among the best sellers of the period.
  await page.goto("/tableau-de-bord");
  await hydrated(page);
  const sellers = page.getByRole("region", { name: "Prestations et produits les plus vendus" });
  await expect(sellers).toContainText("Shampooing doux");
});
