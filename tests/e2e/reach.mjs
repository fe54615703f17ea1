// Reach, in Debian's Chromium (playwright-core): a whole upload of a large
// CD folder with the keyboard only — Tab, Shift+Tab, Space, Enter and
// typing — in Windows high-contrast mode (forced colours) with reduced
// motion asked for. Checks on the way:
// - after every step change focus is on the new step's heading; every
//   element Tab reaches is visible, not covered, and shows a focus outline;
// - every step reflows at 320 CSS px and at 200 % zoom of a 1280 px window
//   (640 CSS px) without horizontal scrolling; a screenshot of each step
//   at desktop width and at 320 px is written to ARTIFACTS/screens;
// - nothing animates; the error state (a folder without DICOM) passes
//   axe-core; the progress bar exposes its value; the live region speaks
//   milestones only while sending (at most six, ending with completion).
//
// Environment: MAILSLOT_URL, CD_DIR (a folder of many images), EMPTY_DIR
// (a folder with no DICOM file), PASSWORD, EXPECT_IMAGES, ARTIFACTS, and
// LANG_TAG (de, en, ar …: the walk finds headings and buttons by their
// message ids in frontend/locales/<lang>.ftl, so it runs in any language).
import { chromium } from 'playwright-core';
import { readFileSync, mkdirSync } from 'node:fs';

import { env, expect, failed, run, uploads, axe as axeOn, chromiumPath as executablePath, chromiumArgs } from './common.mjs';

const url = env('MAILSLOT_URL');
const cd = env('CD_DIR');
const emptyDir = env('EMPTY_DIR');
const password = env('PASSWORD');
const expectImages = Number(env('EXPECT_IMAGES'));
const artifacts = process.env.ARTIFACTS || '/tmp';
const screens = `${artifacts}/screens`;
const lang = process.env.LANG_TAG || 'en';

// The page's own words in `lang` (single-line messages; enough for the
// headings and buttons the walk looks for).
const messages = Object.fromEntries(
  readFileSync(new URL(`../../frontend/locales/${lang}.ftl`, import.meta.url), 'utf8')
    .split('\n')
    .map((l) => /^([a-z0-9-]+) = (.+)$/.exec(l))
    .filter(Boolean)
    .map((m) => [m[1], m[2].trim()]),
);
const msg = (id) => {
  const text = messages[id];
  if (!text) throw new Error(`no single-line message ${id} in ${lang}.ftl`);
  return text;
};
const args = [...chromiumArgs];
// SLOW_WASM: V8 without its optimizing tiers and WebAssembly on the
// baseline compiler only - the nearest Debian's Chromium comes to Edge's
// enhanced security mode (no JIT; it has no WebAssembly interpreter).
if (process.env.SLOW_WASM) {
  args.push('--js-flags=--no-opt --no-maglev --no-sparkplug --liftoff --no-wasm-tier-up');
}

const log = [];
const report = { lang, tabStops: 0, steps: [] };
let page;

const axe = (what) => axeOn(page, what);

// What has focus: its tag, id, type, name (label or text), and whether it
// is visible, uncovered and outlined.
async function focused() {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return { tag: 'BODY' };
    // The part of it inside the window (a tall scrollable region is
    // partly out of view, and that is fine): some of it must show.
    const r = el.getBoundingClientRect();
    const left = Math.max(r.left, 0);
    const right = Math.min(r.right, window.innerWidth);
    const topEdge = Math.max(r.top, 0);
    const bottom = Math.min(r.bottom, window.innerHeight);
    const inView = right - left >= 4 && bottom - topEdge >= 4;
    const top = document.elementFromPoint((left + right) / 2, (topEdge + bottom) / 2);
    const label = el.labels?.[0];
    const uncovered = !!top && (el.contains(top) || top.contains(el) || (label && label.contains(top)));
    const style = getComputedStyle(el);
    const outlined = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
    const name = (label?.textContent || el.getAttribute('aria-label') || el.textContent || '').trim();
    return { tag: el.tagName, id: el.id, type: el.type || '', name, inView, uncovered, outlined };
  });
}

