import fs from 'fs';
import os from 'os';
import path from 'path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/**
 * Headless Chromium for the browser tests: Debian's `chromium` package driven by playwright-core (Playwright's own
 * browser download cannot reach its servers here). `npm test` installs the package when it can.
 */

// One lookup for `npm test` (which installs Chromium when missing) and the tests, so both agree on the binary.
const { findChromium } = require('../../scripts/lib') as { findChromium: () => string | undefined };

const chromiumPath = findChromium();

/**
 * `describe`, or a skip that says why: a machine without Chromium is the one case where browser tests may skip.
 * Anything else missing (the admin build, a failed launch) fails the test instead.
 */
export const describeInBrowser: jest.Describe = (() => {
  if (chromiumPath) return describe;
  console.warn(
    "[lyceum] browser tests skipped: Chromium not found (install Debian's `chromium` package, or set CHROMIUM_PATH)"
  );
  return describe.skip;
})();

/** Flags this machine needs: no sandbox as root, no GPU, and no calls to Google's hosts on a closed network. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

/** Per step; a cold admin bundle on two busy cores takes seconds to render, never this long. */
export const STEP_TIMEOUT_MS = 30_000;

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** Uncaught errors of the admin panel's own code (a broken plugin page), not failed network requests. */
  pageErrors: string[];
  close(): Promise<void>;
}

/** Strapi serves the admin panel from dist/build, which `strapi build` writes and the test compile leaves alone. */
export function assertAdminPanelBuilt(): void {
  const index = path.resolve(__dirname, '..', '..', 'dist', 'build', 'index.html');
  if (!fs.existsSync(index))
    throw new Error(`admin panel not built (${index} missing): \`npm test\` builds it when Chromium is present`);
}

/** A fresh profile each time, so no login or local storage leaks from one test file (or run) into the next. */
export async function openBrowser(): Promise<BrowserSession> {
  if (!chromiumPath) throw new Error('Chromium not found');
  assertAdminPanelBuilt();
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lyceum-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1440, height: 900 },
    locale: 'en-US',
  });
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  context.setDefaultNavigationTimeout(STEP_TIMEOUT_MS);
  const page = context.pages()[0] ?? (await context.newPage());
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  return {
    context,
    page,
    pageErrors,
    async close() {
      await context.close();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

export const SCREENSHOT_DIR = path.resolve(__dirname, '..', 'e2e', 'screenshots');

/** tests/e2e/screenshots/<name>.png (git-ignored): what the browser showed, for a person to look at. */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** The admin panel's own login form, as a person fills it. */
export async function logInToAdmin(page: Page, baseUrl: string, email: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/admin/auth/login`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Login' }).click();
  // The login page is left only when the server accepted the credentials.
  await page.waitForURL((url) => !url.pathname.startsWith('/admin/auth/'));
}

/** Runs a browser test body; when it fails, what the page showed is kept as <name>-failure.png before the error. */
export async function withFailureScreenshot(page: Page, name: string, body: () => Promise<void>): Promise<void> {
  // A failure picture from an earlier run would otherwise sit beside this run's pictures as if it were current.
  fs.rmSync(path.join(SCREENSHOT_DIR, `${name}-failure.png`), { force: true });
  try {
    await body();
  } catch (error) {
    await screenshot(page, `${name}-failure`).catch(() => undefined);
    throw error;
  }
}
