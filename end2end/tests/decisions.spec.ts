import { expect, test } from '@playwright/test';

import { DEMO_USERS, waitForHydration } from './helpers';
import { decide, signedIn, submitRequest } from './flows';

// Decisions where the work is (issue 12, points 2 and 3): sending a request back for changes and
// its answer, approving several requests in one step from the queue, ending a quota early.

test.describe('decisions', () => {
  test('an admin sends a request back with a question; the member amends, resubmits, and it is approved', async ({
    browser,
  }, testInfo) => {
    const member = await signedIn(browser, testInfo, DEMO_USERS.hugo);
    const id = await submitRequest(member, { title: 'E2E sent back', gpus: 12, start: 30, end: 50 });

    const admin = await signedIn(browser, testInfo, DEMO_USERS.admin);
    await decide(admin, id, 'send_back', { note: 'Could you do with 8 GPUs over the same weeks?' });
    await expect(admin.getByText('Changes requested', { exact: true }).first()).toBeVisible();

    await member.goto(`/requests/${id}`);
    const question = member.getByRole('region', { name: 'Changes requested by the reviewer' });
    await expect(question).toContainText('Could you do with 8 GPUs over the same weeks?');
    await question.getByRole('link', { name: 'Answer and resubmit' }).click();
    await member.waitForURL(new RegExp(`/requests/${id}/edit$`));
    await member.getByLabel('Number of GPUs').fill('8');
    await member.getByRole('button', { name: 'Submit for review' }).click();
    await member.waitForURL(new RegExp(`/requests/${id}$`));
    await expect(member.getByText('Submitted', { exact: true }).first()).toBeVisible();
    await expect(member.getByRole('region', { name: 'Changes requested by the reviewer' })).toHaveCount(0);

    const owner = await signedIn(browser, testInfo, DEMO_USERS.camille);
    await owner.goto(`/requests/${id}`);
    await waitForHydration(owner);
    await owner.getByRole('button', { name: 'Endorse' }).click();
    await expect(owner.getByText('Endorsed', { exact: true }).first()).toBeVisible();
    await decide(admin, id, 'approve');
    await expect(admin.getByText('Approved', { exact: true }).first()).toBeVisible();
    const timeline = admin.getByRole('list', { name: 'Timeline' });
    await expect(timeline).toContainText('Could you do with 8 GPUs over the same weeks?');
  });

  test('an admin approves two endorsed requests from the queue in one step', async ({ browser }, testInfo) => {
    // The owner's submissions endorse themselves.
    const owner = await signedIn(browser, testInfo, DEMO_USERS.camille);
    const first = await submitRequest(owner, { title: 'E2E batch one', gpus: 4, start: 80, end: 90 });
    const second = await submitRequest(owner, { title: 'E2E batch two', gpus: 4, start: 85, end: 95 });

    const admin = await signedIn(browser, testInfo, DEMO_USERS.admin);
    await admin.goto('/admin/requests');
    await waitForHydration(admin);
    await admin.getByRole('checkbox', { name: `Select request #${first}` }).check();
    await admin.getByRole('checkbox', { name: `Select request #${second}` }).check();
    await admin.getByRole('button', { name: 'Approve the selected requests' }).click();
    await expect(admin.getByRole('status').filter({ hasText: 'Approved 2 requests' })).toBeVisible();
    for (const id of [first, second]) {
      await admin.goto(`/requests/${id}`);
      await expect(admin.getByText('Approved', { exact: true }).first()).toBeVisible();
    }
  });

  test('an admin decides one request from its queue row; the partial fields show only for approving in part', async ({
    browser,
  }, testInfo) => {
    const owner = await signedIn(browser, testInfo, DEMO_USERS.camille);
    const id = await submitRequest(owner, { title: 'E2E decided in the queue', gpus: 6, start: 130, end: 140 });
    const admin = await signedIn(browser, testInfo, DEMO_USERS.admin);
    await admin.goto('/admin/requests');
    await waitForHydration(admin);
    const row = admin.getByRole('row').filter({ has: admin.getByRole('link', { name: String(id), exact: true }) });
    const busiest = row.locator('td.capacity-cell');
    const before = await busiest.innerText();
    await row.getByText('Decide', { exact: true }).click();
    const granted = row.getByLabel('GPUs granted');
    await expect(granted).toBeHidden();
    await row.getByLabel('Decision', { exact: true }).selectOption('partially_approve');
    await expect(granted).toBeVisible();
    await row.getByLabel('Decision', { exact: true }).selectOption('reject');
    await expect(granted).toBeHidden();
    await row.getByLabel('Decision', { exact: true }).selectOption('partially_approve');
    await granted.fill('2');
    await row.getByLabel(/^Reason, or your question/).fill('Two now; ask again in March.');
    await row.getByRole('button', { name: 'Record the decision' }).click();
    // The queue shows the new state: the row is decided (no longer offers a decision), and the
    // request page says what was granted.
    await expect(row.getByText('Decide', { exact: true })).toHaveCount(0);
    expect(before).toMatch(/→/);
    await admin.goto(`/requests/${id}`);
    await expect(admin.getByText('Partially approved', { exact: true }).first()).toBeVisible();
    await expect(admin.locator('dl.facts')).toContainText('2 GPUs');
  });

  test('an admin reduces an approved quota early with a reason; the tenant sees it', async ({
    browser,
  }, testInfo) => {
    const owner = await signedIn(browser, testInfo, DEMO_USERS.camille);
    const id = await submitRequest(owner, { title: 'E2E reduced early', gpus: 10, start: 100, end: 120 });
    const admin = await signedIn(browser, testInfo, DEMO_USERS.admin);
    await decide(admin, id, 'approve');
    await expect(admin.getByText('Approved', { exact: true }).first()).toBeVisible();

    await admin.getByLabel('GPUs left (empty keeps them)').fill('3');
    await admin.getByLabel('Reason (required)').fill('Dugny needs its H100 back for maintenance.');
    await admin.getByRole('button', { name: 'End or reduce the quota' }).click();
    await expect(admin.getByRole('list', { name: 'Timeline' })).toContainText(
      'Dugny needs its H100 back for maintenance.',
    );

    await owner.goto('/requests');
    const row = owner.getByRole('row').filter({ hasText: 'E2E reduced early' });
    await expect(row).toContainText('3 GPUs');
    await owner.goto('/notifications');
    await expect(owner.getByText(/E2E reduced early|reduced|ended early/).first()).toBeVisible();
  });
});
