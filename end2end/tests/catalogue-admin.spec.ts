import { expect, test } from '@playwright/test';

import { collectBrowserErrors, loginAs, waitForHydration } from './helpers';

// Issue 4, point 2: a platform admin adds a site and its GPUs through the admin page; a tenant
// then sees it decided on "Where can my data go?" (public data: eligible; health data: refused
// for want of an HDS certificate). The new site has no H100s at Dugny's expense: nothing else
// in the suite depends on it.

const run = Date.now().toString(36);
const slug = `saclay-${run}`;
const name = `Saclay ${run}`;

test('an admin adds a site and its GPUs; a tenant sees it decided', async ({ browser }) => {
  test.setTimeout(90_000);
  const admin = await (await browser.newContext()).newPage();
  const errors = collectBrowserErrors(admin);
  await loginAs(admin, 'admin');
  await admin.goto('/admin/catalogue');
  await waitForHydration(admin);

  // A site run by Dugny's operator, administered from France.
  const addSite = admin.locator('form').filter({ has: admin.getByRole('heading', { name: 'Add a site' }) });
  await addSite.getByLabel(/Short name/).fill(slug);
  await addSite.getByLabel('Name', { exact: true }).fill(name);
  await addSite.getByLabel('Country (ISO code)').fill('FR');
  await addSite.getByLabel('Operator').selectOption({ label: 'Dugny Data Centre SAS' });
  await addSite.getByLabel(/Administration and support/).fill('FR');
  await addSite.getByRole('button', { name: 'Add site' }).click();
  await expect(addSite.getByRole('status')).toContainText('Saved as catalogue revision');

  // 64 H100s there, 4 held in reserve.
  const gpus = admin.locator('#gpus').locator('xpath=..');
  await gpus.getByLabel('Site', { exact: true }).selectOption({ label: name });
  await gpus.getByLabel('GPU model').fill('H100');
  await gpus.getByLabel('Installed GPUs').fill('64');
  await gpus.getByLabel('Reserve (never promised)').fill('4');
  await gpus.getByRole('button', { name: 'Save inventory' }).click();
  await expect(gpus.getByRole('status')).toContainText('Saved as catalogue revision');
  errors.expectNone();

  // A tenant member sees the site in the catalogue and decided by the residency rules.
  const member = await (await browser.newContext()).newPage();
  await loginAs(member, 'louis');
  await member.goto('/catalogue');
  await expect(member.getByRole('heading', { name })).toBeVisible();
  await member.goto('/placement?classification=public');
  await waitForHydration(member);
  const card = member.locator(`article[data-site="${slug}"]`);
  await expect(card.locator('.verdict')).toHaveText('Eligible');
  await member.getByLabel('Health data (HDS)').check();
  await expect(card.locator('.verdict')).toHaveText('Not eligible');
  await expect(card.locator('li[data-outcome="failed"][data-rule="H1"]')).toHaveCount(1);
});
