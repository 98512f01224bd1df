import { expect, test } from '@playwright/test';

import {
  DEMO_PASSWORD,
  DEMO_USERS,
  freshTotpCode,
  loginAs,
  signOutButton,
  submitLogin,
  totpCode,
  totpStep,
  waitForHydration,
} from './helpers';

// Issue 17, point 2, in the browser: Paul Moreau (no other spec's) turns two-step sign-in on from
// his account page with an authenticator app (the spec computes its codes, RFC 6238), keeps his
// recovery codes, is asked for a code at the next sign-in (a wrong one is refused beside the
// field), signs in once with a recovery code, then turns it off.

test('two-step sign-in: set up, asked at sign-in, a recovery code, turned off', async ({ browser }) => {
  test.setTimeout(90_000);
  const context = await browser.newContext();
  const page = await context.newPage();
  await loginAs(page, DEMO_USERS.paul);
  await page.goto('/account');
  await waitForHydration(page);
  const heading = page.getByRole('heading', { name: 'Two-step sign-in' });
  await expect(heading).toBeVisible();
  await page.getByRole('button', { name: 'Set up two-step sign-in' }).click();
  await expect(page.getByRole('img', { name: 'QR code to scan with your authenticator app' })).toBeVisible();
  const secret = (await page.locator('code.secret-key').getAttribute('data-secret'))!;
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);

  // A wrong code first: refused beside the field.
  const setup = page.getByLabel('Code from the app');
  const step = totpStep();
  const wrong = ['000000', '111111'].find(
    (c) => ![-1, 0, 1, 2].some((d) => totpCode(secret, step + d) === c),
  )!;
  await setup.fill(wrong);
  await page.getByRole('button', { name: 'Turn on' }).click();
  await expect(page.locator('#setup-code-error')).toContainText('not right');
  await setup.fill(totpCode(secret, step));
  await page.getByRole('button', { name: 'Turn on' }).click();
  const recovery = page.getByRole('heading', { name: 'Your recovery codes' });
  await expect(recovery).toBeVisible();
  const codes = await page.locator('.recovery-codes li code').allTextContents();
  expect(codes).toHaveLength(10);
  await expect(page.getByText('Two-step sign-in is on')).toBeVisible();
  await expect(page.getByText('Recovery codes left: 10.')).toBeVisible();

  // Signing in again: the password leads to the code page, which a wrong code does not pass.
  await signOutButton(page).click();
  await expect(page.getByRole('link', { name: 'Sign in' }).first()).toBeVisible();
  await page.goto('/login?next=/account');
  await waitForHydration(page);
  await submitLogin(page, DEMO_USERS.paul, DEMO_PASSWORD);
  await expect(page).toHaveURL(/\/login\/code\?next=\/account$/);
  await waitForHydration(page);
  await expect(page.getByRole('heading', { name: 'Your sign-in code' })).toBeVisible();
  await page.getByLabel('Code from the app').fill(wrong);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.locator('#login-code-error')).toContainText('not right');
  // The next step's code (the set-up spent this one's): in, and on to where the person was going.
  await page.getByLabel('Code from the app').fill(totpCode(secret, step + 1));
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(signOutButton(page)).toBeVisible();

  // A lost phone: a recovery code, typed as printed, signs in once.
  const other = await (await browser.newContext()).newPage();
  await other.goto('/login');
  await waitForHydration(other);
  await submitLogin(other, DEMO_USERS.paul, DEMO_PASSWORD);
  await expect(other).toHaveURL(/\/login\/code$/);
  await waitForHydration(other);
  await other.getByLabel('Code from the app').fill(codes[0]);
  await other.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(signOutButton(other)).toBeVisible();
  await other.goto('/account');
  await expect(other.getByText('Recovery codes left: 9.')).toBeVisible();

  // Turned off with a code: the password alone signs in again.
  await waitForHydration(other);
  // A code of a step not yet used (up to 30 s of waiting for the clock).
  const { code: offCode } = await freshTotpCode(secret, step + 1);
  await other.locator('#off-code').fill(offCode);
  await other.getByRole('button', { name: 'Turn two-step sign-in off' }).click();
  await expect(other.getByText('Two-step sign-in is off.')).toBeVisible();
  const third = await (await browser.newContext()).newPage();
  await loginAs(third, DEMO_USERS.paul);
  await context.close();
});
