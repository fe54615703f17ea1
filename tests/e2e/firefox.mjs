// End-to-end in Firefox: Debian's firefox-esr, driven over WebDriver BiDi by
// puppeteer-core, sends images through every step of the real page to the
// real server, with axe-core on every step. Firefox's automation cannot
// hand a folder to a file input, so the files are chosen with "Choose
// files" (the folder path is covered in Chromium, upload.mjs).
//
// Environment: MAILSLOT_URL, FILES (the images and other files of a CD, one
// path per line), LETTER (a PDF), PASSWORD, EXPECT_IMAGES, ARTIFACTS.
// Prints one JSON line; exits non-zero with the page's console and a
// screenshot on any failed expectation.
import puppeteer from 'puppeteer-core';

import { env, expect, failed, run, axe as axeOn } from './common.mjs';

const url = env('MAILSLOT_URL');
const files = env('FILES').split('\n').filter((f) => f.length > 0);
const letter = env('LETTER');
const password = env('PASSWORD');
const expectImages = Number(env('EXPECT_IMAGES'));
const artifacts = process.env.ARTIFACTS || '/tmp';
const executablePath = process.env.FIREFOX || '/usr/bin/firefox-esr';

const log = [];
const report = { steps: [] };
let page;

const axe = (what) => axeOn(page, `${what} in Firefox`);

// Waits for the step whose heading is `text`, checks that focus moved to
// it (after a step change; a page just loaded leaves focus to the
// browser), and runs axe-core on it.
async function step(text, { changed = true } = {}) {
  log.push(`[step] ${text}`);
  await page.waitForFunction(
    (t) => document.querySelector('h1')?.textContent.trim() === t,
    { timeout: 60_000 },
    text,
  );
  const focused = !changed || await page.waitForFunction(
    () => document.activeElement?.id === 'step-heading',
    { timeout: 5_000 },
  ).then(() => true, () => false);
  const where = await page.evaluate(() => `${document.activeElement?.tagName}#${document.activeElement?.id} hasFocus=${document.hasFocus()}`);
  expect(focused, `focus on the heading "${text}", not ${where}`);
  report.steps.push(text);
  await axe(text);
}

// Clicks the button whose text is `text` (exactly, whitespace trimmed).
async function button(text) {
  const clicked = await page.evaluate((t) => {
    const b = [...document.querySelectorAll('button')].find((e) => e.textContent.trim() === t);
    if (!b) return false;
    b.click();
    return true;
  }, text);
  expect(clicked, `a button "${text}"`);
}

async function main() {
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath,
    headless: true,
    protocol: 'webDriverBiDi',
  });
  try {
    page = await browser.newPage();
    page.on('console', (m) => log.push(`[console.${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => log.push(`[pageerror] ${e.message}`));
    report.userAgent = await browser.userAgent();
    await page.goto(`${url}/?lang=en`);

    await step('Send images to the hospital', { changed: false });
    await page.click('#consent-agree');
    await page.click('#consent-may-send');
    await button('Continue');

    await step('Upload password');
    await page.type('#field-password', password);
    await button('Continue');

    await step('Choose your images');
    const picker = await page.$('#pick-files');
    await picker.uploadFile(...files);

    await step('Check what will be sent');
    const total = await page.$eval('.selected-total', (e) => e.textContent);
    expect(total.includes(`${expectImages} images`), `"${total}" counts ${expectImages} images`);
    report.ignored = await page.$$eval('details.ignored tbody tr', (rows) => rows.map((r) => r.innerText));
    await button('Continue');

    await step('About you and your request');
    await page.type('#field-name', 'Erika Mustermann');
    await page.type('#field-phone', '+49 30 555 0100');
    await page.click('#role-doctor');
    await page.click('#purpose-second-opinion');
    await page.type('#field-request', 'Zweitmeinung, gesendet mit Firefox.');
    const letters = await page.$('#pick-letters');
    await letters.uploadFile(letter);
    await page.waitForSelector('ul.letters li');
    await axe('about, with the letter');
    await button('Send');

    // Sending may end before its heading is seen on a fast machine.
    await page.waitForFunction(
      () => ['Sending', 'Upload complete'].includes(document.querySelector('h1')?.textContent.trim()),
      { timeout: 60_000 },
    );
    if (await page.$eval('h1', (e) => e.textContent.trim()) === 'Sending') {
      report.steps.push('Sending');
      await axe('Sending');
    }
    await page.waitForFunction(
      () => document.querySelector('h1')?.textContent.trim() === 'Upload complete',
      { timeout: 180_000 },
    );
    await step('Upload complete');
    report.reference = await page.$eval('.reference .number', (e) => e.textContent.trim());
    const text = await page.$eval('main', (e) => e.innerText);
    expect(text.includes(`${expectImages} images`), `the receipt counts ${expectImages} images: ${text}`);
    expect(text.includes('1 letter'), 'the receipt counts the letter');
  } catch (e) {
    await failed(e, { browser, page, log, screenshot: `${artifacts}/firefox-failure.png` });
  }
  await browser.close();
  console.log(JSON.stringify(report));
}

run(main);
