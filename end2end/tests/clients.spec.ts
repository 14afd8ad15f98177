import { expect, test } from "./fixtures";
import { clientCard, createClient, hydrated, login, search, uniqueName, uniquePhone } from "./helpers";

test.beforeEach(async ({ page }) => {
  await login(page);
});

test("a new client needs civility, names and an e-mail or a phone, then appears in the list", async ({ page }) => {
  await page.getByRole("button", { name: "Nouveau" }).click();
  const dialog = page.getByRole("dialog", { name: "Nouveau client" });
  await dialog.getByLabel("Téléphone").fill("12");
  await dialog.getByLabel("Code postal").fill("7500");
  await dialog.getByRole("button", { name: "Enregistrer" }).click();
  await expect(dialog.getByText("Ce champ est obligatoire.")).toHaveCount(3);
  await expect(dialog.getByText("Numéro invalide")).toBeVisible();
  await expect(dialog.getByText("Code postal invalide pour ce pays (France), par exemple : 75001.")).toBeVisible();
  await expect(dialog.getByLabel("Téléphone")).toHaveValue("12");

  const lastName = uniqueName();
  await dialog.getByLabel("Civilité").selectOption({ label: "Madame" });
  await dialog.getByLabel("Prénom").fill("Hélène");
  await dialog.getByRole("textbox", { name: "Nom", exact: true }).fill(lastName);
  await dialog.getByLabel("E-mail").fill(`${lastName.toLowerCase()}@exemple.fr`);
  await dialog.getByLabel("Téléphone").fill(uniquePhone());
  await dialog.getByLabel("Code postal").fill("01000");
  await dialog.getByRole("button", { name: "Enregistrer" }).click();
  await expect(dialog).toBeHidden();
  await expect(clientCard(page, `Hélène ${lastName}`)).toBeVisible();
});

test("search matches as you type, ignoring case and accents, phone in any format", async ({ page }) => {
  const lastName = uniqueName();
  // Each run (and each viewport) needs a number of its own: a known phone offers the existing file.
  const phone = uniquePhone();
  const [a, b, c, d, e] = phone.match(/\d\d/g) ?? [];
  await createClient(page, { firstName: "Hélène", lastName, phone: `${a} ${b} ${c} ${d} ${e}`, city: "Saint-Étienne", postalCode: "42000" });
  const card = clientCard(page, `Hélène ${lastName}`);
  for (const query of [`helene ${lastName.toLowerCase()}`, lastName.toUpperCase().slice(0, 5), `${lastName} saint etienne`]) {
    await search(page, query);
    await expect(card).toBeVisible();
    await expect(page.getByRole("status")).toHaveText("1 client(s)");
  }
  for (const query of [`${a} ${b} ${c} ${d}`, `+33 ${a.slice(1)} ${b} ${c} ${d} ${e}`, `${a}.${b}.${c}.${d}.${e}`, phone]) {
    await search(page, `${query}`);
    await expect(card).toBeVisible();
  }
  await search(page, `${lastName}zz`);
  await expect(page.getByText("Aucun client ne correspond à cette recherche.")).toBeVisible();
});

