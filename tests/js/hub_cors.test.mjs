// Headless Chromium subscribes to the hub from another origin, with
// credentials: a page served by a small node server on a second loopback port
// opens `new EventSource(hub, { withCredentials: true })`, and the browser
// sends the mercureAuthorization cookie set for the hub's host. herald allows
// that origin (--cors-origin): the browser accepts the stream only if herald
// answers Access-Control-Allow-Origin with the exact origin and
// Access-Control-Allow-Credentials: true, and the private update arrives.
// A page from a third port, not in the allowlist, gets no credentialed
// access: its EventSource fails.
//
//   node hub_cors.test.mjs <path to herald>
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { chromium } from 'playwright-core';
import { chromiumOptions, expectEqual, runTest, startHerald } from './herald.mjs';

const [binary] = process.argv.slice(2);
if (!binary) {
  console.error('usage: node hub_cors.test.mjs <herald binary>');
  process.exit(2);
}
const key = 'a-test-secret-that-is-at-least-32-bytes-long';
const topic = 'urn:example:cors';

// The page subscribes to the hub URL in its query and records what happens
// in window.hub for the test to read.
const page = `<!doctype html><meta charset="utf-8"><title>another origin</title>
<script>
window.hub = { opens: 0, errors: 0, readyState: -1, messages: [] };
const source = new EventSource(new URLSearchParams(location.search).get('hub'), { withCredentials: true });
source.onopen = () => { hub.opens++; hub.readyState = source.readyState; };
source.onmessage = (e) => hub.messages.push({ id: e.lastEventId, data: e.data });
source.onerror = () => { hub.errors++; hub.readyState = source.readyState; };
</script>`;

