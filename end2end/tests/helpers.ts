import { expect, type Page } from "@playwright/test";
import * as fs from "node:fs";
import * as path from "node:path";
import { BASE_URL } from "../ports";

export const DEMO_EMAIL = "demo@comptoir.localhost";
export const DEMO_PASSWORD = "Baguette-2026";

/** Letters only, so the name is one search term: "Qzkvbw". */
export function uniqueName(): string {
  const letters = "bcdfghjklmnpqrstvwxz";
  let name = "";
  for (let index = 0; index < 7; index++) name += letters[Math.floor(Math.random() * letters.length)];
  return "Q" + name;
}

/** A French mobile number no other test uses: 06 then eight random digits. */
export function uniquePhone(): string {
  let digits = "06";
  for (let index = 0; index < 8; index++) digits += Math.floor(Math.random() * 10);
  return digits;
}

export async function hydrated(page: Page) {
  await page.locator("body[data-hydrated=true]").waitFor();
}

export async function login(page: Page, email = DEMO_EMAIL, password = DEMO_PASSWORD, remember = false) {
  await page.goto("/connexion");
  await hydrated(page);
  await page.getByLabel("Adresse e-mail").fill(email);
  await page.getByLabel("Mot de passe", { exact: true }).fill(password);
  if (remember) await page.getByLabel("Se souvenir de moi").check();
  await page.getByRole("button", { name: "Se connecter" }).click();
  // An owner lands on the dashboard, staff on the clients; the tests start from the clients.
  await expect(page).toHaveURL(/\/(clients|tableau-de-bord)$/);
  await hydrated(page);
  if (!page.url().endsWith("/clients")) {
    await page.getByRole("link", { name: "Clients", exact: true }).click();
    await expect(page).toHaveURL(/\/clients$/);
  }
}

/** Opens the header's menu (on a phone it holds every page but the clients). */
export async function openMenu(page: Page) {
  const toggle = page.getByRole("banner").getByRole("button", { name: /^Menu/ });
  if ((await toggle.getAttribute("aria-expanded")) !== "true") await toggle.click();
  await expect(toggle).toHaveAttribute("aria-expanded", "true");
}

/** Follows a link of the main navigation, through the menu when it is not in the line. */
export async function navigate(page: Page, name: string) {
  const link = page.getByRole("banner").getByRole("link", { name, exact: true });
  if (!(await link.isVisible())) await openMenu(page);
  await link.click();
}

/** Switches the language from the header's menu. */
export async function switchLanguage(page: Page, language: "English" | "Français") {
  await openMenu(page);
  await page.getByRole("button", { name: language }).click();
  // Closed again, so the menu covers nothing the test reads or clicks next.
  await page.keyboard.press("Escape");
  await expect(page.getByRole("banner").getByRole("button", { name: /^Menu/ })).toHaveAttribute("aria-expanded", "false");
}

export async function createClient(
  page: Page,
  client: { firstName: string; lastName: string; email?: string; phone?: string; city?: string; postalCode?: string; country?: string },
) {
  await page.getByRole("button", { name: "Nouveau" }).click();
  const dialog = page.getByRole("dialog", { name: "Nouveau client" });
  await dialog.getByLabel("Civilité").selectOption({ label: "Non précisé" });
  await dialog.getByLabel("Prénom").fill(client.firstName);
  await dialog.getByRole("textbox", { name: "Nom", exact: true }).fill(client.lastName);
  await dialog.getByLabel("E-mail").fill(client.email ?? `${client.lastName.toLowerCase()}@exemple.fr`);
  if (client.country) await dialog.getByLabel("Pays").selectOption({ label: client.country });
  if (client.phone) await dialog.getByLabel("Téléphone").fill(client.phone);
  if (client.postalCode) await dialog.getByLabel("Code postal").fill(client.postalCode);
  if (client.city) await dialog.getByLabel("Ville").fill(client.city);
  await dialog.getByRole("button", { name: "Enregistrer" }).click();
  await expect(dialog).toBeHidden();
}

/** Types a search and waits for its results, as a person reading them would: the address
 * follows the search, then the list stops being busy. A click on a result then never lands on
 * a row of the previous list. */
export async function search(page: Page, text: string) {
  await page.getByLabel("Rechercher un client").fill(text);
  await expect(page).toHaveURL((url) => (url.searchParams.get("q") ?? "") === text);
  await expect(page.locator("[aria-busy=true]")).toHaveCount(0);
}

/** The list entry of a client, found by its full name. */
export function clientCard(page: Page, fullName: string) {
  return page.getByRole("listitem").filter({ has: page.getByRole("link", { name: fullName }) });
}

/** Waits for the e-mail the app sent to `recipient` through the test SMTP listener. */
export async function receivedMail(recipient: string): Promise<string> {
  const file = path.join(__dirname, "..", "test-results", "mail", `${recipient}.eml`);
  await expect.poll(() => fs.existsSync(file), { timeout: 15_000 }).toBe(true);
  return fs.readFileSync(file, "utf8");
}

/** Undoes quoted-printable: soft line breaks and =XX escapes. */
export function decodeQuotedPrintable(text: string): string {
  const joined = text.replace(/=\n/g, "");
  const bytes: number[] = [];
  for (let index = 0; index < joined.length; index++) {
    const match = /^=([0-9A-F]{2})/.exec(joined.slice(index, index + 3));
    if (match) {
      bytes.push(parseInt(match[1], 16));
      index += 2;
    } else {
      bytes.push(...Buffer.from(joined[index], "utf8"));
    }
  }
  return Buffer.from(bytes).toString("utf8");
}

/** The Subject header, unfolded, with its RFC 2047 encoded words decoded. */
export function decodedSubject(mail: string): string {
  const headers = mail.split("\n\n")[0].replace(/\n[ \t]+/g, " ");
  const raw = headers.split("\n").find((line) => line.startsWith("Subject: "))?.slice("Subject: ".length) ?? "";
  return raw
    .replace(/(\?=)\s+(=\?)/g, "$1$2")
    .replace(/=\?utf-8\?([bq])\?([^?]*)\?=/gi, (_, encoding: string, text: string) =>
      encoding.toLowerCase() === "b"
        ? Buffer.from(text, "base64").toString("utf8")
        : decodeQuotedPrintable(text.replace(/_/g, " ")),
    );
}

/** The set-password link an e-mail carries, on the tests' own server. */
export function passwordLink(mail: string): string | undefined {
  const body = decodeQuotedPrintable(mail.split("\n\n").slice(1).join("\n\n"));
  const origin = BASE_URL.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  return body.match(new RegExp(`${origin}/reinitialiser-mot-de-passe\\?jeton=[A-Za-z0-9_-]+`))?.[0];
}
