// Opening the fixture pages under test/fixtures/ from the test server (isolated port unless
// another origin is given), optionally waiting for a readiness flag the page sets on window.
import type { Page } from '@playwright/test';
import { ISOLATED } from '../../playwright.config.js';

/**
 * @param page the page to navigate
 * @param name a file in test/fixtures/
 * @param opts origin (default the isolated server) and a window flag to wait for
 */
export async function openFixture(page: Page, name: string, opts: { origin?: string; ready?: string } = {}): Promise<Page> {
  await page.goto(`${opts.origin ?? ISOLATED}/test/fixtures/${name}`);
  if (opts.ready) await page.waitForFunction((flag) => (window as any)[flag] === true, opts.ready);
  return page;
}
