// Debian's Firefox ESR for the Firefox suite, driven over WebDriver BiDi by puppeteer-core
// (Playwright would need its own Firefox build, and puppeteer-core never downloads one). Each
// test file launches one Firefox with a fresh profile (puppeteer makes a temporary one); each
// test gets a browser context of its own (a Firefox user context: its own storage, IndexedDB
// and service workers), closed when the test ends. The test server is started by ./run.mjs.
import { before, after } from 'node:test';
import puppeteer from 'puppeteer-core';

export const firefoxPath = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
export const ISOLATED = `http://localhost:${process.env.TMEM_ISOLATED_PORT ?? 8700}`;
export const PLAIN = `http://localhost:${process.env.TMEM_PLAIN_PORT ?? 8701}`;

/** Per-test timeout for the suite's tests (a first module load through Vite can be slow). */
export const TIMEOUT = 60_000;

/**
 * Launches Firefox before the file's tests and closes it after them.
 * @param {{ prefs?: Record<string, unknown> }} [opts] preferences added to puppeteer's own
 * @returns {(t: import('node:test').TestContext) => Promise<import('puppeteer-core').Page>}
 *   makes a page in a fresh browser context that is closed when test `t` ends
 */
export function useFirefox({ prefs = {} } = {}) {
  /** @type {import('puppeteer-core').Browser} */
  let browser;
  before(async () => {
    browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath: firefoxPath,
      protocol: 'webDriverBiDi',
      headless: true,
      extraPrefsFirefox: prefs,
      timeout: 60_000, // a start on a busy 2-core machine can pass puppeteer's 30 s default
      // http://localhost is a secure context in Firefox, so service workers and (with the
      // server's COOP/COEP headers) SharedArrayBuffer need no extra preference.
    });
  });
  after(async () => {
    await browser?.close();
  });
  return async (t) => {
    const context = await browser.createBrowserContext();
    t.after(() => context.close());
    return context.newPage();
  };
}

/**
 * Waits until `fn` (run in the page, may be async) returns something truthy; returns it.
 * @param {import('puppeteer-core').Page} page
 * @param {Function} fn
 * @param {unknown[]} args passed to fn
 */
export async function until(page, fn, ...args) {
  const handle = await page.waitForFunction(fn, { polling: 50, timeout: 15_000 }, ...args);
  return handle.jsonValue();
}
