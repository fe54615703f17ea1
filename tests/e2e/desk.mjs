// The staff desk in Debian's Chromium (playwright-core), keyboard only:
// sign in, the case list (in German, then English), find a case by its
// reference, open it (a decoded preview per series), take study 1 over
// (through the confirmation of a name unlike the images'), keep study 2
// as consult, close the case (through its confirmation), the idle
// warning and "stay signed in", sign out.
// axe-core finds nothing on each page (every rule, every impact), and at
// 320 px no page scrolls sideways.
//
// Environment: DESK_URL, NAME, PASSWORD, REFERENCE (a case sent before),
// IDLE_SECS and WARN_SECS (the server's), ARTIFACTS (screenshots on
// failure), SCREENSHOTS (optional: a folder for a picture of each page). Prints one JSON line with what it saw.
import { chromium } from 'playwright-core';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';

import { env, expect, failed, chromiumPath as executablePath, chromiumArgs as args } from './common.mjs';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const desk = env('DESK_URL');
const name = env('NAME');
const password = env('PASSWORD');
const reference = env('REFERENCE');
const idleSecs = Number(env('IDLE_SECS'));
const warnSecs = Number(env('WARN_SECS'));
const artifacts = process.env.ARTIFACTS || '/tmp';

const log = [];
const report = { pages: [] };
let browser;
let page;

// Every axe finding fails, whatever its impact. Injected through the
// driver: the desk's CSP refuses inline script.
async function axe(what) {
  await page.evaluate(axeSource);
  const found = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
  expect(found.length === 0, `no axe findings on ${what}: ${found.join('; ')}`);
  report.pages.push(what);
  // Pictures of each page for the staff guide, when asked for.
  if (process.env.SCREENSHOTS) {
    await page.screenshot({ path: `${process.env.SCREENSHOTS}/desk-${report.pages.length}.png`, fullPage: true });
  }
}

async function h1(text) {
  log.push(`[page] ${text}`);
  await page.getByRole('heading', { level: 1, name: text }).waitFor({ timeout: 15_000 });
}

// Presses Tab until `test(activeElement)` holds (at most 40 times).
async function tabTo(what, test, arg) {
  for (let i = 0; i < 40; i += 1) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(test, arg)) {
      // Focus is visible: an outline or a shadow.
      const visible = await page.evaluate(() => {
        const s = getComputedStyle(document.activeElement);
        return (s.outlineStyle !== 'none' && s.outlineWidth !== '0px') || s.boxShadow !== 'none';
      });
      expect(visible, `focus is visible on ${what}`);
      return;
    }
  }
  throw new Error(`Tab never reached ${what}`);
}

// Neither the document nor its body is wider than the window.
async function noSidewaysScrolling(what) {
  const [scroll, width] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  expect(scroll <= width, `${what} at ${width} px does not scroll sideways (content ${scroll} px)`);
}

