import { expect, test, type Browser, type Page, type TestInfo } from '@playwright/test';

import { baseURL, DEMO_USERS, loginAs } from './helpers';

/** A page in its own browser context, signed in as `email`. */
async function signedIn(browser: Browser, testInfo: TestInfo, email: string): Promise<Page> {
  const context = await browser.newContext({ baseURL: baseURL(testInfo) });
  const page = await context.newPage();
  await loginAs(page, email);
  return page;
}

/** The id of the project titled `title` on `/projects`, as its link names it. */
async function projectId(page: Page, title: string): Promise<string> {
  await page.goto('/projects');
  const href = await page.getByRole('link', { name: title, exact: true }).getAttribute('href');
  return href!.split('/').pop()!;
}

// Two projects of one tenant: Hugo leads `climate` alone; Léa leads `french-llm`, where the
// owner's request is. Each sees their own project's requests and nothing of the other's, in the
// lists, on the request's page and on the project's page.
test('a member of one project sees nothing of another project of the same organisation', async ({
  browser,
}, testInfo) => {
  const owner = await signedIn(browser, testInfo, DEMO_USERS.camille);
  const climate = await projectId(owner, 'Climate and Earth system');
  const french = await projectId(owner, 'Open French language model');

  // Hugo asks for GPUs in `climate`, from its page.
  const hugo = await signedIn(browser, testInfo, DEMO_USERS.hugo);
  await hugo.goto(`/projects/${climate}`);
  await expect(hugo.getByRole('heading', { level: 1, name: 'Climate and Earth system' })).toBeVisible();
  await hugo.getByRole('link', { name: 'Ask for GPUs' }).click();
  await expect(hugo).toHaveURL(new RegExp(`/requests/new\\?project=${climate}$`));
  await expect(hugo.getByLabel('Project', { exact: true })).toHaveValue(climate);

  // Hugo's list: his projects' requests, not the owner's in `french-llm`.
  await hugo.goto('/requests');
  await expect(hugo.getByRole('link', { name: 'Climate downscaling ensemble' })).toBeVisible();
  await expect(hugo.getByText('Open French language model, pre-training')).toHaveCount(0);
  await hugo.goto('/projects');
  await expect(hugo.getByRole('link', { name: 'Open French language model', exact: true })).toHaveCount(0);

  // Léa's list: the other way round.
  const lea = await signedIn(browser, testInfo, DEMO_USERS.lea);
  await lea.goto('/requests');
  await expect(lea.getByRole('link', { name: 'Open French language model, pre-training' })).toBeVisible();
  await expect(lea.getByText('Climate downscaling ensemble')).toHaveCount(0);

  // A deep link into the other project is "not found", with nothing of it shown.
  const climateRequest = await owner
    .goto(`/requests?project=${climate}`)
    .then(() => owner.getByRole('link', { name: 'Climate downscaling ensemble' }).first().getAttribute('href'));
  const response = await lea.goto(climateRequest!);
  expect(response?.status()).toBe(404);
  await expect(lea.getByText('Climate downscaling ensemble')).toHaveCount(0);
  const projectPage = await lea.goto(`/projects/${climate}`);
  expect(projectPage?.status()).toBe(404);
  await expect(lea.getByText('Climate and Earth system')).toHaveCount(0);

  // The owner sees both projects' requests.
  await owner.goto('/requests');
  await expect(owner.getByRole('link', { name: 'Climate downscaling ensemble' })).toBeVisible();
  await expect(owner.getByRole('link', { name: 'Open French language model, pre-training' })).toBeVisible();
  expect(french).not.toBe(climate);
});
