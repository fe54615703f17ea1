// End-to-end: a file larger than one request, half-sent, continues after
// the page is reloaded. Its upload is created with the first request's
// bytes; every later request is cut off (as a dropped connection would);
// the sender pauses and reloads; the page finds the half-sent file's
// upload again (HEAD) and sends the rest to the same upload — none is
// created anew.
//
// Environment: MAILSLOT_URL, CD_DIR (a folder with one large image),
// PASSWORD, ARTIFACTS, MAX_CHUNK_BYTES (the server's request limit),
// KEEPING_SAYS (what the welcome step and the receipt say of keeping). Prints one JSON line; exits non-zero with the
// page's log and a screenshot on any failed expectation.
import { chromium } from 'playwright-core';

import {
  env, expect, expectKeeping, failed, run, signIn, uploads, chromiumPath as executablePath, chromiumArgs as args,
} from './common.mjs';

const url = env('MAILSLOT_URL');
const cd = env('CD_DIR');
const password = env('PASSWORD');
const artifacts = process.env.ARTIFACTS || '/tmp';

const log = [];
let page;

const heading = (name) => page.getByRole('heading', { level: 1, name }).waitFor({ timeout: 60_000 });

async function chooseAndDescribe() {
  await heading('Choose your images');
  const [chooser] = await Promise.all([
    page.waitForEvent('filechooser'),
    page.getByRole('button', { name: 'Choose folder' }).click(),
  ]);
  await chooser.setFiles(cd);
  await heading('Check what will be sent');
  await page.getByRole('button', { name: 'Continue' }).click();
  await heading('About you and your request');
  await page.fill('#field-name', 'Erika Mustermann');
  await page.fill('#field-phone', '+49 30 555 0100');
  await page.check('#role-doctor');
  await page.check('#purpose-second-opinion');
  await page.fill('#field-request', 'A large file, continued.');
}

async function main() {
  const browser = await chromium.launch({ executablePath, args });
  try {
    page = await browser.newPage();
    page.on('console', (m) => log.push(`[console.${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => log.push(`[pageerror] ${e.message}`));
    let phase = 'before';
    const seen = { before: [], after: [] };
    page.on('request', (r) => {
      if (uploads(new URL(r.url()))) seen[phase].push(`${r.method()} ${new URL(r.url()).pathname}`);
    });
    const made = new Set();
    let firstOffset = null;
    page.on('response', (r) => {
      if (r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/uploads' && r.status() === 201) {
        made.add(r.headers().location);
        if (firstOffset === null) firstOffset = Number(r.headers()['upload-offset']);
      }
    });

    await signIn(page, url, password, heading);
    await chooseAndDescribe();

    // The creation (with the first request's bytes) goes through; every
    // PATCH after it is cut off.
    await page.route(uploads, (route) => {
      if (route.request().method() === 'PATCH') return route.abort('internetdisconnected');
      return route.continue();
    });
    await page.getByRole('button', { name: 'Send' }).click();
    await page.locator('p.warning', { hasText: 'The connection was interrupted' }).waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.locator('p.notice', { hasText: 'Paused.' }).waitFor();
    await page.unroute(uploads);
    expect(made.size === 1, `one upload was made before the reload (${[...made]})`);
    expect(firstOffset > 0, `the creation carried bytes (offset ${firstOffset})`);
    const limit = Number(process.env.MAX_CHUNK_BYTES || Infinity);
    expect(firstOffset <= limit, `the creation fit the server's limit (${firstOffset} ≤ ${limit})`);

    phase = 'after';
    await page.reload();
    await page.locator('p.notice', { hasText: 'Welcome back' }).waitFor({ timeout: 30_000 });
    await chooseAndDescribe();
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByRole('heading', { level: 1, name: 'Upload complete' }).waitFor({ timeout: 120_000 });
    const text = await page.locator('main').innerText();
    expect(/\b1 image\b/.test(text), `the receipt counts the one image: ${text}`);
    expect(!text.includes('Not accepted'), 'nothing refused');
    expectKeeping(text, 'the receipt');
    const reference = (await page.locator('.reference .number').textContent()).trim();

    const location = [...made][0];
    const after = seen.after;
    expect(!after.some((r) => r.startsWith('POST ')), `no upload created after the reload: ${after}`);
    expect(after.includes(`HEAD ${location}`), `the half-sent upload was asked where it stands: ${after}`);
    expect(after.includes(`PATCH ${location}`), `the rest went to the same upload: ${after}`);
    console.log(JSON.stringify({ reference, firstOffset, before: seen.before, after }));
  } catch (e) {
    await failed(e, { browser, page, log, screenshot: `${artifacts}/resume-failure.png` });
  }
  await browser.close();
}

run(main);
