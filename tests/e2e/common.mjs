// What every browser script here shares: its environment, failing an
// expectation, axe-core, and Chromium's command line.
import { readFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

// An environment variable the script needs.
export function env(k) {
  const v = process.env[k];
  if (!v) throw new Error(`${k} is not set`);
  return v;
}

// Fails the run with what was expected.
export function expect(ok, what) {
  if (!ok) throw new Error(`expected: ${what}`);
}

// axe-core on `page` (Playwright or Puppeteer); serious or critical
// findings fail. Evaluated through the driver: the page's CSP (rightly)
// refuses inline script tags.
export async function axe(page, what) {
  await page.evaluate(axeSource);
  const found = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
  expect(found.length === 0, `no serious accessibility findings on ${what}: ${found.join('; ')}`);
}

// Debian's Chromium, headless, quiet.
export const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
export const chromiumArgs = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
  '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];

// Ends a failed run: a screenshot of the page where it can be taken, the
// page's log, and what was expected; exit status 1.
export async function failed(e, { browser, page, log, screenshot }) {
  try {
    mkdirSync(dirname(screenshot), { recursive: true });
    await page?.screenshot({ path: screenshot, fullPage: true });
  } catch { /* the screenshot is a courtesy */ }
  console.error(log.join('\n'));
  console.error(`FAILED: ${e.message}`);
  console.error(`screenshot: ${screenshot}`);
  await browser.close();
  process.exit(1);
}

// Every upload request (a route predicate): a creation (`/api/uploads`,
// carrying a small file's bytes) and an upload's own (`/api/uploads/<id>`).
export const uploads = (u) => u.pathname === '/api/uploads' || u.pathname.startsWith('/api/uploads/');

// What the page must say of keeping and deleting, written from the
// server's configuration: KEEPING_SAYS, phrases separated by `|`, each
// expected in `text` (the welcome step's, the receipt's).
export function expectKeeping(text, where) {
  for (const phrase of (process.env.KEEPING_SAYS || '').split('|').filter(Boolean)) {
    expect(text.includes(phrase), `${where} says "${phrase}": ${text}`);
  }
}

// Playwright: opens the page in English, agrees to the privacy statement
// as the patient and gives the upload password. `h1(name)` waits for a
// step's heading (each script waits its own way).
export async function signIn(page, url, password, h1) {
  await page.goto(`${url}/?lang=en`);
  await h1('Send images to the hospital');
  expectKeeping(await page.locator('ul.facts').innerText(), 'the welcome step');
  await page.getByRole('checkbox', { name: 'I agree to the privacy statement' }).check();
  await page.getByRole('checkbox', { name: /I am the patient/ }).check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await h1('Upload password');
  await page.getByLabel('Upload password').fill(password);
  await page.getByRole('button', { name: 'Continue' }).click();
}

// Runs the script's `main`; an error it did not handle exits with 1.
export function run(main) {
  main().catch((e) => {
    console.error(`FAILED: ${e.stack || e}`);
    process.exit(1);
  });
}
