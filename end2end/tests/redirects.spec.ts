import { expect, test, type Page } from '@playwright/test';

import { baseURL, DEMO_PASSWORD, DEMO_USERS, signOutButton, submitLogin, waitForHydration } from './helpers';

// Issue 10, point 5: after signing in, `next=` only ever leads to a page of the portal. The
// hydrated page navigates by itself (`LoginPage` sets `location.href`), so the vectors are tried
// here in a real browser; `server/tests/suite/cross_site.rs` tries every vector on the plain form.

/** Classic open-redirect vectors, as typed into `next=` (the test encodes them into the URL). */
const VECTORS = [
  '//evil.example',
  '/\\evil.example',
  '/\t/evil.example',
  '/\n/evil.example',
  '/%2F%2Fevil.example',
  '/%5Cevil.example',
  'https://evil.example',
  'javascript:alert(document.domain)',
  ' //evil.example',
];

/**
 * Opens the sign-in page with `next`, signs in as the university's member and waits until the
 * page the portal chose has loaded. Returns every URL the tab navigated to, and any dialog a
 * `javascript:` URL opened.
 */
async function signInWithNext(page: Page, next: string, javaScript: boolean) {
  const visited: string[] = [];
  const dialogs: string[] = [];
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame() && frame.url() !== 'about:blank') visited.push(frame.url());
  });
  page.on('dialog', async (dialog) => {
    dialogs.push(dialog.message());
    await dialog.dismiss();
  });
  await page.goto(`/login?next=${encodeURIComponent(next)}`);
  if (javaScript) {
    await waitForHydration(page);
    // Mark this document: after signing in, the app loads the next page afresh.
    await page.evaluate(() => {
      (window as unknown as { __e2eLoginPage?: boolean }).__e2eLoginPage = true;
    });
  }
  await submitLogin(page, DEMO_USERS.hugo, DEMO_PASSWORD);
  if (javaScript) {
    // The fresh load replaces the marked document.
    await page.waitForFunction(() => !(window as unknown as { __e2eLoginPage?: boolean }).__e2eLoginPage, undefined, {
      timeout: 10_000,
    });
  }
  await page.waitForLoadState('load');
  await expect(signOutButton(page)).toBeVisible();
  return { visited, dialogs };
}

test.describe('after signing in, next= stays on the portal', () => {
  for (const vector of VECTORS) {
    test(`hydrated page, next=${JSON.stringify(vector)} goes home`, async ({ page }, testInfo) => {
      const portal = new URL(baseURL(testInfo)).origin;
      const { visited, dialogs } = await signInWithNext(page, vector, true);
      const landed = new URL(page.url());
      expect(landed.origin).toBe(portal);
      expect(landed.pathname).toBe('/');
      for (const url of visited) {
        expect(new URL(url).origin, `navigated to ${url}`).toBe(portal);
      }
      expect(dialogs, 'no script ran from next=').toEqual([]);
    });
  }

  test('hydrated page, a path on the portal is followed', async ({ page }, testInfo) => {
    await signInWithNext(page, '/requests', true);
    const landed = new URL(page.url());
    expect(landed.origin).toBe(new URL(baseURL(testInfo)).origin);
    expect(landed.pathname).toBe('/requests');
  });

  test('without JavaScript, the plain form follows a portal path and refuses another site', async ({
    browser,
  }, testInfo) => {
    const portal = new URL(baseURL(testInfo)).origin;
    const cases: Array<[string, string]> = [
      ['/requests', '/requests'],
      ['//evil.example', '/'],
      ['/\\evil.example', '/'],
    ];
    for (const [next, path] of cases) {
      const context = await browser.newContext({ javaScriptEnabled: false, baseURL: baseURL(testInfo) });
      try {
        const page = await context.newPage();
        const { visited } = await signInWithNext(page, next, false);
        const landed = new URL(page.url());
        expect(landed.origin, `next=${JSON.stringify(next)}`).toBe(portal);
        expect(landed.pathname, `next=${JSON.stringify(next)}`).toBe(path);
        for (const url of visited) {
          expect(new URL(url).origin, `navigated to ${url}`).toBe(portal);
        }
        await expect(page.locator('body')).not.toHaveAttribute('data-hydrated', 'true');
      } finally {
        await context.close();
      }
    }
  });
});
