import { expect, test } from "./fixtures";
import { clientCard, createClient, hydrated, login, navigate, search, switchLanguage, uniqueName } from "./helpers";

test.beforeEach(async ({ page }) => {
  await login(page);
});

test("a tag typed in another case reuses the existing one, and the list filters by it", async ({ page }) => {
  const family = uniqueName();
  const tag = `Tag${uniqueName()}`;
  await createClient(page, { firstName: "Anne", lastName: family, email: `anne.${family.toLowerCase()}@exemple.fr` });
  await createClient(page, { firstName: "Bruno", lastName: family, email: `bruno.${family.toLowerCase()}@exemple.fr` });

  await search(page, family);
  await clientCard(page, `Anne ${family}`).getByRole("link", { name: `Anne ${family}` }).click();
  await expect(page.getByRole("heading", { name: `Anne ${family}` })).toBeVisible();
  await hydrated(page);
  await page.getByLabel("Ajouter un tag").fill(tag);
  await page.getByRole("button", { name: "Ajouter", exact: true }).click();
  await expect(page.getByRole("list", { name: "Tags", exact: true })).toContainText(tag);

  // On Bruno's file, typing the tag in lower case offers the existing spelling.
  await page.goBack();
  await search(page, family);
  await clientCard(page, `Bruno ${family}`).getByRole("link", { name: `Bruno ${family}` }).click();
  await expect(page.getByRole("heading", { name: `Bruno ${family}` })).toBeVisible();
  await hydrated(page);
  await page.getByLabel("Ajouter un tag").fill(tag.toLowerCase().slice(0, 6));
  await page.getByRole("button", { name: `Ajouter le tag existant ${tag}` }).click();
  await expect(page.getByRole("list", { name: "Tags", exact: true })).toContainText(tag);
  // The change is in the timeline with its author.
  await expect(page.getByRole("table").getByText("Tag ajouté")).toBeVisible();

  // The list keeps only the tagged clients; removing the tag takes Bruno out.
  await page.getByRole("button", { name: `Retirer le tag ${tag}` }).click();
  await expect(page.getByRole("list", { name: "Tags", exact: true })).toHaveCount(0);
  await page.getByRole("link", { name: "Clients", exact: true }).first().click();
  await hydrated(page);
  await page.getByLabel("Tag", { exact: true }).selectOption({ label: tag });
  await expect(clientCard(page, `Anne ${family}`)).toBeVisible();
  await expect(clientCard(page, `Anne ${family}`)).toContainText(tag);
  await expect(clientCard(page, `Bruno ${family}`)).toHaveCount(0);
});

test("the owner creates a group, puts a client in it, and the list filters and sorts", async ({ page }) => {
  const family = uniqueName();
  const group = `Groupe ${uniqueName()}`;
  await createClient(page, { firstName: "Chloé", lastName: family });

  await navigate(page, "Groupes");
  await expect(page.getByRole("heading", { name: "Groupes", exact: true })).toBeVisible();
  await hydrated(page);
  await page.getByLabel("Nom du groupe").fill(group.toUpperCase());
  await page.getByRole("button", { name: "Créer le groupe" }).click();
  await expect(page.getByRole("list", { name: "Groupes" })).toContainText(group.toUpperCase());
  // The same name in another case is refused next to the field.
  await page.getByLabel("Nom du groupe").fill(group.toLowerCase());
  await page.getByRole("button", { name: "Créer le groupe" }).click();
  await expect(page.getByText("Ce nom existe déjà.")).toBeVisible();

  await page.getByRole("link", { name: "Clients", exact: true }).first().click();
  await hydrated(page);
  await search(page, family);
  await clientCard(page, `Chloé ${family}`).getByRole("link", { name: `Chloé ${family}` }).click();
  await hydrated(page);
  await page.getByRole("checkbox", { name: group.toUpperCase() }).check();
  await expect(page.getByRole("table").getByText("Ajouté au groupe")).toBeVisible();

  await page.getByRole("link", { name: "Clients", exact: true }).first().click();
  await hydrated(page);
  await page.getByLabel("Groupe", { exact: true }).selectOption({ label: group.toUpperCase() });
  await expect(page.getByRole("status").filter({ hasText: "client" })).toHaveText("1 client(s)");
  await expect(clientCard(page, `Chloé ${family}`)).toBeVisible();

  // Sorting by points puts the demo's best clients first, whatever the group.
  await page.getByLabel("Groupe", { exact: true }).selectOption({ label: "Tous" });
  await page.getByLabel("Trier par").selectOption({ label: "Points (les plus élevés)" });
  // The answer comes after the choice: wait until the cards show it.
  const cards = page.getByRole("list", { name: "Liste des clients" }).getByRole("listitem").filter({ hasText: /\d+ pts/ });
  await expect
    .poll(async () => {
      const values = (await cards.allInnerTexts()).map((text) => parseInt(/(\d+) pts/.exec(text)?.[1] ?? "-1", 10));
      return values.length > 1 && values.every((value, index) => index === 0 || values[index - 1] >= value);
    })
    .toBe(true);

  // The same page in English.
  await switchLanguage(page, "English");
  await expect(page.getByLabel("Sort by")).toBeVisible();
  await navigate(page, "Groups");
  await expect(page.getByRole("heading", { name: "New group" })).toBeVisible();
  await switchLanguage(page, "Français");
});
