// The steps of a request's life that several specs take: signing in a second person, asking for
// GPUs through the form, and an admin's decision on the request page.

import { expect, type Browser, type Page, type TestInfo } from '@playwright/test';

import { baseURL, loginAs, waitForHydration } from './helpers';

/** An ISO date `days` from today (UTC). */
export function day(days: number): string {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The day `days` from today as an English page shows it: "5 Dec 2026". */
export function shownDay(days: number): string {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() + days);
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  return `${d.getUTCDate()} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

/** A page in its own browser context, signed in as `email`. */
export async function signedIn(browser: Browser, testInfo: TestInfo, email: string): Promise<Page> {
  const context = await browser.newContext({ baseURL: baseURL(testInfo) });
  const page = await context.newPage();
  await loginAs(page, email);
  return page;
}

export interface Ask {
  title: string;
  /** The project's id, as `/projects/:id` names it. */
  project?: string;
  gpus: number;
  start: number;
  end: number;
  site?: string;
}

/**
 * Fills the request form, checks it shows eligibility and free GPUs, submits; returns the id.
 * The form is server-rendered and posts without the wasm, so this does not wait for hydration
 * (TODO: /requests/new does not hydrate yet: tachys reports a hydration mismatch there).
 */
export async function submitRequest(page: Page, ask: Ask): Promise<string> {
  await page.goto(ask.project ? `/requests/new?project=${ask.project}` : '/requests/new');
  // Someone in several projects chooses one (the first offered, unless the address named one).
  const project = page.getByLabel('Project', { exact: true });
  if ((await project.inputValue()) === '') await project.selectOption({ index: 1 });
  await page.getByLabel('Title of the work').fill(ask.title);
  await page
    .getByLabel('Justification')
    .fill('Training a model on public data for the campus research groups.');
  await page.getByLabel('Sector').selectOption('research');
  await page.getByLabel('Data classification').selectOption('public');
  await page.getByLabel('GPU model').selectOption('H100');
  await page.getByLabel('Number of GPUs').fill(String(ask.gpus));
  await page.getByLabel('First day', { exact: true }).fill(day(ask.start));
  await page.getByLabel('End (first day no longer needed)', { exact: true }).fill(day(ask.end));
  await page.getByLabel('End (first day no longer needed)', { exact: true }).blur();
  const site = ask.site ?? 'Dugny';
  // By the site's own name: a card also names its operator, which other sites may share.
  const option = page.locator('.site-option').filter({ has: page.getByRole('radio', { name: site }) });
  await expect(option.getByText('Eligible', { exact: true })).toBeVisible();
  await expect(option).toContainText(/\d+ of 256 free/);
  await option.getByLabel(site).check();
  await page.getByRole('button', { name: 'Submit for review' }).click();
  await page.waitForURL(/\/requests\/\d+$/);
  await expect(page.getByRole('heading', { level: 1 })).toContainText(ask.title);
  return page.url().split('/').pop()!;
}

export async function decide(
  page: Page,
  id: string,
  decision: 'approve' | 'partially_approve' | 'reject' | 'send_back',
  fields: { gpus?: string; note?: string } = {},
): Promise<void> {
  await page.goto(`/requests/${id}`);
  await waitForHydration(page);
  await page.getByLabel('Decision', { exact: true }).selectOption(decision);
  if (fields.gpus) await page.getByLabel('GPUs granted').fill(fields.gpus);
  if (fields.note) await page.getByLabel('Reason, or your question when sending back').fill(fields.note);
  await page.getByRole('button', { name: 'Record the decision' }).click();
}