test("a border shop's clients from Belgium, Switzerland and Luxembourg keep their own postal codes and phones", async ({ page }) => {
  const lastName = uniqueName();
  // A Belgian mobile (470 then six digits) and a Swiss one (79 then seven) of this run's own.
  const [p, q, r] = uniquePhone().slice(4).match(/\d\d/g) ?? [];
  await createClient(page, { firstName: "Wout", lastName, country: "Belgique", phone: `0470 ${p} ${q} ${r}`, postalCode: "1000", city: "Bruxelles" });
  const belgian = clientCard(page, `Wout ${lastName}`);
  await search(page, lastName);
  await expect(belgian).toContainText(`+32 470 ${p} ${q} ${r}`);
  await expect(belgian).toContainText("1000 Bruxelles, Belgique");
  for (const query of [`+32 470 ${p}${q}`, `0470 ${p} ${q}`]) {
    await search(page, query);
    await expect(belgian).toBeVisible();
  }

  // A French postal code for a Swiss client names the Swiss rule; the typed values stay.
  await page.getByRole("button", { name: "Nouveau" }).click();
  const dialog = page.getByRole("dialog", { name: "Nouveau client" });
  await expect(dialog.getByLabel("Pays")).toHaveValue("FR");
  await dialog.getByLabel("Civilité").selectOption({ label: "Non précisé" });
  await dialog.getByLabel("Prénom").fill("Noé");
  await dialog.getByRole("textbox", { name: "Nom", exact: true }).fill(lastName);
  await dialog.getByLabel("Pays").selectOption({ label: "Suisse" });
  const swissMobile = uniquePhone().slice(3);
  await dialog.getByLabel("Téléphone").fill(`079 ${swissMobile}`);
  await dialog.getByLabel("Code postal").fill("74000");
  await dialog.getByRole("button", { name: "Enregistrer" }).click();
  await expect(dialog.getByText("Code postal invalide pour ce pays (Suisse), par exemple : 1201.")).toBeVisible();
  await expect(dialog.getByLabel("Téléphone")).toHaveValue(`079 ${swissMobile}`);
  await dialog.getByLabel("Code postal").fill("1201");
  await dialog.getByRole("button", { name: "Enregistrer" }).click();
  await expect(dialog).toBeHidden();
  await search(page, lastName);
  const swiss = clientCard(page, `Noé ${lastName}`);
  await expect(swiss).toContainText("1201");
  await expect(swiss).toContainText(`+41 79 ${swissMobile.slice(0, 3)} ${swissMobile.slice(3, 5)} ${swissMobile.slice(5)}`);

  await createClient(page, { firstName: "Jos", lastName, email: `jos.${lastName.toLowerCase()}@exemple.lu`, country: "Luxembourg", postalCode: "l 1234", city: "Esch-sur-Alzette" });
  await search(page, `${lastName} L-1234`);
  const luxembourger = clientCard(page, `Jos ${lastName}`);
  await expect(luxembourger).toContainText("L-1234 Esch-sur-Alzette, Luxembourg");
  await luxembourger.getByRole("link", { name: `Jos ${lastName}` }).click();
  await expect(page.getByText("L-1234 Esch-sur-Alzette, Luxembourg")).toBeVisible();
});

test("an older, slower answer never replaces a newer one", async ({ page }) => {
  const slow = uniqueName();
  const fast = uniqueName();
  await createClient(page, { firstName: "Lent", lastName: slow });
  await createClient(page, { firstName: "Rapide", lastName: fast });
  await page.route("**/api/clients-list", async (route) => {
    if ((route.request().postData() ?? "").includes(slow.toLowerCase()) || (route.request().postData() ?? "").includes(slow)) {
      await new Promise((resolve) => setTimeout(resolve, 1500));
    }
    await route.continue();
  });
  // Typed, not waited for: its answer is held back while the next search is typed.
  await page.getByLabel("Rechercher un client").fill(slow);
  await page.waitForTimeout(400);
  await search(page, fast);
  await expect(clientCard(page, `Rapide ${fast}`)).toBeVisible();
  await page.waitForTimeout(2000);
  await expect(clientCard(page, `Rapide ${fast}`)).toBeVisible();
  await expect(clientCard(page, `Lent ${slow}`)).toHaveCount(0);
});

test("a client is edited from the edit icon with the same rules", async ({ page }) => {
  const lastName = uniqueName();
  await createClient(page, { firstName: "Marie", lastName });
  await search(page, lastName);
  await page.getByRole("button", { name: `Modifier la fiche de Marie ${lastName}` }).click();
  const dialog = page.getByRole("dialog", { name: "Modifier la fiche client" });
  await expect(dialog.getByLabel("Prénom")).toHaveValue("Marie");
  await dialog.getByLabel("E-mail").fill("pas-une-adresse");
  await dialog.getByRole("button", { name: "Enregistrer" }).click();
  await expect(dialog.getByText("Adresse e-mail invalide")).toBeVisible();
  await dialog.getByLabel("E-mail").fill(`marie.${lastName.toLowerCase()}@exemple.fr`);
  await dialog.getByLabel("Ville").fill("Lyon");
  await dialog.getByRole("button", { name: "Enregistrer" }).click();
  await expect(dialog).toBeHidden();
  await expect(clientCard(page, `Marie ${lastName}`)).toContainText("Lyon");
});

