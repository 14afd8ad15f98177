import { expect, test } from "./fixtures";
import { hydrated, login, navigate } from "./helpers";

const ACCOUNT_PASSWORD = "Fleur-Rouge-2026";

test("the owner reads the audit log and filters it by event", async ({ page }) => {
  await login(page);
  await navigate(page, "Journal d'audit");
  await expect(page.getByRole("heading", { name: "Journal d'audit" })).toBeVisible();
  await hydrated(page);
  await page.getByLabel("Événement").selectOption({ label: "Connexion réussie" });
  await page.getByRole("button", { name: "Filtrer" }).click();
  const rows = page.getByRole("row").filter({ hasText: "Connexion réussie" });
  await expect(rows.first()).toBeVisible();
  await expect(rows.first()).toContainText("127.0.0.1");
  await expect(page.getByRole("row").filter({ hasText: "Client créé" })).toHaveCount(0);
});

test("changing the password keeps this session, ends the others and says so", async ({ page, browser }, testInfo) => {
  const email = `account-${testInfo.project.name}@e2e.localhost`;
  const elsewhere = await browser.newContext();
  const otherDevice = await elsewhere.newPage();
  await login(otherDevice, email, ACCOUNT_PASSWORD);

  await login(page, email, ACCOUNT_PASSWORD);
  await page.goto("/compte");
  await hydrated(page);
  await expect(page.getByRole("heading", { name: "Mon compte" })).toBeVisible();
  const newPassword = `Muscat-${Date.now()}!`;
  await page.getByLabel("Mot de passe actuel").fill("Pas-le-bon-1");
  await page.getByRole("textbox", { name: "Nouveau mot de passe", exact: true }).fill(newPassword);
  await page.getByLabel("Confirmez le nouveau mot de passe").fill(newPassword);
  await page.getByRole("button", { name: "Changer le mot de passe" }).click();
  await expect(page.getByText("Ce n'est pas votre mot de passe actuel.")).toBeVisible();

  await page.getByLabel("Mot de passe actuel").fill(ACCOUNT_PASSWORD);
  await page.getByRole("button", { name: "Changer le mot de passe" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Mot de passe changé" })).toBeVisible();

  await page.goto("/clients");
  await expect(page.getByRole("heading", { name: "Clients" })).toBeVisible();
  await otherDevice.goto("/clients");
  await expect(otherDevice).toHaveURL(/\/connexion$/);
  await elsewhere.close();
});

test("after five wrong passwords the login says how long to wait", async ({ page }, testInfo) => {
  await page.goto("/connexion");
  await hydrated(page);
  await page.getByLabel("Adresse e-mail").fill(`throttle-${testInfo.project.name}@e2e.localhost`);
  const password = page.getByLabel("Mot de passe", { exact: true });
  const submit = page.getByRole("button", { name: "Se connecter" });
  const attempt = async (guess: string) => {
    await password.fill(guess);
    const answered = page.waitForResponse((response) => response.url().endsWith("/api/login"));
    await submit.click();
    return (await answered).status();
  };
  for (let tries = 1; tries <= 5; tries++) {
    expect(await attempt(`Mauvais-${tries}-2026`)).toBe(401);
    await expect(page.getByRole("alert")).toHaveText("Adresse e-mail ou mot de passe incorrect.");
  }
  expect(await attempt("Mauvais-6-2026")).toBe(429);
  await expect(page.getByRole("alert")).toHaveText(/^Trop de tentatives\. Réessayez dans \d+ s\.$/);
});
