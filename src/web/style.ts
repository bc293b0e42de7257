import { accent } from './charts.js';

// One stylesheet, served from /assets/site.css so that the CSP needs no inline style: system fonts, one accent colour.
export const siteCss = `
:root { --accent: ${accent}; --ink: #1b1b1f; --muted: #555a63; --line: #dde1e7; --soft: #f5f7fa; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: #fff; }
a { color: var(--accent); }
a:focus-visible, button:focus-visible, input:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.top { display: flex; align-items: center; justify-content: space-between; gap: 1rem; padding: .75rem 1rem; border-bottom: 1px solid var(--line); }
.brand { font-weight: 700; text-decoration: none; color: var(--ink); }
.signout { display: flex; align-items: center; gap: .5rem; margin: 0; color: var(--muted); font-size: .9rem; }
main { max-width: 60rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.6rem; margin: .5rem 0; line-height: 1.25; }
h2 { font-size: 1.2rem; margin: 2rem 0 .5rem; }
h3 { font-size: 1.05rem; margin: 0 0 .25rem; }
.muted, .lede { color: var(--muted); }
.status { display: inline-block; padding: 0 .5rem; border: 1px solid var(--line); border-radius: 1rem; font-size: .85rem; color: var(--muted); }
.status-launched { border-color: var(--accent); color: var(--accent); }
nav.tabs { display: flex; gap: 1rem; border-bottom: 1px solid var(--line); margin: 1rem 0; flex-wrap: wrap; }
nav.tabs a { padding: .4rem 0; text-decoration: none; color: var(--muted); }
nav.tabs a[aria-current="page"] { color: var(--ink); border-bottom: 3px solid var(--accent); font-weight: 600; }
.cards { list-style: none; padding: 0; display: grid; gap: 1rem; grid-template-columns: repeat(auto-fill, minmax(17rem, 1fr)); }
.card { border: 1px solid var(--line); border-radius: .5rem; padding: 1rem; }
.card h2 { margin: 0 0 .25rem; font-size: 1.1rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: .5rem 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
figure.chart { margin: 1.5rem 0; padding: 1rem; border: 1px solid var(--line); border-radius: .5rem; }
figure.chart svg { width: 100%; height: auto; display: block; }
figcaption { color: var(--muted); margin: .5rem 0; }
details summary { cursor: pointer; color: var(--accent); }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--soft); }
td.n, th.n { text-align: right; }
button, .button { font: inherit; padding: .5rem 1rem; border-radius: .4rem; border: 1px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer; text-decoration: none; display: inline-block; }
.signout button { padding: .2rem .6rem; background: #fff; color: var(--accent); }
form.search { display: flex; gap: .5rem; margin: 1rem 0; }
form.search input { flex: 1; font: inherit; padding: .5rem; border: 1px solid #8b929c; border-radius: .4rem; min-width: 0; }
ol.hits, ul.plain { list-style: none; padding: 0; }
ol.hits li, ul.plain li { border-bottom: 1px solid var(--line); padding: .75rem 0; }
.role { font-size: .8rem; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
mark { background: #fff3b0; color: inherit; }
.notice { border-left: 4px solid var(--accent); background: var(--soft); padding: .75rem 1rem; }
@media (max-width: 40rem) { dl.facts { grid-template-columns: 1fr; } dl.facts dd { margin-bottom: .5rem; } main { padding: .75rem; } }
`;
