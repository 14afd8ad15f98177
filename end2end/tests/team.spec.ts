import { expect, test } from "./fixtures";
import { decodedSubject, hydrated, login, openMenu, navigate, passwordLink, receivedMail, uniqueName } from "./helpers";

test("the owner invites a member who chooses a password, works the till without owner pages, and is disabled", async ({ page, browser }) => {
  await login(page);
  const name = `Marc ${uniqueName()}`;
  const email = `${name.replace(" ", ".").toLowerCase()}@e2e.localhost`;
  await navigate(page, "Équipe");
  await expect(page.getByRole("heading", { name: "Équipe", exact: true })).toBeVisible();
  await hydrated(page);
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Nom affiché").fill(name);
  await page.getByLabel("Rôle", { exact: true }).selectOption({ label: "Équipier" });
  await page.getByRole("button", { name: "Envoyer l'invitation" }).click();
  await expect(page.getByRole("status")).toContainText(`Invitation envoyée à ${email}.`);
  const row = page.getByRole("row").filter({ hasText: email });
  await expect(row).toContainText("Invitation envoyée");

  // The member opens the link in their own browser and chooses a password.
  const mail = await receivedMail(email);
  expect(decodedSubject(mail)).toContain("Invitation à rejoindre");
  const link = passwordLink(mail);
  expect(link).toBeTruthy();
  const memberContext = await browser.newContext({ locale: "fr-FR", timezoneId: "Europe/Paris" });
  const member = await memberContext.newPage();
  await member.goto(link!);
  await hydrated(member);
  const password = `Brioche-${Date.now()}`;
  await member.getByLabel("Nouveau mot de passe").fill(password);
  await member.getByLabel("Confirmez le mot de passe").fill(password);
  await member.getByRole("button", { name: "Réinitialiser" }).click();
  await expect(member).toHaveURL(/\/connexion/);
  await login(member, email, password);
  const nav = member.getByRole("navigation", { name: "Navigation principale" });
  await openMenu(member);
  await expect(nav.getByRole("link", { name: "Clients" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Points" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Journal", exact: true })).toHaveCount(0);
  await expect(nav.getByRole("link", { name: "Équipe" })).toHaveCount(0);

  // Back to the owner: the member is active; disabling signs them out.
  await page.reload();
  await hydrated(page);
  await expect(row).toContainText("Actif");
  await row.getByRole("button", { name: `Désactiver le compte de ${name}` }).click();
  await expect(row).toContainText("Désactivé");
  await member.reload();
  await expect(member).toHaveURL(/\/connexion/);
  await memberContext.close();
});

test("the team page is the owner's only", async ({ page }) => {
  await login(page);
  await page.goto("/equipe");
  await hydrated(page);
  await expect(page.getByRole("row").filter({ hasText: "(vous)" })).toContainText("Responsable");
  await expect(page.getByRole("button", { name: /Désactiver le compte de Camille/ })).toHaveCount(0);
});

test("a pending invitation is listed and can be cancelled", async ({ page }) => {
  await login(page);
  const name = `Lise ${uniqueName()}`;
  const email = `${name.replace(" ", ".").toLowerCase()}@e2e.localhost`;
  await page.goto("/equipe");
  await hydrated(page);
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Nom affiché").fill(name);
  await page.getByRole("button", { name: "Envoyer l'invitation" }).click();
  const row = page.getByRole("row").filter({ hasText: email });
  await expect(row).toContainText("Invitation envoyée");
  await row.getByRole("button", { name: `Annuler l'invitation de ${name}` }).click();
  await expect(row).toHaveCount(0);
  await page.reload();
  await hydrated(page);
  await expect(page.getByRole("row").filter({ hasText: email })).toHaveCount(0);
});
