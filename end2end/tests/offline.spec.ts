import { expect, test } from "./fixtures";
import { clientCard, createClient, hydrated, login, openMenu, search, uniqueName } from "./helpers";

// A till tablet is shared: once its user has logged out, nothing of a client's file may be read
// from it, not even offline from the service worker's cache or the browser's.
test("after logout, a client's page is not shown offline", async ({ page, context }) => {
  await login(page);
  // The service worker runs and controls the page, as on a tablet that has used the app before.
  await page.waitForFunction(async () => !!(await navigator.serviceWorker.ready).active);
  await page.reload();
  await hydrated(page);
  expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);

  const lastName = uniqueName();
  await createClient(page, { firstName: "Odile", lastName });
  await search(page, lastName);
  await clientCard(page, `Odile ${lastName}`).getByRole("link", { name: `Odile ${lastName}` }).click();
  const heading = page.getByRole("heading", { name: `Odile ${lastName}` });
  await expect(heading).toBeVisible();
  const clientPage = page.url();
  // Reopened from the address bar, the page itself goes through the service worker.
  await page.goto(clientPage);
  await hydrated(page);
  await expect(heading).toBeVisible();

  await openMenu(page);
  await page.getByRole("button", { name: "Se déconnecter" }).click();
  await expect(page).toHaveURL(/\/connexion$/);
  await hydrated(page);

  await context.setOffline(true);
  try {
    // Offline, the worker answers a page with its offline notice; a failed navigation is fine too.
    await page.goto(clientPage).catch(() => undefined);
    await expect(page.getByText(lastName)).toHaveCount(0);
    await expect(page.getByRole("heading", { name: "Pas de connexion" })).toBeVisible();
  } finally {
    await context.setOffline(false);
  }
});
