/** The status page: one HTML document with its CSS and script inline (no build step, no CDN). */
import { PAGE_SCRIPT } from './page-script.ts'

const STYLE = `
:root {
  --bg: #f6f7f9; --panel: #fff; --text: #1d2330; --muted: #667085; --line: #e3e6eb;
  --accent: #2563eb; --ok: #15803d; --bad: #c62828; --warn: #b45309; --idle: #6b7280;
  --ok-bg: #e8f5ec; --bad-bg: #fdecec; --warn-bg: #fdf3e3; --run-bg: #e8effd; --idle-bg: #eef0f3;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--text); background: var(--bg);
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0f1217; --panel: #171b22; --text: #e6e9ef; --muted: #98a2b3; --line: #2a303b;
    --accent: #60a5fa; --ok: #4ade80; --bad: #f87171; --warn: #fbbf24; --idle: #9ca3af;
    --ok-bg: #12301d; --bad-bg: #3a1616; --warn-bg: #3a2a0e; --run-bg: #15264a; --idle-bg: #252a33;
  }
}
* { box-sizing: border-box; }
body { margin: 0; }
header { display: flex; align-items: center; gap: 12px; padding: 12px 24px; background: var(--panel); border-bottom: 1px solid var(--line); }
header .brand { font-weight: 700; font-size: 16px; color: var(--text); text-decoration: none; letter-spacing: .2px; }
header .conn { margin-left: auto; font-size: 12px; color: var(--muted); }
header .conn.on::before { content: "●"; color: var(--ok); margin-right: 6px; }
header .conn.off::before { content: "●"; color: var(--idle); margin-right: 6px; }
main { max-width: 1180px; margin: 0 auto; padding: 20px 24px 48px; }
h1 { font-size: 20px; margin: 4px 0 2px; display: flex; align-items: center; gap: 10px; }
h2 { font-size: 14px; margin: 0 0 10px; color: var(--muted); font-weight: 600; text-transform: uppercase; letter-spacing: .4px; }
.sub { color: var(--muted); margin: 0 0 16px; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
.panel { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: 16px; margin-bottom: 16px; }
table { width: 100%; border-collapse: collapse; }
th, td { text-align: left; padding: 10px 12px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: 12px; color: var(--muted); font-weight: 600; text-transform: uppercase; letter-spacing: .3px; }
tr:last-child td { border-bottom: none; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.flow { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12.5px; color: var(--muted); }
.badge { display: inline-block; padding: 1px 9px; border-radius: 999px; font-size: 12px; font-weight: 600; }
.s-succeeded { background: var(--ok-bg); color: var(--ok); }
.s-failed { background: var(--bad-bg); color: var(--bad); }
.s-running, .s-started { background: var(--run-bg); color: var(--accent); }
.s-stopped { background: var(--warn-bg); color: var(--warn); }
.s-cancelled { background: var(--idle-bg); color: var(--idle); }
.err { color: var(--bad); font-size: 12.5px; margin-top: 4px; max-width: 420px; overflow-wrap: anywhere; }
.bar { height: 6px; background: var(--idle-bg); border-radius: 3px; overflow: hidden; margin-top: 5px; min-width: 90px; }
.bar > span { display: block; height: 100%; background: var(--accent); }
button { font: inherit; font-size: 12.5px; padding: 4px 10px; border-radius: 6px; border: 1px solid var(--line); background: var(--panel); color: var(--text); cursor: pointer; }
button:hover { border-color: var(--accent); color: var(--accent); }
.empty { color: var(--muted); padding: 24px; text-align: center; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: 12px; margin-bottom: 16px; }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: 12px 14px; }
.card .label { font-size: 12px; color: var(--muted); }
.card .value { font-size: 20px; font-weight: 650; font-variant-numeric: tabular-nums; margin-top: 2px; }
.card .hint { font-size: 12px; color: var(--muted); }
.grid2 { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
@media (max-width: 860px) { .grid2 { grid-template-columns: 1fr; } }
.grid2 .panel { margin-bottom: 0; }
.chart { width: 100%; height: auto; display: block; }
.chart text { fill: var(--muted); font-size: 11px; font-family: inherit; }
.chart .grid { stroke: var(--line); stroke-width: 1; }
.errorbox { border-color: var(--bad); background: var(--bad-bg); }
.errorbox pre { margin: 6px 0 0; white-space: pre-wrap; overflow-wrap: anywhere; font-size: 12.5px; }
.timeline { list-style: none; margin: 0; padding: 0; }
.timeline li { display: flex; gap: 12px; padding: 6px 0; }
.timeline .dot { width: 10px; height: 10px; border-radius: 50%; margin-top: 5px; flex: none; background: var(--idle); }
.timeline .dot.s-succeeded { background: var(--ok); } .timeline .dot.s-failed { background: var(--bad); }
.timeline .dot.s-running { background: var(--accent); } .timeline .dot.s-stopped { background: var(--warn); }
.timeline time { color: var(--muted); font-variant-numeric: tabular-nums; min-width: 150px; font-size: 12.5px; }
pre.config { margin: 8px 0 0; font-size: 12px; overflow: auto; max-height: 360px; }
.toast { position: fixed; right: 20px; bottom: 20px; max-width: 420px; background: var(--text); color: var(--bg); padding: 10px 14px; border-radius: 8px; box-shadow: 0 6px 20px rgba(0,0,0,.2); }
.muted { color: var(--muted); }
`

export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>bizon status</title>
<style>${STYLE}</style>
</head>
<body>
<header><a class="brand" id="home" href="/">bizon</a><span class="muted">status</span><span class="conn off" id="conn">connecting</span></header>
<main id="main"><p class="empty">Loading…</p></main>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`
