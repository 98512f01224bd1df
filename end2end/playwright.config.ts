import { defineConfig, devices } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

// Guichet's browser tests. The config starts the release binary itself
// (`cargo leptos build --release` first) on a free port, with a fresh SQLite
// database loaded with the demo data, and drives Debian's Chromium.
//
// Environment:
//   E2E_PORT        the port to serve on (default: a free one, picked once per run)
//   E2E_BASE_URL    test a server that is already running instead of starting one
//   E2E_SERVER_BIN  the server binary (default ../target/release/guichet)
//   E2E_SITE_ROOT   the folder cargo-leptos built (default ../target/site)
//   CHROMIUM_PATH   the browser (default /usr/bin/chromium); Playwright never downloads one here
//
// The server gets a fresh GUICHET_OUTBOX_KEY per run (E2E_OUTBOX_KEY), and E2E_DATABASE_URL names
// its database, so that a test can read the e-mails it sends with `guichet outbox`
// (helpers.ts: emailedLink), as a mailer would.

// This file is evaluated by the runner and again by every worker process. The
// workers inherit the runner's environment, so values picked here are stored in
// process.env the first time and read back afterwards: all processes agree.
function freePort(): string {
  const script =
    "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close();});";
  return execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }).trim();
}

const external = process.env.E2E_BASE_URL;
if (!external) {
  process.env.E2E_PORT ||= freePort();
  // A new database for each run: the demo data is loaded into an empty one. The
  // process that made the folder removes it when it exits (after the server stopped).
  if (!process.env.E2E_DB_DIR) {
    const dir = mkdtempSync(join(tmpdir(), 'guichet-e2e-'));
    process.env.E2E_DB_DIR = dir;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  process.env.E2E_OUTBOX_KEY ||= randomBytes(32).toString('base64');
  process.env.E2E_SERVER_BIN ||= resolve(__dirname, '../target/release/guichet');
}
const port = process.env.E2E_PORT;
const baseURL = external ?? `http://127.0.0.1:${port}`;
const dbFile = join(process.env.E2E_DB_DIR ?? tmpdir(), 'e2e.db');
if (!external) process.env.E2E_DATABASE_URL = `sqlite://${dbFile}`;

const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const ci = !!process.env.CI;

export default defineConfig({
  testDir: './tests',
  fullyParallel: false,
  forbidOnly: ci,
  retries: 0,
  workers: ci ? 1 : 2,
  reporter: 'list',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  outputDir: './test-results',
  use: {
    baseURL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: chromiumArgs,
    },
  },
  projects: [
    {
      name: 'chromium',
      // The device sets viewport and user agent; the browser and its flags come from `use` above.
      use: { ...devices['Desktop Chrome'] },
    },
  ],
  webServer: external
    ? undefined
    : {
        command: process.env.E2E_SERVER_BIN || '../target/release/guichet',
        cwd: '.',
        url: `${baseURL}/readyz`,
        reuseExistingServer: false,
        timeout: 120_000,
        stdout: 'pipe',
        stderr: 'pipe',
        gracefulShutdown: { signal: 'SIGTERM', timeout: 5_000 },
        env: {
          GUICHET_ADDR: `127.0.0.1:${port}`,
          DATABASE_URL: `sqlite://${dbFile}`,
          GUICHET_DEMO_DATA: '1',
          GUICHET_OUTBOX_KEY: process.env.E2E_OUTBOX_KEY!,
          GUICHET_SITE_ROOT: process.env.E2E_SITE_ROOT || '../target/site',
          GUICHET_LOG_FORMAT: 'text',
        },
      },
});
