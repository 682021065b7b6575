import { test, expect } from '@playwright/test';
import { ISOLATED, PLAIN } from '../../playwright.config.js';

test('the isolated server makes the page crossOriginIsolated and serves TS modules', async ({ page }) => {
  await page.goto(`${ISOLATED}/test/fixtures/blank.html`);
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  const code = await page.evaluate(async () => {
    const url = '/worker/core/errors.ts';
    const m = (await import(url)) as typeof import('../../worker/core/errors.js');
    return new m.TmemError('bad-pool', 'x').code;
  });
  expect(code).toBe('bad-pool');
});

test('the plain server does not isolate', async ({ page }) => {
  await page.goto(`${PLAIN}/test/fixtures/blank.html`);
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
});
