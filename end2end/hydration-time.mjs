// How long pages take to become interactive (body[data-hydrated], set once hydration is done),
// from the start of navigation: the median of 7 fresh loads per page. A measurement, not a test.
//
//   BASE=http://127.0.0.1:3000 node end2end/hydration-time.mjs
//
// The portal must be running with the demo data (make run). PAGES may replace the default list,
// as JSON: [{"who": "<e-mail or null>", "path": "/requests"}, ...]. A person with a second factor
// (the demo admin, whose secret GUICHET_DEMO_ADMIN_TOTP gave the portal) signs in with a code
// computed from ADMIN_TOTP, once: the seven loads share that session.
import { execFileSync } from 'node:child_process';
import { chromium } from 'playwright';

const base = process.env.BASE ?? 'http://127.0.0.1:3000';
const pages = JSON.parse(
  process.env.PAGES ??
    JSON.stringify([
      { who: null, path: '/' },
      { who: 'hugo.martin@univ-palaiseau.test', path: '/requests' },
      { who: 'admin@guichet.test', path: '/admin/catalogue' },
      { who: 'hugo.martin@univ-palaiseau.test', path: '/placement' },
    ]),
);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu'],
});
/** A signed-in session's cookies for `who` (with a code of ADMIN_TOTP when asked for one). */
async function signedIn(who) {
  const context = await browser.newContext({ baseURL: base });
  const r = await context.request.post('/api/login', {
    form: { email: who, password: process.env.GUICHET_SHOT_PASSWORD ?? 'campus-demo-2026' },
    headers: { Origin: base },
  });
  if (!r.ok()) throw new Error(`sign-in as ${who}: ${r.status()}`);
  if ((await r.text()).includes('SecondFactor')) {
    if (!process.env.ADMIN_TOTP) throw new Error(`${who} has a second factor: set ADMIN_TOTP`);
    const code = execFileSync('python3', [new URL('../scripts/totp-code.py', import.meta.url).pathname, process.env.ADMIN_TOTP], { encoding: 'utf8' }).trim();
    const c = await context.request.post('/api/login_code', { form: { code }, headers: { Origin: base } });
    if (!c.ok()) throw new Error(`the code of ${who}: ${c.status()}`);
  }
  const state = await context.storageState();
  await context.close();
  return state;
}

for (const { who, path } of pages) {
  const times = [];
  const storageState = who ? await signedIn(who) : undefined;
  for (let i = 0; i < 7; i++) {
    const context = await browser.newContext({ baseURL: base, locale: 'en-GB', storageState });
    const page = await context.newPage();
    await page.addInitScript(() => {
      new MutationObserver((_, observer) => {
        if (document.body?.dataset.hydrated) {
          window.__hydratedAt = performance.now();
          observer.disconnect();
        }
      }).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-hydrated'] });
    });
    await page.goto(path);
    await page.waitForSelector('body[data-hydrated]');
    times.push(await page.evaluate(() => window.__hydratedAt));
    await context.close();
  }
  times.sort((a, b) => a - b);
  console.log(`${path}: interactive after ${Math.round(times[3])} ms (median; min ${Math.round(times[0])}, max ${Math.round(times[6])})`);
}
await browser.close();
