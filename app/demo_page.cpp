#include "demo_page.hpp"

namespace herald::app {
namespace {

// The page teaches by showing: each event with its id, the connection's state
// changes, and what the browser sends when it reconnects. Everything is
// inline (no external scripts, styles or fonts), so it works offline and on
// any origin; even the favicon is an empty data: URL, so the browser asks
// herald for nothing but the page and the stream. The rows carry data-id
// attributes that the Chromium tests read.
constexpr std::string_view page = R"html(<!doctype html>
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
  input { font: inherit; padding: .1rem .3rem; }
  #hub-state { display: inline-block; padding: .05rem .7rem; border-radius: 1rem; background: #eee; font-weight: 600; }
  #hub-state.open { background: #d6f5d6; color: #135c13; }
  #hub-state.closed { background: #f8d7d7; color: #7a1616; }
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

<h2 id="hub">Hub: publish and subscribe</h2>
<p class="note">herald is also a Mercure hub at
<code id="hub-path">/.well-known/mercure</code>. Subscribe to a topic here, then publish to it: the page sends
a <code>POST</code> to it with the token you paste (start herald with
<code>--publisher-jwt-key</code>; the README shows how to make a token). Tick "use my token to
subscribe" to receive private updates too: the page stores the token in the
<code>mercureAuthorization</code> cookie, which the browser then sends with the subscription.</p>
<div class="bar">
  <label>topic <input id="hub-topic" size="34" value="urn:example:demo"></label>
  <button id="hub-subscribe" type="button">Subscribe</button>
  <span>subscription: <span id="hub-state" class="closed">closed</span></span>
  <span>updates: <b id="hub-count">0</b></span>
</div>
<div class="bar">
  <label>token <input id="hub-token" size="40" placeholder="eyJhbGciOi..." autocomplete="off"></label>
  <label><input id="hub-cookie" type="checkbox"> use my token to subscribe</label>
</div>
<div class="bar">
  <label>data <input id="hub-data" size="34" value="Hello from the hub"></label>
  <label><input id="hub-private" type="checkbox"> private</label>
  <button id="hub-publish" type="button">Publish</button>
  <span id="hub-result"></span>
</div>
<table>
  <thead><tr><th>received</th><th>id</th><th>type</th><th>data</th></tr></thead>
  <tbody id="hub-events"></tbody>
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

// The hub panel. A subscription is an EventSource on the hub URL with the
// topic as a `match` query parameter (draft-07 clients send `topic`; herald
// accepts both). Publishing is a form POST with the token as a Bearer header.
const hubUrl = '@HUB_PATH@'; // herald puts --hub-url's path here
$('hub-path').textContent = hubUrl;
let hubSource = null, hubCount = 0;

function hubSetState(name) {
  $('hub-state').textContent = name;
  $('hub-state').className = name === 'open' ? 'open' : 'closed';
}

function hubShow(e) {
  $('hub-count').textContent = ++hubCount;
  const tr = document.createElement('tr');
  tr.className = 'update';
  tr.dataset.id = e.lastEventId;
  [new Date().toLocaleTimeString(), e.lastEventId, e.type, e.data].forEach((text, i) => {
    const td = document.createElement('td');
    if (i === 3) td.className = 'data';
    td.textContent = text;
    tr.appendChild(td);
  });
  $('hub-events').prepend(tr);
  while ($('hub-events').children.length > 200) $('hub-events').lastChild.remove();
}

function hubCookie() {
  // SameSite=Strict: the browser sends the token only to this origin.
  const token = $('hub-token').value.trim();
  document.cookie = 'mercureAuthorization=' + ($('hub-cookie').checked && token ? token : '') +
                    '; path=' + hubUrl + '; SameSite=Strict' +
                    ($('hub-cookie').checked && token ? '' : '; max-age=0');
}

$('hub-subscribe').onclick = () => {
  if (hubSource) {
    hubSource.close();
    hubSource = null;
    hubSetState('closed');
    $('hub-subscribe').textContent = 'Subscribe';
    log('hub: unsubscribed');
    return;
  }
  hubCookie();
  const url = hubUrl + '?match=' + encodeURIComponent($('hub-topic').value);
  hubSource = new EventSource(url, { withCredentials: true });
  hubSetState('connecting');
  log('hub: subscribing to ' + url);
  hubSource.onmessage = hubShow;
  hubSource.onopen = () => hubSetState('open');
  hubSource.onerror = () => hubSetState(hubSource && hubSource.readyState === EventSource.CLOSED
                                        ? 'closed' : 'connecting');
  $('hub-subscribe').textContent = 'Unsubscribe';
};

$('hub-publish').onclick = async () => {
  const body = new URLSearchParams({ topic: $('hub-topic').value, data: $('hub-data').value });
  if ($('hub-private').checked) body.append('private', 'on');
  const headers = {};
  const token = $('hub-token').value.trim();
  if (token) headers.Authorization = 'Bearer ' + token;
  try {
    const response = await fetch(hubUrl, { method: 'POST', headers, body });
    const text = await response.text();
    $('hub-result').textContent = response.status + ' ' + text.trim();
    log('hub: publish answered ' + response.status + ' ' + text.trim());
  } catch (err) {
    $('hub-result').textContent = 'failed: ' + err;
  }
};
</script>
</body>
</html>
)html";

// The hub's path as the body of a JS string literal: anything but the
// characters a path usually holds becomes \uXXXX, so no path can end the
// string or the script.
std::string js_string_body(std::string_view text) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    for (const unsigned char c : text) {
        const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                           (c >= '0' && c <= '9') ||
                           std::string_view("/._~%-").find(char(c)) != std::string_view::npos;
        if (plain) {
            out += char(c);
        } else {
            out += "\\u00";
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

} // namespace

std::string demo_page(std::string_view hub_path) {
    static constexpr std::string_view placeholder = "@HUB_PATH@";
    const auto at = page.find(placeholder);
    std::string out(page.substr(0, at));
    out += js_string_body(hub_path);
    out += page.substr(at + placeholder.size());
    return out;
}

} // namespace herald::app
