import { expect, test, type Browser, type Page } from '@playwright/test';
import {
  collectBrowserErrors,
  emailedLink,
  loginAs,
  signInLink,
  signOutButton,
  submitLogin,
  waitForHydration,
} from './helpers';

// Issue 3, point 10: the whole life of a tenant through the browser — sign-up
// (confirmed by the e-mailed link, issue 10 point 7), verification by a platform admin, an invitation accepted, isolation from
// another tenant, and a session that is really gone after sign-out.

const run = Date.now().toString(36);
const owner = {
  email: `owner-${run}@lab-orsay.test`,
  name: 'Agathe Morel',
  password: 'orsay photon lattice 42',
};
const member = {
  email: `member-${run}@lab-orsay.test`,
  name: 'Basile Caron',
  password: 'quiet harbour seventeen',
};
const orgName = `Laboratoire d'optique d'Orsay ${run}`;

async function freshPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext();
  return context.newPage();
}

test('sign-up → verification → invitation → isolation → sign-out', async ({ browser }) => {
  test.setTimeout(120_000);

  // 1. A person signs up, creating an organisation that waits for verification.
  const ownerPage = await freshPage(browser);
  const ownerErrors = collectBrowserErrors(ownerPage);
  await ownerPage.goto('/signup');
  await waitForHydration(ownerPage);
  await ownerPage.getByLabel('E-mail address').fill(owner.email);
  await ownerPage.getByLabel('Your name').fill(owner.name);
  await ownerPage.getByLabel('Password (12 to 128 characters)').fill(owner.password);
  await ownerPage.getByLabel('Organisation name').fill(orgName);
  await ownerPage.getByLabel('Kind of organisation').selectOption('research_institute');
  await ownerPage.getByLabel('Legal country').selectOption('FR');
  // SIREN 732 829 320 passes the Luhn key.
  await ownerPage.getByLabel(/Registration id/).fill('732829320');
  await ownerPage.getByLabel('Sector').selectOption('research');
  await ownerPage.getByLabel(/Country of the ultimate parent/).selectOption('FR');
  await ownerPage.getByRole('button', { name: 'Create my account' }).click();
  // Nothing is created yet: the page says a message is on its way (the same for any address).
  await expect(ownerPage.getByText('A message is on its way')).toBeVisible();
  await expect(ownerPage).toHaveURL(/\/signup\?sent=1$/);
  await expect(signOutButton(ownerPage)).toHaveCount(0);
  // The link e-mailed to the address confirms it.
  await ownerPage.goto(emailedLink(owner.email, '/signup/confirm/'));
  await waitForHydration(ownerPage);
  await ownerPage.getByRole('button', { name: 'Confirm and create my account' }).click();
  await expect(signOutButton(ownerPage)).toBeVisible();
  await expect(ownerPage.getByText('Pending verification')).toBeVisible();

  // 2. A platform admin verifies it.
  const adminPage = await freshPage(browser);
  await loginAs(adminPage, 'admin');
  await adminPage.goto('/admin/tenants');
  await waitForHydration(adminPage);
  const row = adminPage.getByRole('row', { name: new RegExp(orgName) });
  await expect(row).toBeVisible();
  await row.getByRole('button', { name: 'Verify' }).click();
  await expect(adminPage.getByRole('row', { name: new RegExp(orgName) }).getByText('Verified')).toBeVisible();

  // 3. The owner (now verified) invites a member and gets the link.
  await ownerPage.goto('/organisation');
  await waitForHydration(ownerPage);
  await expect(ownerPage.getByText('Pending verification')).toHaveCount(0);
  await ownerPage.getByLabel('E-mail address').fill(member.email);
  await ownerPage.getByLabel('Role', { exact: true }).selectOption('member');
  await ownerPage.getByRole('button', { name: 'Send invitation' }).click();
  const link = ownerPage.locator('.form__ok a');
  await expect(link).toBeVisible();
  const href = await link.getAttribute('href');
  expect(href).toMatch(/\/invitations\/[A-Za-z0-9_-]{20,}$/);

  // 4. The member accepts (creating an account), then signs in.
  const memberPage = await freshPage(browser);
  const memberErrors = collectBrowserErrors(memberPage, { expectedStatuses: [404] });
  await memberPage.goto(new URL(href!, 'http://x').pathname);
  await waitForHydration(memberPage);
  await expect(memberPage.getByText(orgName)).toBeVisible();
  await memberPage.getByLabel('Your name').fill(member.name);
  await memberPage.getByLabel('Password', { exact: true }).fill(member.password);
  await memberPage.getByRole('button', { name: 'Create the account and join' }).click();
  await expect(memberPage).toHaveURL(/\/organisation$/);
  await memberPage.goto('/organisation');
  await expect(memberPage.getByRole('heading', { level: 1, name: orgName })).toBeVisible();
  await signOutButton(memberPage).click();
  await expect(signInLink(memberPage)).toBeVisible();
  await memberPage.goto('/login');
  await waitForHydration(memberPage);
  await submitLogin(memberPage, member.email, member.password);
  await expect(signOutButton(memberPage)).toBeVisible();

  // 5. Another tenant's object answers "not found": a request of the hospital group.
  const nadia = await freshPage(browser);
  await loginAs(nadia, 'nadia');
  await nadia.goto('/requests');
  const hospitalRequest = nadia.locator('a[href^="/requests/"]').filter({ hasText: /^#?\d+$/ }).first();
  let foreignPath = '/requests/1';
  if ((await hospitalRequest.count()) > 0) {
    foreignPath = (await hospitalRequest.getAttribute('href')) ?? foreignPath;
  }
  const response = await memberPage.goto(foreignPath);
  expect(response?.status()).toBe(404);
  await expect(memberPage.getByRole('heading', { name: 'Not found' })).toBeVisible();
  await expect(memberPage.getByText('Groupe hospitalier Seine-Est')).toHaveCount(0);

  // 6. Sign-out ends the session on the server: the old cookie opens nothing.
  const cookies = await memberPage.context().cookies();
  await memberPage.goto('/');
  await waitForHydration(memberPage);
  await signOutButton(memberPage).click();
  await expect(signInLink(memberPage)).toBeVisible();
  const replay = await browser.newContext();
  await replay.addCookies(cookies);
  const replayPage = await replay.newPage();
  // A signed-out visitor of a page is sent to the sign-in page, which would bring them back.
  await replayPage.goto('/organisation');
  await expect(replayPage).toHaveURL(/\/login\?next=\/organisation$/);
  await expect(replayPage.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await expect(signOutButton(replayPage)).toHaveCount(0);

  memberErrors.expectNone();
  ownerErrors.expectNone();
});
