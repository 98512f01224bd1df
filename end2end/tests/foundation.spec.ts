import { expect, test } from '@playwright/test';

import {
  baseURL,
  collectBrowserErrors,
  DEMO_PASSWORD,
  DEMO_USERS,
  enterSignInCode,
  loginAs,
  signOutButton,
  submitLogin,
  waitForHydration,
  withAdminCode,
} from './helpers';

test.describe('foundation', () => {
  test('the home page is rendered on the server, with a CSP nonce', async ({ request }) => {
    // A script's request says no language: it reads French, the default.
    const response = await request.get('/');
    expect(response.status()).toBe(200);
    const html = await response.text();
    expect(html).toMatch(/<html[^>]*\slang="fr"/);

    const h1 = /<h1[^>]*>([\s\S]*?)<\/h1>/.exec(html);
    expect(h1, 'the server-rendered HTML has an <h1>').not.toBeNull();
    expect(h1![1].replace(/<!--[\s\S]*?-->/g, '')).toContain('Des quotas de GPU pour le campus');
    expect(html).toMatch(/<script\b[^>]*\snonce=("[^"]+"|'[^']+'|[^\s>]+)/);

    const headers = response.headers();
    const csp = headers['content-security-policy'] ?? '';
    expect(csp).toContain('nonce-');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(headers['x-content-type-options']).toBe('nosniff');
  });

  test.describe('on a small screen', () => {
    // The menu button is for narrow screens; wide layouts may hide it.
    test.use({ viewport: { width: 390, height: 844 } });

    test('it hydrates and the menu button toggles, without browser errors', async ({ page }) => {
      const browserErrors = collectBrowserErrors(page);
      await page.goto('/');
      await waitForHydration(page);

      const menu = page.getByRole('button', { name: 'Menu' });
      await expect(menu).toHaveAttribute('aria-controls', 'site-nav');
      await expect(menu).toHaveAttribute('aria-expanded', 'false');
      await menu.click();
      await expect(menu).toHaveAttribute('aria-expanded', 'true');
      await menu.click();
      await expect(menu).toHaveAttribute('aria-expanded', 'false');

      browserErrors.expectNone();
    });
  });

  test('signing in with the right password shows "Sign out"', async ({ page }) => {
    await page.goto('/login');
    await waitForHydration(page);
    // The admin's second factor: the password leads to the code page, a code of the app in.
    await withAdminCode(async (code) => {
      await submitLogin(page, DEMO_USERS.admin, DEMO_PASSWORD);
      await enterSignInCode(page, code);
    });
  });

  test('a wrong password shows an alert', async ({ page }) => {
    await page.goto('/login');
    await waitForHydration(page);
    await submitLogin(page, DEMO_USERS.admin, 'not-the-password');
    await expect(page.getByRole('alert').filter({ hasText: 'not right' })).toBeVisible();
    await expect(signOutButton(page)).toHaveCount(0);
  });

  test('signing in works without JavaScript', async ({ browser }, testInfo) => {
    const context = await browser.newContext({ javaScriptEnabled: false, baseURL: baseURL(testInfo) });
    try {
      const page = await context.newPage();
      await page.goto('/login');
      // Both steps, the password and the admin's code, are plain forms and redirections.
      await withAdminCode(async (code) => {
        await submitLogin(page, DEMO_USERS.admin, DEMO_PASSWORD);
        await enterSignInCode(page, code);
      });
      // The wasm never ran: this was the plain HTML form and the server's redirect.
      await expect(page.locator('body')).not.toHaveAttribute('data-hydrated', 'true');
    } finally {
      await context.close();
    }
  });

  test('loginAs signs a demo user in', async ({ page }) => {
    await loginAs(page, 'camille');
    await expect(signOutButton(page)).toBeVisible();
  });

  test('/readyz and /healthz answer 200', async ({ request }) => {
    expect((await request.get('/readyz')).status()).toBe(200);
    expect((await request.get('/healthz')).status()).toBe(200);
  });
});
