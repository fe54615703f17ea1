// End-to-end: Debian's Chromium, driven by playwright-core, sends a
// patient CD through the real upload page to the real server.
//
// Environment: MAILSLOT_URL (the server), CD_DIR (a folder laid out like a
// patient CD), ZIP (a ZIP with one more image and a copy of a CD image),
// LETTER (a PDF), PASSWORD, EXPECT_IMAGES (number of images
// on the CD), ARTIFACTS (folder for screenshots on failure).
// Prints one JSON line with what the page showed; exits non-zero with the
// page's console and a screenshot on any failed expectation.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';

import { env, expect, expectKeeping, axe as axeOn, signIn, uploads, chromiumPath as executablePath, chromiumArgs as args } from './common.mjs';

const url = env('MAILSLOT_URL');
const cd = env('CD_DIR');
const letter = env('LETTER');
const password = env('PASSWORD');
const zipFile = env('ZIP');
const expectImages = Number(env('EXPECT_IMAGES'));
const artifacts = process.env.ARTIFACTS || '/tmp';

const log = [];
let page;
const report = {};

// axe-core on the current step.
const axe = (what) => axeOn(page, what);

async function heading(text) {
  log.push(`[step] ${text}`);
  const h = page.getByRole('heading', { level: 1, name: text });
  await h.waitFor({ timeout: 60_000 });
  // Focus moves to the new step's heading.
  await page.waitForFunction(() => document.activeElement?.id === 'step-heading', null, { timeout: 5_000 })
    .catch(async () => {
      const at = await page.evaluate(() => {
        const e = document.activeElement;
        return e ? `${e.tagName.toLowerCase()}#${e.id}.${e.className}` : 'nothing';
      });
      throw new Error(`focus is not on the heading "${text}" but on ${at}`);
    });
}

