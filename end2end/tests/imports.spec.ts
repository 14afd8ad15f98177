import * as fs from "node:fs";
import { expect, test } from "./fixtures";
import { clientCard, hydrated, login, search } from "./helpers";

// A list as Excel saves it in France: Windows-1252 (latin1 holds these accents the same), `;`,
// a phone that lost its leading zero, a date, points, the same person twice, an invalid row.
const LIST = [
  "Nom;Prénom;Portable;E-mail;Date de naissance;Points;Pointure",
  "Lemaire;Hélène;612345678;helene.lemaire@exemple.fr;12/03/1985;120;38",
  "Roussel;Théo;0623456789;;;;42",
  "Lemaire;Hélène;06 12 34 56 78;;;;38",
  "Garnier;Zoé;;zoe@exemple.fr;31/02/1990;;37",
].join("\r\n");

const ownerOf = (viewport: string) => `import-${viewport}@e2e.localhost`;

test("the owner imports a client list: columns, preview, progress, summary and refused rows", async ({ page }, testInfo) => {
  await login(page, ownerOf(testInfo.project.name), "Fleur-Rouge-2026");
  await page.getByRole("link", { name: "Importer des clients depuis un fichier CSV" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Importer des clients" })).toBeVisible();
  await page.getByLabel("Fichier CSV (20 Mo au plus)").setInputFiles({
    name: "ancien-logiciel.csv",
    mimeType: "text/csv",
    buffer: Buffer.from(LIST, "latin1"),
  });
  await page.getByRole("button", { name: "Envoyer le fichier" }).click();

  await expect(page.getByRole("heading", { level: 1, name: "ancien-logiciel.csv" })).toBeVisible();
  await hydrated(page);
  const lastName = page.getByLabel("Colonne « Nom »");
  await expect(lastName).toHaveValue("last_name");
  await expect(page.getByLabel("Colonne « Portable »")).toHaveValue("phone");
  await expect(page.getByLabel("Colonne « Pointure »")).toHaveValue("ignore");
  const counts = page.getByRole("status").filter({ hasText: "Sur 4 lignes" });
  await expect(counts).toHaveText("Sur 4 lignes : 2 nouveaux clients, 1 déjà connus (fiches complétées), 1 refusées.");
  await expect(page.getByRole("row").filter({ hasText: "Déjà connu : Hélène Lemaire" })).toBeVisible();
  await expect(page.getByRole("row").filter({ hasText: "Refusée — Date de naissance : " })).toBeVisible();

  // Without the last name's column nobody can be imported, and the import is not started.
  await lastName.selectOption("ignore");
  await expect(counts).toHaveText("Sur 4 lignes : 0 nouveaux clients, 0 déjà connus (fiches complétées), 4 refusées.");
  await page.getByRole("button", { name: "Importer le fichier" }).click();
  await expect(page.getByText("Choisissez au moins la colonne du nom, et celle de l'e-mail ou du téléphone.")).toBeVisible();
  await lastName.selectOption("last_name");
  await expect(counts).toContainText("2 nouveaux clients");

  await page.getByRole("button", { name: "Importer le fichier" }).click();
  await expect(page.getByText("Import terminé.")).toBeVisible();
  const tile = (name: string) => page.locator(".tile").filter({ hasText: name }).locator("dd");
  await expect(tile("Clients créés")).toHaveText("2");
  await expect(tile("Lignes sans nouveauté")).toHaveText("1");
  await expect(tile("Lignes refusées")).toHaveText("1");

  const [refused] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Télécharger les lignes refusées et leurs motifs (CSV)" }).click(),
  ]);
  const text = fs.readFileSync(await refused.path(), "utf8");
  // A BOM, so Excel reads the accents; `trim` would take it off with the last line break.
  expect(text.startsWith("\ufeff")).toBe(true);
  const rows = text.trim().split("\r\n");
  expect(rows[0]).toBe("Ligne;Motifs;Nom;Prénom;Portable;E-mail;Date de naissance;Points;Pointure");
  expect(rows[1]).toMatch(/^5;Date de naissance : .+;Garnier;Zoé;;zoe@exemple\.fr;31\/02\/1990;;37$/);

  // The imported clients are in the shop's list with their opening balance.
  await page.getByRole("link", { name: "Voir la liste des clients" }).click();
  await hydrated(page);
  await search(page, "Lemaire");
  await expect(clientCard(page, "Hélène Lemaire")).toContainText("120 pts");

  // The import is listed with what it did.
  await page.goto("/import-clients");
  await hydrated(page);
  await expect(page.getByRole("row").filter({ hasText: "ancien-logiciel.csv" })).toContainText("2 créés, 0 complétés, 1 inchangés, 1 refusés");
});

test("a file that is no client list is refused with the reason, nothing kept", async ({ page }, testInfo) => {
  await login(page, ownerOf(testInfo.project.name), "Fleur-Rouge-2026");
  await page.goto("/import-clients");
  await hydrated(page);
  const file = page.getByLabel("Fichier CSV (20 Mo au plus)");
  await file.setInputFiles({ name: "photo.png", mimeType: "image/png", buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]) });
  await page.getByRole("button", { name: "Envoyer le fichier" }).click();
  await expect(page.getByRole("alert")).toHaveText(/^Ce fichier n'est pas un fichier CSV\./);
  await expect(file).toHaveAttribute("aria-invalid", "true");

  await file.setInputFiles({ name: "vide.csv", mimeType: "text/csv", buffer: Buffer.from("Nom;Prénom\r\n", "latin1") });
  await page.getByRole("button", { name: "Envoyer le fichier" }).click();
  await expect(page.getByRole("alert")).toHaveText("Ce fichier ne contient aucun client : il est vide ou n'a qu'une ligne d'en-tête.");

  // Over 20 MB: the page says so before sending it.
  await hydrated(page);
  await file.setInputFiles({ name: "enorme.csv", mimeType: "text/csv", buffer: Buffer.alloc(21 * 1024 * 1024, "a") });
  await page.getByRole("button", { name: "Envoyer le fichier" }).click();
  await expect(page.getByRole("alert")).toHaveText("Ce fichier dépasse 20 Mo : découpez-le en plusieurs fichiers.");
  await expect(page).toHaveURL(/\/import-clients\?erreur=vide$/);
});
