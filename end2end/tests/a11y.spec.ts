import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

import { signInByRequest, waitForHydration } from './helpers';

// The accessibility check: axe-core (WCAG 2.1 A and AA rules, the ones the RGAA builds on) on
// every page each role can open (end2end/pages.json), signed out and as each role, in French and
// in English, at a desktop and a phone width. A serious or critical violation fails the test;
// the figures (pages × states × languages checked, violations found) are printed.

// The walks only read pages: they share the two workers with each other and with the other
// specs (run one after another, in one worker, they were the whole stage's length: 19.5 min).
// One test per role walks both languages in turn: two walks as the same person at once once saw
// a page in the other walk's language (seen twice in one run, not understood yet).
test.describe.configure({ mode: 'parallel' });

type Roles = Record<string, { email: string | null; paths: string[] }>;
const { roles } = JSON.parse(readFileSync(resolve(__dirname, '../pages.json'), 'utf8')) as { roles: Roles };

const WIDTHS = [
  { width: 1280, height: 900 },
  { width: 390, height: 844 },
];
const LANGUAGES = [
  { code: 'fr', locale: 'fr-FR' },
  { code: 'en', locale: 'en-GB' },
] as const;
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** A page in `lang`, signed in as `email` (through the sign-in server function, as the form does). */
async function openAs(browser: Browser, baseURL: string, email: string | null, locale: string) {
  // The browser's language, as a person's browser has it: its `Accept-Language` and `navigator.languages`.
  const context = await browser.newContext({ baseURL, locale });
  if (email) await signInByRequest(context.request, email, baseURL);
  return { context, page: await context.newPage() };
}

/** axe's serious and critical findings on the page as it is now, one line each. */
async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(TAGS).options({ resultTypes: ['violations'] }).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) =>
      v.nodes.slice(0, 3).map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')} — ${n.failureSummary?.split('\n')[1]?.trim() ?? v.help}`),
    );
}

for (const [role, { email, paths }] of Object.entries(roles)) {
  test(`axe: ${role}'s pages in French and English at 1280 and 390 px have no serious violation`, async ({ browser, baseURL }) => {
    // About 5 s a page (two axe runs) on a quiet machine; three times that under load.
    test.setTimeout(30_000 + LANGUAGES.length * paths.length * 15_000);
    for (const lang of LANGUAGES) {
      const { context, page } = await openAs(browser, baseURL!, email, lang.locale);
      const problems: string[] = [];
      let checked = 0;
      for (const path of paths) {
        await page.setViewportSize(WIDTHS[0]);
        await page.goto(path);
        await waitForHydration(page);
        await expect(page.locator('html'), `the language of ${path}`).toHaveAttribute('lang', lang.code);
        for (const size of WIDTHS) {
          await page.setViewportSize(size);
          for (const p of await seriousViolations(page)) problems.push(`${path} at ${size.width} px: ${p}`);
          checked += 1;
        }
      }
      console.log(`axe ${role} ${lang.code}: ${paths.length} pages × ${WIDTHS.length} widths = ${checked} checks, ${problems.length} serious or critical findings`);
      await context.close();
      expect(problems, `${role}'s pages in ${lang.code}`).toEqual([]);
    }
  });
}

test('axe catches an image without a text alternative and an unlabelled field', async ({ browser, baseURL }) => {
  const { context, page } = await openAs(browser, baseURL!, null, 'fr-FR');
  await page.goto('/login');
  await waitForHydration(page);
  expect(await seriousViolations(page)).toEqual([]);
  await page.evaluate(() => {
    document.querySelector('label[for="login-email"]')?.remove();
    const img = document.createElement('img');
    img.src = '/favicon.svg';
    document.querySelector('main')?.append(img);
  });
  const found = (await seriousViolations(page)).join('\n');
  expect(found).toContain('label');
  expect(found).toContain('image-alt');
  await context.close();
});