// Chooses the CD folder and checks what the Check step shows.
async function chooseAndCheck(thorough) {
  await heading('Choose your images');
  if (thorough) await axe('choose');
  const [chooser] = await Promise.all([
    page.waitForEvent('filechooser'),
    page.getByRole('button', { name: 'Choose folder' }).click(),
  ]);
  await chooser.setFiles(cd);
  await heading('Check what will be sent');
  const rows = await page.locator('details.ignored tbody tr').evaluateAll((trs) =>
    trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
  const reasonOf = (suffix) => rows.find((r) => r[0].endsWith(suffix))?.[1] || '';
  expect(/program/i.test(reasonOf('VIEWER/VIEWER.EXE')), `VIEWER.EXE ignored as a program, got "${reasonOf('VIEWER/VIEWER.EXE')}"`);
  expect(/not a DICOM image/i.test(reasonOf('AUTORUN.INF')), `AUTORUN.INF ignored as not DICOM, got "${reasonOf('AUTORUN.INF')}"`);
  expect(/not a DICOM image/i.test(reasonOf('INDEX.HTM')), 'INDEX.HTM ignored as not DICOM');
  expect(/table of contents/i.test(reasonOf('DICOMDIR')), 'DICOMDIR listed as the table of contents');
  const selected = await page.locator('.selected-total').textContent();
  expect(selected.includes(`${expectImages} images`), `"${selected}" counts ${expectImages} images`);
  if (thorough) {
    await axe('check');
    report.ignored = rows;
    report.studies = await page.locator('.study input[type=checkbox]').count();
    expect(report.studies === 3, `three studies listed (${report.studies})`);
    report.dicomdir = await page.locator('p.ok, p.warning').allTextContents();
    expect(report.dicomdir.some((t) => /lists 2 images; all of them were found/.test(t)), `DICOMDIR cross-check, got ${report.dicomdir}`);
    expect(await page.getByText('more than one person').count() === 0, 'no multi-patient warning for one patient');

    // A ZIP added on top: its new image joins, its copy of a CD image is
    // listed as a duplicate.
    await page.getByRole('button', { name: 'Add more files' }).click();
    await heading('Choose your images');
    const [zipChooser] = await Promise.all([
      page.waitForEvent('filechooser'),
      page.getByRole('button', { name: 'Choose ZIP file' }).click(),
    ]);
    await zipChooser.setFiles(zipFile);
    await heading('Check what will be sent');
    const more = await page.locator('.selected-total').textContent();
    expect(more.includes(`${expectImages + 1} images`), `"${more}" counts the ZIP's image`);
    const dup = await page.locator('details.ignored tbody tr', { hasText: 'Bilder.zip/Bilder/KOPIE/IM000001' }).innerText();
    expect(/same image/.test(dup), `the ZIP's copy is a duplicate: ${dup}`);

    // Dragged and dropped (through the DevTools protocol, as a real drag
    // from the file manager): a doctor's letter dropped here is explained.
    await page.getByRole('button', { name: 'Add more files' }).click();
    await heading('Choose your images');
    const box = await page.locator('.dropzone').boundingBox();
    const cdp = await page.context().newCDPSession(page);
    const at = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    const data = { items: [], files: [letter], dragOperationsMask: 1 };
    for (const type of ['dragEnter', 'dragOver', 'drop']) {
      await cdp.send('Input.dispatchDragEvent', { type, ...at, data });
    }
    await heading('Check what will be sent');
    const name = letter.split('/').pop();
    const pdf = await page.locator('details.ignored tbody tr', { hasText: name }).innerText();
    expect(/PDF document/.test(pdf), `a dropped PDF is explained: ${pdf}`);
  }
  await page.getByRole('button', { name: 'Continue' }).click();
}

// Fills in the About-you step (and, the first time, checks its errors).
async function aboutYou(thorough) {
  await heading('About you and your request');
  if (thorough) {
    await page.getByRole('button', { name: 'Send' }).click();
    await page.locator('#error-summary').waitFor();
    const problems = await page.locator('#error-summary li').allTextContents();
    expect(problems.some((p) => /your name/.test(p)), `missing name reported: ${problems}`);
  }
  await page.getByLabel('Your name').fill('Erika Mustermann');
  await page.getByLabel('Phone').fill('+49 30 555 0100');
  await page.getByLabel('E-mail').fill('erika@example.org');
  await page.getByLabel('a doctor').check();
  await page.getByLabel('a second opinion').check();
  await page.getByLabel('Department at the hospital').selectOption('neurology');
  await page.getByLabel('Your request').fill('Second opinion on the MRI before the appointment on 3 March.');
  if (thorough) {
    // A file that is no letter gets its own sentence, naming it.
    const [chooser] = await Promise.all([
      page.waitForEvent('filechooser'),
      page.getByRole('button', { name: 'Add letters (PDF or photo)' }).click(),
    ]);
    await chooser.setFiles(`${cd}/AUTORUN.INF`);
    // The summary is on the page already (from the Send above): wait for
    // it to name the file (the page checks the file before it says so),
    // not merely for the summary.
    await page.locator('#error-summary', { hasText: 'AUTORUN.INF' })
      .waitFor({ timeout: 10_000 })
      .catch(() => {});
    const said = await page.locator('#error-summary').innerText();
    expect(/neither PDF documents nor photos \(JPEG, PNG\).*AUTORUN\.INF/s.test(said), `a file that is no letter is explained: ${said}`);
    expect(await page.locator('ul.letters li').count() === 0, 'it is not attached');
  }
  const [letters] = await Promise.all([
    page.waitForEvent('filechooser'),
    page.getByRole('button', { name: 'Add letters (PDF or photo)' }).click(),
  ]);
  await letters.setFiles(letter);
  await page.locator('ul.letters li').waitFor();
  if (thorough) {
    // Several studies: the sender says which one the letter is about
    // (the last one listed, the ZIP's, not the default first).
    const name = letter.split('/').pop();
    const study = page.getByLabel(`Study for ${name}`);
    const options = await study.locator('option').evaluateAll((os) => os.map((o) => o.value));
    expect(options.length === 4, `the letter can go into each of the four studies: ${options}`);
    await study.selectOption(options[3]);
    report.letterStudy = options[3];
    report.defaultStudy = options[0];
    await axe('about');
  }
}

// An idle session (WCAG 2.2.1): the page warns two minutes ahead, in the
// live region too, and one action keeps the session; left alone, it asks
// for the password again. Runs on a fake clock (the server's session is
// real and young, so keeping it alive succeeds).
async function idleSession(context) {
  const main = page;
  page = await context.newPage();
  // On a fake clock the page's own timers (focus retries) wait too: look
  // for headings without asking where focus is.
  const h1 = (name) => page.getByRole('heading', { level: 1, name }).waitFor({ timeout: 30_000 });
  try {
    await page.clock.install();
    await signIn(page, url, password, h1);
    await h1('Choose your images');
    // The page's clock ticks every 5 s: one tick notes the new session.
    await page.clock.runFor(6_000);
    await page.clock.fastForward('28:05');
    const warning = page.locator('.session-warning');
    await warning.waitFor({ timeout: 10_000 });
    const said = await warning.innerText();
    expect(/will end in 2 minutes/.test(said), `the warning says when: ${said}`);
    const live = await page.locator('[aria-live]').innerText();
    expect(/will end in 2 minutes/.test(live), `the warning is announced: ${live}`);
    await axe('idle warning');
    await page.getByRole('button', { name: 'Stay signed in' }).click();
    await page.clock.fastForward('00:06');
    await warning.waitFor({ state: 'detached', timeout: 10_000 });
    expect(/Your session continues/.test(await page.locator('[aria-live]').innerText()), 'continuing is announced');
    // Left alone past the end: the password again, with why.
    await page.clock.fastForward('30:10');
    await h1('Upload password');
    expect(await page.locator('main').getByText('Your session was ended because nothing happened').isVisible(), 'the idle end is explained');
    await axe('session ended');
  } finally {
    await page.close();
    page = main;
  }
}

// Waits for the receipt and reads it.
async function receipt(images) {
  await page.getByRole('heading', { level: 1, name: 'Upload complete' }).waitFor({ timeout: 180_000 });
  expect(await page.getByText('Reference number', { exact: true }).isVisible(), '"Reference number" shown');
  const reference = (await page.locator('.reference .number').textContent()).trim();
  expect(/^[2-9A-Z]{3}-[2-9A-Z]{3}-[2-9A-Z]{3}$/.test(reference), `reference format: ${reference}`);
  const text = await page.locator('main').innerText();
  expect(text.includes(`${images} images`), `the receipt counts ${images} images: ${text}`);
  expect(text.includes('1 letter'), 'the receipt counts the letter');
  expect(!text.includes('Not accepted'), 'nothing refused');
  expectKeeping(text, 'the receipt');
  return { reference, text };
}

async function main() {
  const browser = await chromium.launch({ executablePath, args });
  try {
    // 1. With WebAssembly switched off (as some hospital PCs are), the
    //    page explains itself in both languages instead of staying blank.
    {
      const jitless = await chromium.launch({ executablePath, args: [...args, '--js-flags=--jitless'] });
      const p = await jitless.newPage();
      await p.goto(`${url}/`);
      await p.getByText('This page cannot run in this browser').waitFor({ timeout: 20_000 });
      expect(await p.getByText('Diese Seite kann in diesem Browser nicht laufen').isVisible(), 'German explanation');
      await jitless.close();
      report.noWasmFallback = true;
    }

    const context = await browser.newContext();
    page = await context.newPage();
    page.on('console', (m) => log.push(`[console.${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => log.push(`[pageerror] ${e.message}`));
    page.on('requestfailed', (r) => log.push(`[requestfailed] ${r.method()} ${r.url()}`));
    // No request may leave the server's origin (no CDN, fonts, scripts).
    const origin = new URL(url).origin;
    page.on('request', (r) => {
      if (!r.url().startsWith(origin) && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) {
        log.push(`[foreign] ${r.url()}`);
        report.foreign = (report.foreign || 0) + 1;
      }
    });

    await page.goto(`${url}/?lang=en`);
    await page.getByRole('heading', { level: 1, name: 'Send images to the hospital' }).waitFor({ timeout: 30_000 });
    expect(await page.evaluate(() => document.documentElement.lang) === 'en', 'html lang="en"');
    await axe('welcome');
    // The hospital's other ways in (hospital.toml) are on every step.
    expect(await page.locator('footer a[href^="mailto:"]').count() === 1, 'the hospital e-mail address in the footer');
    expect(await page.locator('footer address').count() === 1, 'the hospital postal address in the footer');

    expect(await page.getByRole('link', { name: 'Instructions as PDF (download)' }).getAttribute('href') === '/api/instructions/en',
      'the welcome step offers the instructions as a PDF');
    // The printable instructions, linked from the welcome step, are built
    // from the page's texts and the hospital's configuration.
    const hospitalInfo = await (await fetch(`${url}/api/hospital`)).json();
    const phone = hospitalInfo.phones[0].number;
    for (const [lang, heading, step, link] of [
      ['en', 'Instructions: sending images', 'Upload password', 'Instructions to print (step by step)'],
      ['de', 'Anleitung: Bilder senden', 'Upload-Passwort', 'Anleitung zum Ausdrucken (Schritt für Schritt)'],
    ]) {
      await page.goto(`${url}/?lang=${lang}`);
      await page.locator('main').getByRole('link', { name: link }).click();
      await page.getByRole('heading', { level: 1, name: heading }).waitFor({ timeout: 30_000 });
      // The hospital's details arrive after the page's own texts.
      const withPhone = await page.locator('main', { hasText: phone }).waitFor({ timeout: 10_000 }).then(() => true, () => false);
      const text = await page.locator('main').innerText();
      expect(withPhone, `the instructions (${lang}) give the hospital's phone number ${phone}: ${text}`);
      expect(text.includes(step), `the instructions (${lang}) name the steps as the page does`);
      expect(await page.locator('ol.instructions-steps > li').count() === 7, `the instructions (${lang}) describe all seven steps`);
      await axe(`instructions-${lang}`);
      await page.emulateMedia({ media: 'print' });
      expect(!(await page.locator('main button').first().isVisible()), `the print button (${lang}) is not printed`);
      expect(await page.locator('main').getByText(phone).isVisible(), `the phone number (${lang}) is printed`);
      await page.emulateMedia({ media: 'screen' });
    }
    // Easy language and the accessibility statement: linked from the
    // footer of every step, opening in a new tab (an upload is never
    // left), built from the page's texts and the hospital's.
    for (const [lang, easy, easyHeading, statement, statementHeading, feedback] of [
      ['de', 'Leichte Sprache', 'Leichte Sprache', 'Barrierefreiheit', 'Erklärung zur Barrierefreiheit', hospitalInfo.accessibility.feedback_email],
      ['en', 'Easy to read', 'Easy to read', 'Accessibility', 'Accessibility statement', hospitalInfo.accessibility.feedback_email],
    ]) {
      await page.goto(`${url}/?lang=${lang}`);
      const footer = page.locator('footer nav.more');
      for (const [name, heading, must] of [[easy, easyHeading, phone], [statement, statementHeading, feedback]]) {
        const link = footer.getByRole('link', { name });
        expect(await link.getAttribute('target') === '_blank', `${name} opens in a new tab`);
        const [tab] = await Promise.all([page.context().waitForEvent('page'), link.click()]);
        await tab.getByRole('heading', { level: 1, name: heading }).waitFor({ timeout: 30_000 });
        const found = await tab.locator('main', { hasText: must }).waitFor({ timeout: 10_000 }).then(() => true, () => false);
        expect(found, `${heading} (${lang}) names ${must}`);
        const saved = page;
        page = tab;
        await axe(`${heading}-${lang}`);
        page = saved;
        await tab.close();
      }
    }
    await idleSession(context);
    await page.goto(`${url}/?lang=en`);
    await page.getByRole('heading', { level: 1, name: 'Send images to the hospital' }).waitFor({ timeout: 30_000 });

    // Consent is required; the error is summarised at the top and focused.
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.locator('#error-summary').waitFor();
    expect(await page.evaluate(() => document.activeElement?.id) === 'error-summary', 'errors summarised and focused');
    expect(await page.locator('#error-summary').innerText().then((t) => t.includes('I agree to the privacy statement')), 'the consent error in English');

    // Switching language works on every step: <html lang> and the errors follow.
    await page.getByRole('button', { name: 'Deutsch' }).click();
    await page.getByRole('heading', { level: 1, name: 'Bilder an das Krankenhaus senden' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang) === 'de', 'html lang="de"');
    expect(await page.locator('#error-summary').innerText().then((t) => t.includes('Ich stimme der Datenschutzerklärung zu')), 'the consent error in German');
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { level: 1, name: 'Send images to the hospital' }).waitFor();

    await page.getByRole('checkbox', { name: 'I agree to the privacy statement' }).check();
    await page.getByRole('checkbox', { name: /I am the patient/ }).check();
    await page.getByRole('button', { name: 'Continue' }).click();

    // 2. Password: a wrong one is explained, the right one is pasted.
    await heading('Upload password');
    const field = page.getByLabel('Upload password');
    expect(await field.getAttribute('autocomplete') === 'current-password', 'autocomplete=current-password');
    await field.fill('not the password');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByText('This password is not correct').waitFor({ timeout: 20_000 });
    await axe('password with an error');
    // Typed as a password manager or a paste would fill it.
    await field.fill(password);
    await page.getByRole('button', { name: 'Continue' }).click();

    // 3.–7. The CD through every step; the first two upload requests are
    //       cut off (as a dropped connection would): the page says it is
    //       retrying and finishes on its own.
    await chooseAndCheck(true);
    // The server no longer has the key the first file was sealed for (a
    // key destroyed by hand): one creation is answered `unknown-key`; the
    // page fetches the key again and sends that file anew. Then the next
    // two requests that carry a file's bytes (a creation with its first
    // bytes, or a PATCH) are cut off.
    let cut = 0;
    let keyLost = false;
    let keyFetchesAfterLoss = 0;
    page.on('request', (r) => {
      if (keyLost && r.url().endsWith('/api/key')) keyFetchesAfterLoss += 1;
    });
    await page.route(uploads, (route) => {
      const method = route.request().method();
      if (!keyLost && method === 'POST') {
        keyLost = true;
        return route.fulfill({
          status: 422,
          contentType: 'application/json',
          body: JSON.stringify({ code: 'unknown-key', message: 'The key is gone.' }),
        });
      }
      if ((method === 'POST' || method === 'PATCH') && cut < 2) {
        cut += 1;
        return route.abort('internetdisconnected');
      }
      return route.continue();
    });
    await aboutYou(true);
    // The session ends while the sender types (idle timeout): the server's
    // answer is injected once; the page asks for the password again and
    // keeps everything chosen and typed, then sends on a new real session.
    let expired = false;
    await page.route('**/api/session/preflight', (route) => {
      if (expired) return route.continue();
      expired = true;
      return route.fulfill({
        status: 401,
        contentType: 'application/json',
        body: JSON.stringify({ code: 'session-expired', message: 'The session has expired.' }),
      });
    });
    await page.getByRole('button', { name: 'Send' }).click();
    await heading('Upload password');
    await page.locator('p.notice', { hasText: 'Your session ended' }).waitFor();
    await page.getByLabel('Upload password').fill(password);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.locator('p.warning', { hasText: 'The connection was interrupted' }).waitFor({ timeout: 30_000 });
    report.first = await receipt(expectImages + 1);
    await page.unroute('**/api/session/preflight');
    await axe('receipt');
    expect(cut === 2, `two requests were cut off (${cut})`);
    expect(keyLost && keyFetchesAfterLoss >= 1, `the key was fetched again after unknown-key (${keyFetchesAfterLoss})`);
    await page.unroute(uploads);

    // A second upload, interrupted for good and the page reloaded (as after
    // a crash or an accidental close of the tab's content): the session
    // survives, the same folder is chosen again, and the half-sent files
    // continue.
    await page.goto(`${url}/?lang=en`);
    await page.getByRole('checkbox', { name: 'I agree to the privacy statement' }).check();
    await page.getByRole('checkbox', { name: /I am the patient/ }).check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await heading('Upload password');
    await page.getByLabel('Upload password').fill(password);
    await page.getByRole('button', { name: 'Continue' }).click();
    await chooseAndCheck(false);
    // The first request with a file's bytes goes through (that file
    // completes), every later one is cut off.
    let doneUrl = null;
    let passed = false;
    await page.route(uploads, (route) => {
      const method = route.request().method();
      if (method !== 'PATCH' && method !== 'POST') return route.continue();
      if (!passed) {
        passed = true;
        return route.continue();
      }
      return route.abort('internetdisconnected');
    });
    // The uploads the server made, by their URLs (a repeated creation of
    // the same file finds the same upload).
    const created = { before: new Set(), after: new Set() };
    let phase = 'before';
    let resentDone = 0;
    page.on('response', (r) => {
      if (r.request().method() === 'POST' && r.url().endsWith('/api/uploads') && r.status() === 201) {
        const location = new URL(r.headers().location, r.url()).href;
        created[phase].add(location);
        if (!doneUrl) doneUrl = location;
      }
    });
    page.on('request', (r) => {
      if (phase === 'after' && r.url() === doneUrl) resentDone += 1;
    });
    await aboutYou(false);
    await page.getByRole('button', { name: 'Send' }).click();
    await page.locator('p.warning', { hasText: 'The connection was interrupted' }).waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.locator('p.notice', { hasText: 'Paused.' }).waitFor();
    await page.unroute(uploads);
    phase = 'after';
    await page.reload();
    await page.locator('p.notice', { hasText: 'Welcome back' }).waitFor({ timeout: 30_000 });
    await heading('Choose your images');
    await chooseAndCheck(false);
    await aboutYou(false);
    await page.getByRole('button', { name: 'Send' }).click();
    report.second = await receipt(expectImages);
    // Each file's upload was created once across the reload; the file that
    // had arrived was not sent again.
    expect(doneUrl !== null, 'one upload went through before the reload');
    const made = new Set([...created.before, ...created.after]);
    expect(made.size === expectImages + 1,
      `uploads made before (${created.before.size}) and after (${created.after.size}) the reload: ${made.size}, one per file (${expectImages + 1})`);
    expect(resentDone === 0, `the file sent before the reload was not sent again (${resentDone} requests)`);
    expect(report.second.reference !== report.first.reference, 'a new reference for the second upload');
    report.reference = report.first.reference;
    expect(!report.foreign, 'no request left the server');
    await context.close();
  } catch (e) {
    mkdirSync(artifacts, { recursive: true });
    if (page) await page.screenshot({ path: `${artifacts}/failure.png`, fullPage: true }).catch(() => {});
    if (page) log.push(`[page text]\n${await page.locator('body').innerText().catch(() => '')}`);
    console.error(log.join('\n'));
    console.error(`FAILED: ${e.message}`);
    console.error(`screenshot: ${artifacts}/failure.png`);
    await browser.close();
    process.exit(1);
  }
  await browser.close();
  console.log(JSON.stringify(report));
}

main().catch((e) => {
  console.error(e);
  process.exit(2);
});
