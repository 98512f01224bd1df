import { expect, test, type Page } from '@playwright/test';
import { collectBrowserErrors, DEMO_USERS, loginAs, signOutButton, waitForHydration } from './helpers';

// Federated sign-in (issue 17, point 1) in the browser, against the real OpenID Connect provider
// scripts/oidc-test-provider.sh starts (oidc-provider from npm): the sign-in page's buttons, the
// provider's own sign-in form, the way back, the failures told in words, linking from the
// account page, and joining the organisation the provider vouches for. The provider takes any
// e-mail address; `late.` in front gets an ID token already expired.

test.skip(!process.env.GUICHET_TEST_OIDC_ISSUER, 'needs scripts/oidc-test-provider.sh');
test.describe.configure({ timeout: 60_000 });

/** Signs in at the provider's own page as `email` (the provider's form: one field). */
async function atProvider(page: Page, email: string): Promise<void> {
  await expect(page).toHaveURL(/\/interaction\//);
  await page.getByLabel('E-mail').fill(email);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

test('a person signs in with their institution and asks to join its organisation, whose owner accepts', async ({ browser }) => {
  const marie = await browser.newPage();
  await marie.goto('/login');
  await expect(marie.getByRole('heading', { name: 'Or with your institution' })).toBeVisible();
  await marie.getByRole('button', { name: 'Sign in with Campus Federation' }).click();
  await atProvider(marie, 'marie.curie@alea-labs.test');
  // From here on, the portal's pages only (the provider's have no icon: a 404 Chromium logs).
  const errors = collectBrowserErrors(marie);
  await expect(signOutButton(marie)).toBeVisible();
  await expect(marie).toHaveURL(/\/$/);
  // The provider vouches for Aléa Labs' domain: she is offered to ask to join it.
  await expect(marie.getByText('Campus Federation says you belong to Aléa Labs')).toBeVisible();
  await waitForHydration(marie);
  await marie.getByRole('button', { name: 'Ask to join' }).click();
  await expect(marie.getByText('Request sent: its owners will answer you by e-mail.')).toBeVisible();
  await expect(marie.getByRole('button', { name: 'Ask to join' })).toHaveCount(0);
  // Her account page lists the provider she signs in with.
  await marie.goto('/account');
  const methods = marie.getByRole('listitem').filter({ hasText: 'Campus Federation' });
  await expect(methods).toContainText('Address it gave: marie.curie@alea-labs.test');
  errors.expectNone();

  // Aléa Labs' owner, signed in by the same provider (trusted: her verified address finds her
  // account), accepts on the organisation page.
  const zoe = await browser.newPage();
  await zoe.goto('/login');
  await zoe.getByRole('button', { name: 'Sign in with Campus Federation' }).click();
  await atProvider(zoe, DEMO_USERS.zoe);
  await expect(signOutButton(zoe)).toBeVisible();
  await zoe.goto('/organisation');
  await waitForHydration(zoe);
  const asking = zoe.getByRole('row').filter({ hasText: 'marie.curie@alea-labs.test' });
  await expect(asking).toContainText('Campus Federation');
  await asking.getByRole('button', { name: 'Accept' }).click();
  await expect(zoe.getByRole('heading', { name: 'People asking to join' })).toHaveCount(0);
  await expect(zoe.getByRole('row').filter({ hasText: 'marie.curie@alea-labs.test' })).toContainText('Member');
});

test('a provider that is down, or an expired answer, is told in words and the password still works', async ({ page }) => {
  await page.goto('/login');
  await page.getByRole('button', { name: 'Sign in with Offline University' }).click();
  await expect(page).toHaveURL(/\/login\?oidc=unavailable/);
  await expect(page.getByRole('alert')).toHaveText(
    'The identity provider is not answering just now. Try again later, or sign in with your password.',
  );
  await page.getByRole('button', { name: 'Sign in with Campus Federation' }).click();
  await atProvider(page, 'late.rip@alea-labs.test');
  await expect(page).toHaveURL(/\/login\?oidc=invalid_token/);
  await expect(page.getByRole('alert')).toContainText('could not be checked');
  await expect(signOutButton(page)).toHaveCount(0);
  await loginAs(page, 'ines');
});

test('a person links their institution from the account page', async ({ page }) => {
  await loginAs(page, 'ines');
  await page.goto('/account');
  await waitForHydration(page);
  await page.getByRole('button', { name: 'Link Campus Federation' }).click();
  await atProvider(page, 'ines.petit@labo-partenaire.test');
  await expect(page).toHaveURL(/\/account\?linked=1/);
  await expect(page.getByText('The identity provider is linked: you can sign in with it.')).toBeVisible();
  const row = page.getByRole('listitem').filter({ hasText: 'ines.petit@labo-partenaire.test' });
  await expect(row).toContainText('Campus Federation');
  await waitForHydration(page);
  await row.getByRole('button', { name: 'Unlink Campus Federation' }).click();
  await expect(row).toBeHidden();
  await page.reload();
  await expect(page.getByRole('button', { name: 'Link Campus Federation' })).toBeVisible();
  await expect(page.getByRole('listitem').filter({ hasText: 'ines.petit@labo-partenaire.test' })).toHaveCount(0);
});
