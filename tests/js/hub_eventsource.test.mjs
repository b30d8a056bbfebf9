// The npm `eventsource` package subscribes to the hub; herald ends each hub
// stream after two updates (--max-events 2). The client reconnects on its
// own with Last-Event-ID and must get every update exactly once, in order:
// the third, published before the first stream ended, and the ones published
// while it was disconnected.
//
//   node hub_eventsource.test.mjs <path to herald>
import { execFileSync } from 'node:child_process';
import { EventSource } from 'eventsource';
import { expectEqual, runTest, startHerald, waitFor } from './herald.mjs';

const [binary] = process.argv.slice(2);
if (!binary) {
  console.error('usage: node hub_eventsource.test.mjs <herald binary>');
  process.exit(2);
}
const key = 'a-test-secret-that-is-at-least-32-bytes-long';
const topic = 'urn:example:resume';

runTest('hub eventsource: a stream ended by the hub resumes with no gap and no duplicate', 30_000, async () => {
  const token = execFileSync(binary, ['token', '--key', key, '--publish', topic],
                             { encoding: 'utf8' }).trim();
  const herald = await startHerald(binary, [
    '--publisher-jwt-key', key, '--max-events', '2', '--retry', '500ms', '--heartbeat', '0',
  ]);
  const hub = `http://127.0.0.1:${herald.port}/.well-known/mercure`;
  const publish = async (data) => {
    const response = await fetch(hub, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}` },
      body: new URLSearchParams({ topic, data }),
    });
    const body = await response.text();
    if (response.status !== 200) throw new Error(`publish ${data}: ${response.status} ${body}`);
    return body;
  };

  const source = new EventSource(`${hub}?match=${encodeURIComponent(topic)}`);
  try {
    const messages = [];
    const published = [];
    let opens = 0;
    let errors = 0;
    source.onopen = () => { opens++; };
    source.onmessage = (e) => messages.push({ id: e.lastEventId, data: e.data });
    source.onerror = () => { errors++; };
    await waitFor('the subscription to open', () => opens === 1, 5_000);

    for (const data of ['one', 'two', 'three']) published.push({ id: await publish(data), data });
    // The first stream ends after "two"; the client waits `retry` before it
    // reconnects, and meanwhile one more update is published.
    await waitFor('the first stream to end', () => errors >= 1, 5_000);
    if (opens !== 1) throw new Error('the client reconnected before the test could publish');
    const data = 'published while disconnected';
    published.push({ id: await publish(data), data });
    await waitFor('4 updates', () => messages.length >= 4, 10_000);
    // The second stream (the 3rd and 4th, replayed) ends too; a fifth update
    // comes through the third stream, live.
    await waitFor('the third stream', () => opens >= 3, 10_000);
    published.push({ id: await publish('five'), data: 'five' });
    await waitFor('5 updates', () => messages.length >= 5, 10_000);
    await new Promise((r) => setTimeout(r, 300)); // room for a duplicate to show up
    source.close();

    expectEqual('every update once, in order, with its id', messages, published);
    expectEqual('streams opened', opens, 3);
    // herald replayed the third (and usually the fourth) to the second stream.
    if (!/subscriber connected matchers=1 replay=[12]\b/.test(herald.log())) {
      throw new Error(`herald replayed nothing to the second stream; log:\n${herald.log()}`);
    }
    console.log('ok - the second stream started with a replay (Last-Event-ID)');
    if (!/closing subscriber: stream complete \(--max-events\)/.test(herald.log())) {
      throw new Error(`herald did not log the --max-events end; log:\n${herald.log()}`);
    }
  } finally {
    source.close();
    await herald.stop();
  }
});
