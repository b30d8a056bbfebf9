#include "demo_page.hpp"

namespace herald::app {

std::string_view demo_page() noexcept {
    return R"html(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>herald — live events</title>
<style>
  body { font: 15px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 46rem; padding: 0 1rem; color: #222; }
  h1 { font-size: 1.4rem; margin-bottom: .2rem; }
  #state { display: inline-block; padding: .1rem .6rem; border-radius: 1rem; background: #eee; }
  #state.open { background: #d6f5d6; } #state.closed { background: #f8d7d7; }
  table { border-collapse: collapse; width: 100%; margin-top: 1rem; }
  th, td { text-align: left; padding: .25rem .5rem; border-bottom: 1px solid #e4e4e4; font-family: ui-monospace, monospace; }
  th { font-family: system-ui, sans-serif; color: #555; }
  p.note { color: #555; }
</style>
</head>
<body>
<h1>herald</h1>
<p class="note">This page opens <code>new EventSource('/sse')</code>. Each row is one event as
your browser received it. Stop the server and start it again: the browser reconnects by itself
and sends <code>Last-Event-ID</code>, so the ids continue where they stopped.</p>
<p>Connection: <span id="state">connecting</span> &nbsp; events: <span id="count">0</span>
&nbsp; reconnects: <span id="reconnects">0</span> &nbsp; last id: <span id="last-id">–</span></p>
<table>
  <thead><tr><th>time</th><th>id</th><th>type</th><th>data</th></tr></thead>
  <tbody id="events"></tbody>
</table>
<script>
  const state = document.getElementById('state');
  const rows = document.getElementById('events');
  let count = 0, reconnects = 0, opened = false;
  const source = new EventSource('/sse');
  function show(e) {
    count++;
    document.getElementById('count').textContent = count;
    document.getElementById('last-id').textContent = e.lastEventId || '–';
    const tr = document.createElement('tr');
    tr.className = 'event';
    for (const text of [new Date().toLocaleTimeString(), e.lastEventId, e.type, e.data]) {
      const td = document.createElement('td');
      td.textContent = text;
      tr.appendChild(td);
    }
    rows.prepend(tr);
    while (rows.children.length > 50) rows.lastChild.remove();
  }
  source.onmessage = show;
  source.onopen = () => {
    if (opened) document.getElementById('reconnects').textContent = ++reconnects;
    opened = true;
    state.textContent = 'open'; state.className = 'open';
  };
  source.onerror = () => {
    state.textContent = source.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting';
    state.className = 'closed';
  };
  // Named events (herald --event-name) arrive as their own type.
  const params = new URLSearchParams(location.search);
  if (params.get('event')) source.addEventListener(params.get('event'), show);
</script>
</body>
</html>
)html";
}

} // namespace herald::app
