// Screenshots of pages as a person sees them, for looking at the UI (not a test).
//
//   node end2end/screenshots.mjs EMAIL|- WIDTH TAG PATH...
//
// Signs in as EMAIL (the demo password, or GUICHET_SHOT_PASSWORD; `-` stays anonymous), opens each
// PATH at WIDTH pixels and writes /tmp/shot-TAG-PATH.png (whole page). Prints failed responses and
// console errors. The portal must be running: GUICHET_SHOT_BASE (default http://127.0.0.1:3000).
import { chromium } from 'playwright';

const base = process.env.GUICHET_SHOT_BASE ?? 'http://127.0.0.1:3000';
const password = process.env.GUICHET_SHOT_PASSWORD ?? 'campus-demo-2026';
const [who, width, tag, ...paths] = process.argv.slice(2);
if (!who || !width || !tag || paths.length === 0) {
  console.error('usage: node end2end/screenshots.mjs EMAIL|- WIDTH TAG PATH...');
  process.exit(2);
}

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' });
const context = await browser.newContext({ viewport: { width: Number(width), height: 900 } });
const page = await context.newPage();
page.on('response', (r) => { if (r.status() >= 400) console.log('HTTP', r.status(), r.url()); });
page.on('console', (m) => { if (m.type() === 'error') console.log('console error:', m.text()); });
if (who !== '-') {
  await page.goto(`${base}/login`);
  await page.fill('input[name=email]', who);
  await page.fill('input[name=password]', password);
  await Promise.all([page.waitForNavigation(), page.click('form button[type=submit]')]);
}
for (const path of paths) {
  await page.goto(base + path);
  await page.waitForTimeout(400);
  const file = `/tmp/shot-${tag}-${path.replace(/[^a-z0-9]+/gi, '_')}.png`;
  await page.screenshot({ path: file, fullPage: true });
  console.log(file);
}
await browser.close();
