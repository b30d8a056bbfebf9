// Runs the herald binary for a client test: on an ephemeral loopback port,
// with its log captured, and always stopped when the test ends, however it ends.
import { spawn } from 'node:child_process';

const running = new Set();

// Whatever way the test process leaves (a failed check, an exception, a
// timeout, Ctrl-C), no herald it started may outlive it.
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => process.exit(128 + (signal === 'SIGINT' ? 2 : 15)));
}

/**
 * Starts `binary` with `args` on 127.0.0.1, port 0, one thread, and resolves
 * to { port, log(), stop() } once herald says "listening on 127.0.0.1:PORT".
 * Rejects if herald exits first or does not say so within `timeoutMs`.
 */
export function startHerald(binary, args, { timeoutMs = 10_000 } = {}) {
  const child = spawn(binary, ['--host', '127.0.0.1', '--port', '0', '--threads', '1', ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  running.add(child);
  let log = '';
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => {
    running.delete(child);
    resolve({ code, signal });
  }));
  child.stderr.setEncoding('utf8');

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`herald did not report its port within ${timeoutMs} ms; log:\n${log}`));
    }, timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`cannot start ${binary}: ${err.message}`));
    });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`herald exited early (code ${code}, signal ${signal}); log:\n${log}`));
    });
    child.stderr.on('data', (chunk) => {
      log += chunk;
      const match = /listening on 127\.0\.0\.1:(\d+)/.exec(log);
      if (match) {
        clearTimeout(timer);
        resolve({ port: Number(match[1]), log: () => log, stop });
      }
    });
  });
}

/** Resolves when `condition()` holds, polling every 20 ms; rejects after `timeoutMs`. */
export async function waitFor(what, condition, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Checks `actual` deep-equals `expected` (as JSON), or throws naming `what`. */
export function expectEqual(what, actual, expected) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${what}: expected ${e}, got ${a}`);
  console.log(`ok - ${what}: ${a}`);
}

/**
 * Runs `body` with a hard deadline: a test that hangs fails (exit 1) instead
 * of waiting for ctest's timeout, and its herald is killed on the way out.
 */
export function runTest(name, deadlineMs, body) {
  const deadline = setTimeout(() => {
    console.error(`FAIL ${name}: no result within ${deadlineMs} ms`);
    process.exit(1);
  }, deadlineMs);
  body().then(
    () => {
      clearTimeout(deadline);
      console.log(`PASS ${name}`);
      process.exit(0);
    },
    (err) => {
      clearTimeout(deadline);
      console.error(`FAIL ${name}: ${err && err.stack ? err.stack : err}`);
      process.exit(1);
    },
  );
}

/**
 * How every browser test launches Chromium: Debian's (HERALD_CHROMIUM), never
 * a downloaded one; headless and without a sandbox (containers have none);
 * with its background traffic off, so nothing but the test talks. Spread it
 * into launchPersistentContext's options to add per-test ones.
 */
export const chromiumOptions = {
  executablePath: process.env.HERALD_CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  timeout: 60_000,
};
