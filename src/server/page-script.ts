/** Script of the status page: renders /api data, redraws on server-sent change events. */
// Plain browser JavaScript kept in a string so the binary serves it with no build step. It uses
// string concatenation only (no template literals) so it can sit inside this TS template.
export const PAGE_SCRIPT = String.raw`
'use strict'
var params = new URLSearchParams(location.search)
var token = params.get('token')
var qs = token ? '?token=' + encodeURIComponent(token) : ''
var main = document.getElementById('main')
var conn = document.getElementById('conn')
document.getElementById('home').href = '/' + qs

function api(path, init) {
  init = init || {}
  var headers = Object.assign({}, init.headers || {})
  if (token) headers.authorization = 'Bearer ' + token
  return fetch(path, Object.assign({}, init, { headers: headers })).then(function (r) {
    return r.json().catch(function () { return {} }).then(function (body) {
      if (!r.ok) throw new Error(body.error || r.statusText)
      return body
    })
  })
}
function esc(s) {
  return String(s == null ? '' : s).replace(/[&<>"']/g, function (c) {
    return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]
  })
}
function count(n) { return n == null ? '–' : Math.round(n).toLocaleString('en-US') }
function rate(n) { return n == null ? '–' : (n < 10 ? n.toFixed(1) : count(n)) + '/s' }
function bytes(n) {
  if (n == null) return '–'
  var u = ['B', 'KB', 'MB', 'GB'], i = 0
  while (n >= 1024 && i < u.length - 1) { n /= 1024; i++ }
  return (i ? n.toFixed(1) : n) + ' ' + u[i]
}
function duration(s) {
  if (s == null) return '–'
  s = Math.max(0, Math.round(s))
  if (s < 60) return s + 's'
  if (s < 3600) return Math.floor(s / 60) + 'm ' + (s % 60) + 's'
  if (s < 86400) return Math.floor(s / 3600) + 'h ' + Math.floor((s % 3600) / 60) + 'm'
  return Math.floor(s / 86400) + 'd ' + Math.floor((s % 86400) / 3600) + 'h'
}
function since(iso) { return iso ? duration((Date.now() - Date.parse(iso)) / 1000) + ' ago' : 'never' }
function clock(ms) { return new Date(ms).toLocaleTimeString([], { hour12: false }) }
function when(iso) { return iso ? new Date(iso).toLocaleString([], { hour12: false }) : '–' }
function badge(status) { return '<span class="badge s-' + esc(status) + '" data-status="' + esc(status) + '">' + esc(status) + '</span>' }
function bar(done, total) {
  if (!total) return ''
  var pct = Math.min(100, (done / total) * 100)
  return '<div class="bar" title="' + pct.toFixed(1) + '%"><span style="width:' + pct.toFixed(1) + '%"></span></div>'
}
function toast(text) {
  var el = document.createElement('div')
  el.className = 'toast'
  el.setAttribute('role', 'status')
  el.textContent = text
  document.body.appendChild(el)
  setTimeout(function () { el.remove() }, 6000)
}

// Rounds the axis top up to 1, 2, 2.5 or 5 x 10^n so the four grid lines read well.
function niceTop(v) {
  if (!(v > 0)) return 1
  var p = Math.pow(10, Math.floor(Math.log10(v)))
  var steps = [1, 1.2, 1.6, 2, 2.4, 3, 4, 5, 6, 8, 10]
  for (var i = 0; i < steps.length; i++) if (steps[i] * p >= v * 1.02) return steps[i] * p
  return 10 * p
}
// A small SVG line chart. points: [[ms, value]]
function chart(points, opts) {
  opts = opts || {}
  if (!points.length) return '<div class="empty">' + esc(opts.empty || 'No data yet') + '</div>'
  var W = 560, H = 180, L = 58, R = 12, T = 12, B = 26
  var x0 = points[0][0], x1 = points[points.length - 1][0]
  if (x1 - x0 < 1000) { x1 = x0 + 1000 }
  var top = Math.max(opts.ref || 0, opts.max || 0)
  points.forEach(function (p) { if (p[1] > top) top = p[1] })
  top = opts.integer && top < 4 ? 4 : niceTop(top)
  function sx(x) { return L + ((x - x0) / (x1 - x0)) * (W - L - R) }
  function sy(y) { return H - B - (y / top) * (H - T - B) }
  var fmt = opts.format || count
  var out = '<svg class="chart" viewBox="0 0 ' + W + ' ' + H + '" role="img" aria-label="' + esc(opts.label || '') + '">'
  for (var i = 0; i <= 4; i++) {
    var v = (top / 4) * i, y = sy(v).toFixed(1)
    out += '<line class="grid" x1="' + L + '" x2="' + (W - R) + '" y1="' + y + '" y2="' + y + '"/>'
    out += '<text x="' + (L - 6) + '" y="' + (+y + 4) + '" text-anchor="end">' + esc(fmt(v)) + '</text>'
  }
  out += '<text x="' + L + '" y="' + (H - 6) + '">' + clock(x0) + '</text>'
  out += '<text x="' + (W - R) + '" y="' + (H - 6) + '" text-anchor="end">' + clock(x1) + '</text>'
  if (opts.ref) {
    var ry = sy(opts.ref).toFixed(1)
    out += '<line x1="' + L + '" x2="' + (W - R) + '" y1="' + ry + '" y2="' + ry + '" stroke="var(--ok)" stroke-dasharray="5 4"/>'
    out += '<text x="' + (W - R) + '" y="' + (ry - 5) + '" text-anchor="end">total ' + esc(fmt(opts.ref)) + '</text>'
  }
  var line = points.map(function (p, i) { return (i ? 'L' : 'M') + sx(p[0]).toFixed(1) + ' ' + sy(p[1]).toFixed(1) }).join(' ')
  var color = opts.color || 'var(--accent)'
  out += '<path d="' + line + ' L' + sx(points[points.length - 1][0]).toFixed(1) + ' ' + sy(0) + ' L' + sx(x0).toFixed(1) + ' ' + sy(0) + ' Z" fill="' + color + '" opacity=".12"/>'
  out += '<path d="' + line + '" fill="none" stroke="' + color + '" stroke-width="2" stroke-linejoin="round"/>'
  if (points.length < 40) points.forEach(function (p) {
    out += '<circle cx="' + sx(p[0]).toFixed(1) + '" cy="' + sy(p[1]).toFixed(1) + '" r="2.5" fill="' + color + '"/>'
  })
  return out + '</svg>'
}

function overview(data) {
  var list = data.pipelines
  var html = '<h1>Pipelines</h1><p class="sub">' + list.length + ' pipeline' + (list.length === 1 ? '' : 's') + ' · updated ' + clock(Date.now()) + '</p>'
  if (!list.length) return html + '<div class="panel empty">No pipeline has run against this backend yet.</div>'
  html += '<div class="panel" style="padding:4px 4px"><table><thead><tr><th>Pipeline</th><th>Status</th><th>Last success</th><th class="num">Records</th><th class="num">Rate</th><th class="num">Lag</th><th></th></tr></thead><tbody>'
  list.forEach(function (p) {
    html += '<tr data-pipeline="' + esc(p.name) + '" data-key="' + esc(p.key) + '">'
    html += '<td><a href="/jobs/' + esc(p.jobId) + qs + '"><b>' + esc(p.name) + '</b></a><div class="flow">' + esc(p.source) + '.' + esc(p.stream) + ' → ' + esc(p.destination || '?') + ' <span class="muted">(' + esc(p.syncMode) + ')</span></div>'
    if (p.error) html += '<div class="err">' + (p.error.stage ? '<b>' + esc(p.error.stage) + ':</b> ' : '') + esc(p.error.message) + '</div>'
    html += '</td><td>' + badge(p.status) + (p.live ? ' <span class="muted">live</span>' : '') + '</td>'
    html += '<td><span data-since="' + esc(p.lastSuccessAt || '') + '">' + since(p.lastSuccessAt) + '</span></td>'
    html += '<td class="num records">' + count(p.records) + (p.total ? ' <span class="muted">/ ' + count(p.total) + '</span>' + bar(p.records, p.total) : '') + '</td>'
    html += '<td class="num">' + rate(p.rate) + '</td>'
    html += '<td class="num">' + (p.lagSeconds == null ? '–' : duration(p.lagSeconds)) + '</td>'
    html += '<td class="num">' + (p.syncMode === 'incremental' ? '<button data-reset="' + esc(p.key) + '" data-what="' + esc(p.source + ' - ' + p.stream) + '">Reset stream</button>' : '') + '</td></tr>'
  })
  return html + '</tbody></table></div>'
}

function perSecond(points) {
  var out = []
  for (var i = 1; i < points.length; i++) {
    var dt = (points[i][0] - points[i - 1][0]) / 1000
    if (dt > 0) out.push([points[i][0], Math.max(0, (points[i][1] - points[i - 1][1]) / dt)])
  }
  return out
}
function card(label, value, hint) {
  return '<div class="card"><div class="label">' + esc(label) + '</div><div class="value">' + value + '</div>' + (hint ? '<div class="hint">' + hint + '</div>' : '') + '</div>'
}

function jobPage(d) {
  var j = d.job, p = d.pipeline || {}, live = d.live
  document.title = j.name + ' · bizon'
  var html = '<p class="sub"><a href="/' + qs + '">← Pipelines</a></p>'
  html += '<h1>' + esc(j.name) + ' ' + badge(j.shownStatus) + (live && live.status === 'running' ? ' <span class="muted" style="font-size:13px">live</span>' : '') + '</h1>'
  html += '<p class="sub flow">' + esc(j.sourceName) + '.' + esc(j.streamName) + ' → ' + esc(p.destination || '?') + ' · ' + esc(j.syncMode) + ' · job ' + esc(j.id) + '</p>'
  if (d.error) {
    html += '<div class="panel errorbox" id="error"><b>Failed' + (d.error.stage ? ' in stage <span data-stage>' + esc(d.error.stage) + '</span>' : '') + '</b><pre>' + esc(d.error.message) + '</pre></div>'
  }
  var end = j.updatedAt && j.shownStatus !== 'running' ? Date.parse(j.updatedAt) : Date.now()
  var rateNow = live ? live.rate : (p.jobId === j.id ? p.rate : null)
  html += '<div class="cards">'
  html += card('Records written', '<span id="written">' + count(d.rowsWritten) + '</span>', d.total ? (Math.min(100, (d.rowsWritten / d.total) * 100)).toFixed(1) + '% of ' + count(d.total) + bar(d.rowsWritten, d.total) : '')
  html += card('Rate', rate(rateNow), live && live.status === 'running' ? 'last 10 s' : 'job average')
  html += card('Duration', duration((end - Date.parse(j.createdAt)) / 1000), 'since ' + when(j.createdAt))
  html += card('Batches', count(d.cursorCount), 'destination cursors')
  if (live && live.status === 'running') {
    html += card('Queue depth', live.queueDepth == null ? '–' : count(live.queueDepth), 'messages waiting')
    html += card('Buffer', bytes(live.bufferBytes), count(live.bufferRecords) + ' records' + (live.bufferCapacity ? ' · ' + ((live.bufferBytes / live.bufferCapacity) * 100).toFixed(0) + '% full' + bar(live.bufferBytes, live.bufferCapacity) : ''))
  }
  html += '</div>'
  var progress = d.progress
  var samples = live ? live.samples : []
  var speed = samples.length > 1
    ? perSecond(samples.map(function (s) { return [s.t, s.written] }))
    : perSecond(progress)
  html += '<div class="grid2"><div class="panel"><h2>Progress (destination cursors)</h2>' + chart(progress, { ref: d.total, label: 'records written over time', empty: 'No batch written yet' }) + '</div>'
  html += '<div class="panel"><h2>Records per second</h2>' + chart(speed, { format: function (v) { return count(v) }, color: 'var(--ok)', label: 'records per second', empty: 'Not enough batches yet' }) + '</div>'
  if (live) {
    html += '<div class="panel"><h2>Queue depth</h2>' + chart(samples.filter(function (s) { return s.queueDepth != null }).map(function (s) { return [s.t, s.queueDepth] }), { color: 'var(--warn)', label: 'queue depth', empty: 'No queue samples', integer: true }) + '</div>'
    html += '<div class="panel"><h2>Buffer fill</h2>' + chart(samples.map(function (s) { return [s.t, s.bufferBytes] }), { format: bytes, ref: live.bufferCapacity, color: 'var(--idle)', label: 'buffer bytes', empty: 'No buffer samples', integer: true }) + '</div>'
  }
  html += '</div><div style="height:16px"></div>'
  html += '<div class="panel"><h2>Timeline</h2><ul class="timeline">' + d.timeline.map(function (t) {
    return '<li><span class="dot s-' + esc(t.status || '') + '"></span><time>' + when(t.at) + '</time><span>' + esc(t.label) + '</span></li>'
  }).join('') + '</ul></div>'
  var recent = d.cursors.slice().reverse()
  html += '<div class="panel"><h2>Destination cursors (' + count(d.cursorCount) + (d.cursorCount > recent.length ? ', newest ' + recent.length : '') + ')</h2>'
  html += recent.length ? '<table><thead><tr><th>Iterations</th><th class="num">Records</th><th>Destination</th><th>Written at</th></tr></thead><tbody>' + recent.map(function (c) {
    return '<tr><td>' + c.fromSourceIteration + ' → ' + c.toSourceIteration + '</td><td class="num">' + count(c.rowsWritten) + '</td><td>' + esc(c.destinationName) + '</td><td>' + when(c.createdAt) + '</td></tr>'
  }).join('') + '</tbody></table>' : '<div class="empty">No batch written yet</div>'
  html += '</div>'
  if (d.config) html += '<div class="panel"><details><summary>Configuration (as written; secrets are never shown)</summary><pre class="config">' + esc(JSON.stringify(d.config, null, 2)) + '</pre></details></div>'
  return html
}

var jobMatch = /^\/jobs\/([^/]+)$/.exec(location.pathname)
var busy = false, again = false
function refresh() {
  if (busy) { again = true; return }
  busy = true
  var open = document.querySelector('details[open]') != null
  var load = jobMatch
    ? api('/api/jobs/' + encodeURIComponent(jobMatch[1])).then(jobPage)
    : api('/api/pipelines').then(overview)
  load.then(function (html) {
    main.innerHTML = html
    if (open) { var det = document.querySelector('details'); if (det) det.open = true }
  }).catch(function (e) {
    main.innerHTML = '<div class="panel errorbox"><b>Could not load:</b><pre>' + esc(e.message) + '</pre></div>'
  }).finally(function () {
    busy = false
    if (again) { again = false; refresh() }
  })
}

main.addEventListener('click', function (ev) {
  var btn = ev.target.closest('button[data-reset]')
  if (!btn) return
  if (!confirm('Reset ' + btn.dataset.what + '? The next run re-fetches the whole stream and replaces the destination.')) return
  btn.disabled = true
  api('/api/pipelines/' + btn.dataset.reset + '/reset', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
    .then(function (r) { toast(r.message) })
    .catch(function (e) { toast('Reset failed: ' + e.message) })
    .finally(function () { btn.disabled = false })
})

setInterval(function () {
  document.querySelectorAll('[data-since]').forEach(function (el) { el.textContent = since(el.dataset.since || null) })
}, 1000)

var fallback = null
function connect() {
  var es = new EventSource('/api/events' + qs)
  es.addEventListener('hello', function () {
    conn.className = 'conn on'; conn.textContent = 'live'
    if (fallback) { clearInterval(fallback); fallback = null }
    refresh()
  })
  es.addEventListener('change', refresh)
  es.onerror = function () {
    conn.className = 'conn off'; conn.textContent = 'reconnecting'
    if (!fallback) fallback = setInterval(refresh, 5000)
  }
}
refresh()
connect()
`
