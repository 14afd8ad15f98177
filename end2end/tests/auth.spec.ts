import { expect, test } from "./fixtures";
import { DEMO_EMAIL, DEMO_PASSWORD, decodedSubject, hydrated, login, openMenu, passwordLink, receivedMail } from "./helpers";

test("the password rules are shown met or unmet as the user types", async ({ page }) => {
  await page.goto("/connexion");
  await hydrated(page);
  const rule = (name: string) => page.getByRole("listitem").filter({ hasText: name });
  const password = page.getByLabel("Mot de passe", { exact: true });
  await password.fill("abc");
  for (const name of ["Minimum 8 caractères", "Minimum 1 chiffre", "Minimum 1 lettre en majuscule", "Minimum 1 caractère spécial"]) {
    await expect(rule(name)).toContainText("non respecté");
  }
  await password.fill("Abcdefg1!");
  for (const name of ["Minimum 8 caractères", "Minimum 1 chiffre", "Minimum 1 lettre en majuscule", "Minimum 1 caractère spécial"]) {
    await expect(rule(name)).not.toContainText("non respecté");
  }
});

test("a wrong password gets one clear message and no session", async ({ page }) => {
  await page.goto("/connexion");
  await hydrated(page);
  await page.getByLabel("Adresse e-mail").fill(DEMO_EMAIL);
  await page.getByLabel("Mot de passe", { exact: true }).fill("Mauvais-2026");
  await page.getByRole("button", { name: "Se connecter" }).click();
  await expect(page.getByRole("alert")).toHaveText("Adresse e-mail ou mot de passe incorrect.");
  await page.goto("/clients");
  await expect(page).toHaveURL(/\/connexion$/);
});

test("without 'Se souvenir de moi' the session ends with the browser; with it, 30 days", async ({ page, context }) => {
  await login(page);
  let session = (await context.cookies()).find((cookie) => cookie.name === "comptoir_session");
  expect(session?.expires).toBe(-1);
  expect(session?.httpOnly).toBe(true);
  expect(session?.sameSite).toBe("Lax");
  await context.clearCookies();
  await login(page, DEMO_EMAIL, DEMO_PASSWORD, true);
  session = (await context.cookies()).find((cookie) => cookie.name === "comptoir_session");
  const days = ((session?.expires ?? 0) * 1000 - Date.now()) / 86_400_000;
  expect(days).toBeGreaterThan(29.9);
  expect(days).toBeLessThan(30.1);
});

test("logging out ends the session", async ({ page }) => {
  await login(page);
  await openMenu(page);
  await page.getByRole("button", { name: "Se déconnecter" }).click();
  await expect(page).toHaveURL(/\/connexion$/);
  await page.goto("/clients");
  await expect(page).toHaveURL(/\/connexion$/);
});

test("a forgotten password is reset through the e-mailed link", async ({ page }, testInfo) => {
  const email = `reset-${testInfo.project.name}@e2e.localhost`;
  await page.goto("/connexion");
  await hydrated(page);
  await page.getByRole("link", { name: "Mot de passe oublié ?" }).click();
  await expect(page).toHaveURL(/mot-de-passe-oublie/);
  await hydrated(page);
  await page.getByLabel("Adresse e-mail").fill(email);
  await page.getByRole("button", { name: "Envoyer le lien" }).click();
  await expect(page.getByRole("status")).toContainText("Si un compte existe pour cette adresse");

  const mail = await receivedMail(email);
  expect(mail).toMatch(/^Subject: /m);
  expect(decodedSubject(mail)).toBe("Demande de réinitialisation de votre mot de passe Comptoir");
  const link = passwordLink(mail);
  expect(link).toBeTruthy();

  await page.goto(link!);
  await hydrated(page);
  const newPassword = `Tulipe-${Date.now()}`;
  await page.getByLabel("Nouveau mot de passe").fill(newPassword);
  await page.getByLabel("Confirmez le mot de passe").fill("Autre-chose-1");
  await page.getByRole("button", { name: "Réinitialiser" }).click();
  await expect(page.getByText("Les deux mots de passe sont différents.")).toBeVisible();
  await page.getByLabel("Confirmez le mot de passe").fill(newPassword);
  await page.getByRole("button", { name: "Réinitialiser" }).click();
  await expect(page).toHaveURL(/\/connexion\?reinitialise=1$/);
  await expect(page.getByRole("status")).toContainText("Votre mot de passe a été modifié");
  await login(page, email, newPassword);
  await expect(page.getByRole("heading", { name: "Clients" })).toBeVisible();
});
