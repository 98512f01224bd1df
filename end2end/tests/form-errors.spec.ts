import { expect, test, type Page } from '@playwright/test';

import { loginAs, waitForHydration, type DemoUser } from './helpers';

// Errors a screen reader can find (RGAA 11.10, 11.11; WCAG 3.3.1, 4.1.3): on each form, sent
// empty, every message about a field has an id, the field it is about says it is invalid
// (`aria-invalid="true"`) and names the message (`aria-describedby`), and the form announces that
// it was refused (`role="alert"`). One form per page where people type, signed out and as the
// roles who use it.

const FORMS: { who: DemoUser | null; path: string; field: string; what: string }[] = [
  { who: null, path: '/signup', field: 'signup-email', what: 'sign-up' },
  { who: 'hugo', path: '/requests/new', field: 'rq-title', what: 'a request for GPUs' },
  { who: 'camille', path: '/projects', field: 'p-title', what: 'a new project' },
  { who: 'camille', path: '/account', field: 'new-password', what: 'the change of password' },
  { who: 'camille', path: '/account/tokens', field: 'token-name', what: 'a new API token' },
  { who: 'admin', path: '/admin/agents', field: 'agent-name', what: 'a new site agent' },
  { who: 'admin', path: '/admin/catalogue', field: 'gpu-installed', what: 'a GPU inventory' },
];

/** Each shown field message that a screen reader cannot reach from its field, in words. */
async function untiedMessages(page: Page, formSelector: string): Promise<string[]> {
  return page.locator(formSelector).evaluate((form) => {
    const problems: string[] = [];
    for (const message of Array.from(form.querySelectorAll<HTMLElement>('.field__error'))) {
      if (message.getClientRects().length === 0) continue;
      const text = (message.textContent ?? '').trim().slice(0, 50);
      if (!message.id) {
        problems.push(`"${text}" has no id`);
        continue;
      }
      const fields = Array.from(form.querySelectorAll<HTMLElement>('[aria-describedby]')).filter((f) =>
        (f.getAttribute('aria-describedby') ?? '').split(/\s+/).includes(message.id),
      );
      if (fields.length === 0) problems.push(`no field names "${text}" (#${message.id})`);
      for (const f of fields) {
        if (f.getAttribute('aria-invalid') !== 'true') problems.push(`#${f.id} names "${text}" but is not invalid`);
      }
    }
    return problems;
  });
}

for (const { who, path, field, what } of FORMS) {
  test(`the errors of ${what} (${path}) are tied to their fields and announced`, async ({ page }) => {
    if (who) await loginAs(page, who);
    await page.goto(path);
    await waitForHydration(page);
    const form = `form:has(#${field})`;
    await page.locator(form).locator('button:not([type=button])').first().click();
    const messages = page.locator(form).locator('.field__error');
    await expect(messages.first()).toBeVisible();
    await expect(page.locator(form).locator('[role=alert]').first()).toBeVisible();
    expect(await untiedMessages(page, form)).toEqual([]);
    // The field under test is one of them, and its description reads the message.
    await expect(page.locator(`#${field}`)).toHaveAttribute('aria-invalid', 'true');
    const message = (await page.locator(`#${field}-error`).textContent())?.trim() ?? '';
    expect(message.length).toBeGreaterThan(0);
    await expect(page.locator(`#${field}`)).toHaveAccessibleDescription(new RegExp(message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    // The page the refused form came back to gives the focus to its first refused field, whose
    // label and message a screen reader then says.
    await expect(page.locator(form).locator('[aria-invalid=true]').first()).toBeFocused();
  });
}

test('a refused form comes back holding what was typed, but not the password', async ({ page }) => {
  await page.goto('/signup');
  await waitForHydration(page);
  await page.fill('#signup-email', 'someone-at-nowhere');
  await page.fill('#signup-name', 'Aïcha & "Co"');
  await page.fill('#signup-password', 'a-password-typed-once');
  await page.fill('#signup-org-name', 'Laboratoire <Kept>');
  await page.locator('form:has(#signup-email)').locator('button:not([type=button])').first().click();
  await expect(page.locator('#signup-email')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#signup-email')).toBeFocused();
  await expect(page.locator('#signup-email')).toHaveValue('someone-at-nowhere');
  await expect(page.locator('#signup-name')).toHaveValue('Aïcha & "Co"');
  await expect(page.locator('#signup-org-name')).toHaveValue('Laboratoire <Kept>');
  await expect(page.locator('#signup-password')).toHaveValue('');
});

test('the check finds a message no field names', async ({ page }) => {
  await page.goto('/signup');
  await waitForHydration(page);
  await page.locator('form:has(#signup-email)').evaluate((form) => {
    const p = document.createElement('p');
    p.className = 'field__error';
    p.id = 'stray-error';
    p.textContent = 'A message about nothing.';
    form.append(p);
  });
  expect(await untiedMessages(page, 'form:has(#signup-email)')).toEqual(['no field names "A message about nothing." (#stray-error)']);
});
