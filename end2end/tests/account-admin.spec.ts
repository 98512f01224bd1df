import { expect, test } from '@playwright/test';
import { DEMO_PASSWORD, DEMO_USERS, emailedLink, loginAs, signOutButton, submitLogin, waitForHydration } from './helpers';

// Issue 17, points 3 and 4 in the browser: a person moves their account to another address (the
// link read from the outbox as a mailer would), and a platform admin disables then enables an
// account from the people directory. Théo Fournier and Lena Schmidt are no other spec's.

test('a new e-mail address takes effect when its link is opened', async ({ browser }) => {
  test.setTimeout(120_000);
  const newAddress = 'theo.fournier@labo-alea.test';
  const context = await browser.newContext();
  const page = await context.newPage();
  await loginAs(page, 'theo');
  await page.goto('/account');
  await waitForHydration(page);
  await page.getByLabel('New e-mail address').fill(newAddress);
  await page.getByLabel('Current password').nth(0).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Send the confirmation link' }).click();
  await expect(page.getByRole('status')).toContainText('A link is on its way');

  const link = emailedLink(newAddress, '/email/confirm/');
  await page.goto(link);
  await waitForHydration(page);
  await page.getByRole('button', { name: 'Use this address' }).click();
  await expect(page).toHaveURL(/\/login\?email_changed=1$/);
  await expect(page.getByRole('status')).toContainText('Your e-mail address has changed');

  await submitLogin(page, DEMO_USERS.theo, DEMO_PASSWORD);
  await expect(page.getByRole('alert')).toBeVisible();
  await submitLogin(page, newAddress, DEMO_PASSWORD);
  await expect(signOutButton(page)).toBeVisible();
  await context.close();
});

test('a platform admin disables an account, which can no longer sign in, then enables it', async ({ browser }) => {
  test.setTimeout(120_000);
  const context = await browser.newContext();
  const admin = await context.newPage();
  await loginAs(admin, 'admin');
  await admin.goto('/admin/people');
  await waitForHydration(admin);
  await admin.getByLabel('Name or e-mail address').fill('schmidt');
  await admin.getByLabel('Name or e-mail address').press('Enter');
  await expect(admin).toHaveURL(/q=schmidt/);
  // The list is drawn again for the search: wait for it (one person) before focusing a button
  // of it, or the button focused may be one of the list being replaced.
  await expect(admin.getByRole('region', { name: 'People' }).getByRole('row')).toHaveCount(2);
  const disable = admin.getByRole('button', { name: 'Disable — Lena Schmidt' });
  await disable.focus();
  await admin.keyboard.press('Enter');
  await expect(admin.getByRole('button', { name: 'Enable — Lena Schmidt' })).toBeVisible();

  const other = await browser.newContext();
  const lena = await other.newPage();
  await lena.goto('/login');
  await waitForHydration(lena);
  await submitLogin(lena, 'lena.schmidt@rheinwerk.test', DEMO_PASSWORD);
  await expect(lena.getByRole('alert')).toContainText('This account is disabled');

  await admin.getByRole('button', { name: 'Enable — Lena Schmidt' }).click();
  await expect(admin.getByRole('button', { name: 'Disable — Lena Schmidt' })).toBeVisible();
  await submitLogin(lena, 'lena.schmidt@rheinwerk.test', DEMO_PASSWORD);
  await expect(signOutButton(lena)).toBeVisible();
  await context.close();
  await other.close();
});
