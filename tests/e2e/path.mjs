// The whole path through the page — choose a folder, pick, fill in,
// send — in Debian's Chromium driven by puppeteer-core with DevTools
// network monitoring off (Playwright and puppeteer's default copy every
// request body to the driver, which slows an upload several-fold). Run by
// the whole-path benchmark (`tests/examples/bench/pacs.rs`) and a test
// (`tests/it/page.rs`), which then wait until the PACS holds every image.
//
// Environment: MAILSLOT_URL, CD_DIR, PASSWORD, EXPECT_IMAGES; TIMEOUT_MS
// for each step (default 10 minutes, for the largest benchmarks).
// Prints one JSON line: `chosenAt` (epoch ms when the folder was handed
// to the page), `scannedMs`, `sendMs` (Send pressed) and `receiptMs` (after
// that), the receipt's
// reference.
import puppeteer from 'puppeteer-core';

import { env, expect, run, chromiumPath, chromiumArgs } from './common.mjs';

const url = env('MAILSLOT_URL');
const cd = env('CD_DIR');
const password = env('PASSWORD');
const expectImages = Number(env('EXPECT_IMAGES'));
const timeout = Number(process.env.TIMEOUT_MS || 600_000);

async function main() {
  const browser = await puppeteer.launch({
    executablePath: chromiumPath,
    // Shared memory in /dev/shm, as a sender's browser has it (the tests'
    // flag puts it in /tmp for small containers).
    args: chromiumArgs.filter((a) => a !== '--disable-dev-shm-usage'),
    headless: true,
    networkEnabled: false,
  });
  try {
    const page = await browser.newPage();
    const h1 = (t) => page.waitForFunction(
      (text) => document.querySelector('h1')?.textContent.trim() === text,
      { timeout, polling: 50 },
      t,
    );
    const button = (t) => page.evaluate((text) => {
      [...document.querySelectorAll('button')].find((b) => b.textContent.trim() === text).click();
    }, t);
    await page.goto(`${url}/?lang=en`);
    await h1('Send images to the hospital');
    await page.click('#consent-agree');
    await page.click('#consent-may-send');
    await button('Continue');
    await h1('Upload password');
    await page.type('#field-password', password);
    await button('Continue');
    await h1('Choose your images');
    const input = await page.$('#pick-folder');
    const chosenAt = Date.now();
    await input.uploadFile(cd);
    await h1('Check what will be sent');
    const scannedMs = Date.now() - chosenAt;
    const total = await page.$eval('.selected-total', (e) => e.textContent);
    expect(new RegExp(`\\b${expectImages} images?\\b`).test(total), `"${total}" counts ${expectImages} images`);
    await button('Continue');
    await h1('About you and your request');
    await page.type('#field-name', 'Erika Mustermann');
    await page.type('#field-phone', '+49 30 555 0100');
    await page.click('#role-doctor');
    await page.click('#purpose-second-opinion');
    await page.type('#field-request', 'Benchmark.');
    if (process.env.TRACE) {
      await page.tracing.start({ path: process.env.TRACE, categories: ['devtools.timeline', 'v8.execute', 'disabled-by-default-devtools.timeline'] });
    }
    let cdp;
    if (process.env.PROFILE) {
      cdp = await page.createCDPSession();
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
      await cdp.send('Profiler.start');
    }
    const sendMs = Date.now() - chosenAt;
    await button('Send');
    await h1('Upload complete');
    if (process.env.TRACE) await page.tracing.stop();
    if (cdp) {
      const { profile } = await cdp.send('Profiler.stop');
      (await import('node:fs')).writeFileSync(process.env.PROFILE, JSON.stringify(profile));
    }
    const receiptMs = Date.now() - chosenAt;
    const reference = await page.$eval('.reference .number', (e) => e.textContent.trim());
    console.log(JSON.stringify({ chosenAt, scannedMs, sendMs, receiptMs, reference }));
  } finally {
    await browser.close();
  }
}

run(main);
