import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

import { loginAs, signInByRequest } from './helpers';

// The layout check: on every page each role can open (end2end/pages.json, the list the
// screenshot walk uses too), a list's header cells sit over their body cells on a desktop, and
// nothing is wider than a 390 px phone: neither the page nor a table's box (a table that scrolls
// sideways hides its last columns, action buttons included). A region that is meant to slide
// sideways says so with `data-scroll="x"` (the capacity heat map and charts).

type Roles = Record<string, { email: string | null; paths: string[] }>;
const { roles } = JSON.parse(readFileSync(resolve(__dirname, '../pages.json'), 'utf8')) as { roles: Roles };

const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };

/** Every header cell whose column's body cells start or end elsewhere, as sentences. */
async function misalignedHeaders(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const columns = (row: HTMLTableRowElement) => {
      const out: { col: number; span: number; left: number; right: number; text: string }[] = [];
      let col = 0;
      for (const cell of Array.from(row.cells)) {
        const r = cell.getBoundingClientRect();
        out.push({ col, span: cell.colSpan, left: r.left, right: r.right, text: (cell.textContent ?? '').trim().slice(0, 30) });
        col += cell.colSpan;
      }
      return out;
    };
    document.querySelectorAll('table').forEach((table, t) => {
      if (!table.tHead || table.getClientRects().length === 0) return;
      const head = table.tHead.rows[table.tHead.rows.length - 1];
      if (!head || head.getBoundingClientRect().height === 0) return;
      const heads = columns(head);
      for (const body of Array.from(table.tBodies)) {
        for (const row of Array.from(body.rows).slice(0, 5)) {
          for (const cell of columns(row)) {
            const h = heads.find((x) => x.col === cell.col && x.span === cell.span);
            if (!h) continue;
            if (Math.abs(h.left - cell.left) > 1 || Math.abs(h.right - cell.right) > 1) {
              problems.push(
                `table ${t + 1}: header "${h.text}" spans ${Math.round(h.left)}–${Math.round(h.right)} px, ` +
                  `its cell "${cell.text}" ${Math.round(cell.left)}–${Math.round(cell.right)} px`,
              );
            }
          }
        }
      }
    });
    return problems;
  });
}

/** What is wider than the window: the page, or a table's box that does not fit. */
async function tooWide(page: Page, width: number): Promise<string[]> {
  return page.evaluate((width) => {
    const problems: string[] = [];
    const page = document.documentElement.scrollWidth;
    if (page > width) problems.push(`the page is ${page} px wide`);
    document.querySelectorAll<HTMLElement>('.table-wrap, table').forEach((box) => {
      if (box.closest('[data-scroll="x"]') || box.getClientRects().length === 0) return;
      if (box.scrollWidth > box.clientWidth + 1) {
        const caption = box.querySelector('caption, th')?.textContent?.trim().slice(0, 40) ?? '';
        problems.push(`a table ("${caption}") is ${box.scrollWidth} px wide in a ${box.clientWidth} px box`);
      }
    });
    return problems;
  }, width);
}

/** Signs in through the sign-in server function, as the form does (in either language). */
async function openAs(page: Page, email: string | null, baseURL: string) {
  if (!email) return;
  await signInByRequest(page.context().request, email, baseURL);
}

// Both languages: French words run longer, and a label that fits in English may not in French.
for (const locale of ['en-GB', 'fr-FR']) test.describe(locale, () => {
  test.use({ locale });
  for (const [role, { email, paths }] of Object.entries(roles)) {
  test(`${role}: headers over their columns at 1280 px, nothing wider than a 390 px phone`, async ({ page, baseURL }) => {
    test.setTimeout(30_000 + paths.length * 6_000);
    await page.setViewportSize(DESKTOP);
    await openAs(page, email, baseURL!);
    const problems: string[] = [];
    for (const path of paths) {
      await page.setViewportSize(DESKTOP);
      await page.goto(path);
      for (const p of await misalignedHeaders(page)) problems.push(`${path} at 1280 px: ${p}`);
      await page.setViewportSize(PHONE);
      await page.waitForTimeout(50);
      for (const p of await tooWide(page, PHONE.width)) problems.push(`${path} at 390 px: ${p}`);
    }
    expect(problems, `${role}'s pages`).toEqual([]);
  });
  }
});

test('the check catches a misaligned list and a page wider than a phone', async ({ page }) => {
  await loginAs(page, 'camille.roux@univ-palaiseau.test');
  await page.setViewportSize(DESKTOP);
  await page.goto('/requests');
  expect(await misalignedHeaders(page)).toEqual([]);
  // The defect that was: the list table laid out as a grid, its header row apart from the body.
  // (Through the CSSOM: the page's CSP refuses an added style sheet.)
  await page.evaluate(() =>
    document.querySelectorAll<HTMLElement>('table.stack').forEach((t) => t.style.setProperty('display', 'grid')),
  );
  expect((await misalignedHeaders(page)).length).toBeGreaterThan(0);

  await page.setViewportSize(PHONE);
  await page.goto('/account');
  expect(await tooWide(page, PHONE.width)).toEqual([]);
  await page.evaluate(() => document.querySelector<HTMLElement>('main')?.style.setProperty('min-width', '600px'));
  expect(await tooWide(page, PHONE.width)).toContainEqual(expect.stringContaining('the page is'));
});

test('a signed-out deep link shows the sign-in page, then the page asked for', async ({ page }) => {
  await page.goto('/requests?status=open');
  await expect(page).toHaveURL(/\/login\?next=\/requests%3Fstatus%3Dopen$/);
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'GPU requests and quotas' })).toHaveCount(0);
  await page.getByLabel('E-mail address').fill('hugo.martin@univ-palaiseau.test');
  await page.getByLabel('Password', { exact: true }).fill('campus-demo-2026');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page).toHaveURL(/\/requests\?status=open$/);
  await expect(page.getByRole('heading', { name: 'GPU requests and quotas' })).toBeVisible();
});
