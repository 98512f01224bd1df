import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { resolve } from 'node:path';

import { DEMO_USERS, loginAs, waitForHydration } from './helpers';

// The weight of a first page load: every byte a browser fetches from the portal to show a page
// and make it interactive (HTML, CSS, JS, wasm), as brotli, both languages shipped. A page whose
// first load passes the budget in `end2end/bundle-budget.json` fails the test; the figures are
// printed with the distance to the design target (docs/performance.md, "First page load").

const { budget_bytes: BUDGET, target_bytes: TARGET } = JSON.parse(
  readFileSync(resolve(__dirname, '../bundle-budget.json'), 'utf8'),
) as { budget_bytes: number; target_bytes: number };

/** The bytes of `url` on the wire when the browser accepts brotli (nothing decompressed). */
function wireBytes(url: string, cookie: string): Promise<{ bytes: number; encoding: string }> {
  return new Promise((done, fail) => {
    const req = httpRequest(url, { headers: { 'accept-encoding': 'br', cookie } }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () => done({ bytes, encoding: String(res.headers['content-encoding'] ?? 'identity') }));
      res.on('error', fail);
    });
    req.on('error', fail);
    req.end();
  });
}

/** Opens `path`, waits until the page is interactive, then weighs each of the portal's resources it loaded. */
async function firstLoad(context: BrowserContext, page: Page, path: string) {
  const urls = new Set<string>();
  const origin = new URL(page.url() === 'about:blank' ? test.info().project.use.baseURL! : page.url()).origin;
  page.on('request', (r) => {
    if (r.url().startsWith(origin) && ['document', 'stylesheet', 'script', 'fetch', 'other'].includes(r.resourceType())) {
      urls.add(r.url());
    }
  });
  await page.goto(path);
  await waitForHydration(page);
  const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
  const parts = await Promise.all(
    [...urls]
      // Server functions called after hydration are the page's data, not its first load.
      .filter((u) => !new URL(u).pathname.startsWith('/api/'))
      .map(async (u) => ({ path: new URL(u).pathname, ...(await wireBytes(u, cookie)) })),
  );
  return { total: parts.reduce((sum, p) => sum + p.bytes, 0), parts };
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

for (const { who, path } of [
  { who: null, path: '/' },
  { who: null, path: '/login' },
  { who: 'hugo', path: '/requests' },
  // The page of the largest island (the sites beside the request form, checked again as it changes).
  { who: 'hugo', path: '/requests/new' },
  { who: 'admin', path: '/admin/catalogue' },
  { who: 'hugo', path: '/placement' },
] as const) {
  test(`first load of ${path}${who ? ` as ${who}` : ''} stays within the budget`, async ({ browser, baseURL }) => {
    const context = await browser.newContext({ baseURL });
    const page = await context.newPage();
    if (who) {
      await loginAs(page, DEMO_USERS[who]);
      await page.goto('/accessibility');
      // A fresh page: the first load below must fetch everything again.
      await context.clearCookies({ name: 'guichet_lang' });
    }
    const fresh = who ? await context.newPage() : page;
    const { total, parts } = await firstLoad(context, fresh, path);
    const lines = parts.map((p) => `${p.path} ${kb(p.bytes)} (${p.encoding})`).join(', ');
    console.log(`first load ${path}: ${kb(total)} — budget ${kb(BUDGET)}, target ${kb(TARGET)} (${(total / TARGET).toFixed(2)}× the target): ${lines}`);
    // Every part of any size is compressed, so the figure is what a browser really fetches.
    for (const p of parts.filter((p) => p.bytes > 1024)) expect(p.encoding, p.path).toBe('br');
    expect(parts.some((p) => p.path.endsWith('.wasm')), 'the wasm was fetched').toBeTruthy();
    expect(total, `first load of ${path}`).toBeLessThanOrEqual(BUDGET);
    expect(total, `first load of ${path}, against the design target`).toBeLessThanOrEqual(TARGET);
    await context.close();
  });
}
