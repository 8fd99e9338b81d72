/* The dashboard, rules, files and proposals views. Each renders from `selected` and `agg` (model.js)
   into its own section, and only when shown: a hidden view is re-rendered when it is opened. */

const SEV_COLOUR = (s) => `var(--${SEVERITIES[s]})`;
const CAT_COLOUR = (c) => `var(--${CATEGORIES[c]})`;
const FIX_COLOUR = (f) => `var(--${FIXES[f]})`;
const PACK_COLOURS = ["#2b59c3", "#b8327a", "#22995f", "#e39a1b", "#7457d6", "#3a87c8", "#e0703a", "#5f6b7a"];
const ui = { ruleSort: ["effort", -1], openRule: -1, ruleFiles: 5, fileRows: 100, sizeBy: "effort", proposalRows: 100, openProposal: null };

function card(size, title, note, ...body) {
  return h("div", { class: `card ${size}` }, h("h3", { text: title }), note ? h("p", { class: "note", text: note }) : null, ...body);
}

/* The width in pixels of a chart in a card spanning `span` of the grid's six columns (the CSS
   rules for .card), so charts are drawn at their real size and their text stays readable. */
function chartWidth(span) {
  const main = document.querySelector("main");
  const grid = main.clientWidth ? main.clientWidth - 2 * 21 : 1200, gap = 12.6, inner = 2 * 14 + 2;
  const vw = window.innerWidth;
  const cols = vw <= 760 ? 6 : vw <= 1100 ? Math.max(span, 3) : span;
  return Math.max(240, ((grid - 5 * gap) * cols) / 6 + (cols - 1) * gap - inner);
}

function kpi(id, label, value, sub, extra) {
  return h("div", { class: `kpi ${extra || ""}`, id }, h("div", { class: "label", text: label }),
    h("div", { class: "value", text: value }), h("div", { class: "sub", text: sub }));
}

function legend(items, total, onSelect) {
  return h("ul", { class: "legend" }, items.map((it) => h("li", { onclick: () => onSelect(it.key), title: "Filter by " + it.label },
    h("span", { class: "swatch", background: it.color }), h("span", { text: it.label }),
    h("span", { class: "num", text: `${fmt(it.value)} · ${pct(it.value, total)}` }))));
}

function donutCard(title, note, items, filterKey) {
  const select = (key) => setFilter(filterKey, key);
  const total = items.reduce((s, it) => s + it.value, 0);
  return card("", title, note, h("div", { class: "donut-row" },
    Charts.donut(items, { label: title, sub: "incidents", onSelect: select }), legend(items, total, select)));
}

function renderDashboard() {
  const a = agg, auto = a.fix[0], share = (n) => (a.count ? pct(n, a.count) : "–");
  const ruled = RULES.filter((_, r) => a.rule[r] > 0).length;
  const kpis = [
    kpi("kpi-incidents", "Incidents", fmt(a.count), `in ${fmt(a.files)} files · ${fmt(DATA.meta.files)} scanned`),
    kpi("kpi-effort", "Effort", fmt(a.effort), "story points (rule effort × incidents)"),
    kpi("kpi-auto", "Auto-fixable", share(auto), `${fmt(auto)} incidents · migrator fixes them`, "good"),
    kpi("kpi-model", "Needs a model", fmt(a.fix[1]), `${share(a.fix[1])} · proposed by a local model`),
    kpi("kpi-person", "Needs a person", fmt(a.fix[2]), `${share(a.fix[2])} · no automatic fix`),
    kpi("kpi-rules", "Rules matched", fmt(ruled), `of ${fmt(RULES.length)} rules run`),
  ];
  if (PROPOSALS.length) {
    const done = PROPOSALS.filter((p) => p.status === "accepted" || p.status === "applied").length;
    kpis.push(kpi("kpi-proposals", "Proposals", fmt(PROPOSALS.length), `${fmt(done)} accepted or applied`));
  }
  $("kpis").replaceChildren(...kpis);
  $("charts").replaceChildren(...dashboardCards(a));
  $("scan-errors").replaceChildren(DATA.errors.length ? errorsCard() : "");
}

function dashboardCards(a) {
  const fixParts = (values) => FIXES.map((f, i) => ({ label: FIX_LABEL[f], value: values[i], color: FIX_COLOUR(i), key: f }));
  const wide = chartWidth(6), half = chartWidth(3), third = chartWidth(2);
  const byFix = (k) => setFilter("fix", k);
  const work = card("wide", "Who does the work",
    "Auto-fixable: a deterministic rewrite (migrator apply). Needs a model: a local model proposes a validated patch (migrator fix). Needs a person: no automatic fix.",
    h("div", { class: "muted", text: "Incidents" }), Charts.stacked(fixParts(a.fix), { label: "Incidents by who fixes them", width: wide, onSelect: byFix }),
    h("div", { class: "muted", text: "Effort" }), Charts.stacked(fixParts(a.fixEffort), { label: "Effort by who fixes it", width: wide, onSelect: byFix }),
    legend(fixParts(a.fix), a.count, byFix));
  const sev = SEVERITIES.map((s, i) => ({ label: s, value: a.sev[i], color: SEV_COLOUR(i), key: s }));
  const cat = CATEGORIES.map((c, i) => ({ label: c, value: a.cat[i], color: CAT_COLOUR(i), key: c }));
  const packRows = PACKS.map((p, i) => ({ label: p, value: a.packEffort[i], color: PACK_COLOURS[i % PACK_COLOURS.length], key: p, note: `${fmt(a.pack[i])} incidents` }))
    .filter((r) => r.value || a.pack[PACKS.indexOf(r.key)]).sort((x, y) => y.value - x.value);
  const top = RULES.map((rule, r) => ({ label: rule.id, value: a.ruleEffort[r], color: SEV_COLOUR(SEVERITIES.indexOf(rule.severity)), key: r, note: `${fmt(a.rule[r])} incidents` }))
    .filter((row) => a.rule[row.key] > 0).sort((x, y) => y.value - x.value || x.label.localeCompare(y.label)).slice(0, 10);
  const where = card("half", "Where the work is", TREEMAP_NOTE, treemapFor(state.dir, openPath, half, 300));
  return [
    work,
    donutCard("Severity", "", sev, "severity"),
    donutCard("Category", "Mandatory: must change to reach the target; optional and potential: worth a look.", cat, "category"),
    card("", "Effort by rule pack", "", Charts.bars(packRows, { label: "Effort by rule pack", width: third, labelWidth: third * 0.4, onSelect: (k) => setFilter("pack", k) })),
    card("half", "Top rules by effort", "", top.length ? Charts.bars(top, { label: "Top rules by effort", width: half, labelWidth: half * 0.45, onSelect: openRule }) : h("p", { class: "muted", text: "No incidents." })),
    where,
  ];
}

