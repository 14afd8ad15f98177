import { expect, test } from "./fixtures";
import { clientCard, createClient, hydrated, login, search, switchLanguage, uniqueName } from "./helpers";

test("a technical sheet is written at a visit, refused empty, corrected the same day, printed alone and read in English", async ({ page }) => {
  await login(page);
  const lastName = uniqueName();
  await createClient(page, { firstName: "Nadia", lastName });
  await search(page, lastName);
  await clientCard(page, `Nadia ${lastName}`).getByRole("link", { name: `Nadia ${lastName}` }).click();
  await hydrated(page);

  const section = page.getByRole("region", { name: "Fiches techniques" });
  await expect(section.getByText("Aucune fiche technique pour l'instant.")).toBeVisible();
  await section.getByRole("button", { name: "Nouvelle fiche technique" }).click();
  const dialog = page.getByRole("dialog", { name: "Nouvelle fiche technique" });

  // Nothing written, then a pose that is no number of minutes: told next to the field, nothing saved.
  await dialog.getByRole("button", { name: "Enregistrer" }).click();
  await expect(dialog.getByText("Écrivez au moins une ligne de la fiche.")).toBeVisible();
  await dialog.getByLabel("Formule (couleur, mélange)").fill("6.3 + 7.43\noxydant 20 vol.");
  await dialog.getByLabel("Temps de pose (minutes)").fill("une heure");
  await dialog.getByRole("button", { name: "Enregistrer" }).click();
  await expect(dialog.getByText("Un nombre entier entre 1 et 600.")).toBeVisible();
  await dialog.getByLabel("Temps de pose (minutes)").fill("35");
  await dialog.getByLabel("Remarques").fill("Cuir chevelu sensible");
  await dialog.getByRole("button", { name: "Enregistrer" }).click();
  await expect(dialog).toBeHidden();

  const sheet = section.getByRole("article");
  await expect(sheet).toHaveCount(1);
  await expect(sheet).toContainText("oxydant 20 vol.");
  await expect(sheet).toContainText("35 min");
  await expect(sheet).toContainText("Écrite par Camille Boulanger");

  // Its author corrects it the same day.
  await sheet.getByRole("button", { name: "Corriger" }).click();
  const correction = page.getByRole("dialog", { name: "Corriger la fiche technique" });
  await expect(correction.getByLabel("Temps de pose (minutes)")).toHaveValue("35");
  await correction.getByLabel("Temps de pose (minutes)").fill("40");
  await correction.getByRole("button", { name: "Enregistrer" }).click();
  await expect(correction).toBeHidden();
  await expect(sheet).toContainText("40 min");
  await expect(sheet).toContainText("corrigée le jour même");

  // Printing shows the sheet alone, not the member card nor the page around it.
  await sheet.getByRole("button", { name: /^Imprimer la fiche du / }).click();
  await page.emulateMedia({ media: "print" });
  await expect(page.getByText("Cuir chevelu sensible")).toBeVisible();
  await expect(page.getByTestId("member-card")).toBeHidden();
  await expect(page.getByRole("heading", { name: "Fiches techniques" })).toBeHidden();
  await page.emulateMedia({ media: "screen" });

  // The page rendered by the server shows the same sheet; in English too.
  await page.reload();
  await hydrated(page);
  await switchLanguage(page, "English");
  const english = page.getByRole("region", { name: "Technical sheets" });
  await expect(english.getByRole("article")).toContainText("Processing time");
  await expect(english.getByRole("article")).toContainText("40 min");
  await expect(english.getByRole("button", { name: "Correct" })).toBeVisible();
  await switchLanguage(page, "Français");
});
