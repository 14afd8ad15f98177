import { chromium } from "@playwright/test";
import { expect, test } from "./fixtures";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { hydrated, login, switchLanguage } from "./helpers";

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
  await switchLanguage(page, "English");
  await expect(page.getByLabel("Search for a client")).toBeVisible();
  await expect(page.getByRole("button", { name: "New" })).toBeVisible();
  await page.reload();
  await hydrated(page);
  await expect(page.getByLabel("Search for a client")).toBeVisible();
  await switchLanguage(page, "Français");
  await expect(page.getByLabel("Rechercher un client")).toBeVisible();
});

test("the list is usable on this viewport without horizontal scrolling", async ({ page }) => {
  await login(page);
  await expect(page.getByRole("list", { name: "Liste des clients" })).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});

test("the header holds on one line, and its menu leads to every page and closes", async ({ page }, testInfo) => {
  await login(page);
  const header = page.getByRole("banner");
  const toggle = header.getByRole("button", { name: /^Menu/ });
  // One line: no taller than its tallest control (the 44 px menu button) and its padding.
  const oneLine = async () => {
    const box = await header.boundingBox();
    expect(box!.height).toBeLessThanOrEqual(56);
  };
  await oneLine();
  const journal = header.getByRole("link", { name: "Journal", exact: true });
  if (testInfo.project.name === "phone") {
    await expect(journal).toBeHidden();
    await toggle.click();
    await expect(toggle).toHaveAttribute("aria-expanded", "true");
    await page.keyboard.press("Escape");
    await expect(toggle).toHaveAttribute("aria-expanded", "false");
    await expect(toggle).toBeFocused();
    await expect(journal).toBeHidden();
    await toggle.click();
  } else {
    // Every page is in the line; the menu holds the account, the language and signing out.
    for (const name of ["Tableau de bord", "Clients", "Points", "Programme", "Journal", "Groupes", "Équipe", "Journal d'audit"]) {
      await expect(header.getByRole("link", { name, exact: true })).toBeVisible();
    }
    await expect(header.getByRole("button", { name: "Se déconnecter" })).toBeHidden();
    await toggle.click();
    await expect(header.getByRole("button", { name: "Se déconnecter" })).toBeVisible();
    await expect(header.getByRole("link", { name: "Mon compte" })).toBeVisible();
    await page.keyboard.press("Escape");
  }
  await journal.click();
  await expect(page.getByRole("heading", { name: "Journal des transactions" })).toBeVisible();
  // A page chosen closes the menu; the header is one line again.
  await expect(toggle).toHaveAttribute("aria-expanded", "false");
  await oneLine();
});
