import { expect, test, type Locator, type Page } from '@playwright/test';

import { DEMO_PASSWORD, DEMO_USERS, signOutButton, waitForHydration } from './helpers';
import { day, shownDay, signedIn, submitRequest } from './flows';

// The keyboard alone: every flow a tenant and an admin do — sign in, ask for GPUs, endorse,
// approve in part, invite — is driven here with Tab, Shift+Tab, Enter, Space, the arrow keys and
// typed text only (no click, no fill on the flow's controls), and every element that takes the
// focus on the way shows a visible focus indicator. Setting a flow up (signing in a second person,
// asking for the GPUs an owner then endorses) may use the mouse: only the flow under test is
// keyboard-only. The DOM is read to learn where the focus is, never to act.

/** What the focused element is, in a few words: `input#login-email`, `a "Requests"`. */
async function describeFocus(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return '(body)';
    const tag = el.tagName.toLowerCase();
    const id = el.id ? `#${el.id}` : '';
    const type = el instanceof HTMLInputElement ? `[type=${el.type}]` : '';
    const name =
      el.getAttribute('aria-label') ??
      (el instanceof HTMLInputElement || el instanceof HTMLSelectElement || el instanceof HTMLTextAreaElement
        ? (el.labels?.[0]?.textContent ?? el.name)
        : el.textContent) ??
      '';
    const text = name.replace(/\s+/g, ' ').trim().slice(0, 40);
    return `${tag}${id}${type}${text ? ` "${text}"` : ''}`;
  });
}

/**
 * The focused element shows where the focus is: an outline (style not `none`, width above 0) or
 * a box shadow, and it has a size on the page (a focused element nobody can see is no indicator).
 */
async function expectVisibleFocus(page: Page): Promise<void> {
  const focus = await page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return { element: false } as const;
    // Past a date field's day, month and year, Tab stops on the calendar button inside it, a part
    // of Chromium's own control: the page sees the field as the active element, not matching
    // :focus, and cannot read that button's style, which Chromium rings itself (the screenshots
    // show it). Such a stop is taken as visible.
    if (el instanceof HTMLInputElement && el.type === 'date' && !el.matches(':focus')) {
      return { element: true, outline: 'the browser’s own ring on the calendar button', shadow: null, size: true } as const;
    }
    const style = getComputedStyle(el);
    const rect = el.getBoundingClientRect();
    return {
      element: true,
      outline:
        style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0
          ? `${style.outlineWidth} ${style.outlineStyle} ${style.outlineColor}`
          : null,
      shadow: style.boxShadow !== 'none' ? style.boxShadow : null,
      size: rect.width >= 1 && rect.height >= 1,
    } as const;
  });
  const what = await describeFocus(page);
  expect(focus.element, 'an element has the focus (not the page itself)').toBe(true);
  if (!focus.element) return;
  expect(focus.outline ?? focus.shadow, `${what} shows a focus outline or shadow`).not.toBeNull();
  expect(focus.size, `${what} has a size on the page`).toBe(true);
}

/** Whether `target` is the focused element. */
function isFocused(target: Locator): Promise<boolean> {
  return target.evaluate((el) => el === document.activeElement);
}

/**
 * Presses Tab until `target` has the focus, at most `max` times, checking at every stop that the
 * focus is visible. Fails naming the elements that got the focus on the way. A date field takes
 * four Tabs (its day, month and year, then its calendar button): the counts allow for it.
 */
async function tabTo(page: Page, target: Locator, max = 80): Promise<void> {
  await expect(target, 'the element to tab to is on the page').toBeVisible();
  const seen: string[] = [];
  for (let i = 0; i < max; i++) {
    if (await isFocused(target)) break;
    await page.keyboard.press('Tab');
    const now = await describeFocus(page);
    if (seen[seen.length - 1] !== now) seen.push(now);
    // Between the document's end and its start the page itself has the focus: nothing to see.
    if (now !== '(body)') await expectVisibleFocus(page);
  }
  if (!(await isFocused(target))) {
    throw new Error(`Tab ${max} times never reached ${target}; the focus went to:\n  ${seen.join('\n  ')}`);
  }
  await expectVisibleFocus(page);
}

/** The order of a date field's parts once learnt (`day month year`), for the next fields. */
let dateOrder: string | undefined;

/**
 * Types an ISO date into the focused date field, part by part, as a person does. The field
 * shows its parts in the browser's own order, which the page's language does not set (Chromium's
 * follows its interface language: mm/dd/yyyy here, though the pages are in en-GB), so the first
 * date field tries the page language's order, then the other orders with the year last; a wrong
 * guess is erased with Backspace and Shift+Tab, back through the parts. The value is checked.
 */