// Presses Tab (or Shift+Tab) until `want` matches what has focus, checking
// every stop on the way.
async function tabTo(want, { back = false, max = 60 } = {}) {
  for (let i = 0; i < max; i += 1) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    const f = await focused();
    report.tabStops += 1;
    if (f.tag !== 'BODY') {
      const what = `${f.tag}#${f.id} "${f.name}"`;
      expect(f.inView, `the focused ${what} is in view`);
      expect(f.uncovered, `the focused ${what} is not covered`);
      expect(f.outlined, `the focused ${what} shows a focus outline in forced colours`);
    }
    if (want(f)) return f;
  }
  throw new Error(`expected: Tab reaches ${want}`);
}
const named = (text) => (f) => f.name === text;

// The new step: heading, focus on it, nothing animating, reflow at 320 px
// and 640 px (200 % of 1280), screenshots, axe-core.
async function step(text, { changed = true } = {}) {
  log.push(`[step] ${text}`);
  await page.getByRole('heading', { level: 1, name: text }).waitFor({ timeout: 60_000 });
  if (changed) {
    const on = await page.waitForFunction(() => document.activeElement?.id === 'step-heading', null, { timeout: 5_000 })
      .then(() => true, () => false);
    expect(on, `focus moves to the heading "${text}"`);
  }
  const animations = await page.evaluate(() => document.getAnimations().length);
  expect(animations === 0, `nothing animates on "${text}" with reduced motion (${animations})`);
  report.steps.push(text);
  await reflow(text);
  await axe(text);
}

