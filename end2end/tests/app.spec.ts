import { expect, test } from "@playwright/test";
import { hydrated, login } from "./helpers";

test("the app is installable as a PWA", async ({ page }) => {
  await login(page);
  await page.waitForFunction(async () => (await navigator.serviceWorker.getRegistrations()).length > 0);
  await page.waitForFunction(async () => !!(await navigator.serviceWorker.ready).active);
  const session = await page.context().newCDPSession(page);
  const { installabilityErrors } = await session.send("Page.getInstallabilityErrors");
  expect(installabilityErrors).toEqual([]);
  const manifest = await page.request.get("/manifest.webmanifest");
  expect(manifest.ok()).toBe(true);
});

test("the interface switches to English and back", async ({ page }) => {
  await login(page);
  await page.getByRole("button", { name: "English" }).click();
  await expect(page.getByLabel("Search for a client")).toBeVisible();
  await expect(page.getByRole("button", { name: "New" })).toBeVisible();
  await page.reload();
  await hydrated(page);
  await expect(page.getByLabel("Search for a client")).toBeVisible();
  await page.getByRole("button", { name: "Français" }).click();
  await expect(page.getByLabel("Rechercher un client")).toBeVisible();
});

test("the list is usable on this viewport without horizontal scrolling", async ({ page }) => {
  await login(page);
  await expect(page.getByRole("list", { name: "Liste des clients" })).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});
