import { expect, test, type Page } from '@playwright/test';

import { collectBrowserErrors, loginAs, waitForHydration } from './helpers';

/** A site's card on the "Where can my data go?" page. */
function card(page: Page, slug: string) {
  return page.locator(`article[data-site="${slug}"]`);
}

/** The card's verdict badge: "Eligible" or "Not eligible". */
function verdict(page: Page, slug: string) {
  return card(page, slug).locator('.verdict');
}

test.describe('where can my data go?', () => {
  test('the hospital member sees health and sensitive data decided, with reasons', async ({ page }) => {
    const browserErrors = collectBrowserErrors(page);
    await loginAs(page, 'louis.girard@ghu-seine-est.test');

    await page.goto('/placement');
    await waitForHydration(page);
    await expect(page.getByRole('heading', { level: 1, name: 'Where can my data go?' })).toBeVisible();
    await expect(page.getByText('Groupe hospitalier Seine-Est').first()).toBeVisible();

    // Health data: evaluated in the browser as soon as the class is chosen.
    await page.getByLabel('Health data (HDS)').check();
    await expect(page.getByLabel('The operator administers our systems (HDS activity 5)')).toBeVisible();
    await expect(verdict(page, 'idf-campus')).toHaveText('Eligible');
    await expect(verdict(page, 'dugny')).toHaveText('Eligible');
    await expect(verdict(page, 'marseille')).toHaveText('Not eligible');
    await expect(card(page, 'marseille').locator('li[data-outcome="failed"][data-rule="G4"]')).toHaveCount(1);
    await expect(card(page, 'marseille').locator('.findings')).toContainText('G4');
    await expect(card(page, 'marseille').locator('.findings')).toContainText('United States');
    await expect(verdict(page, 'cambrai')).toHaveText('Not eligible');
    await expect(verdict(page, 'abu-dhabi')).toHaveText('Not eligible');

    // Sensitive data: only Dugny; the campus fails on its non-EU shareholders (S3).
    await page.getByLabel('Sensitive (SecNumCloud)').check();
    await expect(verdict(page, 'dugny')).toHaveText('Eligible');
    await expect(verdict(page, 'idf-campus')).toHaveText('Not eligible');
    await expect(card(page, 'idf-campus').locator('.findings')).toContainText('S3');
    await expect(card(page, 'idf-campus').locator('.findings')).toContainText('MGX');
    await expect(page.locator('.verdict', { hasText: /^Eligible$/ })).toHaveCount(1);
    await expect(page.getByTestId('policy-version')).toHaveText('1');

    browserErrors.expectNone();
  });

  test('the page answers from the server through its query parameters', async ({ page }) => {
    await loginAs(page, 'louis.girard@ghu-seine-est.test');
    // In English, as the browser asks (the page's language comes from the request's headers).
    const response = await page.request.get('/placement?classification=sensitive', {
      headers: { 'Accept-Language': 'en-GB' },
    });
    expect(response.status()).toBe(200);
    const html = await response.text();
    expect(html).toContain('data-site="dugny"');
    expect(html).toContain('Not eligible');
  });
});
