import { defineConfig } from '@playwright/test';

// Chromium comes from Debian (/usr/bin/chromium); Playwright never downloads a browser here.
import { chromiumArgs, chromiumPath } from './test/chromium.mjs';
export { chromiumArgs, chromiumPath };
export const ISOLATED = `http://localhost:${process.env.TMEM_ISOLATED_PORT ?? 8700}`;
export const PLAIN = `http://localhost:${process.env.TMEM_PLAIN_PORT ?? 8701}`;

export default defineConfig({
  testDir: 'test/browser',
  timeout: 60_000,
  workers: 2,
  fullyParallel: false,
  reporter: process.env.CI ? [['list']] : [['list']],
  outputDir: 'test-results',
  projects: [
    { name: 'main', testIgnore: /panel-extension\.spec\.ts/ },
    // The real DevTools extension test runs alone, after everything else (it opens DevTools
    // windows in a browser of its own). It used to fail now and then, alone too: the devtools
    // page it mounts the panel in was reported hidden in about a quarter of runs, and the
    // panel drew only on animation frames, which a hidden page never runs. The DevTools panel
    // now draws once a second while hidden (16 runs in a row passed). The mocked
    // chrome.devtools tests are in the same file.
    { name: 'devtools', testMatch: /panel-extension\.spec\.ts/, dependencies: ['main'] },
  ],
  use: {
    browserName: 'chromium',
    launchOptions: { executablePath: chromiumPath, args: chromiumArgs },
    headless: true,
  },
  webServer: {
    command: 'node test/server/serve.mjs',
    url: `${ISOLATED}/package.json`,
    reuseExistingServer: !process.env.CI,
    timeout: 20_000,
  },
});
