// Headless Chromium (Debian's, driven by playwright-core; never downloaded)
// uses the hub panel of herald's demo page, same origin, as a person would:
// a token made by `herald token` is pasted into the page, which publishes it
// with fetch (Authorization: Bearer) and subscribes with its own EventSource.
//
// Two browser contexts, so two cookie jars:
// - "owner" ticks "use my token to subscribe": the page stores the token in
//   the mercureAuthorization cookie, the browser sends it with the
//   subscription, and the private update arrives;
// - "anonymous" subscribes without a token (herald runs with --anonymous):
//   it must not receive the private update, and it does receive the public
//   update published after it, which proves delivery to it happened.
//
//   node hub_chromium.test.mjs <path to herald> <screenshot.png>
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { chromium } from 'playwright-core';
import { chromiumOptions, expectEqual, runTest, startHerald } from './herald.mjs';

const [binary, screenshot] = process.argv.slice(2);
if (!binary || !screenshot) {
  console.error('usage: node hub_chromium.test.mjs <herald binary> <screenshot.png>');
  process.exit(2);
}
const key = 'a-test-secret-that-is-at-least-32-bytes-long';
const topic = 'urn:example:chromium';

runTest('hub chromium: the demo page publishes, subscribes, and keeps private updates private',
        150_000, async () => {
  const token = execFileSync(binary, ['token', '--key', key, '--publish', '*', '--subscribe', '*'],
                             { encoding: 'utf8' }).trim();
  if (!/^[\w-]+\.[\w-]+\.[\w-]+$/.test(token)) throw new Error(`herald token printed ${token}`);
  const herald = await startHerald(binary, [
    '--publisher-jwt-key', key, '--subscriber-jwt-key', key, '--anonymous',
  ]);
  let browser;
  try {
    browser = await chromium.launch(chromiumOptions);
    const url = `http://127.0.0.1:${herald.port}/`;
    const open = async (name) => {
      const context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
      const page = await context.newPage();
      page.on('console', (msg) => console.log(`${name} console: ${msg.text()}`));
      page.on('pageerror', (err) => console.log(`${name} page error: ${err.message}`));
      await page.goto(url, { timeout: 30_000 });
      await page.fill('#hub-topic', topic);
      return page;
    };
    const subscribe = async (page) => {
      await page.click('#hub-subscribe');
      await page.waitForFunction(() => document.getElementById('hub-state').textContent === 'open',
                                 null, { timeout: 20_000, polling: 50 });
    };
    const rows = (page) => page.$$eval('#hub-events tr.update', (trs) => trs.reverse().map(
      (tr) => ({ id: tr.dataset.id, data: tr.querySelector('td.data').textContent })));

    const owner = await open('owner');
    await owner.fill('#hub-token', token);
    await owner.check('#hub-cookie');
    await subscribe(owner);
    const cookies = await owner.context().cookies(url + '.well-known/mercure');
    expectEqual('the owner page stored its token in the mercureAuthorization cookie',
                cookies.filter((c) => c.name === 'mercureAuthorization').map((c) => c.value === token),
                [true]);

    const anonymous = await open('anonymous');
    await subscribe(anonymous);
    expectEqual('the anonymous page has no cookie', await anonymous.context().cookies(), []);

    // The owner page publishes; each answer is "200 <id>" in #hub-result.
    const publish = async (data, isPrivate) => {
      await owner.fill('#hub-data', data);
      await owner.setChecked('#hub-private', isPrivate);
      await owner.evaluate(() => { document.getElementById('hub-result').textContent = ''; });
      await owner.click('#hub-publish');
      await owner.waitForFunction(() => document.getElementById('hub-result').textContent !== '',
                                  null, { timeout: 10_000, polling: 20 });
      const result = await owner.textContent('#hub-result');
      const match = /^200 (\S+)$/.exec(result);
      if (!match) throw new Error(`publish of ${data} answered ${result}`);
      return match[1];
    };
    const first = await publish('public one', false);
    const secret = await publish('private one', true);
    const last = await publish('public two', false);
    if (!first.startsWith('urn:uuid:')) throw new Error(`unexpected id ${first}`);

    const waitForRow = (page, id) => page.waitForFunction(
      (want) => [...document.querySelectorAll('#hub-events tr.update')].some((tr) => tr.dataset.id === want),
      id, { timeout: 20_000, polling: 50 });
    await waitForRow(owner, last);
    await waitForRow(anonymous, last);

    expectEqual('the owner page (token cookie) shows all three updates with their ids', await rows(owner), [
      { id: first, data: 'public one' }, { id: secret, data: 'private one' }, { id: last, data: 'public two' },
    ]);
    expectEqual('the anonymous page shows the public updates only', await rows(anonymous), [
      { id: first, data: 'public one' }, { id: last, data: 'public two' },
    ]);

    mkdirSync(dirname(screenshot), { recursive: true });
    await owner.screenshot({ path: screenshot, fullPage: true, timeout: 30_000 });
    console.log(`screenshot: ${screenshot}`);

    // A hub at another path (--hub-url): the page's panel follows it.
    const moved = await startHerald(binary, [
      '--publisher-jwt-key', key, '--hub-url', 'http://127.0.0.1/custom/hub',
    ]);
    try {
      const page = await (await browser.newContext()).newPage();
      await page.goto(`http://127.0.0.1:${moved.port}/`, { timeout: 30_000 });
      expectEqual('the page names the hub\'s path', await page.textContent('#hub-path'), '/custom/hub');
      await page.fill('#hub-token', token);
      await subscribe(page);
      await page.click('#hub-publish');
      await page.waitForFunction(() => document.querySelectorAll('#hub-events tr.update').length === 1,
                                 null, { timeout: 20_000, polling: 50 });
      expectEqual('the panel published and received through /custom/hub',
                  (await page.textContent('#hub-result')).startsWith('200 urn:uuid:'), true);
    } finally {
      await moved.stop();
    }
  } finally {
    if (browser) {
      await Promise.race([browser.close().catch(() => {}), new Promise((r) => setTimeout(r, 15_000))]);
    }
    await herald.stop();
  }
});
