// Benchmark: the page's scan of a CD folder against the baseline a new
// user would try first — the npm `dicom-parser` package in a plain page in
// the same browser, same files, same folder picker, reading whole files
// four at a time. Run by `tests/examples/bench.rs`, not by the test suite.
//
// Environment: MAILSLOT_URL, CD_DIR, PASSWORD, ROUNDS (default 3), and
// COLD (a command run before each round that drops the CD from the page
// cache; empty: warm rounds only). With TRACE=file (a Chrome trace) or
// PROFILE=file (a CPU profile of the page) it runs the page's scan once,
// recorded, instead: how the figures in BENCHMARKS.md were explained.
// Prints one JSON line: per round the page's and the baseline's time from
// the folder's `change` event to the end of the scan (ms), the page's first
// visible progress (ms after `change`), the time until its first step was
// interactive (ms after navigation start), its main-thread JS heap, the
// scan worker's peak JS heap and the renderer processes' peak resident
// memory (MB). The worker's heap comes from DevTools (`Runtime.
// getHeapUsage` in the worker, sampled every 100 ms), through
// puppeteer-core attached to the same browser: Playwright offers no
// DevTools session for a worker.
import { chromium } from 'playwright-core';
import puppeteer from 'puppeteer-core';
import net from 'node:net';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { execSync } from 'node:child_process';
import { createRequire } from 'node:module';

import { env, chromiumPath as executablePath, chromiumArgs as args, run } from './common.mjs';

const require = createRequire(import.meta.url);
const parserSource = readFileSync(require.resolve('dicom-parser/dist/dicomParser.min.js'), 'utf8');
const url = env('MAILSLOT_URL');
const cd = env('CD_DIR');
const password = env('PASSWORD');
const rounds = Number(process.env.ROUNDS || 3);
const cold = process.env.COLD || '';

// The baseline page: a folder input; on `change`, whole files read four at
// a time and parsed up to Pixel Data.
const BASELINE = `<!doctype html><html lang="en"><title>dicom-parser</title>
<input type="file" id="folder" webkitdirectory multiple>
<script src="/dicomParser.js"></script>
<script>
document.getElementById('folder').addEventListener('change', async (e) => {
  const t0 = performance.now();
  const files = [...e.target.files];
  let next = 0, dicom = 0, other = 0, firstMs;
  async function lane() {
    while (next < files.length) {
      const f = files[next++];
      const bytes = new Uint8Array(await f.arrayBuffer());
      try {
        const ds = dicomParser.parseDicom(bytes, { untilTag: 'x7fe00010' });
        if (ds.string('x00080018')) dicom++; else other++;
      } catch { other++; }
      // Its first advance: one file read and parsed.
      firstMs ??= performance.now() - t0;
    }
  }
  await Promise.all([lane(), lane(), lane(), lane()]);
  window.result = { ms: performance.now() - t0, dicom, other, firstMs };
});
</script>`;

// Peak resident memory (MB) of the browser's renderer processes, sampled
// while `work` runs.
async function peakRenderer(work) {
  const rss = () => {
    let total = 0;
    for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
      try {
        const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        if (!cmd.includes('--type=renderer')) continue;
        const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
        if (m) total += Number(m[1]);
      } catch { /* gone */ }
    }
    return total / 1024;
  };
  let peak = rss();
  const timer = setInterval(() => { peak = Math.max(peak, rss()); }, 50);
  try {
    const out = await work();
    return { ...out, rendererPeakMB: Math.round(Math.max(peak, rss())) };
  } finally {
    clearInterval(timer);
  }
}

// A free TCP port for the browser's DevTools endpoint.
const freePort = () => new Promise((resolve) => {
  const server = net.createServer().listen(0, '127.0.0.1', () => {
    const { port } = server.address();
    server.close(() => resolve(port));
  });
});

// Samples the scan worker's JS heap (bytes used) of the page at `pageUrl`
// until `work` ends; its peak in MB beside `work`'s result.
async function peakWorkerHeap(devtools, pageUrl, work) {
  const pages = devtools ? await devtools.pages() : [];
  const page = pages.find((p) => p.url() === pageUrl);
  const worker = page?.workers()[0];
  let peak = 0;
  let busy = false;
  const sample = async () => {
    if (!worker || busy) return;
    busy = true;
    try {
      const { usedSize } = await worker.client.send('Runtime.getHeapUsage');
      peak = Math.max(peak, usedSize);
    } catch { /* the worker is gone */ }
    busy = false;
  };
  await sample();
  const timer = setInterval(sample, 100);
  try {
    const out = await work();
    await sample();
    return { ...out, workerHeapMB: worker ? Math.round(peak / 1048576) : null };
  } finally {
    clearInterval(timer);
  }
}