test("a transaction is recorded from the keyboard and the row changes at once", async ({ page }) => {
  const lastName = uniqueName();
  await createClient(page, { firstName: "Léa", lastName });
  await search(page, lastName);
  const card = clientCard(page, `Léa ${lastName}`);
  await expect(card).toContainText("0 pts");
  await expect(card).toContainText("jamais");
  await card.getByRole("button", { name: `Ajouter une transaction pour Léa ${lastName}` }).focus();
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("dialog", { name: `Ajout d'une transaction à Léa ${lastName}` });
  await expect(dialog.getByLabel("Points gagnés")).toBeFocused();
  await page.keyboard.type("12");
  await page.keyboard.press("Enter");
  await expect(dialog).toBeHidden();
  await expect(card).toContainText("12 pts");
  const today = new Date().toLocaleDateString("fr-FR", { timeZone: "Europe/Paris" });
  await expect(card).toContainText(today);
});

test("a double tap on Enregistrer records the transaction once", async ({ page }) => {
  const lastName = uniqueName();
  await createClient(page, { firstName: "Paul", lastName });
  await search(page, lastName);
  const card = clientCard(page, `Paul ${lastName}`);
  await card.getByRole("button", { name: `Ajouter une transaction pour Paul ${lastName}` }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Points gagnés").fill("5");
  await dialog.getByLabel("Montant dépensé").fill("12,50");
  await dialog.getByRole("button", { name: "Enregistrer" }).dblclick();
  await expect(dialog).toBeHidden();
  await expect(card).toContainText("5 pts");
  await card.getByRole("link", { name: `Paul ${lastName}` }).click();
  await expect(page.getByRole("heading", { name: `Paul ${lastName}` })).toBeVisible();
  // One purchase, then the file's creation: the double tap recorded nothing more.
  await expect(page.getByRole("row")).toHaveCount(3);
  await expect(page.getByRole("row").nth(1)).toContainText("12,50");
  await expect(page.getByRole("row").nth(2)).toContainText("Fiche créée");
});

test("a filtered list has its own address: sent rendered by the server, reloaded, undone by the back button", async ({ page }) => {
  const lastName = uniqueName();
  await createClient(page, { firstName: "Adèle", lastName });
  await search(page, lastName);
  await expect(page).toHaveURL(new RegExp(`/clients\\?q=${lastName}$`));
  const card = clientCard(page, `Adèle ${lastName}`);
  await expect(card).toBeVisible();

  // The server sends the filtered list itself: the first paint needs no script.
  const served = await (await page.request.get(`/clients?q=${lastName}`)).text();
  expect(served).toContain(`Adèle ${lastName}`);
  expect(served).toContain("1 client(s)");

  const sort = page.getByLabel("Trier par");
  await sort.selectOption({ label: "Points (les plus élevés)" });
  await expect(page).toHaveURL(new RegExp(`/clients\\?q=${lastName}&tri=points$`));
  await page.reload();
  await hydrated(page);
  await expect(page.getByLabel("Rechercher un client")).toHaveValue(lastName);
  await expect(sort).toHaveValue("points");
  await expect(card).toBeVisible();

  await page.goBack();
  await expect(page).toHaveURL(new RegExp(`/clients\\?q=${lastName}$`));
  await expect(sort).toHaveValue("name");
  await expect(card).toBeVisible();
  await page.goBack();
  await expect(page).toHaveURL(/\/clients$/);
  await expect(page.getByLabel("Rechercher un client")).toHaveValue("");
  await expect(page.getByRole("status")).not.toHaveText("1 client(s)");
});
