import { expect, test, type APIRequestContext, type Page, type TestInfo } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The password of every demo account (`GUICHET_DEMO_DATA=1`). */
export const DEMO_PASSWORD = 'campus-demo-2026';

/** The demo accounts, by a short name; `loginAs(page, 'admin')`. */
export const DEMO_USERS = {
  admin: 'admin@guichet.test',
  // Université de Palaiseau
  camille: 'camille.roux@univ-palaiseau.test', // owner
  hugo: 'hugo.martin@univ-palaiseau.test', // member, lead of the project `climate`
  lea: 'lea.dubois@univ-palaiseau.test', // member, lead of `ai4science` and `french-llm`
  ines: 'ines.petit@univ-palaiseau.test', // auditor
  // Groupe hospitalier Seine-Est
  nadia: 'nadia.benali@ghu-seine-est.test', // owner
  louis: 'louis.girard@ghu-seine-est.test', // member
  // Aléa Labs
  zoe: 'zoe.lambert@alea-labs.test', // owner
  theo: 'theo.fournier@alea-labs.test', // member, viewer of the project `foundation`
  // Rheinwerk Energie GmbH
  jonas: 'jonas.weber@rheinwerk.test', // owner
  lena: 'lena.schmidt@rheinwerk.test', // member
  // Mobilis IA (tenant pending approval)
  paul: 'paul.moreau@mobilis-ia.test', // owner
} as const;

export type DemoUser = keyof typeof DEMO_USERS;

/** Resolves once the wasm has hydrated the page (the app sets `<body data-hydrated="true">`). */
export async function waitForHydration(page: Page): Promise<void> {
  await page.waitForFunction(() => document.body?.dataset.hydrated === 'true', undefined, {
    timeout: 20_000,
  });
}