async function pageScan(browser, devtools) {
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    // Time until the first step is interactive: from the navigation's
    // start (a fresh context: nothing cached) until the page's Wasm has
    // drawn the consent checkbox. Injected through DevTools, which the
    // page's CSP does not govern.
    await context.addInitScript(() => {
      new MutationObserver((_, observer) => {
        if (document.getElementById('consent-agree')) {
          window.interactiveMs = performance.now();
          observer.disconnect();
        }
      }).observe(document, { subtree: true, childList: true });
    });
    await page.goto(`${url}/?lang=en`);
    await page.getByRole('checkbox', { name: 'I agree to the privacy statement' }).check();
    const interactiveMs = await page.evaluate(() => window.interactiveMs ?? null);
    await page.getByRole('checkbox', { name: /I am the patient/ }).check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('Upload password').fill(password);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { level: 1, name: 'Choose your images' }).waitFor();
    // Times taken inside the page: `change` on the folder input, the first
    // progress value above zero, the Check step's heading.
    await page.evaluate(() => {
      const t = (window.benchTimes = {});
      document.addEventListener('change', () => { t.change ??= performance.now(); }, true);
      new MutationObserver(() => {
        const p = document.getElementById('scan-progress');
        if (p) t.shown ??= performance.now();
        if (p && Number(p.value) > 0) t.progress ??= performance.now();
        const h = document.getElementById('step-heading');
        if (h && h.textContent.includes('Check what will be sent')) t.done ??= performance.now();
      }).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
    });
    const [chooser] = await Promise.all([
      page.waitForEvent('filechooser'),
      page.getByRole('button', { name: 'Choose folder' }).click(),
    ]);
    if (process.env.TRACE) {
      await browser.startTracing(page, { path: process.env.TRACE, categories: ['devtools.timeline', 'v8.execute', 'disabled-by-default-devtools.timeline'] });
    }
    let profiler;
    if (process.env.PROFILE) {
      profiler = await context.newCDPSession(page);
      await profiler.send('Profiler.enable');
      await profiler.send('Profiler.setSamplingInterval', { interval: 200 });
      await profiler.send('Profiler.start');
    }
    return await peakWorkerHeap(devtools, page.url(), () => peakRenderer(async () => {
      await chooser.setFiles(cd);
      await page.waitForFunction(() => window.benchTimes.done, null, { timeout: 600_000, polling: 20 });
      const t = await page.evaluate(() => window.benchTimes);
      const cdp = await context.newCDPSession(page);
      await cdp.send('Performance.enable');
      const { metrics } = await cdp.send('Performance.getMetrics');
      const heap = metrics.find((x) => x.name === 'JSHeapUsedSize')?.value || 0;
      if (process.env.TRACE) await browser.stopTracing();
      if (profiler) {
        const { profile } = await profiler.send('Profiler.stop');
        writeFileSync(process.env.PROFILE, JSON.stringify(profile));
      }
      const images = await page.locator('.selected-total').textContent();
      return {
        ms: t.done - t.change,
        interactiveMs,
        progressShownMs: t.shown ? t.shown - t.change : null,
        firstProgressMs: t.progress ? t.progress - t.change : null,
        pageHeapMB: Math.round(heap / 1048576),
        selected: images.trim(),
      };
    }));
  } finally {
    await context.close();
  }
}

async function baselineScan(browser) {
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await page.route('http://baseline.invalid/**', (route) => {
      const u = new URL(route.request().url());
      if (u.pathname === '/dicomParser.js') {
        return route.fulfill({ contentType: 'text/javascript', body: parserSource });
      }
      return route.fulfill({ contentType: 'text/html', body: BASELINE });
    });
    await page.goto('http://baseline.invalid/');
    const [chooser] = await Promise.all([
      page.waitForEvent('filechooser'),
      page.locator('#folder').click(),
    ]);
    return await peakRenderer(async () => {
      await chooser.setFiles(cd);
      await page.waitForFunction(() => window.result, null, { timeout: 600_000, polling: 20 });
      return await page.evaluate(() => window.result);
    });
  } finally {
    await context.close();
  }
}

async function main() {
  const port = await freePort();
  const browser = await chromium.launch({ executablePath, args: [...args, `--remote-debugging-port=${port}`] });
  const out = { warm: [], cold: [] };
  if (process.env.TRACE || process.env.PROFILE) {
    await pageScan(browser);
    console.log(JSON.stringify(await pageScan(browser)));
    return await browser.close();
  }
  const devtools = await puppeteer.connect({ browserURL: `http://127.0.0.1:${port}`, defaultViewport: null });
  const pageScanned = (b) => pageScan(b, devtools);
  try {
    // One unmeasured round of each warms the browser's code caches and
    // the file cache.
    await pageScanned(browser);
    await baselineScan(browser);
    for (let i = 0; i < rounds; i++) {
      // Alternating order: neither always runs second.
      const [a, b] = i % 2 ? [baselineScan, pageScanned] : [pageScanned, baselineScan];
      const first = await a(browser);
      const second = await b(browser);
      const [page, baseline] = i % 2 ? [second, first] : [first, second];
      out.warm.push({ page, baseline });
    }
    if (cold) {
      for (let i = 0; i < rounds; i++) {
        execSync(cold);
        const page = await pageScanned(browser);
        execSync(cold);
        const baseline = await baselineScan(browser);
        out.cold.push({ page, baseline });
      }
    }
  } finally {
    await devtools.disconnect();
    await browser.close();
  }
  console.log(JSON.stringify(out));
}

run(main);
