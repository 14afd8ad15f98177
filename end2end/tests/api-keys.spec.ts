import { expect, test } from "./fixtures";
import { clientCard, hydrated, login, navigate, search, uniquePhone } from "./helpers";

const ownerOf = (viewport: string) => `api-${viewport}@e2e.localhost`;

test("the owner makes a key for a till, the till enrols a client with it, and a revoked key is refused", async ({ page }, testInfo) => {
  await login(page, ownerOf(testInfo.project.name), "Fleur-Rouge-2026");
  await navigate(page, "Clés API");
  await expect(page.getByRole("heading", { level: 1, name: "Clés API" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Documentation de l'API" })).toHaveAttribute("href", "/api/v1/docs");
  await expect(page.getByText("Aucune clé pour l'instant.")).toBeVisible();
  await hydrated(page);

  // A key needs a name; the form says so next to the field.
  await page.getByRole("button", { name: "Créer la clé" }).click();
  await expect(page.getByLabel("Nom (la caisse ou le site qui l'utilise)")).toHaveAttribute("aria-invalid", "true");

  await page.getByLabel("Nom (la caisse ou le site qui l'utilise)").fill("Caisse du comptoir");
  await expect(page.getByLabel("Droits")).toHaveValue("read_write");
  await page.getByRole("button", { name: "Créer la clé" }).click();
  await expect(page.getByText("Copiez la clé « Caisse du comptoir » maintenant : elle ne sera plus jamais affichée.")).toBeVisible();
  const secret = await page.getByLabel("Clé API", { exact: true }).inputValue();
  expect(secret).toMatch(/^cpt_[A-Za-z0-9_-]{43}$/);
  const row = page.getByRole("row").filter({ hasText: "Caisse du comptoir" });
  await expect(row).toContainText(`${secret.slice(0, 12)}…`);
  await expect(row).toContainText("Lecture et écriture");

  // The till enrols a client and records a purchase with the key; the shop sees both.
  const phone = uniquePhone();
  const headers = { Authorization: `Bearer ${secret}` };
  const enrolled = await page.request.post("/api/v1/clients", {
    headers,
    data: { first_name: "Odile", last_name: `Caisse-${testInfo.project.name}`, phone },
  });
  expect(enrolled.status()).toBe(201);
  const client = await enrolled.json();
  const bought = await page.request.post(`/api/v1/clients/${client.id}/purchases`, {
    headers: { ...headers, "Idempotency-Key": "ticket-1" },
    data: { points: 7 },
  });
  expect(bought.status()).toBe(201);
  expect((await bought.json()).points_balance).toBe(7);
  await navigate(page, "Clients");
  await search(page, `Caisse-${testInfo.project.name}`);
  await expect(clientCard(page, `Odile Caisse-${testInfo.project.name}`)).toContainText("7 pts");

  // Revoked, the key is refused at once.
  await navigate(page, "Clés API");
  await hydrated(page);
  page.once("dialog", (dialog) => dialog.accept());
  await page.getByRole("button", { name: "Révoquer la clé « Caisse du comptoir »" }).click();
  await expect(page.getByRole("row").filter({ hasText: "Caisse du comptoir" })).toContainText("Révoquée le");
  const refused = await page.request.get(`/api/v1/clients/${client.id}`, { headers });
  expect(refused.status()).toBe(401);
  expect((await refused.json()).code).toBe("unknown_key");
});
