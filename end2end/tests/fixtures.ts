import { expect, test as base } from "@playwright/test";

/**
 * Every test fails if the page broke its Content-Security-Policy: Chromium reports each
 * violation in the console, and `securitypolicyviolation` events catch the rest.
 */
export const test = base.extend<{ cspViolations: string[]; appPanics: string[] }>({
  cspViolations: [
    async ({ page }, use) => {
      const violations: string[] = [];
      page.on("console", (message) => {
        const text = message.text();
        if (/Content Security Policy|Refused to (execute|load|apply|connect|compile|evaluate)/i.test(text)) {
          violations.push(text);
        }
      });
      await page.exposeFunction("__reportCspViolation", (text: string) => violations.push(text));
      await page.addInitScript(() => {
        document.addEventListener("securitypolicyviolation", (event) => {
          const report = (window as unknown as { __reportCspViolation: (text: string) => void }).__reportCspViolation;
          report(`${event.violatedDirective} blocked ${event.blockedURI}`);
        });
      });
      await use(violations);
      expect(violations, "Content-Security-Policy violations").toEqual([]);
    },
    { auto: true },
  ],
  /**
   * Every test fails if the app's WebAssembly panicked (a hydration mismatch, say): the page
   * would look right and stop answering clicks.
   */
  appPanics: [
    async ({ page }, use) => {
      const panics: string[] = [];
      page.on("console", (message) => {
        const text = message.text();
        if (message.type() === "error" && /panicked at|hydration error/i.test(text)) panics.push(text.slice(0, 400));
      });
      page.on("pageerror", (error) => panics.push(`uncaught: ${error.message}`));
      await use(panics);
      expect(panics, "errors in the app's WebAssembly").toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
