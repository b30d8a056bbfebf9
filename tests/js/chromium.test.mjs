// Headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core;
// no browser is ever downloaded) loads herald's demo page. The page's own
// EventSource must show six events with ids 1 to 6: herald ends each stream
// after three (--max-events 3), so the browser has to reconnect and herald
// resume from the Last-Event-ID the browser sends. A screenshot of the page
// is saved as the test's artifact.
//
//   node chromium.test.mjs <path to herald> <screenshot.png>
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { chromium } from 'playwright-core';
import { chromiumOptions, expectEqual, runTest, startHerald } from './herald.mjs';

const [binary, screenshot] = process.argv.slice(2);
if (!binary || !screenshot) {
  console.error('usage: node chromium.test.mjs <herald binary> <screenshot.png>');
  process.exit(2);
}
const wanted = 6;

runTest('chromium: the demo page shows events, ids and a reconnect', 150_000, async () => {
  const herald = await startHerald(binary, ['--interval', '200ms', '--max-events', '3', '--retry', '300ms']);
  // A fresh profile each run: nothing cached, no state from an earlier run.
  const profile = mkdtempSync(join(tmpdir(), 'herald-chromium-'));
  const removeProfile = () => {
    try {
      rmSync(profile, { recursive: true, force: true });
    } catch {
      // Best effort: a browser killed at the deadline may still hold files.
    }
  };
  process.on('exit', removeProfile); // also when the deadline ends the test
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      ...chromiumOptions,
      viewport: { width: 1000, height: 700 },
    });
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (msg) => console.log(`page console: ${msg.text()}`));
    page.on('pageerror', (err) => console.log(`page error: ${err.message}`));

    const url = `http://127.0.0.1:${herald.port}/`;
    await page.goto(url, { timeout: 30_000 });
    console.log(`loaded ${url}`);
    await page.waitForFunction((n) => document.querySelectorAll('#events tr.event').length >= n,
                               wanted, { timeout: 60_000, polling: 50 });

    // Rows are newest first.
    const ids = await page.$$eval('#events tr.event', (rows) => rows.map((r) => r.dataset.id).reverse());
    expectEqual(`ids of the first ${wanted} events`, ids.slice(0, wanted), ['1', '2', '3', '4', '5', '6']);
    const data = await page.$$eval('#events tr.event td.data', (cells) => cells.map((c) => c.textContent));
    if (!data.every((d) => d === 'Hello World')) throw new Error(`unexpected data: ${JSON.stringify(data)}`);
    const reconnects = Number(await page.textContent('#reconnects'));
    if (!(reconnects >= 1)) throw new Error(`expected the page to count a reconnect, it shows ${reconnects}`);
    console.log(`ok - the page counted ${reconnects} reconnect(s)`);
    if (!/client connected id=4\b/.test(herald.log())) {
      throw new Error(`herald did not resume at id 4; log:\n${herald.log()}`);
    }
    console.log('ok - herald resumed the browser at id 4 (Last-Event-ID: 3)');

    // The stream after id 6 ends too; the picture is taken once the browser
    // is connected again, so it shows the page as a learner mostly sees it.
    await page.waitForFunction(() => document.getElementById('state').textContent === 'open', null,
                               { timeout: 30_000, polling: 50 });
    mkdirSync(dirname(screenshot), { recursive: true });
    await page.screenshot({ path: screenshot, fullPage: true, timeout: 30_000 });
    console.log(`screenshot: ${screenshot}`);
  } finally {
    if (context) {
      // close() waits for the browser; if it hangs, the deadline in runTest
      // still ends the test, and playwright kills its browser on exit.
      await Promise.race([context.close().catch(() => {}), new Promise((r) => setTimeout(r, 15_000))]);
    }
    await herald.stop();
    removeProfile();
  }
});
