// The npm `eventsource` package (a WHATWG-conforming EventSource for Node)
// against the herald binary: it receives the events with their data and ids;
// when herald ends the stream (--max-events 3) it reconnects after the retry
// delay, sends Last-Event-ID: 3, and herald resumes at 4.
//
//   node eventsource.test.mjs <path to herald>
import { EventSource } from 'eventsource';
import { expectEqual, runTest, startHerald, waitFor } from './herald.mjs';

const [binary] = process.argv.slice(2);
if (!binary) {
  console.error('usage: node eventsource.test.mjs <herald binary>');
  process.exit(2);
}

runTest('eventsource: events, ids, reconnect and resume', 30_000, async () => {
  const herald = await startHerald(binary, [
    '--interval', '100ms', '--max-events', '3', '--retry', '200ms', '--heartbeat', '50ms',
  ]);
  const source = new EventSource(`http://127.0.0.1:${herald.port}/sse`);
  try {
    const messages = [];
    let opens = 0;
    const errors = [];
    source.onopen = () => { opens++; };
    source.onmessage = (e) => messages.push({ data: e.data, id: e.lastEventId });
    source.onerror = (e) => errors.push(e.message ?? 'stream ended');

    await waitFor('6 events', () => messages.length >= 6, 15_000);
    source.close();

    expectEqual('data of the first six events', messages.slice(0, 6).map((m) => m.data),
                Array(6).fill('Hello World'));
    expectEqual('ids of the first six events', messages.slice(0, 6).map((m) => m.id),
                ['1', '2', '3', '4', '5', '6']);
    // The first stream ended after id 3; the client reported it and opened a
    // second connection.
    if (opens < 2) throw new Error(`expected a reconnect, saw ${opens} open(s)`);
    if (errors.length < 1) throw new Error('expected an error event when the stream ended');
    console.log(`ok - reconnected (${opens} opens, ${errors.length} error event(s))`);

    // herald logs the id each stream starts at: 1, then 4 from Last-Event-ID.
    await waitFor('the resumed stream in the log', () => /client connected id=4\b/.test(herald.log()), 5_000);
    console.log('ok - herald resumed the second stream at id 4 (Last-Event-ID: 3)');
  } finally {
    source.close();
    await herald.stop();
  }
});
