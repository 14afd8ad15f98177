import { expect, test } from "./fixtures";
import { clientCard, createClient, decodeQuotedPrintable, hydrated, login, navigate, receivedMail, search, uniqueName } from "./helpers";

const ownerOf = (viewport: string) => `mail-${viewport}@e2e.localhost`;

test("the owner e-mails the clients who agreed, and a client unsubscribes from the link with no account", async ({ page, browser }, testInfo) => {
  const viewport = testInfo.project.name;
  const shop = `Pâtisserie ${viewport}`;
  await login(page, ownerOf(viewport), "Fleur-Rouge-2026");
  const name = uniqueName();
  const email = `${name.toLowerCase()}@exemple.fr`;
  await createClient(page, { firstName: "Rose", lastName: name, email });
  await search(page, name);
  await clientCard(page, `Rose ${name}`).getByRole("link", { name: `Rose ${name}` }).click();
  await hydrated(page);
  await page.getByRole("button", { name: "Modifier les consentements" }).click();
  const consentDialog = page.getByRole("dialog", { name: "Consentements du client" });
  await consentDialog.getByRole("group", { name: "E-mails" }).getByLabel("Oui").check();
  await consentDialog.getByRole("group", { name: "SMS" }).getByLabel("Non").check();
  await consentDialog.getByRole("button", { name: "Enregistrer" }).click();
  await expect(consentDialog).toBeHidden();

  await navigate(page, "E-mails");
  await expect(page.getByRole("heading", { level: 1, name: "E-mails aux clients" })).toBeVisible();
  await expect(page.getByText("Aucun e-mail envoyé pour l'instant.")).toBeVisible();
  await hydrated(page);

  // A field the app does not know is refused next to the message, with the ones it knows.
  const composer = page.getByRole("form", { name: "Nouvel e-mail" });
  await composer.getByLabel("Objet").fill("La galette est là");
  await composer.getByLabel("Message").fill("Bonjour {prénom}");
  await composer.getByRole("button", { name: "Aperçu" }).click();
  await expect(composer.getByLabel("Message")).toHaveAttribute("aria-invalid", "true");
  await expect(composer.getByText("{prénom} n'est pas un champ connu. Champs possibles : {prenom}, {nom}, {points}, {boutique}.")).toBeVisible();

  await composer.getByLabel("Message").fill("Bonjour {prenom}, la galette vous attend chez {boutique}.");
  await composer.getByRole("button", { name: "Aperçu" }).click();
  const preview = page.getByRole("status", { name: "Aperçu du message" });
  await expect(preview).toContainText("1 client(s) le recevront aujourd'hui.");
  await expect(preview).toContainText(`Bonjour Rose, la galette vous attend chez ${shop}.`);

  page.once("dialog", (dialog) => {
    expect(dialog.message()).toBe("Envoyer cet e-mail à 1 client(s) ? L'envoi ne peut pas être annulé.");
    void dialog.accept();
  });
  await composer.getByRole("button", { name: "Envoyer", exact: true }).click();
  await expect(page).toHaveURL(/\/campagnes\/\d+$/);
  await expect(page.getByRole("heading", { level: 1, name: "La galette est là" })).toBeVisible();

  // The server's sender takes it within seconds; the campaign's page follows.
  const mail = await receivedMail(email);
  const body = decodeQuotedPrintable(mail.split("\n\n").slice(1).join("\n\n"));
  expect(body).toContain(`Bonjour Rose, la galette vous attend chez ${shop}.`);
  expect(mail).toContain("List-Unsubscribe-Post: List-Unsubscribe=One-Click");
  const link = body.match(/http:\/\/127\.0\.0\.1:\d+\/desabonnement\?jeton=[A-Za-z0-9_-]+/)?.[0];
  expect(link, "an unsubscribe link").toBeTruthy();
  const row = page.getByRole("row").filter({ hasText: `Rose ${name}` });
  await expect(async () => {
    await page.reload();
    await expect(row).toContainText("Envoyé", { timeout: 1_000 });
  }).toPass({ timeout: 15_000 });

  // The client, in a browser with no account, asks to stop; the shop sees the answer.
  const context = await browser.newContext();
  const visitor = await context.newPage();
  await visitor.goto(link!);
  const masked = `${email[0]}•••@exemple.fr`;
  await expect(visitor.getByText(`Ne plus recevoir les e-mails de ${shop} à l'adresse ${masked} ?`)).toBeVisible();
  await visitor.getByRole("button", { name: "Me désabonner" }).click();
  await expect(visitor.getByRole("status")).toHaveText(`C'est fait : ${shop} ne vous écrira plus à l'adresse ${masked}.`);
  await context.close();

  await navigate(page, "Clients");
  await search(page, name);
  await clientCard(page, `Rose ${name}`).getByRole("link", { name: `Rose ${name}` }).click();
  await expect(page.getByTestId("consents")).toContainText(/Non depuis le .* \(Lien de désabonnement/);

  // An automatic e-mail is switched on with its text, and stays so.
  await navigate(page, "E-mails");
  await hydrated(page);
  const welcome = page.getByRole("form", { name: "Bienvenue (nouveau client)" });
  await expect(welcome.getByLabel("Objet")).toHaveValue("Bienvenue chez {boutique}");
  await welcome.getByLabel("Activé").check();
  await welcome.getByRole("button", { name: "Enregistrer" }).click();
  await expect(welcome.getByRole("status")).toHaveText("Enregistré.");
  await page.reload();
  await expect(page.getByRole("form", { name: "Bienvenue (nouveau client)" }).getByLabel("Activé")).toBeChecked();
});
