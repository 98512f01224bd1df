import { defineConfig, devices } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
//   E2E_PG_URL      a PostgreSQL cluster's URL (a superuser, as scripts/pg-test-cluster.sh gives):
//                   the server then runs on a new database of it, as an ordinary role under
//                   row-level security (the tables' owner migrates), instead of SQLite
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
// On PostgreSQL: a new database per run, owned by the cluster's superuser (who migrates), and the
// server connected as `guichet_app`, which row-level security binds, as in production.
const pgCluster = process.env.E2E_PG_URL;
if (!external && pgCluster && !process.env.E2E_PG_OWNER_URL) {
  const name = `guichet_e2e_${randomBytes(4).toString('hex')}`;
  const sql = (statement: string) =>
    execFileSync('psql', [pgCluster, '-Atq', '-v', 'ON_ERROR_STOP=1', '-c', statement], { encoding: 'utf8' });
  sql(`CREATE DATABASE ${name}`);
  if (sql("SELECT 1 FROM pg_roles WHERE rolname = 'guichet_app'").trim() !== '1') {
    sql('CREATE ROLE guichet_app LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE');
  }
  const owner = pgCluster.replace(/\/[^/]*$/, `/${name}`);
  process.env.E2E_PG_OWNER_URL = owner;
  process.env.E2E_PG_APP_URL = owner.replace(/:\/\/[^@]*@/, '://guichet_app@');
}
if (!external) process.env.E2E_DATABASE_URL = process.env.E2E_PG_OWNER_URL ?? `sqlite://${dbFile}`;

// Under scripts/oidc-test-provider.sh (as `make test` runs the browser stage), the portal lets
// people sign in with that real OpenID Connect provider ("Campus Federation", trusted for its
// verified addresses, vouching for Aléa Labs' domain) and with one that is down ("Offline
// University"): the federated sign-in spec uses both; without the provider, it is skipped.
const oidcIssuer = process.env.GUICHET_TEST_OIDC_ISSUER;
let oidcEnv: Record<string, string> = {};
if (!external && oidcIssuer && process.env.E2E_DB_DIR) {
  const file = join(process.env.E2E_DB_DIR, 'oidc-providers.json');
  const common = {
    client_id: process.env.GUICHET_TEST_OIDC_CLIENT_ID!,
    client_secret_env: 'E2E_OIDC_SECRET',
  };
  writeFileSync(
    file,
    JSON.stringify([
      { id: 'campus', display_name: 'Campus Federation', issuer: oidcIssuer, trust_email: true,
        tenants: { 'alea-labs.test': 'alea-labs' }, ...common },
      { id: 'offline', display_name: 'Offline University', issuer: 'http://127.0.0.1:9', ...common },
    ]),
  );
  oidcEnv = {
    GUICHET_OIDC_PROVIDERS_FILE: file,
    E2E_OIDC_SECRET: process.env.GUICHET_TEST_OIDC_CLIENT_SECRET!,
  };
}

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
  // Two, in CI as here: the accessibility walk (~340 axe runs) alone took a quarter of an hour
  // with one, and the specs are written to share the demo data between two workers.
  workers: 2,
  reporter: 'list',
  // A flow of several people (sign-ins, a request, a decision) runs beside the accessibility
  // walk on two cores: 30 s was passed in CI (2026-12-07, two request specs). No test is about
  // speed, so the limit only bounds a hung test.
  timeout: 90_000,
  expect: { timeout: 10_000 },
  outputDir: './test-results',
  use: {
    baseURL,
    // The specs read the pages' English words; the language and accessibility specs choose theirs.
    locale: 'en-GB',
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
      use: { ...devices['Desktop Chrome'], locale: 'en-GB' },
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
          DATABASE_URL: process.env.E2E_PG_APP_URL ?? `sqlite://${dbFile}`,
          ...(process.env.E2E_PG_OWNER_URL ? { GUICHET_DATABASE_OWNER_URL: process.env.E2E_PG_OWNER_URL } : {}),
          GUICHET_DEMO_DATA: '1',
          // The demo admin's second factor is on with this secret: the specs compute its codes
          // (helpers.ts: ADMIN_TOTP, withAdminCode).
          GUICHET_DEMO_ADMIN_TOTP: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
          GUICHET_SUPPORT_EMAIL: 'accessibilite@guichet.test',
          GUICHET_OUTBOX_KEY: process.env.E2E_OUTBOX_KEY!,
          GUICHET_SITE_ROOT: process.env.E2E_SITE_ROOT || '../target/site',
          GUICHET_LOG_FORMAT: 'text',
          ...oidcEnv,
        },
      },
});