async function typeDate(page: Page, field: Locator, iso: string): Promise<void> {
  expect(await isFocused(field), `${field} has the focus`).toBe(true);
  const language = await page.evaluate(() =>
    new Intl.DateTimeFormat(navigator.language, { year: 'numeric', month: '2-digit', day: '2-digit' })
      .formatToParts(new Date(2000, 10, 22))
      .filter((p) => p.type !== 'literal')
      .map((p) => p.type)
      .join(' '),
  );
  const orders = [...new Set([dateOrder ?? language, language, 'day month year', 'month day year'])];
  const [year, month, dayOfMonth] = iso.split('-');
  const parts: Record<string, string> = { year, month, day: dayOfMonth };
  for (const [n, order] of orders.entries()) {
    for (const part of order.split(' ')) await page.keyboard.type(parts[part]);
    if ((await field.inputValue()) === iso) {
      dateOrder = order;
      break;
    }
    if (n === orders.length - 1) break;
    // Erase the three parts, from the last (where the focus is) back to the first.
    for (let i = 0; i < 3; i++) {
      if (i > 0) await page.keyboard.press('Shift+Tab');
      await page.keyboard.press('Backspace');
    }
    expect(await isFocused(field), 'erasing stays in the date field').toBe(true);
    await expect(field).toHaveValue('');
  }
  await expect(field).toHaveValue(iso);
}

/**
 * Moves a closed select's choice with the arrow keys until its value is `value` (at most `max`
 * presses down), as a keyboard user does without opening the list.
 */
async function arrowToOption(page: Page, select: Locator, value: string, max = 10): Promise<void> {
  expect(await isFocused(select), `${select} has the focus`).toBe(true);
  for (let i = 0; i < max && (await select.inputValue()) !== value; i++) {
    await page.keyboard.press('ArrowDown');
  }
  await expect(select).toHaveValue(value);
  await expectVisibleFocus(page);
}