async function main() {
  browser = await chromium.launch({ executablePath, args });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.on('console', (m) => log.push(`[console] ${m.text()}`));
  await page.clock.install();
  try {
    // Signed out, the desk sends to its sign-in page.
    await page.goto(`${desk}/cases`);
    await h1('Anmelden');
    await axe('sign-in (de)');
    // The skip link is the first stop.
    await tabTo('the skip link', () => document.activeElement?.classList.contains('skip'));
    await tabTo('the name field', () => document.activeElement?.id === 'name');
    await page.keyboard.type(name);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id === 'password'), 'Tab moves to the password');
    await page.keyboard.type(password);
    await page.keyboard.press('Enter');

    await h1('Fälle');
    expect((await page.locator('table.cases').innerText()).includes(reference), `the list shows ${reference}`);
    await axe('cases (de)');

    // English, through the language switch.
    await tabTo('the language switch', () => document.activeElement?.getAttribute('hreflang') === 'en');
    await page.keyboard.press('Enter');
    await h1('Cases');
    await axe('cases (en)');

    // Found by its reference, typed the way staff do.
    await tabTo('the reference field', () => document.activeElement?.id === 'reference');
    await page.keyboard.type(reference.toLowerCase().replaceAll('-', ''));
    await page.keyboard.press('Enter');
    await page.waitForURL(/reference=/);
    await h1('Cases');
    const rows = await page.locator('table.cases tbody tr').count();
    expect(rows === 1, `one case found by its reference (${rows})`);
    await axe('cases found by reference (en)');

    // The case itself.
    await tabTo(`the link to ${reference}`, (r) => document.activeElement?.textContent === r, reference);
    await page.keyboard.press('Enter');
    await h1(`Case ${reference}`);
    await axe('a case (en)');

    // One preview per series, decoded by the browser.
    await page.waitForFunction(() => [...document.querySelectorAll('figure.preview img')].every((i) => i.complete));
    const widths = await page.evaluate(() => [...document.querySelectorAll('figure.preview img')].map((i) => i.naturalWidth));
    expect(widths.length === 2 && widths.every((w) => w > 0), `two decoded previews (${widths})`);

    // 320 px wide (as 400 % zoom of 1280): no sideways scrolling.
    await page.setViewportSize({ width: 320, height: 640 });
    await noSidewaysScrolling('a case');
    await axe('a case at 320 px');
    await page.setViewportSize({ width: 1280, height: 900 });

    // Study 1 taken over under the hospital's ID and another name: the
    // desk names the difference before anything is sent.
    await page.locator('main').focus();
    await tabTo("study 1's patient ID", () => document.activeElement?.id === 'patient_id-0');
    await page.keyboard.type('H-0042');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id === 'family-0'), 'Tab moves to the family name');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('Muster');
    await page.keyboard.press('Enter');
    await h1('Confirm the difference');
    expect((await page.locator('main table').innerText()).includes('Muster'), 'the difference is named');
    await axe('take-over confirmation (en)');
    await tabTo('the confirmation', () => document.activeElement?.textContent === 'Yes, take over under my details');
    await page.keyboard.press('Enter');
    await h1(`Case ${reference}`);
    expect((await page.locator('[role=status]').innerText()).includes('Taken over'), 'the take-over is confirmed');
    await axe('a case after take-over (en)');

    // Study 2 kept as consult.
    await page.locator('main').focus();
    await tabTo('keep study 2 as consult', () => document.activeElement?.textContent === 'Keep study 2 as consult');
    await page.keyboard.press('Enter');
    await h1(`Case ${reference}`);
    expect((await page.locator('[role=status]').innerText()).includes('Kept as consult'), 'the consult is confirmed');

    // Closed, after its confirmation.
    await page.locator('main').focus();
    await tabTo('close the case', () => document.activeElement?.textContent === 'Close the case …');
    await page.keyboard.press('Enter');
    await h1('Close the case?');
    await axe('close confirmation (en)');
    await tabTo('the confirmation', () => document.activeElement?.textContent === 'Yes, close and delete the case');
    await page.keyboard.press('Enter');
    await h1('Cases');
    expect((await page.locator('.note[role=status]').innerText()).includes(`Case ${reference} is closed`), 'the close is confirmed');
    await axe('cases after closing (en)');

    await page.setViewportSize({ width: 320, height: 640 });
    await page.goto(`${desk}/cases`);
    await h1('Cases');
    await noSidewaysScrolling('the case list');
    await axe('cases at 320 px');

    // Idle: the warning shows before the end, takes focus, and one key
    // press keeps the session.
    await page.clock.fastForward((idleSecs - warnSecs + 1) * 1000);
    const warning = page.locator('#idle-warning');
    await warning.waitFor({ state: 'visible', timeout: 5_000 });
    expect(await page.evaluate(() => document.activeElement?.closest('#idle-warning') !== null),
      'the idle warning takes focus');
    await axe('the idle warning');
    await page.keyboard.press('Enter');
    await h1('Cases');
    expect(!(await warning.isVisible()), 'the warning is gone after "stay signed in"');

    // Sign out.
    await page.setViewportSize({ width: 1280, height: 900 });
    await tabTo('sign out', () => document.activeElement?.textContent === 'Sign out');
    await page.keyboard.press('Enter');
    await h1('Sign in');
    await noSidewaysScrolling('sign-in');
    await axe('sign-in after sign-out (en)');
    await page.goto(`${desk}/cases`);
    await h1('Sign in');
  } catch (e) {
    await failed(e, { browser, page, log, screenshot: `${artifacts}/desk-failure.png` });
  }
  await browser.close();
  console.log(JSON.stringify(report));
}

main().catch((e) => {
  console.error(e);
  process.exit(2);
});