function errorsCard() {
  return card("wide", `Files that could not be scanned fully (${DATA.errors.length})`, "",
    h("ul", { class: "errors-list" }, DATA.errors.map((e) => h("li", {}, h("code", { text: e.path }), ": " + e.message))));
}

/* The selected paths under `dir`, grouped into its subdirectories (a chain of single subdirectories
   shown as one, "src/main/java/") and files, each with its count and effort by who fixes it. */
function groupPaths(list, dir) {
  const kids = new Map();
  for (const p of list) {
    const rest = PATHS[p].slice(dir.length), slash = rest.indexOf("/");
    const key = slash < 0 ? "f:" + p : "d:" + rest.slice(0, slash + 1);
    let kid = kids.get(key);
    if (!kid) kids.set(key, (kid = { isDir: slash >= 0, prefix: dirname(rest), p, paths: [], effort: 0, count: 0, fix: [0, 0, 0] }));
    if (kid.isDir) kid.prefix = commonDir(kid.prefix, dirname(rest));
    kid.paths.push(p);
    kid.effort += agg.pathEffort[p]; kid.count += agg.path[p];
    for (let f = 0; f < 3; f++) kid.fix[f] += agg.pathFixEffort[f][p];
  }
  return [...kids.values()].map((k) => ({ ...k, key: k.isDir ? dir + k.prefix : k.p, name: k.isDir ? k.prefix : PATHS[k.p].slice(dir.length) }));
}

function commonDir(a, b) {
  let end = 0;
  for (let i = 0; i < Math.min(a.length, b.length) && a[i] === b[i]; i++) if (a[i] === "/") end = i + 1;
  return a.slice(0, end);
}

const TREEMAP_NOTE = "Area: effort. Colour: the share of it that migrator cannot fix by itself (a model or a person must). Click a folder to open it, a file to list its incidents.";

/* A two-level treemap of `dir`: its folders, each with its own folders and files inside. */
function treemapFor(dir, onSelect, width, height) {
  const present = [];
  for (let p = 0; p < PATHS.length; p++) if (agg.path[p]) present.push(p);
  let kids = groupPaths(present, dir);
  while (kids.length === 1 && kids[0].isDir) { dir = kids[0].key; kids = groupPaths(kids[0].paths, dir); } // nothing to compare at this level
  if (!kids.length) return h("p", { class: "muted", text: "No incidents here." });
  const value = (k) => (ui.sizeBy === "effort" ? k.effort || k.count : k.count);
  const item = (k, base) => ({
    name: k.name, value: value(k), key: k.key, color: Charts.heat(1 - k.fix[0] / (k.effort || 1)),
    caption: `${fmt(k.count)} incidents · effort ${fmt(k.effort)}`,
    title: `${k.isDir ? base + k.name : PATHS[k.p]}\n${fmt(k.count)} incidents, effort ${fmt(k.effort)}\n` +
      FIXES.map((f, i) => `${FIX_LABEL[f]}: effort ${fmt(k.fix[i])}`).join("\n"),
  });
  const top = (list, n) => list.sort((x, y) => value(y) - value(x)).slice(0, n);
  const items = top(kids, 60).map((k) => ({
    ...item(k, dir), children: k.isDir ? top(groupPaths(k.paths, k.key), 40).map((c) => item(c, k.key)) : null,
  }));
  return h("div", {}, Charts.treemap(items, { label: "Treemap of the work by folder and file", width, height, onSelect }),
    h("div", { class: "heat-legend" }, h("span", { text: "all auto-fixable" }), h("span", { class: "heat-scale" }), h("span", { text: "none auto-fixable" })));
}

/* A folder (string key) narrows every view to it; a file (index) opens its incidents. */
function openPath(key) {
  if (typeof key === "string") { state.dir = key; state.file = -1; applyFilter(); location.hash = "#files"; }
  else { state.file = key; applyFilter(); location.hash = "#incidents"; }
}

function openRule(r) {
  ui.openRule = r; ui.ruleFiles = 5;
  location.hash = "#rules";
  render("rules");
  const row = document.querySelector(`tr[data-rule="${r}"]`);
  if (row) row.scrollIntoView({ block: "start" });
}