test.describe('keyboard only, with visible focus', () => {
  test('a visitor signs in with the keyboard', async ({ page }) => {
    await page.goto('/login');
    await waitForHydration(page);
    const email = page.getByLabel('E-mail address');
    const password = page.getByLabel('Password', { exact: true });

    await tabTo(page, email);
    await page.keyboard.type(DEMO_USERS.hugo);
    await page.keyboard.press('Tab');
    expect(await isFocused(password), 'Tab goes from the e-mail to the password').toBe(true);
    await expectVisibleFocus(page);
    await page.keyboard.type(DEMO_PASSWORD);
    // The "Show" button beside the password is on the way, and shows its focus too.
    await tabTo(page, page.getByRole('button', { name: 'Sign in', exact: true }), 5);
    await page.keyboard.press('Enter');

    await expect(signOutButton(page)).toBeVisible();
    await waitForHydration(page);
    // Signed in: the header's "Sign out" is reachable with the keyboard, and shows its focus.
    await tabTo(page, signOutButton(page));
  });

  test('a member asks for GPUs with the keyboard', async ({ browser }, testInfo) => {
    const hugo = await signedIn(browser, testInfo, DEMO_USERS.hugo);
    const title = `E2E keyboard ask ${Date.now().toString(36)}`;
    await hugo.goto('/requests/new');
    await waitForHydration(hugo);

    // Someone in several projects chooses one: the arrow keys move the closed select's choice.
    const project = hugo.getByLabel('Project', { exact: true });
    await tabTo(hugo, project);
    if ((await project.inputValue()) === '') {
      await hugo.keyboard.press('ArrowDown');
      await expect(project).not.toHaveValue('');
    }
    await tabTo(hugo, hugo.getByLabel('Title of the work'), 3);
    await hugo.keyboard.type(title);
    await tabTo(hugo, hugo.getByLabel('Justification'), 3);
    await hugo.keyboard.type('Training a model on public data for the campus research groups.');
    // Sector (research), classification (public) and model (H100) start at the values wanted:
    // the Tabs go through them, and each shows its focus.
    const gpus = hugo.getByLabel('Number of GPUs');
    await tabTo(hugo, gpus, 6);
    await expect(hugo.getByLabel('Sector')).toHaveValue('research');
    await expect(hugo.getByLabel('Data classification')).toHaveValue('public');
    await expect(hugo.getByLabel('GPU model')).toHaveValue('H100');
    await hugo.keyboard.type('8');
    const start = hugo.getByLabel('First day', { exact: true });
    await tabTo(hugo, start, 3);
    await typeDate(hugo, start, day(170));
    const end = hugo.getByLabel('End (first day no longer needed)', { exact: true });
    await tabTo(hugo, end, 6);
    await typeDate(hugo, end, day(180));
    await tabTo(hugo, hugo.getByLabel('Expected GPU-hours (optional)'), 6);

    // The sites are checked again for the window typed: wait for Dugny's verdict before going on.
    const dugnyRadio = hugo.getByRole('radio', { name: 'Dugny' });
    const dugny = hugo.locator('.site-option').filter({ has: dugnyRadio });
    await expect(dugny.getByText('Eligible', { exact: true })).toBeVisible();
    await expect(dugny).toContainText(/\d+ of 256 free over the whole window/);

    // Tab enters the group of sites on its first usable radio; the arrow keys move among them
    // (checking each one), Space checks the one focused.
    await tabTo(hugo, hugo.locator('input[name="site"]:not([disabled])').first(), 3);
    for (let i = 0; i < 20 && !(await isFocused(dugnyRadio)); i++) {
      await hugo.keyboard.press('ArrowDown');
      await expectVisibleFocus(hugo);
    }
    expect(await isFocused(dugnyRadio), 'the arrow keys reach Dugny').toBe(true);
    await hugo.keyboard.press('Space');
    await expect(dugnyRadio).toBeChecked();

    await tabTo(hugo, hugo.getByRole('button', { name: 'Submit for review' }), 5);
    await hugo.keyboard.press('Enter');
    await hugo.waitForURL(/\/requests\/\d+$/);
    await expect(hugo.getByRole('heading', { level: 1 })).toContainText(title);
    await expect(hugo.getByText('Submitted', { exact: true }).first()).toBeVisible();
    const facts = hugo.locator('dl.facts');
    await expect(facts).toContainText('8 H100');
    await expect(facts).toContainText('Dugny');
    await expect(facts).toContainText(shownDay(170));
  });

  test('an owner endorses a request with the keyboard', async ({ browser }, testInfo) => {
    // Set-up (the mouse may do it): Hugo asks for GPUs.
    const hugo = await signedIn(browser, testInfo, DEMO_USERS.hugo);
    const title = `E2E keyboard endorse ${Date.now().toString(36)}`;
    const id = await submitRequest(hugo, { title, gpus: 4, start: 185, end: 195 });

    const camille = await signedIn(browser, testInfo, DEMO_USERS.camille);
    await camille.goto(`/requests/${id}`);
    await waitForHydration(camille);
    await expect(camille.getByText('Submitted', { exact: true }).first()).toBeVisible();
    await tabTo(camille, camille.getByLabel('Note (optional)'));
    await camille.keyboard.type('Fits our plan, endorsed from the keyboard.');
    await tabTo(camille, camille.getByRole('button', { name: 'Endorse' }), 3);
    await camille.keyboard.press('Enter');

    await expect(camille.getByText('Endorsed', { exact: true }).first()).toBeVisible();
    await expect(camille.getByRole('list', { name: 'Timeline' })).toContainText(
      'Fits our plan, endorsed from the keyboard.',
    );
  });

  test('an admin approves a request in part with the keyboard', async ({ browser }, testInfo) => {
    // Set-up: the owner's submissions endorse themselves.
    const camille = await signedIn(browser, testInfo, DEMO_USERS.camille);
    const title = `E2E keyboard in part ${Date.now().toString(36)}`;
    const id = await submitRequest(camille, { title, gpus: 6, start: 200, end: 215 });

    const admin = await signedIn(browser, testInfo, DEMO_USERS.admin);
    await admin.goto(`/requests/${id}`);
    await waitForHydration(admin);
    await expect(admin.getByText('Endorsed', { exact: true }).first()).toBeVisible();
    const decision = admin.getByLabel('Decision', { exact: true });
    const granted = admin.getByLabel('GPUs granted');
    await tabTo(admin, decision);
    // "Approve in part" is the choice after "Approve": the partial fields appear only then.
    await expect(granted).toBeHidden();
    await arrowToOption(admin, decision, 'partially_approve');
    await expect(granted).toBeVisible();
    await tabTo(admin, granted, 2);
    await admin.keyboard.type('2');
    // The first day granted stays the one asked; the end comes earlier.
    const end = admin.getByLabel('End granted, exclusive');
    await tabTo(admin, end, 8);
    await typeDate(admin, end, day(210));
    await tabTo(admin, admin.getByLabel('Reason, or your question when sending back'), 5);
    await admin.keyboard.type('Two now, for ten days; ask again in spring.');
    await tabTo(admin, admin.getByRole('button', { name: 'Record the decision' }), 2);
    await admin.keyboard.press('Enter');

    await expect(admin.getByText('Partially approved', { exact: true }).first()).toBeVisible();
    const facts = admin.locator('dl.facts');
    await expect(facts).toContainText('2 GPUs');
    await expect(facts).toContainText(shownDay(209));
    await expect(admin.getByText('Two now, for ten days; ask again in spring.').first()).toBeVisible();
  });

  test('an owner invites someone with the keyboard', async ({ browser }, testInfo) => {
    const camille = await signedIn(browser, testInfo, DEMO_USERS.camille);
    const email = `keyboard-${Date.now().toString(36)}@univ-palaiseau.test`;
    await camille.goto('/organisation');
    await waitForHydration(camille);

    await tabTo(camille, camille.getByLabel('E-mail address'));
    await camille.keyboard.type(email);
    const role = camille.getByLabel('Role', { exact: true });
    await tabTo(camille, role, 2);
    await arrowToOption(camille, role, 'auditor');
    await tabTo(camille, camille.getByRole('button', { name: 'Send invitation' }), 2);
    await camille.keyboard.press('Enter');

    const sent = camille.locator('.form__ok');
    await expect(sent).toContainText(email);
    await expect(camille.getByRole('row').filter({ hasText: email })).toContainText('Auditor');
    // The invitation's link, to pass on, is reachable with the keyboard too.
    await tabTo(camille, sent.getByRole('link'), 80);
  });
});
