#include "demo_page.hpp"

namespace herald::app {

// The page teaches by showing: each event with its id, the connection's state
// changes, and what the browser sends when it reconnects. Everything is
// inline (no external scripts, styles or fonts), so it works offline and on
// any origin; even the favicon is an empty data: URL, so the browser asks
// herald for nothing but the page and the stream. The rows carry data-id
// attributes that the Chromium test reads.
std::string_view demo_page() noexcept {
    return R"html(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>herald — live events</title>
<link rel="icon" href="data:,">
<style>
  :root { color-scheme: light; }
  body { font: 15px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 52rem; padding: 0 1rem; color: #1d1d1f; }
  h1 { font-size: 1.5rem; margin: 0 0 .2rem; }
  h2 { font-size: 1rem; margin: 1.5rem 0 .3rem; color: #444; }
  code { background: #f2f2f4; padding: 0 .25rem; border-radius: .2rem; }
  p.note { color: #555; margin-top: .3rem; }
  .bar { display: flex; flex-wrap: wrap; gap: .5rem 1.2rem; align-items: center; margin: 1rem 0; }
  .bar b { font-variant-numeric: tabular-nums; }
  #state { display: inline-block; padding: .05rem .7rem; border-radius: 1rem; background: #eee; font-weight: 600; }
  #state.open { background: #d6f5d6; color: #135c13; }
  #state.connecting { background: #fff1c2; color: #6b5200; }
  #state.closed { background: #f8d7d7; color: #7a1616; }
  button { font: inherit; padding: .2rem .8rem; border: 1px solid #bbb; border-radius: .3rem; background: #fafafa; cursor: pointer; }
  button:disabled { opacity: .45; cursor: default; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: .25rem .5rem; border-bottom: 1px solid #e4e4e4; vertical-align: top; }
  td { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 14px; }
  td.data { white-space: pre-wrap; word-break: break-word; }
  th { color: #555; font-weight: 600; }
  tr.event:first-child td { background: #f3faff; }
  #log { list-style: none; padding: 0; margin: 0; font-family: ui-monospace, monospace; font-size: 13px; color: #444; max-height: 12rem; overflow-y: auto; }
  #log li { padding: .1rem 0; border-bottom: 1px dotted #e4e4e4; }
</style>
</head>
<body>
<h1>herald</h1>
<p class="note">This page runs <code>new EventSource('/sse')</code>. Each row below is one event
as your browser received it, newest first. When the stream ends (stop and restart herald, or run it
with <code>--max-events 5</code>), the browser reconnects by itself after the <code>retry:</code>
delay and sends <code>Last-Event-ID</code>, so the ids continue where they stopped.
For named events (<code>herald --event-name tick</code>) open <code>/?event=tick</code>.</p>

<div class="bar">
  <span>connection: <span id="state" class="connecting">connecting</span></span>
  <span>events: <b id="count">0</b></span>
  <span>last id: <b id="last-id">–</b></span>
  <span>reconnects: <b id="reconnects">0</b></span>
  <button id="toggle" type="button">Disconnect</button>
</div>

<h2>Events</h2>
<table>
  <thead><tr><th>received</th><th>id</th><th>type</th><th>data</th></tr></thead>
  <tbody id="events"></tbody>
</table>

<h2>Connection log</h2>
<ul id="log"></ul>

<script>
'use strict';
const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const eventName = params.get('event');
let source = null, count = 0, reconnects = 0, lastId = '';

function log(text) {
  const li = document.createElement('li');
  li.textContent = new Date().toLocaleTimeString() + '  ' + text;
  $('log').prepend(li);
  while ($('log').children.length > 100) $('log').lastChild.remove();
}

function setState(name) {
  $('state').textContent = name;
  $('state').className = name === 'open' ? 'open' : name === 'closed' ? 'closed' : 'connecting';
}

function show(e) {
  count++;
  lastId = e.lastEventId;
  $('count').textContent = count;
  $('last-id').textContent = lastId || '–';
  const tr = document.createElement('tr');
  tr.className = 'event';
  tr.dataset.id = e.lastEventId;
  const cells = [new Date().toLocaleTimeString(), e.lastEventId || '–', e.type, e.data];
  cells.forEach((text, i) => {
    const td = document.createElement('td');
    if (i === 3) td.className = 'data';
    td.textContent = text;
    tr.appendChild(td);
  });
  $('events').prepend(tr);
  while ($('events').children.length > 200) $('events').lastChild.remove();
}

// A page can open an EventSource itself with a starting id only through the
// URL: EventSource has no way to set request headers, so herald also reads
// ?lastEventId=. The browser's own reconnects send the Last-Event-ID header.
function connect(fromId) {
  source = fromId ? new EventSource('/sse?lastEventId=' + encodeURIComponent(fromId))
                  : new EventSource('/sse');
  let opened = false;
  setState('connecting');
  log('connecting to ' + source.url);
  source.onmessage = show;
  if (eventName) source.addEventListener(eventName, show);
  source.onopen = () => {
    setState('open');
    if (!opened) {
      opened = true;
      log('stream open');
    } else {
      $('reconnects').textContent = ++reconnects;
      log('reconnected' + (lastId ? ', sending Last-Event-ID: ' + lastId : ''));
    }
  };
  source.onerror = () => {
    if (source.readyState === EventSource.CLOSED) {
      setState('closed');
      log('stream failed; the browser gave up (reload to try again)');
    } else {
      setState('reconnecting');
      log('stream ended; the browser will reconnect' + (lastId ? ' from id ' + lastId : ''));
    }
  };
  $('toggle').textContent = 'Disconnect';
}

$('toggle').onclick = () => {
  if (source) {
    source.close();
    source = null;
    setState('closed');
    log('closed by you');
    $('toggle').textContent = lastId ? 'Reconnect from id ' + lastId : 'Connect';
  } else {
    connect(lastId);
  }
};

connect(params.get('lastEventId'));
</script>
</body>
</html>
)html";
}

} // namespace herald::app
