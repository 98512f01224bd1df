import { expect, test } from '@playwright/test';

import { DEMO_USERS, waitForHydration } from './helpers';

// The header's language switch: the page's words change at once, `<html lang>` follows, what a
// form holds stays, and the choice outlives a reload (the browser's cookie) and a sign-in on
// another browser (the account's memory). (Jonas is in no other spec: his account turns English.)

test.use({ locale: 'fr-FR' });

test('a French browser reads French; the switch turns the page English without losing the form', async ({ page }) => {
  await page.goto('/login');
  await waitForHydration(page);
  await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Se connecter');
  await page.getByLabel('Adresse e-mail').fill('someone@example.test');

  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign in');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByLabel('E-mail address')).toHaveValue('someone@example.test');
  await expect(page.getByRole('button', { name: 'English' })).toHaveAttribute('aria-pressed', 'true');

  // The server heard it too: a fresh load is English.
  await page.reload();
  await waitForHydration(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign in');

  await page.getByRole('button', { name: 'Français' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Se connecter');
});

test('without the wasm the switch is a form the server answers', async ({ browser, baseURL }) => {
  const context = await browser.newContext({ baseURL, javaScriptEnabled: false, locale: 'fr-FR' });
  const page = await context.newPage();
  await page.goto('/accessibility');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText("Déclaration d'accessibilité");
  await page.getByRole('button', { name: 'English' }).click();
  await expect(page).toHaveURL(/\/accessibility$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Accessibility statement');
  await context.close();
});

test('a signed-in person who chooses English finds it again on another browser', async ({ browser, baseURL }) => {
  const first = await browser.newContext({ baseURL, locale: 'fr-FR' });
  const page = await first.newPage();
  await page.goto('/login');
  await waitForHydration(page);
  await page.getByLabel('Adresse e-mail').fill(DEMO_USERS.jonas);
  await page.getByLabel('Mot de passe', { exact: true }).fill('campus-demo-2026');
  await page.getByRole('button', { name: 'Se connecter', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Se déconnecter' })).toBeVisible();
  await waitForHydration(page);
  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
  await first.close();

  const second = await browser.newContext({ baseURL, locale: 'fr-FR' });
  const other = await second.newPage();
  await loginAsIn(other, DEMO_USERS.jonas);
  await other.goto('/');
  await expect(other.locator('html')).toHaveAttribute('lang', 'en');
  await expect(other.getByRole('button', { name: 'Sign out' })).toBeVisible();
  await second.close();
});

/** Signs in through the French form (the browser is French until the account says otherwise). */
async function loginAsIn(page: import('@playwright/test').Page, email: string) {
  await page.goto('/login');
  await waitForHydration(page);
  await page.getByLabel('Adresse e-mail').fill(email);
  await page.getByLabel('Mot de passe', { exact: true }).fill('campus-demo-2026');
  await page.getByRole('button', { name: 'Se connecter', exact: true }).click();
  await expect(page.getByRole('button', { name: /Se déconnecter|Sign out/ })).toBeVisible();
}

