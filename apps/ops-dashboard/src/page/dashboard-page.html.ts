/**
 * The dashboard: one page, plain HTML and JavaScript, polling the JSON API of this app. Every value is put into the
 * page with textContent (never as HTML), since dead letters carry data that arrived from outside.
 * Kept in a .ts file so the build (which compiles .ts only) ships it inside dist/.
 */
export const DASHBOARD_PAGE = String.raw`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>regsync operations</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="assets/uplot.min.css">
<script src="assets/uplot.min.js"></script>
<style>
  :root { --ok: #1a7f37; --bad: #cf222e; --warn: #9a6700; --line: #d0d7de; --muted: #57606a; --bg: #f6f8fa; }
  * { box-sizing: border-box; }
  body { font: 13px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #1f2328; background: #fff; }
  header { display: flex; align-items: baseline; gap: 16px; padding: 10px 20px; background: #0b3d91; color: #fff; }
  header h1 { font-size: 18px; margin: 0; }
  header .meta { color: #c8d3f5; font-size: 12px; }
  header form { margin-left: auto; display: flex; gap: 10px; align-items: baseline; }
  header #user { color: #fff; }
  main { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 14px; padding: 14px 20px; }
  section { border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px 12px; min-width: 0; overflow-x: auto; }
  section.wide { grid-column: 1 / -1; }
  h2 { font-size: 14px; margin: 4px 0 8px; display: flex; gap: 8px; align-items: baseline; }
  h2 .summary { font-weight: normal; color: var(--muted); font-size: 12px; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: 3px 8px 3px 0; border-bottom: 1px solid #eaeef2; vertical-align: top; }
  th { font-weight: 600; color: var(--muted); font-size: 12px; }
  td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
  .up, .ok { color: var(--ok); font-weight: 600; }
  .down, .unreachable, .bad { color: var(--bad); font-weight: 600; }
  .warn { color: var(--warn); font-weight: 600; }
  .muted { color: var(--muted); }
  code, pre { font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; }
  pre { background: var(--bg); padding: 6px; margin: 4px 0; min-width: 380px; max-height: 260px; overflow: auto; white-space: pre-wrap; word-break: break-all; }
  button { font: inherit; padding: 2px 10px; border: 1px solid var(--line); border-radius: 4px; background: var(--bg); cursor: pointer; }
  button:disabled { cursor: default; color: var(--muted); }
  input[type=search] { font: inherit; padding: 3px 6px; width: 360px; border: 1px solid var(--line); border-radius: 4px; }
  .pill { display: inline-block; padding: 0 6px; margin: 1px 2px 1px 0; border-radius: 8px; background: var(--bg); border: 1px solid var(--line); font-size: 11px; }
  .pill.bad { border-color: var(--bad); }
  .error { color: var(--bad); }
  a { color: #0969da; cursor: pointer; }
  .windows { margin-left: auto; display: flex; gap: 4px; }
  .windows button[aria-pressed=true] { background: #0b3d91; color: #fff; border-color: #0b3d91; }
  .charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(460px, 1fr)); gap: 10px 18px; }
  .chart h3 { font-size: 12px; font-weight: 600; margin: 4px 0; color: var(--muted); }
  .chart .uplot { font-size: 11px; }
  .chart .u-legend { text-align: left; }
  progress { width: 140px; vertical-align: middle; }
  button.repair { padding: 0 6px; font-size: 11px; }
  .path { margin: 6px 0 14px; }
  .path svg { display: block; max-width: 100%; }
  .path svg text { font: 11px system-ui, sans-serif; }
  .state-applied { fill: #dafbe1; stroke: var(--ok); }
  .state-delivered, .state-routed { fill: #ddf4ff; stroke: #0969da; }
  .state-pending { fill: #fff8c5; stroke: var(--warn); }
  .state-dead-lettered { fill: #ffebe9; stroke: var(--bad); }
  .state-sent { fill: var(--bg); stroke: var(--muted); }
</style>
</head>
<body>
<header><h1>regsync operations</h1><span class="meta" id="refreshed">loading …</span>
  <form method="post" action="auth/logout"><span id="user" data-user></span> <span class="meta" id="roles" data-roles></span> <button type="submit" id="logout">Log out</button></form></header>
<main>
  <section id="alerts" class="wide"><h2>Alerts from Prometheus <span class="summary" data-summary></span></h2><div data-body></div></section>
  <section id="history" class="wide"><h2>Over time <span class="summary" data-summary></span>
    <span class="windows" id="history-windows"><button type="button" data-window="15m" aria-pressed="true">15 min</button><button type="button" data-window="1h">1 h</button><button type="button" data-window="6h">6 h</button><button type="button" data-window="24h">24 h</button></span></h2>
    <div class="charts" data-body></div></section>
  <section id="instances"><h2>Instance health <span class="summary" data-summary></span></h2><div data-body></div></section>
  <section id="lag"><h2>Consumer lag <span class="summary" data-summary></span></h2><div data-body></div></section>
  <section id="throughput" class="wide"><h2>Throughput and outbox <span class="summary" data-summary></span></h2><div data-body></div></section>
  <section id="dead-letters" class="wide"><h2>Dead letters <span class="summary" data-summary></span></h2><div data-body></div></section>
  <section id="drift" class="wide"><h2>Drift between authoritative registers and replicas <span class="summary" data-summary></span></h2><div data-body></div></section>
  <section id="repairs" class="wide"><h2>Drift repairs <span class="summary" data-summary></span></h2><div data-body></div></section>
  <section id="held" class="wide"><h2>Held at a gap <span class="summary" data-summary></span></h2><div data-body></div></section>
  <section id="audit" class="wide"><h2>Re-drives <span class="summary" data-summary></span></h2><div data-body></div></section>
  <section id="correlation" class="wide"><h2>Correlation search <span class="summary" data-summary></span></h2>
    <form id="correlation-form"><input type="search" id="correlation-id" placeholder="correlation id (uuid)" autocomplete="off"> <button type="submit">Search</button></form>
    <div id="recent-correlations" class="muted"></div>
    <div data-body></div></section>
  <section id="paths" class="wide"><h2>Where did it go <span class="summary" data-summary></span></h2>
    <form id="path-form"><input type="search" id="path-id" placeholder="correlation id or event id" autocomplete="off"> <button type="submit">Show</button></form>
    <div data-body></div></section>
</main>
<script>
(function () {
  'use strict';
  var POLL_MS = 2000;
  var DRIFT_POLL_MS = 5000;
  var openDetails = {};
  var correlationId = '';
  var pathId = '';
  var SVG = 'http://www.w3.org/2000/svg';
  var lastDrift = 0;
  var session = { maySeePersonalData: false, mayRedrive: false };
  var historyWindow = '15m';
  var lastHistory = { at: 0, stepSeconds: 0 };
  var plots = {};
  var PALETTE = ['#0b3d91', '#cf222e', '#1a7f37', '#9a6700', '#8250df', '#0969da', '#bc4c00', '#57606a', '#1b7c83', '#bf3989', '#6e7781', '#4d2d00'];

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      var value = attrs[name];
      if (value === undefined || value === null || value === false) return;
      if (name === 'text') node.textContent = String(value);
      else if (name === 'onclick') node.addEventListener('click', value);
      else node.setAttribute(name, value === true ? '' : String(value));
    });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined) return;
      node.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
    });
    return node;
  }
  function table(headers, rows) {
    return el('table', {}, [
      el('thead', {}, [el('tr', {}, headers.map(function (h) { return el('th', { class: h.charAt(0) === '#' ? 'num' : null, text: h.replace(/^#/, '') }); }))]),
      el('tbody', {}, rows)
    ]);
  }
  function td(value, attrs) { var a = attrs || {}; if (typeof value === 'number') a.class = ((a.class || '') + ' num').trim(); return el('td', a, [value === null || value === undefined ? '–' : value]); }
  function fixed(value, digits) { return value === null || value === undefined ? '–' : Number(value).toFixed(digits); }
  function time(iso) { if (!iso) return '–'; var d = new Date(iso); return d.toLocaleTimeString('en-GB', { hour12: false }) + '.' + String(d.getMilliseconds()).padStart(3, '0'); }
  function dateTime(iso) { if (!iso) return '–'; return new Date(iso).toISOString().replace('T', ' ').replace('Z', ' UTC'); }
  function details(key, label, content) {
    var node = el('details', { 'data-key': key, open: !!openDetails[key] }, [el('summary', { text: label }), content]);
    node.addEventListener('toggle', function () { openDetails[key] = node.open; });
    return node;
  }
  function section(id) { return document.getElementById(id); }
  function render(id, summary, body) {
    var s = section(id);
    s.querySelector('[data-summary]').textContent = summary;
    var holder = s.querySelector('[data-body]');
    if (body !== holder) holder.replaceChildren(body);
  }
  function renderError(id, error) {
    var s = section(id);
    s.querySelector('[data-summary]').textContent = 'not available';
    s.querySelector('[data-body]').replaceChildren(el('div', { class: 'error', text: String(error && error.message || error) }));
  }
  function getJson(path) {
    return fetch(path, { headers: { accept: 'application/json' } }).then(function (response) {
      // the session ended (expired, logged out elsewhere, dashboard restarted): log in again
      if (response.status === 401) { location.href = 'auth/login'; throw new Error('login required'); }
      return response.json().then(function (body) {
        if (!response.ok) throw new Error((body && body.error) || ('HTTP ' + response.status));
        return body;
      });
    });
  }

  function showInstances(instances) {
    var up = instances.filter(function (i) { return i.status === 'up'; }).length;
    render('instances', up + ' of ' + instances.length + ' ready', table(['Instance', 'Name', 'Status', 'Checks', '#Response ms'], instances.map(function (i) {
      var checks = Object.keys(i.checks).map(function (name) {
        var check = i.checks[name];
        return el('span', { class: 'pill' + (check.healthy ? '' : ' bad'), title: check.detail || '', text: name + (check.healthy ? ' ✓' : ' ✗ ' + (check.detail || '')) });
      });
      return el('tr', { 'data-instance': i.id, 'data-status': i.status }, [
        td(i.id), td(i.name), el('td', { class: i.status, text: i.status }), el('td', {}, checks.length ? checks : [el('span', { class: 'muted', text: i.detail || '' })]), td(i.responseMs)
      ]);
    })));
  }

  function showLag(groups) {
    var total = groups.reduce(function (sum, g) { return sum + g.totalLag; }, 0);
    var rows = [];
    groups.forEach(function (g) {
      var partitions = table(['Topic', '#Partition', '#Committed', '#End', '#Lag'], g.partitions.map(function (p) {
        return el('tr', { 'data-group': g.group, 'data-topic': p.topic, 'data-partition': p.partition, 'data-lag': p.lag }, [td(p.topic), td(p.partition), td(p.committedOffset), td(p.endOffset), td(p.lag, { class: p.lag > 0 ? 'warn' : '' })]);
      }));
      rows.push(el('tr', { 'data-group': g.group, 'data-total-lag': g.totalLag }, [
        el('td', {}, [details('lag:' + g.group, g.group, partitions)]),
        el('td', { class: g.state === 'Stable' ? 'ok' : (g.state === 'Empty' && g.totalLag > 0 ? 'bad' : 'warn'), text: g.state }),
        td(g.members), td(g.totalLag, { class: g.totalLag > 0 ? 'warn' : '' })
      ]));
    });
    render('lag', groups.length + ' groups, ' + total + ' messages behind', groups.length ? table(['Consumer group (partitions)', 'State', '#Members', '#Lag'], rows) : el('p', { class: 'muted', text: 'no consumer groups yet' }));
  }

  function showThroughput(throughput, outbox) {
    var byId = {};
    outbox.forEach(function (o) { byId[o.id] = o; });
    var produced = throughput.reduce(function (sum, t) { return sum + t.producedPerSecond; }, 0);
    var applied = throughput.reduce(function (sum, t) { return sum + t.appliedPerSecond; }, 0);
    var backlog = outbox.reduce(function (sum, o) { return sum + (o.backlog || 0); }, 0);
    render('throughput', fixed(produced, 1) + ' produced/s, ' + fixed(applied, 1) + ' applied/s, outbox backlog ' + backlog,
      table(['Instance', '#Consumed/s', '#Applied/s', '#Produced/s', '#Consumed', '#Applied', '#Produced', '#Mean handler ms', '#Outbox backlog', '#Oldest unpublished s', '#Dead letters', '#Version gaps'], throughput.map(function (t) {
        var o = byId[t.id] || {};
        if (!t.reachable) return el('tr', { 'data-instance': t.id }, [td(t.id), el('td', { colspan: 11, class: 'error', text: 'metrics not available: ' + (t.error || '') })]);
        return el('tr', { 'data-instance': t.id, 'data-produced': t.totals.produced, 'data-applied': t.totals.applied, 'data-outbox-backlog': o.backlog }, [
          td(t.id), td(fixed(t.consumedPerSecond, 2), { class: 'num' }), td(fixed(t.appliedPerSecond, 2), { class: 'num' }), td(fixed(t.producedPerSecond, 2), { class: 'num' }),
          td(t.totals.consumed), td(t.totals.applied), td(t.totals.produced), td(fixed(t.meanHandlerMs, 2), { class: 'num' }),
          td(o.backlog, { class: o.backlog > 0 ? 'warn' : '' }), td(fixed(o.oldestAgeSeconds, 1), { class: 'num' + (o.oldestAgeSeconds > 60 ? ' bad' : '') }),
          td(o.deadLetters, { class: o.deadLetters > 0 ? 'bad' : '' }), td(o.versionGaps, { class: o.versionGaps > 0 ? 'warn' : '' })
        ]);
      })));
  }

  function showAlerts(view) {
    if (!view.configured) return render('alerts', 'no Prometheus configured', el('p', { class: 'muted', text: 'Set PROMETHEUS_URL (npm start -- --monitoring starts one) to see the alerts of deploy/prometheus/alerts.yaml here.' }));
    if (view.error) return render('alerts', 'Prometheus not reachable', el('p', { class: 'error', text: view.error }));
    var firing = view.alerts.filter(function (a) { return a.state === 'firing'; }).length;
    if (view.alerts.length === 0) return render('alerts', 'none firing', el('p', { class: 'ok', text: 'No alert is firing or pending.' }));
    render('alerts', firing + ' firing, ' + (view.alerts.length - firing) + ' pending', table(['Alert', 'Severity', 'State', 'Since', 'Summary', 'Labels'], view.alerts.map(function (a) {
      var labels = Object.keys(a.labels).map(function (name) { return el('span', { class: 'pill', text: name + '=' + a.labels[name] }); });
      return el('tr', { 'data-alert': a.name, 'data-state': a.state }, [
        el('td', { class: a.state === 'firing' ? 'bad' : 'warn', text: a.name }), td(a.severity), td(a.state), td(dateTime(a.activeAt)), el('td', { title: a.description || '', text: a.summary || '' }), el('td', {}, labels)
      ]);
    })));
  }

  function axisValue(unit) {
    return function (u, values) { return values.map(function (v) { return v === null ? '' : (Math.abs(v) >= 1000 ? (v / 1000).toFixed(1) + 'k' : String(+v.toFixed(3))); }); };
  }
  function showHistory(view) {
    var holder = section('history').querySelector('[data-body]');
    var points = 0;
    view.charts.forEach(function (chart) {
      var box = holder.querySelector('[data-chart="' + chart.id + '"]');
      if (!box) {
        // a chart's box is new after an error replaced the section's body: its old plot is gone with it
        if (plots[chart.id]) { plots[chart.id].uplot.destroy(); delete plots[chart.id]; }
        box = el('div', { class: 'chart', 'data-chart': chart.id }, [el('h3', { text: chart.title + ' (' + chart.unit + ')' }), el('div', { 'data-plot': '' })]);
        holder.appendChild(box);
      }
      var labels = chart.series.map(function (s) { return s.label; }).join('\n');
      var drawn = chart.series.reduce(function (sum, s) { return sum + s.values.filter(function (v) { return v !== null; }).length; }, 0);
      points += drawn;
      box.setAttribute('data-series', String(chart.series.length));
      box.setAttribute('data-points', String(drawn));
      var plot = plots[chart.id];
      var data = [chart.times].concat(chart.series.map(function (s) { return s.values; }));
      if (plot && plot.labels === labels) { plot.uplot.setData(data); return; }
      if (plot) plot.uplot.destroy();
      var target = box.querySelector('[data-plot]');
      target.replaceChildren();
      if (chart.series.length === 0) { target.appendChild(el('p', { class: 'muted', text: 'no samples yet' })); delete plots[chart.id]; return; }
      var opts = {
        width: Math.max(300, box.clientWidth || 460), height: 170,
        scales: { x: { time: true } },
        legend: { live: false },
        axes: [{}, { size: 52, values: axisValue(chart.unit) }],
        series: [{}].concat(chart.series.map(function (s, i) { return { label: s.label, stroke: PALETTE[i % PALETTE.length], width: 1.5 }; }))
      };
      plots[chart.id] = { labels: labels, uplot: new uPlot(opts, data, target) };
    });
    render('history', 'last ' + view.window + ', ' + view.stepSeconds + ' s per point, ' + points + ' points', holder);
  }
  function loadHistory(force) {
    if (typeof uPlot === 'undefined') return Promise.resolve(renderError('history', 'chart library not loaded'));
    if (!force && Date.now() - lastHistory.at < Math.max(lastHistory.stepSeconds * 1000, POLL_MS) - 100) return Promise.resolve();
    lastHistory.at = Date.now();
    return getJson('api/history?window=' + encodeURIComponent(historyWindow)).then(function (view) { lastHistory.stepSeconds = view.stepSeconds; showHistory(view); }).catch(function (e) { renderError('history', e); });
  }

  function redrive(d, button) {
    button.disabled = true;
    button.textContent = 'Re-driving …';
    fetch('api/dead-letters/redrive', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ topic: d.topic, partition: d.partition, offset: d.offset }) })
      .then(function (response) { return response.json().then(function (body) { if (!response.ok) throw new Error(body.error || ('HTTP ' + response.status)); return body; }); })
      .then(function () { button.textContent = 'Re-driven'; refresh(); })
      .catch(function (error) { button.disabled = false; button.textContent = 'Re-drive'; alert('Re-drive failed: ' + error.message); });
  }

  function showDeadLetters(deadLetters) {
    var pending = deadLetters.filter(function (d) { return !d.redriven; }).length;
    if (deadLetters.length === 0) return render('dead-letters', 'none', el('p', { class: 'muted', text: 'no dead letters' }));
    render('dead-letters', pending + ' pending, ' + (deadLetters.length - pending) + ' re-driven', table(['Failed at', 'Consumer group', 'Reason', 'Event', 'Correlation id', 'Source', '#Attempts', 'Payload', '', 'Re-drive outcome'], deadLetters.map(function (d) {
      var button = session.mayRedrive ? el('button', { type: 'button', 'data-redrive': d.id, disabled: d.redriven || !d.sourceTopic, text: d.redriven ? 'Re-driven' : 'Re-drive' }) : el('span', { class: 'muted', text: d.redriven ? 're-driven' : '' });
      if (session.mayRedrive) button.addEventListener('click', function () { redrive(d, button); });
      var payload = d.payload !== undefined ? el('pre', { text: JSON.stringify(d.payload, null, 2) }) : el('pre', { class: d.personalDataWithheld ? 'muted' : 'error', text: d.personalDataWithheld ? 'personal data: role data-viewer only' : (d.decodeError || 'no payload') });
      return el('tr', { 'data-dead-letter': d.id, 'data-reason-code': d.reasonCode, 'data-redriven': d.redriven ? 'true' : 'false' }, [
        td(dateTime(d.failedAt)), td(d.consumerGroup || d.topic),
        el('td', {}, [el('span', { class: 'pill bad', text: d.reasonCode }), ' ', el('span', { 'data-reason': '', text: d.reason })]),
        td(d.eventType), el('td', {}, [d.correlationId ? el('a', { 'data-correlation-link': d.correlationId, text: d.correlationId, onclick: function () { search(d.correlationId); } }) : '–']),
        td(d.sourceTopic + ' / ' + d.sourcePartition + ' / ' + d.sourceOffset), td(d.attempts),
        el('td', {}, [details('dl:' + d.id, d.payload !== undefined ? 'decoded' : (d.personalDataWithheld ? 'withheld' : 'undecodable'), payload)]), el('td', {}, [button]),
        el('td', {}, [outcomePill(d.redriveOutcome ? d.redriveOutcome.kind : (d.redriven ? 'pending' : ''), d.redriveOutcome && d.redriveOutcome.reason)])
      ]);
    })));
  }

  // dropped as stale and dead-lettered again are no success: shown as such, never as processed
  var OUTCOME_CLASS = { applied: 'ok', duplicate: 'ok', ignored: 'warn', held: 'warn', pending: 'muted', 'dropped-as-stale': 'bad', 'dead-lettered-again': 'bad' };
  function outcomePill(kind, reason) {
    if (!kind) return '';
    return el('span', { class: 'pill ' + (OUTCOME_CLASS[kind] || 'warn'), 'data-redrive-outcome': kind, title: reason || '', text: kind.replace(/-/g, ' ') });
  }

  function showAudit(entries) {
    if (entries.length === 0) return render('audit', 'none', el('p', { class: 'muted', text: 'no dead letter re-driven yet' }));
    render('audit', entries.length + ' latest', table(['Re-driven at', 'By', 'Dead letter', 'Event', 'Reason', 'Correlation id', 'From', 'To', 'Outcome'], entries.map(function (a) {
      return el('tr', { 'data-audit': a.deadLetter, 'data-user-subject': a.userSubject }, [
        td(dateTime(a.redrivenAt)), el('td', { title: a.userSubject, text: a.userName }), td(a.deadLetter), td(a.eventType), td(a.reasonCode), td(a.correlationId), td(a.sourceTopic), td(a.redrivenTo || ''),
        el('td', { title: a.outcomeDetail || '' }, [outcomePill(a.outcome || (a.redrivenPartition !== null ? 'pending' : ''), a.outcomeDetail)])
      ]);
    })));
  }

  function mayRepair() { return session.roles && session.roles.indexOf('operator') >= 0; }
  // an operator's repair of one comparison (all its drifting subjects, or the one given); progress shows under Drift repairs
  function repair(report, subject, button) {
    button.disabled = true;
    var body = { dataset: report.dataset, replica: report.replica };
    if (subject) body.subjects = [subject];
    fetch('api/repairs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
      .then(function (response) { return response.json().then(function (answer) { if (!response.ok) throw new Error(answer.error || ('HTTP ' + response.status)); return answer; }); })
      .then(function () { loadRepairs(); })
      .catch(function (e) { button.disabled = false; button.title = String(e.message || e); button.classList.add('error'); });
  }
  function subjects(label, list, report) {
    return list.length ? el('div', {}, [el('span', { class: 'muted', text: label + ': ' })].concat(list.map(function (s) {
      var pill = el('code', { class: 'pill', text: s });
      if (!mayRepair() || label === 'claimed twice') return pill;
      var button = el('button', { type: 'button', class: 'repair', 'data-repair-subject': s, title: 'the authoritative register restates this subject', text: 'Repair' });
      button.addEventListener('click', function () { repair(report, s, button); });
      return el('span', {}, [pill, button, ' ']);
    }))) : null;
  }
  function showDrift(view) {
    var drifting = view.reports.filter(function (r) { return !r.inSync; }).length;
    var notes = [];
    if (view.unavailable.length) notes.push(el('p', { class: 'error', text: 'incomplete, registers not readable: ' + view.unavailable.map(function (u) { return u.instance + ' (' + u.reason + ')'; }).join(', ') }));
    if (view.notCompared.length) notes.push(el('p', { class: 'muted', text: 'no compared data sets: ' + view.notCompared.join(', ') }));
    var body = view.reports.length === 0 ? el('p', { class: 'muted', text: 'no data sets to compare yet' }) : table(['Data set', 'Replica', 'Scope', '#Expected', '#Replica', 'Checksum authoritative', 'Checksum replica', 'Status', 'Subjects'], view.reports.map(function (r) {
      return el('tr', { 'data-dataset': r.dataset, 'data-replica': r.replica, 'data-in-sync': r.inSync ? 'true' : 'false' }, [
        td(r.dataset), el('td', { title: 'authoritative: ' + r.authoritativeSources.join(', '), text: r.replica + ' ' + r.register }), td(r.replicaScope || 'all'),
        td(r.expectedCount), td(r.replicaCount), el('td', {}, [el('code', { text: r.expectedChecksum.slice(0, 12) })]), el('td', {}, [el('code', { text: r.replicaChecksum.slice(0, 12) })]),
        el('td', { class: r.inSync ? 'ok' : 'bad' }, [r.inSync ? 'in sync' : r.driftedSubjects + ' drifted', r.inSync || !mayRepair() ? null : repairAllButton(r)]),
        el('td', {}, [subjects('missing', r.missing, r), subjects('unexpected', r.unexpected, r), subjects('different', r.different, r), subjects('claimed twice', r.conflicting, r)])
      ]);
    }));
    render('drift', view.reports.length + ' comparisons, ' + drifting + ' drifting · checked ' + time(view.checkedAt), el('div', {}, notes.concat([body])));
  }

  function repairAllButton(report) {
    var button = el('button', { type: 'button', class: 'repair', 'data-repair-all': report.dataset + ' ' + report.replica, title: 'the authoritative registers restate every drifting subject of this comparison', text: 'Repair all' });
    button.addEventListener('click', function () { repair(report, null, button); });
    return el('div', {}, [button]);
  }
  var runningRepairs = 0;
  function showRepairs(jobs) {
    var running = jobs.filter(function (j) { return j.state === 'running'; }).length;
    // a repair just finished: compare again now, so the drift closing shows without waiting for the next check
    if (running < runningRepairs) lastDrift = 0;
    runningRepairs = running;
    if (jobs.length === 0) return render('repairs', 'none', el('p', { class: 'muted', text: mayRepair() ? 'no repair yet: Repair buttons are in the drift table' : 'no repair yet (repairs need the operator role)' }));
    render('repairs', running + ' running, ' + jobs.length + ' latest', table(['Started', 'By', 'Data set', 'Replica', 'State', 'Progress', '#Done', '#Total', '#Restated', '#Not held', '#Failed', '#Subjects/s', 'Correlation id', ''], jobs.map(function (j) {
      var cancel = mayRepair() && j.state === 'running' ? el('button', { type: 'button', 'data-cancel-repair': j.id, text: 'Cancel' }) : null;
      if (cancel) cancel.addEventListener('click', function () { cancel.disabled = true; fetch('api/repairs/' + encodeURIComponent(j.id) + '/cancel', { method: 'POST' }).then(loadRepairs); });
      return el('tr', { 'data-repair': j.id, 'data-dataset': j.dataset, 'data-replica': j.replica, 'data-state': j.state, 'data-done': j.done, 'data-total': j.total }, [
        td(time(j.startedAt)), td(j.requestedBy), td(j.dataset), td(j.replica),
        el('td', { class: j.state === 'done' ? 'ok' : j.state === 'running' ? 'warn' : 'bad', title: j.errors.join('\n'), text: j.state }),
        el('td', {}, [el('progress', { max: j.total, value: j.done })]), td(j.done), td(j.total), td(j.restated), td(j.notHeldHere), td(j.failed, { class: j.failed > 0 ? 'bad' : '' }),
        td(fixed(j.subjectsPerSecond, 1), { class: 'num' }), el('td', {}, [el('a', { text: j.correlationId.slice(0, 8) + '…', title: j.correlationId, onclick: function () { search(j.correlationId); } })]), el('td', {}, [cancel])
      ]);
    })));
  }
  function loadRepairs() { return getJson('api/repairs').then(showRepairs).catch(function (e) { renderError('repairs', e); }); }

  function showCorrelation(trace) {
    if (!trace) return render('correlation', 'enter a correlation id', el('p', { class: 'muted', text: 'Shows every event of one citizen action, in time order, with the registers that sent and read it.' }));
    var rows = trace.steps.map(function (s, index) {
      var source = s.summary ? s.summary.source.level + ' ' + s.summary.source.instanceKey + ' ' + s.summary.source.register : '–';
      return el('tr', { 'data-step': index, 'data-event-type': s.eventType, 'data-source': source }, [
        td(time(s.summary ? s.summary.occurredAt : s.timestamp)), td(s.eventType), td(source),
        td(s.summary ? s.summary.subject.kind + ' ' + s.summary.subject.id + ' v' + s.summary.subjectVersion : s.key),
        td(s.topic + ' / ' + s.partition + ' / ' + s.offset), td(time(s.timestamp)),
        el('td', {}, s.readBy.map(function (g) { return el('span', { class: 'pill', text: g.replace(/^.*regsync\./, '') }); }).concat(s.redrivenFrom ? [el('span', { class: 'pill warn', text: 're-driven' })] : []))
      ]);
    });
    var failures = trace.deadLetters.map(function (d) {
      return el('tr', { 'data-correlation-dead-letter': d.id }, [td(time(d.failedAt)), td(d.eventType), td(d.consumerGroup), el('td', { class: 'bad', text: d.reasonCode + ': ' + d.reason })]);
    });
    render('correlation', trace.correlationId + ': ' + trace.steps.length + ' events' + (trace.deadLetters.length ? ', ' + trace.deadLetters.length + ' dead letters' : ''), el('div', {}, [
      trace.steps.length ? table(['Occurred', 'Event', 'Sent by', 'Subject', 'Topic / partition / offset', 'In Kafka', 'Read by'], rows) : el('p', { class: 'muted', text: 'no events with this correlation id among the ' + trace.indexedEvents + ' indexed' }),
      failures.length ? el('h3', { text: 'Dead letters of this action' }) : null,
      failures.length ? table(['Failed at', 'Event', 'Consumer group', 'Reason'], failures) : null
    ]));
  }

  function svg(tag, attrs, children) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (name) { if (name === 'text') node.textContent = String(attrs[name]); else node.setAttribute(name, String(attrs[name])); });
    (children || []).forEach(function (child) { node.appendChild(child); });
    return node;
  }
  // one box of the picture: a state class, two lines of text and its data attributes
  function box(x, y, state, lines, data) {
    var attrs = { transform: 'translate(' + x + ',' + y + ')' };
    Object.keys(data).forEach(function (name) { attrs[name] = data[name]; });
    return svg('g', attrs, [svg('rect', { width: 250, height: 40, rx: 6, class: 'state-' + state })].concat(lines.map(function (line, i) {
      return svg('text', { x: 8, y: 16 + i * 15, text: line });
    })));
  }
  function arrow(x1, y1, x2, y2) { return svg('path', { d: 'M' + x1 + ',' + y1 + ' C' + (x1 + 40) + ',' + y1 + ' ' + (x2 - 40) + ',' + y2 + ' ' + x2 + ',' + y2, fill: 'none', stroke: '#8c959f', 'marker-end': 'url(#arrowhead)' }); }

  // sender → router → each recipient, coloured by state; the table below names route fields and legal basis
  function pathPicture(p) {
    var rows = Math.max(1, p.recipients.length);
    var height = rows * 50 + 10;
    var middle = height / 2 - 20;
    var routerText = p.router.state === 'dead-lettered' ? 'dead-lettered: ' + p.router.deadLetter.reasonCode : p.router.state === 'pending' ? 'pending' : 'routed to ' + p.recipients.length;
    var nodes = [
      svg('defs', {}, [svg('marker', { id: 'arrowhead', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 6, markerHeight: 6, orient: 'auto' }, [svg('path', { d: 'M0,0 L10,5 L0,10 z', fill: '#8c959f' })])]),
      box(5, middle, 'sent', [p.source.level + ' ' + p.source.instanceKey + ' ' + p.source.register, 'sent ' + (p.sent ? time(p.sent.at) : '–')], { 'data-sender': p.source.instanceKey }),
      arrow(255, middle + 20, 320, middle + 20),
      box(320, middle, p.router.state, ['router', routerText], { 'data-router-state': p.router.state })
    ];
    p.recipients.forEach(function (r, i) {
      var y = 5 + i * 50;
      var at = r.state === 'dead-lettered' ? 'failed ' + time(r.deadLetter.failedAt) : 'delivered ' + time(r.delivery.at);
      nodes.push(arrow(570, middle + 20, 640, y + 20));
      nodes.push(box(640, y, r.state, [r.app.replace('-register', '') + ' ' + r.instanceKey + ' ' + r.register, r.state + ' · ' + at], { 'data-recipient': r.app + ' ' + r.instanceKey + ' ' + r.register, 'data-state': r.state }));
    });
    return svg('svg', { width: 900, height: height, viewBox: '0 0 900 ' + height, role: 'img', 'aria-label': p.eventType + ' from ' + p.source.instanceKey }, nodes);
  }
  function showPaths(view) {
    if (!view) return render('paths', 'enter a correlation id or event id', el('p', { class: 'muted', text: 'Shows whom the router delivered each event to, under which route and legal basis, and whether each recipient applied it.' }));
    var blocks = view.paths.map(function (p) {
      var rows = p.recipients.map(function (r) {
        return el('tr', { 'data-route': r.app + ' ' + r.instanceKey + ' ' + r.register }, [
          td(r.app + ' ' + r.instanceKey), td(r.register), el('td', { class: r.state === 'applied' ? 'ok' : r.state === 'dead-lettered' ? 'bad' : null, text: r.state + (r.deadLetter ? ': ' + r.deadLetter.reasonCode + ': ' + r.deadLetter.reason : '') + (r.records > 1 ? ' (' + r.records + ' deliveries)' : '') }),
          td(time(r.delivery.at)), td(r.route ? r.route.legalBasis : 'no route in the catalog'), td(r.route ? r.route.fields.join(', ') : '–')
        ]);
      });
      return el('div', { class: 'path', 'data-path': p.eventId, 'data-event-type': p.eventType }, [
        el('h3', { text: p.eventType + ' · ' + p.subject.kind + ' ' + p.subject.id + ' · occurred ' + dateTime(p.occurredAt) + ' · event ' + p.eventId }),
        pathPicture(p),
        p.router.deadLetter ? el('p', { class: 'bad', 'data-router-dead-letter': p.router.deadLetter.id, text: 'router: ' + p.router.deadLetter.reasonCode + ': ' + p.router.deadLetter.reason + ' (' + time(p.router.deadLetter.failedAt) + ')' }) : null,
        rows.length ? table(['Recipient', 'Register', 'State', 'Delivered', 'Legal basis', 'Fields'], rows) : null
      ]);
    });
    render('paths', view.id + ': ' + view.paths.length + ' events', el('div', {}, blocks.length ? blocks : [el('p', { class: 'muted', text: 'nothing with this id among the ' + view.indexedEvents + ' indexed events' })]));
  }
  function showPath(id) {
    pathId = (id || '').trim();
    document.getElementById('path-id').value = pathId;
    loadPaths();
  }
  function loadPaths() {
    if (!pathId) { showPaths(null); return Promise.resolve(); }
    return getJson('api/paths/' + encodeURIComponent(pathId)).then(showPaths).catch(function (e) { renderError('paths', e); });
  }

  function showRecent(recent) {
    var holder = document.getElementById('recent-correlations');
    holder.replaceChildren.apply(holder, [el('span', { text: recent.length ? 'Latest actions: ' : 'No events yet.' })].concat(recent.map(function (r) {
      return el('a', { class: 'pill', 'data-recent-correlation': r.correlationId, title: r.correlationId + ' · ' + r.events + ' events · ' + dateTime(r.lastSeen), text: r.firstEventType + ' ' + time(r.lastSeen), onclick: function () { search(r.correlationId); } });
    })));
  }

  function search(id) {
    correlationId = (id || '').trim();
    document.getElementById('correlation-id').value = correlationId;
    history.replaceState(null, '', correlationId ? '#correlation=' + encodeURIComponent(correlationId) : '#');
    loadCorrelation();
    showPath(correlationId);
  }
  function loadCorrelation() {
    if (!correlationId) { showCorrelation(null); return Promise.resolve(); }
    return getJson('api/correlation/' + encodeURIComponent(correlationId)).then(showCorrelation).catch(function (e) { renderError('correlation', e); });
  }

  function releaseHeld(h, button) {
    if (!confirm('Apply the ' + h.held + ' held event(s) of ' + h.subjectKind + ' ' + h.subjectId + ' over the missing version ' + h.waitingFor + '? The missing event, re-driven later, will be dropped as stale.')) return;
    button.disabled = true;
    button.textContent = 'Releasing …';
    fetch('api/held-subjects/release', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ref: h.ref }) })
      .then(function (response) { return response.json().then(function (body) { if (!response.ok) throw new Error(body.error || ('HTTP ' + response.status)); return body; }); })
      .then(function () { button.textContent = 'Released'; refresh(); })
      .catch(function (error) { button.disabled = false; button.textContent = 'Release over the gap'; alert('Release failed: ' + error.message); });
  }
  function showHeld(view) {
    var notes = view.unavailable.length ? [el('p', { class: 'error', text: 'incomplete, not readable: ' + view.unavailable.map(function (u) { return u.instance + ' (' + u.reason + ')'; }).join(', ') })] : [];
    var body = view.subjects.length === 0 ? el('p', { class: 'muted', text: 'no subject held' }) : table(['Instance', 'Subject', 'Sender', 'Waiting for', 'Applied', '#Held', 'Held since', 'Age', ''], view.subjects.map(function (h) {
      var button = session.mayRedrive ? el('button', { type: 'button', 'data-release': h.ref, text: 'Release over the gap' }) : el('span', { class: 'muted', text: '' });
      if (session.mayRedrive) button.addEventListener('click', function () { releaseHeld(h, button); });
      var age = Math.round((Date.now() - Date.parse(h.heldSince)) / 1000);
      return el('tr', { 'data-held': h.ref }, [
        td(h.instance), el('td', {}, [el('code', { text: h.subjectKind + ' ' + h.subjectId })]), td(h.sourceInstanceKey + ' / ' + h.sourceRegister),
        td('version ' + h.waitingFor), td(h.appliedVersion === null ? 'none' : h.appliedVersion), td(h.held), td(dateTime(h.heldSince)),
        el('td', { class: age > 300 ? 'bad' : '', text: age + ' s' }), el('td', {}, [button])
      ]);
    }));
    render('held', view.subjects.length + ' held · checked ' + time(view.checkedAt), el('div', {}, notes.concat([body])));
  }

  var refreshing = false;
  function refresh() {
    if (refreshing) return;
    refreshing = true;
    var jobs = [
      getJson('api/instances').then(showInstances).catch(function (e) { renderError('instances', e); }),
      getJson('api/lag').then(showLag).catch(function (e) { renderError('lag', e); }),
      Promise.all([getJson('api/throughput'), getJson('api/outbox')]).then(function (r) { showThroughput(r[0], r[1]); }).catch(function (e) { renderError('throughput', e); }),
      getJson('api/dead-letters').then(showDeadLetters).catch(function (e) { renderError('dead-letters', e); }),
      getJson('api/held-subjects').then(showHeld).catch(function (e) { renderError('held', e); }),
      loadCorrelation(),
      loadPaths(),
      getJson('api/correlation').then(showRecent).catch(function () { showRecent([]); }),
      getJson('api/audit/redrives').then(showAudit).catch(function (e) { renderError('audit', e); }),
      loadRepairs(),
      getJson('api/alerts').then(showAlerts).catch(function (e) { renderError('alerts', e); }),
      loadHistory(false)
    ];
    if (Date.now() - lastDrift >= DRIFT_POLL_MS) {
      lastDrift = Date.now();
      jobs.push(getJson('api/drift').then(showDrift).catch(function (e) { renderError('drift', e); }));
    }
    Promise.all(jobs).then(function () {
      document.getElementById('refreshed').textContent = 'updated ' + time(new Date().toISOString()) + ' · every ' + POLL_MS / 1000 + ' s';
      document.body.setAttribute('data-refreshed', String(Date.now()));
    }).finally(function () { refreshing = false; });
  }

  Array.prototype.forEach.call(document.querySelectorAll('#history-windows button'), function (button) {
    button.addEventListener('click', function () {
      historyWindow = button.getAttribute('data-window');
      Array.prototype.forEach.call(document.querySelectorAll('#history-windows button'), function (other) { other.setAttribute('aria-pressed', String(other === button)); });
      loadHistory(true);
    });
  });
  document.getElementById('correlation-form').addEventListener('submit', function (event) { event.preventDefault(); search(document.getElementById('correlation-id').value); });
  document.getElementById('path-form').addEventListener('submit', function (event) { event.preventDefault(); showPath(document.getElementById('path-id').value); });
  var fromHash = /correlation=([^&]+)/.exec(location.hash);
  if (fromHash) search(decodeURIComponent(fromHash[1]));
  getJson('api/session').then(function (s) {
    session = s;
    document.getElementById('user').textContent = s.name;
    document.getElementById('roles').textContent = s.roles.join(', ');
    document.body.setAttribute('data-roles', s.roles.join(' '));
    refresh();
    setInterval(refresh, POLL_MS);
  });
})();
</script>
</body>
</html>
`;
