/**
 * The dashboard's stylesheet and script, kept as strings in the source so `deno compile` puts
 * them in the binary with no `--include` and no build step.
 * @module
 */

/** Served at `/assets/dashboard.css`. Plain CSS; narrow screens stack, tables scroll inside. */
export const DASHBOARD_CSS = `
:root { color-scheme: light dark; --fg: #1b1f24; --muted: #5b6470; --bg: #f6f7f9; --card: #fff;
  --line: #d8dde3; --accent: #2459c7; --bad: #b42318; --ok: #1a7f37; --warn: #9a6700; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6e9ed; --muted: #9aa4b0; --bg: #14171b;
  --card: #1c2026; --line: #2e343c; --accent: #7aa2ff; --bad: #ff7b72; --ok: #56d364;
  --warn: #e3b341; } }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif;
  color: var(--fg); background: var(--bg); }
a { color: var(--accent); }
header.top { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem 1.25rem;
  padding: .6rem 1rem; background: var(--card); border-bottom: 1px solid var(--line); }
.brand { font-weight: 700; font-size: 1.1rem; text-decoration: none; color: var(--fg); }
header nav { display: flex; flex-wrap: wrap; gap: .25rem .9rem; flex: 1 1 auto; }
header nav a { text-decoration: none; color: var(--muted); padding: .15rem 0; }
header nav a[aria-current="page"] { color: var(--fg); border-bottom: 2px solid var(--accent); }
.signout { display: flex; gap: .5rem; align-items: center; margin-left: auto; }
main { max-width: 1200px; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.4rem; margin: .25rem 0 1rem; }
h2 { font-size: 1.1rem; margin: 1.25rem 0 .5rem; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(9rem, 1fr)); gap: .75rem; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px;
  padding: .75rem 1rem; min-width: 0; }
a.card { color: inherit; text-decoration: none; }
a.card:hover { border-color: var(--accent); }
.card .n { font-size: 1.8rem; font-weight: 650; font-variant-numeric: tabular-nums; }
.card .label { color: var(--muted); font-size: .85rem; }
.card.bad .n { color: var(--bad); }
.panel { background: var(--card); border: 1px solid var(--line); border-radius: 8px;
  padding: .75rem 1rem; margin: .75rem 0; min-width: 0; }
.table-wrap { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid var(--line);
  vertical-align: top; }
th { color: var(--muted); font-weight: 600; white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.status { font-weight: 600; }
.status-dead, .status-failed { color: var(--bad); }
.status-succeeded, .status-done { color: var(--ok); }
.status-running, .status-queued { color: var(--warn); }
.muted { color: var(--muted); }
.badge { font-size: .75rem; border: 1px solid var(--line); border-radius: 999px;
  padding: .05rem .5rem; color: var(--muted); }
form.filters { display: flex; flex-wrap: wrap; gap: .5rem; align-items: end; }
label { display: flex; flex-direction: column; gap: .2rem; font-size: .85rem; color: var(--muted); }
input, select, button, textarea { font: inherit; color: inherit; background: var(--card);
  border: 1px solid var(--line); border-radius: 6px; padding: .35rem .6rem; max-width: 100%; }
button { cursor: pointer; }
button.primary { background: var(--accent); color: #fff; border-color: var(--accent); }
.inline { display: inline; }
.notice { border-left: 3px solid var(--accent); padding: .5rem .75rem; background: var(--card); }
.error { border-left: 3px solid var(--bad); padding: .5rem .75rem; background: var(--card); }
.signin { max-width: 24rem; margin: 3rem auto; display: flex; flex-direction: column; gap: .75rem; }
svg.chart { width: 100%; height: auto; display: block; }
svg.chart .bar { fill: var(--accent); }
svg.chart .bar.bad { fill: var(--bad); }
svg.chart text { fill: var(--muted); font-size: 10px; }
svg.chart line { stroke: var(--line); }
details > summary { cursor: pointer; }
pre { white-space: pre-wrap; word-break: break-word; font-size: .8rem; margin: .25rem 0; }
.pager { margin-top: .75rem; }
.live-dot { display: inline-block; width: .55rem; height: .55rem; border-radius: 50%;
  background: var(--muted); margin-right: .3rem; }
.live-dot.on { background: var(--ok); }
`;

/**
 * Served at `/assets/dashboard.js`. A page whose body carries `data-live` gets its live parts
 * from a Server-Sent Events stream of the same URL: each event names an element id and brings
 * its new HTML, rendered (and escaped) on the server. EventSource reconnects by itself.
 */
export const DASHBOARD_JS = `
(() => {
  if (!document.body.hasAttribute("data-live") || !window.EventSource) return;
  const dot = document.getElementById("live-dot");
  const source = new EventSource(location.pathname + location.search);
  source.addEventListener("open", () => dot && dot.classList.add("on"));
  source.addEventListener("error", () => dot && dot.classList.remove("on"));
  source.addEventListener("fragment", (event) => {
    const { id, html } = JSON.parse(event.data);
    const target = document.getElementById(id);
    if (target) target.innerHTML = html;
  });
  source.addEventListener("signed-out", () => { source.close(); location.assign("/sign-in"); });
})();
`;

/** Served at `/assets/favicon.svg`: a loom's warp and weft, so browsers ask for no favicon.ico. */
export const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16">
<rect width="16" height="16" rx="3" fill="#2459c7"/>
<path d="M4 3v10M8 3v10M12 3v10M2 6h12M2 10h12" stroke="#fff" stroke-width="1.5"/>
</svg>`;