function servePage() {
  const server = createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(page);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

// The response head herald sends to a subscription from `origin`, read with a
// plain HTTP client (the browser does not show a failed CORS response).
async function headFor(hubUrl, origin, cookie) {
  const controller = new AbortController();
  const response = await fetch(hubUrl, { headers: { Origin: origin, Cookie: cookie }, signal: controller.signal });
  const head = {
    status: response.status,
    allowOrigin: response.headers.get('access-control-allow-origin'),
    allowCredentials: response.headers.get('access-control-allow-credentials'),
  };
  controller.abort();
  return head;
}

runTest('hub cors: a listed origin subscribes with credentials, another origin cannot', 120_000, async () => {
  const token = execFileSync(binary, ['token', '--key', key, '--publish', '*', '--subscribe', '*'],
                             { encoding: 'utf8' }).trim();
  const allowed = await servePage();
  const refused = await servePage();
  const allowedOrigin = `http://127.0.0.1:${allowed.address().port}`;
  const refusedOrigin = `http://127.0.0.1:${refused.address().port}`;
  const herald = await startHerald(binary, [
    '--publisher-jwt-key', key, '--subscriber-jwt-key', key, '--cors-origin', allowedOrigin,
  ]);
  const hubUrl = `http://127.0.0.1:${herald.port}/.well-known/mercure?match=${encodeURIComponent(topic)}`;
  let browser;
  try {
    const cookie = `mercureAuthorization=${token}`;
    expectEqual('the listed origin gets itself back, with credentials', await headFor(hubUrl, allowedOrigin, cookie),
                { status: 200, allowOrigin: allowedOrigin, allowCredentials: 'true' });
    expectEqual('the refused origin gets no CORS headers', await headFor(hubUrl, refusedOrigin, cookie),
                { status: 200, allowOrigin: null, allowCredentials: null });

    browser = await chromium.launch(chromiumOptions);
    const context = await browser.newContext();
    // The cookie belongs to the hub's host and path; cookies ignore ports, so
    // the browser sends it to the hub whatever page asks.
    await context.addCookies([{ name: 'mercureAuthorization', value: token, domain: '127.0.0.1',
                                path: '/.well-known/mercure', httpOnly: true, sameSite: 'Lax' }]);
    // The responses the browser itself got from the hub, by the origin of
    // the page that asked (a response the browser refused is not reported).
    const heads = [];
    context.on('response', (r) => {
      if (r.url() !== hubUrl) return;
      heads.push(r.allHeaders().then((headers) => ({ origin: new URL(r.frame().url()).origin, headers })));
    });
    const open = async (origin) => {
      const p = await context.newPage();
      p.on('console', (msg) => console.log(`${origin} console: ${msg.text()}`));
      await p.goto(`${origin}/?hub=${encodeURIComponent(hubUrl)}`, { timeout: 30_000 });
      return p;
    };
    const good = await open(allowedOrigin);
    await good.waitForFunction(() => window.hub.opens >= 1 || window.hub.errors >= 1, null,
                               { timeout: 20_000, polling: 50 });
    expectEqual('the listed origin\'s credentialed EventSource is open',
                await good.evaluate(() => [window.hub.opens, window.hub.errors]), [1, 0]);
    const bad = await open(refusedOrigin);
    await bad.waitForFunction(() => window.hub.errors >= 1 || window.hub.opens >= 1, null,
                              { timeout: 20_000, polling: 50 });

    // A private update: only a subscriber whose token covers it may see it.
    const response = await fetch(`http://127.0.0.1:${herald.port}/.well-known/mercure`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}` },
      body: new URLSearchParams({ topic, data: 'for the cookie holder', private: 'on' }),
    });
    expectEqual('the private publish is answered', response.status, 200);
    const id = await response.text();
    await good.waitForFunction(() => window.hub.messages.length >= 1, null, { timeout: 20_000, polling: 50 });
    expectEqual('the listed origin received the private update',
                await good.evaluate(() => window.hub.messages), [{ id, data: 'for the cookie holder' }]);

    // Without CORS approval the browser fails the connection for good
    // (readyState CLOSED), and the page never sees an update.
    expectEqual('the refused origin\'s EventSource failed and stays closed',
                await bad.evaluate(() => [window.hub.opens, window.hub.readyState, window.hub.messages]),
                [0, 2, []]);

    const seen = await Promise.all(heads);
    expectEqual('the browser got the hub\'s CORS headers for the listed origin only',
                seen.map((h) => [h.origin, h.headers['access-control-allow-origin'],
                                 h.headers['access-control-allow-credentials']]),
                [[allowedOrigin, allowedOrigin, 'true']]);

    // With '*' in the list as well, an unlisted origin may read public
    // streams without credentials, and still gets no credentialed access:
    // `*` never comes with Access-Control-Allow-Credentials.
    const open2 = await startHerald(binary, [
      '--publisher-jwt-key', key, '--subscriber-jwt-key', key, '--anonymous',
      '--cors-origin', allowedOrigin, '--cors-origin', '*',
    ]);
    try {
      const hub2 = `http://127.0.0.1:${open2.port}/.well-known/mercure?match=${encodeURIComponent(topic)}`;
      expectEqual('with *, the listed origin still gets itself back, with credentials',
                  await headFor(hub2, allowedOrigin, cookie),
                  { status: 200, allowOrigin: allowedOrigin, allowCredentials: 'true' });
      expectEqual('with *, an unlisted origin gets * without credentials',
                  await headFor(hub2, refusedOrigin, cookie),
                  { status: 200, allowOrigin: '*', allowCredentials: null });
      const stranger = await context.newPage();
      await stranger.goto(`${refusedOrigin}/?hub=${encodeURIComponent(hub2)}`, { timeout: 30_000 });
      await stranger.waitForFunction(() => window.hub.errors >= 1 || window.hub.opens >= 1, null,
                                     { timeout: 20_000, polling: 50 });
      expectEqual('with *, the unlisted origin\'s credentialed EventSource still fails',
                  await stranger.evaluate(() => [window.hub.opens, window.hub.readyState]), [0, 2]);
    } finally {
      await open2.stop();
    }
  } finally {
    if (browser) {
      await Promise.race([browser.close().catch(() => {}), new Promise((r) => setTimeout(r, 15_000))]);
    }
    allowed.close();
    refused.close();
    await herald.stop();
  }
});
