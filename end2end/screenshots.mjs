// Screenshots of pages as a person sees them, for looking at the UI (not a test).
//
//   node end2end/screenshots.mjs EMAIL|- WIDTH TAG PATH...
//   node end2end/screenshots.mjs --all [WIDTH...]      (default widths: 1280 390)
//   node end2end/screenshots.mjs --role ROLE [WIDTH...]
//
// The first form signs in as EMAIL (the demo password, or GUICHET_SHOT_PASSWORD; `-` stays
// anonymous), opens each PATH at WIDTH pixels and writes /tmp/shot-TAG-PATH.png (whole page).
// `--all` walks every page of every role listed in end2end/pages.json (visitor, member, owner,
// auditor, admin) at each width, writing /tmp/shot-ROLE-WIDTH-PATH.png; `--role` walks one role.
// Prints failed responses, console errors, and pages wider than the window (a phone must never
// scroll sideways). The portal must be running: GUICHET_SHOT_BASE (default http://127.0.0.1:3000).
// The language is the browser's: GUICHET_SHOT_LANG (default fr; `en` for English), also in the
// file names (/tmp/shot-fr-ROLE-WIDTH-PATH.png). A person with two-step sign-in (the platform
// admin: start the portal with GUICHET_DEMO_ADMIN_TOTP) gives the code of GUICHET_SHOT_TOTP, the
// same base32 secret.
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright';

const base = process.env.GUICHET_SHOT_BASE ?? 'http://127.0.0.1:3000';
const password = process.env.GUICHET_SHOT_PASSWORD ?? 'campus-demo-2026';
const lang = process.env.GUICHET_SHOT_LANG ?? 'fr';
const { roles } = JSON.parse(readFileSync(new URL('./pages.json', import.meta.url), 'utf8'));

const args = process.argv.slice(2);
let walks; // [{ who, width, tag, paths }]
if (args[0] === '--all' || args[0] === '--role') {
  const chosen = args[0] === '--all' ? Object.keys(roles) : [args[1]];
  const widths = (args[0] === '--all' ? args.slice(1) : args.slice(2)).map(Number);
  for (const role of chosen) {
    if (!roles[role]) {
      console.error(`no role ${role}; roles: ${Object.keys(roles).join(', ')}`);
      process.exit(2);
    }
  }
  walks = chosen.flatMap((role) =>
    (widths.length ? widths : [1280, 390]).map((width) => ({
      who: roles[role].email ?? '-',
      width,
      tag: `${role}-${width}`,
      paths: roles[role].paths,
    })),
  );
} else {
  const [who, width, tag, ...paths] = args;
  if (!who || !width || !tag || paths.length === 0) {
    console.error('usage: node end2end/screenshots.mjs EMAIL|- WIDTH TAG PATH...');
    console.error('       node end2end/screenshots.mjs --all [WIDTH...] | --role ROLE [WIDTH...]');
    process.exit(2);
  }
  walks = [{ who, width: Number(width), tag, paths }];
}

// An authenticator app's code (RFC 6238) for `secret` at 30-second `step`.
function totpCode(secret, step) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bits = [...secret.replace(/[\s=]/g, '').toUpperCase()]
    .map((c) => alphabet.indexOf(c).toString(2).padStart(5, '0'))
    .join('');
  const key = Buffer.from((bits.match(/.{8}/g) ?? []).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', key).update(counter).digest();
  const value = mac.readUInt32BE(mac[mac.length - 1] & 0x0f) & 0x7fffffff;
  return (value % 1_000_000).toString().padStart(6, '0');
}
// The portal takes each step once, and one step ahead of its clock: the next unused one.
let lastStep = 0;
async function nextCode(secret) {
  for (;;) {
    const now = Math.floor(Date.now() / 30_000);
    if (lastStep < now + 1) {
      lastStep = Math.max(lastStep + 1, now);
      return totpCode(secret, lastStep);
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' });
for (const { who, width, tag, paths } of walks) {
  const context = await browser.newContext({ viewport: { width, height: 900 }, locale: lang === 'en' ? 'en-GB' : 'fr-FR' });
  const page = await context.newPage();
  page.on('response', (r) => { if (r.status() >= 400) console.log(`[${tag}] HTTP`, r.status(), r.url()); });
  page.on('console', (m) => { if (m.type() === 'error') console.log(`[${tag}] console error:`, m.text()); });
  if (who !== '-') {
    await page.goto(`${base}/login`);
    await page.fill('input[name=email]', who);
    await page.fill('input[name=password]', password);
    await Promise.all([page.waitForNavigation(), page.click('main form button[type=submit]')]);
    if (new URL(page.url()).pathname === '/login/code') {
      const secret = process.env.GUICHET_SHOT_TOTP;
      if (!secret) throw new Error(`${who} has two-step sign-in: set GUICHET_SHOT_TOTP`);
      await page.fill('input[name=code]', await nextCode(secret));
      await Promise.all([page.waitForNavigation(), page.click('main form button[type=submit]')]);
    }
  }
  for (const path of paths) {
    await page.goto(base + path);
    await page.waitForTimeout(400);
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    if (wide > width) console.log(`[${tag}] ${path} is ${wide} px wide on a ${width} px window`);
    const file = `/tmp/shot-${lang}-${tag}-${path.replace(/[^a-z0-9]+/gi, '_')}.png`;
    await page.screenshot({ path: file, fullPage: true });
    console.log(file);
  }
  await context.close();
}
await browser.close();