/** Fills the sign-in form that is on the page and submits it. */
export async function submitLogin(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel('E-mail address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

/** The header's "Sign in" link: shown exactly when nobody is signed in. */
export function signInLink(page: Page) {
  return page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sign in' });
}

/** The header's sign-out button: visible exactly when someone is signed in. */
export function signOutButton(page: Page) {
  return page.getByRole('button', { name: 'Sign out', exact: true });
}

/**
 * Signs in as a demo user (a short name from DEMO_USERS, or an e-mail address)
 * and waits until the header shows "Sign out". In a context with JavaScript
 * off, pass `{ javaScript: false }`: the form then posts without the wasm.
 */
export async function loginAs(
  page: Page,
  who: DemoUser | string,
  options: { password?: string; javaScript?: boolean } = {},
): Promise<void> {
  const email = who in DEMO_USERS ? DEMO_USERS[who as DemoUser] : who;
  const javaScript = options.javaScript !== false;
  await page.goto('/login');
  if (javaScript) {
    await waitForHydration(page);
    // Mark this document: after signing in, the app loads the next page afresh.
    await page.evaluate(() => {
      (window as unknown as { __e2eLoginPage?: boolean }).__e2eLoginPage = true;
    });
  }
  if (email === DEMO_USERS.admin && javaScript && (await resumeAdminSession(page))) {
    return;
  }
  if (email === DEMO_USERS.admin) {
    await withAdminCode(async (code) => {
      await submitLogin(page, email, options.password ?? DEMO_PASSWORD);
      await enterSignInCode(page, code);
    });
    adminSession = await page.context().cookies();
  } else {
    await submitLogin(page, email, options.password ?? DEMO_PASSWORD);
  }
  await expect(signOutButton(page)).toBeVisible();
  if (javaScript) {
    // Let that fresh load finish before the caller navigates, so the two do not race.
    // (Should the app stop reloading, this waits 5 s and goes on.)
    await page
      .waitForFunction(() => !(window as unknown as { __e2eLoginPage?: boolean }).__e2eLoginPage, undefined, {
        timeout: 5_000,
      })
      .catch(() => undefined);
    await waitForHydration(page);
    await expect(signOutButton(page)).toBeVisible();
  }
}

/**
 * Collects what the browser reports as errors (console errors, uncaught
 * exceptions, CSP violations) from now on. Call `expectNone()` at the end.
 * `expectedStatuses` lists HTTP statuses of pages the test opens on purpose to
 * see a refusal: the browser's "Failed to load resource" line for them is not counted.
 */
export function collectBrowserErrors(page: Page, options: { expectedStatuses?: number[] } = {}) {
  const errors: string[] = [];
  const expected = options.expectedStatuses ?? [];
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const status = /status of (\d{3})/.exec(msg.text());
    // A page the test opens on purpose to see its refusal (404, 401) is no error of the app.
    if (status && expected.includes(Number(status[1]))) return;
    errors.push(`console.error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  return {
    errors,
    expectNone() {
      expect(errors, 'the browser reported errors').toEqual([]);
    },
  };
}

/** Where the server under test is. */
export function baseURL(testInfo: TestInfo): string {
  const url = testInfo.project.use.baseURL;
  if (!url) throw new Error('baseURL is not configured');
  return url;
}

/**
 * The newest link starting with `prefix` (e.g. `/signup/confirm/`) in the e-mails to `to`, read
 * as a mailer would: `guichet outbox --to` opens the sealed links with the server's key, prints
 * the e-mails and marks them sent. Only against the server the config starts (not E2E_BASE_URL).
 */
export function emailedLink(to: string, prefix: string): string {
  const { E2E_SERVER_BIN: bin, E2E_DATABASE_URL: db, E2E_OUTBOX_KEY: key } = process.env;
  if (!bin || !db || !key) {
    throw new Error('reading the outbox needs the server that playwright.config.ts starts');
  }
  const out = execFileSync(bin, ['outbox', '--to', to], {
    encoding: 'utf8',
    env: { ...process.env, DATABASE_URL: db, GUICHET_OUTBOX_KEY: key, RUST_LOG: 'warn' },
  });
  const links = out.match(new RegExp(`${prefix}[A-Za-z0-9_-]+`, 'g')) ?? [];
  if (links.length === 0) throw new Error(`no link ${prefix}… e-mailed to ${to}:\n${out}`);
  return links[links.length - 1];
}

/**
 * What an authenticator app shows for `secret` (base32, as the account page shows it) at
 * 30-second step `step` (RFC 6238: HMAC-SHA1 of the step, dynamically truncated to 6 digits).
 */
export function totpCode(secret: string, step: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secret.replace(/[\s=]/g, '').toUpperCase()) {
    const value = alphabet.indexOf(c);
    if (value < 0) throw new Error(`not base32: ${c}`);
    bits += value.toString(2).padStart(5, '0');
  }
  const key = Buffer.from((bits.match(/.{8}/g) ?? []).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const value = mac.readUInt32BE(offset) & 0x7fffffff;
  return (value % 1_000_000).toString().padStart(6, '0');
}

/** The current 30-second step of the clock. */
export function totpStep(): number {
  return Math.floor(Date.now() / 1000 / 30);
}

/**
 * A code of `secret` for the step after `lastUsed` (the portal takes each step once, and steps
 * up to one ahead of its clock): waits, when needed, until the clock lets that step in.
 */
export async function freshTotpCode(secret: string, lastUsed: number): Promise<{ code: string; step: number }> {
  const step = Math.max(lastUsed + 1, totpStep() - 1);
  while (totpStep() + 1 < step) {
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return { code: totpCode(secret, step), step };
}

/**
 * The demo admin's session cookies in this worker, from its last sign-in with a code. Each code
 * is taken once per 30 seconds, so the specs that only need an admin's pages share one session
 * per worker instead of signing in again (a spec that tests signing in does so itself).
 */
let adminSession: Awaited<ReturnType<import('@playwright/test').BrowserContext['cookies']>> | null = null;

/** Gives `page` this worker's admin session, if it still works (it is on `/`, hydrated, after). */
async function resumeAdminSession(page: Page): Promise<boolean> {
  if (!adminSession) return false;
  await page.context().addCookies(adminSession);
  await page.goto('/');
  await waitForHydration(page);
  if (await signOutButton(page).isVisible()) return true;
  adminSession = null;
  await page.context().clearCookies();
  await page.goto('/login');
  await waitForHydration(page);
  await page.evaluate(() => {
    (window as unknown as { __e2eLoginPage?: boolean }).__e2eLoginPage = true;
  });
  return false;
}

/** The demo platform admin's second-factor secret in the browser tests (`GUICHET_DEMO_ADMIN_TOTP`). */
export const ADMIN_TOTP = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

/** On the sign-in code page (after a right password): types `code` and sends it. */
export async function enterSignInCode(page: Page, code: string): Promise<void> {
  await expect(page).toHaveURL(/\/login\/code/);
  await page.getByLabel('Code from the app').fill(code);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(signOutButton(page)).toBeVisible();
}

/**
 * Runs `signIn` with a fresh code of the demo admin's app, one worker at a time: the portal takes
 * each 30-second step once and only a step after the last one it took, so the workers share the
 * last step used (a file beside the test database) and sign in in turn. When every step the
 * clock allows is spent, this waits for the next (the test's time limit grows by that wait).
 */
export async function withAdminCode(signIn: (code: string) => Promise<void>): Promise<void> {
  const dir = process.env.E2E_DB_DIR ?? tmpdir();
  const lock = join(dir, 'admin-totp.lock');
  const file = join(dir, 'admin-totp.step');
  const started = Date.now();
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() - started > 60_000) throw new Error(`${lock} held for a minute`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  // The time spent waiting for the other worker's sign-in is not this test's.
  test.info().setTimeout(test.info().timeout + (Date.now() - started));
  try {
    const last = existsSync(file) ? Number(readFileSync(file, 'utf8')) : 0;
    const step = Math.max(last + 1, totpStep());
    // The portal takes steps up to one ahead of its clock.
    const waitMs = Math.max(0, (step - 1) * 30_000 - Date.now() + 250);
    if (waitMs > 0) {
      test.info().setTimeout(test.info().timeout + waitMs);
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
    // Spent from now on, whether or not the sign-in goes through.
    writeFileSync(file, String(step));
    await signIn(totpCode(ADMIN_TOTP, step));
  } finally {
    rmdirSync(lock);
  }
}

/**
 * Signs `email` in through the sign-in server functions, as the form does (the admin with a code
 * of their app): the request context's cookies then carry the session.
 */
export async function signInByRequest(request: APIRequestContext, email: string, baseURL: string): Promise<void> {
  const password = async () => {
    const response = await request.post('/api/login', {
      form: { email, password: DEMO_PASSWORD },
      headers: { Origin: baseURL },
    });
    expect(response.ok(), `sign-in as ${email}`).toBeTruthy();
    return (await response.text()).includes('SecondFactor');
  };
  if (email !== DEMO_USERS.admin) {
    expect(await password(), `${email} has no second factor`).toBe(false);
    return;
  }
  await withAdminCode(async (code) => {
    expect(await password(), 'the admin is asked for a code').toBe(true);
    const answer = await request.post('/api/login_code', { form: { code }, headers: { Origin: baseURL } });
    expect(answer.ok(), `the admin's code: ${answer.status()} ${await answer.text()}`).toBeTruthy();
  });
}
