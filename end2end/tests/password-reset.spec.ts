import { expect, test } from '@playwright/test';
import { DEMO_PASSWORD, DEMO_USERS, emailedLink, signOutButton, submitLogin, waitForHydration } from './helpers';

// Issue 17, point 3: a forgotten password, reset through the browser by the link e-mailed to the
// account's address (read from the outbox as a mailer would). Zoé Lambert is no other spec's.

test('a forgotten password is reset by the e-mailed link, once', async ({ browser }) => {
  test.setTimeout(120_000);
  const newPassword = 'granite willow compass seven';
  const context = await browser.newContext();
  const page = await context.newPage();

  await page.goto('/login');
  await waitForHydration(page);
  await page.getByRole('link', { name: 'Forgotten your password?' }).click();
  await expect(page).toHaveURL(/\/password\/forgot$/);
  await waitForHydration(page);
  await page.getByLabel('E-mail address').fill(DEMO_USERS.zoe);
  await page.getByRole('button', { name: 'Send me the link' }).click();
  // The same words for any address: nothing says whether it has an account.
  await expect(page.getByRole('status')).toContainText('If an account uses this address');

  const link = emailedLink(DEMO_USERS.zoe, '/password/reset/');
  await page.goto(link);
  await waitForHydration(page);
  await page.getByLabel('New password', { exact: true }).fill(newPassword);
  await page.getByRole('button', { name: 'Save the password' }).click();
  await expect(page).toHaveURL(/\/login\?reset=1$/);
  await expect(page.getByRole('status')).toContainText('Your password has changed');

  // The old password no longer opens the account; the new one does.
  await submitLogin(page, DEMO_USERS.zoe, DEMO_PASSWORD);
  await expect(page.getByRole('alert')).toBeVisible();
  await submitLogin(page, DEMO_USERS.zoe, newPassword);
  await expect(signOutButton(page)).toBeVisible();

  // The link worked once.
  const again = await browser.newContext();
  const other = await again.newPage();
  await other.goto(link);
  await waitForHydration(other);
  await other.getByLabel('New password', { exact: true }).fill('another long pass phrase');
  await other.getByRole('button', { name: 'Save the password' }).click();
  await expect(other.getByRole('alert')).toContainText('This link no longer works');
  await context.close();
  await again.close();
});