async function reflow(text) {
  const slug = report.steps.length.toString().padStart(2, '0');
  await page.emulateMedia({ forcedColors: 'none' });
  await page.screenshot({ path: `${screens}/${lang}-${slug}-1280.png`, fullPage: true });
  for (const width of [320, 640]) {
    await page.setViewportSize({ width, height: 800 });
    const [over, wide] = await page.evaluate(() => {
      const d = document.documentElement;
      const wide = [...document.querySelectorAll('body *')]
        .filter((e) => e.getBoundingClientRect().right > d.clientWidth + 1)
        .slice(-4)
        .map((e) => `${e.tagName}.${e.className}#${e.id} "${(e.textContent || '').trim().slice(0, 30)}"`);
      return [d.scrollWidth - d.clientWidth, wide];
    });
    expect(over <= 0, `no horizontal scrolling on "${text}" at ${width} CSS px (${over} px too wide: ${wide.join('; ')})`);
    if (width === 320) await page.screenshot({ path: `${screens}/${lang}-${slug}-320.png`, fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.emulateMedia({ forcedColors: 'active' });
}

// Chooses `dir` with the keyboard: Tab to "Choose folder", Enter, answer
// the file chooser.
async function chooseFolder(dir) {
  const f = await tabTo(named(msg('choose-folder')));
  log.push(`[choose] ${JSON.stringify(f)}`);
  // Enter opens the chooser. Playwright's file-chooser event still goes
  // missing now and then for a page's second chooser in headless Chromium
  // (a minimal page shows Enter opening it, so not the page's doing): a
  // miss is counted and reported, and Space - the other key that presses
  // a button - tried, twice at most.
  let chooser = null;
  for (const key of ['Enter', 'Space', 'Space']) {
    [chooser] = await Promise.all([
      page.waitForEvent('filechooser', { timeout: 10_000 }).catch(() => null),
      page.keyboard.press(key),
    ]);
    if (chooser) break;
    report.chooserRetries = (report.chooserRetries || 0) + 1;
  }
  expect(chooser, 'the folder chooser opened from the keyboard');
  await chooser.setFiles(dir);
}

async function main() {
  const browser = await chromium.launch({ executablePath, args });
  mkdirSync(screens, { recursive: true });
  try {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      forcedColors: 'active',
      reducedMotion: 'reduce',
    });
    page = await context.newPage();
    page.on('console', (m) => log.push(`[console.${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => log.push(`[pageerror] ${e.message}`));
    await page.goto(`${url}/?lang=${lang}`);
    const root = await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir]);
    await step(msg('welcome-heading'), { changed: false });
    // Every main-thread task over 50 ms from here on (the scan runs in a
    // worker; handing it the files and drawing must stay short).
    await page.evaluate(() => {
      window.longest = 0;
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.longest = Math.max(window.longest, e.duration);
      }).observe({ type: 'longtask', buffered: false });
    });
    const [htmlLang, htmlDir] = await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir]);
    expect(htmlLang === lang, `<html lang="${lang}"> (${htmlLang}, at first ${root})`);
    expect(htmlDir === (lang === 'ar' ? 'rtl' : 'ltr'), `<html dir> for ${lang}: ${htmlDir}`);
    // Every change of the live region, with the step it happened on.
    await page.evaluate(() => {
      window.said = [];
      const live = document.querySelector('[aria-live]');
      new MutationObserver(() => {
        const text = live.textContent.trim();
        if (text) window.said.push([document.querySelector('h1')?.textContent.trim(), text]);
      }).observe(live, { childList: true, subtree: true, characterData: true });
    });

    // An error first: Continue without consent; the summary is visible.
    await tabTo(named(msg('continue')));
    await page.keyboard.press('Enter');
    await page.locator('#error-summary').waitFor();
    const border = await page.$eval('#error-summary', (e) => getComputedStyle(e).borderTopStyle);
    expect(border !== 'none', `the error summary keeps its border in forced colours (${border})`);
    await axe('consent error, forced colours');
    await tabTo((f) => f.id === 'consent-agree');
    await page.keyboard.press('Space');
    await tabTo((f) => f.id === 'consent-may-send');
    await page.keyboard.press('Space');
    const boxes = await page.$$eval('input[type=checkbox]', (els) => els.map((e) => {
      const r = e.getBoundingClientRect();
      return e.checked && r.width >= 16 && r.height >= 16;
    }));
    expect(boxes.length === 2 && boxes.every(Boolean), `both checkboxes ticked and visible: ${boxes}`);
    await tabTo(named(msg('continue')));
    await page.keyboard.press('Enter');

    await step(msg('password-heading'));
    await tabTo((f) => f.id === 'field-password');
    await page.keyboard.type(password);
    await page.keyboard.press('Enter');

    await step(msg('choose-heading'));
    // A folder with nothing DICOM in it: explained, and accessible.
    await chooseFolder(emptyDir);
    await step(msg('check-heading'));
    const none = await page.getByText(msg('check-none-found')).isVisible();
    expect(none, 'a folder without DICOM is explained');
    await tabTo(named(msg('check-add-more')));
    await page.keyboard.press('Enter');

    await step(msg('choose-heading'));
    await chooseFolder(cd);
    await step(msg('check-heading'));
    const total = await page.locator('.selected-total').textContent();
    expect(total.includes(`${expectImages}`), `"${total}" counts ${expectImages} images`);
    await tabTo(named(msg('continue')));
    await page.keyboard.press('Enter');

    await step(msg('about-heading'));
    await tabTo((f) => f.id === 'field-name');
    await page.keyboard.type('Erika Mustermann');
    await tabTo((f) => f.id === 'field-phone');
    await page.keyboard.type('+49 30 555 0100');
    // Tab enters a radio group at its first choice (the arrow keys would
    // move within it); Space picks it.
    await tabTo((f) => f.type === 'radio' && f.id.startsWith('role-'));
    await page.keyboard.press('Space');
    await tabTo((f) => f.type === 'radio' && f.id.startsWith('purpose-'));
    await page.keyboard.press('Space');
    await tabTo((f) => f.id === 'field-request');
    await page.keyboard.type('Keyboard only, high contrast.');
    // The server's verdict on the first file is turned into a refusal (as
    // if the server's rules had found what the page's did not): the page
    // lists it, and that state is checked with axe-core.
    // Later requests wait until that state has been checked (a small CD
    // would otherwise be done before anyone looked).
    let refused = false;
    let release;
    const gate = new Promise((resolve) => { release = resolve; });
    // A small file's bytes go with its upload's creation (`POST
    // /api/uploads`), a larger one's rest in `PATCH /api/uploads/<id>`.
    await page.route(uploads, async (route) => {
      const method = route.request().method();
      if (method !== 'PATCH' && method !== 'POST') return route.continue();
      if (refused) await gate;
      const response = await route.fetch();
      const headers = response.headers();
      // A request the page gave up meanwhile (it was paused while this one
      // waited at the gate) was handled by Playwright already: fulfilling
      // it again throws "Route is already handled!" and would end the run.
      const fulfill = (options) => route.fulfill(options).catch((e) => {
        if (!String(e).includes('already handled')) throw e;
      });
      if (!refused && headers['mailslot-verdict'] === 'accepted') {
        refused = true;
        return fulfill({ response, headers: { ...headers, 'mailslot-verdict': 'rejected', 'mailslot-reason': 'truncated' } });
      }
      return fulfill({ response });
    });
    await tabTo(named(msg('send')));
    await page.keyboard.press('Enter');

    await page.getByRole('heading', { level: 1, name: msg('send-heading') }).waitFor({ timeout: 60_000 });
    const progress = await page.$eval('#overall-progress', (p) => ({ max: p.max, value: p.value, role: p.getAttribute('role') }));
    expect(progress.max > 0 && progress.value >= 0, `the progress bar exposes its value: ${JSON.stringify(progress)}`);
    report.progress = progress;
    await step(msg('send-heading'));
    // Paused with the keyboard while the refusal is listed.
    await page.locator('section.refused').waitFor({ timeout: 60_000 });
    await tabTo(named(msg('send-pause')));
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: msg('send-resume') }).waitFor();
    const listed = await page.locator('section.refused').innerText();
    expect(listed.includes(msg('send-refused-heading')) && listed.split('\n').length >= 3, `the refused file and why: ${listed}`);
    await axe('a file the server refused, paused');
    release();
    await tabTo(named(msg('send-resume')), { back: true });
    await page.keyboard.press('Enter');
    await page.unroute(uploads);
    await page.getByRole('heading', { level: 1, name: msg('receipt-heading') }).waitFor({ timeout: 600_000 });
    await step(msg('receipt-heading'));
    report.reference = (await page.locator('.reference .number').textContent()).trim();

    // The live region while sending: milestones only, ending with completion.
    report.longestTaskMs = await page.evaluate(() => window.longest);
    expect(report.longestTaskMs < 2_000, `no main-thread task runs for seconds (longest ${report.longestTaskMs} ms)`);
    const said = await page.evaluate(() => window.said);
    report.said = said;
    const start = said.findIndex(([, t]) => t === msg('announce-send-started'));
    const end = said.findIndex(([, t]) => t === msg('announce-complete'));
    expect(start >= 0 && end > start, `sending started and then complete announced: ${JSON.stringify(said)}`);
    const sending = said.slice(start, end + 1);
    expect(sending.length <= 6, `at most six announcements while sending ${expectImages} files: ${JSON.stringify(sending)}`);

    // The pages linked from every footer: the same checks, and screenshots.
    for (const [view, heading] of [['easy', 'easy-heading'], ['accessibility', 'accessibility-heading'], ['instructions', 'instructions-heading']]) {
      await page.goto(`${url}/?view=${view}&lang=${lang}`);
      await step(msg(heading), { changed: false });
    }
  } catch (e) {
    await failed(e, { browser, page, log, screenshot: `${artifacts}/reach-failure.png` });
  }
  await browser.close();
  console.log(JSON.stringify(report));
}

run(main);
