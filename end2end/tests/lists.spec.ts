import { readFileSync } from 'node:fs';

import { expect, test, type Page } from '@playwright/test';

import { DEMO_USERS } from './helpers';
import { signedIn, submitRequest } from './flows';

// What weekly users reach for (issue 12, point 5): the header search finds what the person may
// see and nothing else, a list downloads as CSV with its filters, times follow the person's zone.

/** The id of the project `code` as its page names it (`/projects/:id`), read off /projects. */
async function projectId(page: Page, code: string): Promise<string> {
  await page.goto('/projects');
  const link = page.getByRole('row').filter({ hasText: code }).getByRole('link').first();
  const href = await link.getAttribute('href');
  return href!.split('/').pop()!;
}

async function search(page: Page, words: string): Promise<void> {
  await page.getByLabel('Search requests, projects, sites and people').fill(words);
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await page.waitForURL(/\/search\?/);
}

test.describe('lists', () => {
  test('the header search finds a project and a request for their members, not for another project', async ({
    browser,
  }, testInfo) => {
    const hugo = await signedIn(browser, testInfo, DEMO_USERS.hugo);
    const climate = await projectId(hugo, 'climate');
    await submitRequest(hugo, { title: 'E2E findable glacier run', project: climate, gpus: 2, start: 140, end: 150 });

    await search(hugo, 'glacier');
    await expect(hugo.getByRole('region', { name: 'Requests' })).toContainText('E2E findable glacier run');
    await search(hugo, 'climate');
    await expect(hugo.getByRole('region', { name: 'Projects' })).toContainText('climate');

    const lea = await signedIn(browser, testInfo, DEMO_USERS.lea);
    await search(lea, 'glacier');
    await expect(lea.getByText('E2E findable glacier run')).toHaveCount(0);
  });

  test('a list downloads as CSV with its filters', async ({ browser }, testInfo) => {
    const owner = await signedIn(browser, testInfo, DEMO_USERS.camille);
    await submitRequest(owner, { title: 'E2E exported run', gpus: 3, start: 150, end: 160 });
    await owner.goto('/requests?status=endorsed');
    const [download] = await Promise.all([
      owner.waitForEvent('download'),
      owner.getByRole('link', { name: 'Download CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    const csv = readFileSync((await download.path())!, 'utf8');
    const lines = csv.trim().split(/\r?\n/);
    expect(lines.length).toBeGreaterThan(1);
    expect(csv).toContain('E2E exported run');
    // Only endorsed requests: the filter went with the link.
    for (const line of lines.slice(1)) expect(line).toContain('Endorsed');
  });

  test('times follow the time zone the person chose', async ({ browser }, testInfo) => {
    const page = await signedIn(browser, testInfo, DEMO_USERS.ines);
    await page.goto('/account');
    await page.getByLabel('Show times in').selectOption('America/New_York');
    await page.getByRole('button', { name: 'Save the time zone' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Times are now shown in your new time zone.' })).toBeVisible();
    await page.goto('/account');
    await expect(page.locator('table').first()).toContainText(/E[SD]T/);
  });
});
