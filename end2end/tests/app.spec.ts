import { chromium } from "@playwright/test";
import { expect, test } from "./fixtures";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { hydrated, login } from "./helpers";

test("the app is installable as a PWA", async ({ browserName }, testInfo) => {
  // Chromium never offers to install from an incognito context, which is what Playwright's
  // contexts are: this test uses a profile on disk.
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "comptoir-pwa-"));
  const project = testInfo.project.use;
  const context = await chromium.launchPersistentContext(profile, {
    ...project.launchOptions,
    viewport: project.viewport,
    baseURL: project.baseURL,
    locale: "fr-FR",
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await login(page);
    await page.waitForFunction(async () => !!(await navigator.serviceWorker.ready).active);
    const session = await context.newCDPSession(page);
    const { installabilityErrors } = await session.send("Page.getInstallabilityErrors");
    expect(installabilityErrors).toEqual([]);
    expect(browserName).toBe("chromium");
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
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
