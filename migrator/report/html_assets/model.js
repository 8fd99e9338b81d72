/* The report's data and its filter. Incidents arrive as compact rows (see html.py, report_data) and
   are copied into typed-array columns once, so that filtering and counting 50,000 of them is a few
   tight loops over numbers; strings are compared through the tables they are interned in. */

const DATA = JSON.parse(document.getElementById("report-data").textContent);
const SEVERITIES = DATA.enums.severity;
const CATEGORIES = DATA.enums.category;
const FIXES = DATA.enums.fix;
const FIX_LABEL = { deterministic: "Auto-fixable", model: "Needs a model", none: "Needs a person" };
const FIX_SHORT = { deterministic: "auto", model: "model", none: "person" };
const RULES = DATA.rules;
const PATHS = DATA.paths;
const MESSAGES = DATA.messages;
const SNIPPETS = DATA.snippets;
const ROWS = DATA.incidents;
const N = ROWS.length;
const PACKS = [...new Set(RULES.map((r) => r.pack))].sort();
const RULE_PACK = Int32Array.from(RULES, (r) => PACKS.indexOf(r.pack));
const fmt = Charts.fmt;
const $ = (id) => document.getElementById(id);
const pct = Charts.pct;

const COL = {
  rule: new Int32Array(N), path: new Int32Array(N), msg: new Int32Array(N), snip: new Int32Array(N),
  sev: new Uint8Array(N), cat: new Uint8Array(N), fix: new Uint8Array(N), effort: new Int32Array(N),
  status: new Int8Array(N).fill(-1),
};
for (let i = 0; i < N; i++) {
  const row = ROWS[i];
  COL.rule[i] = row[0]; COL.path[i] = row[1]; COL.msg[i] = row[6]; COL.snip[i] = row[7];
  COL.sev[i] = row[8]; COL.cat[i] = row[9]; COL.effort[i] = row[10]; COL.fix[i] = row[11];
}

/* How each rule is fixed, from its incidents (a rule's incidents share one way). */
const RULE_FIX = new Int8Array(RULES.length).fill(-1);
for (let i = 0; i < N; i++) if (RULE_FIX[COL.rule[i]] < 0) RULE_FIX[COL.rule[i]] = COL.fix[i];
RULES.forEach((rule, r) => { if (RULE_FIX[r] < 0) RULE_FIX[r] = rule.fixable ? 0 : 1; });

/* Proposals join the incidents they fix by fingerprint, else by rule, path and line. */
const PROPOSALS = DATA.proposals;
const STATUSES = [...new Set([...DATA.proposalStatuses, ...PROPOSALS.map((p) => p.status)])];
const PROPOSAL_OF = new Array(N).fill(null);
if (PROPOSALS.length) {
  const byKey = new Map();
  for (const p of PROPOSALS) {
    for (const fingerprint of p.fingerprints) byKey.set("f:" + fingerprint, p);
    for (const rule of p.rules) byKey.set(`l:${rule}\n${p.path}\n${p.line}`, p);
  }
  for (let i = 0; i < N; i++) {
    const fingerprint = DATA.fingerprints[ROWS[i][12]];
    const p = (fingerprint && byKey.get("f:" + fingerprint)) ||
      byKey.get(`l:${RULES[COL.rule[i]].id}\n${PATHS[COL.path[i]]}\n${ROWS[i][2]}`);
    if (p) { PROPOSAL_OF[i] = p; COL.status[i] = STATUSES.indexOf(p.status); }
  }
}

const state = { q: "", severity: "", category: "", pack: "", fix: "", status: "", rule: -1, dir: "", file: -1 };
let selected = Int32Array.from({ length: N }, (_, i) => i);
let agg = aggregate(selected);

/* Lower-cased copies of the string tables, made on the first search. */
const lowered = {};
function lowerTable(name) {
  if (!lowered[name]) {
    const source = { rules: RULES.map((r) => `${r.id} ${r.pack}`), paths: PATHS, messages: MESSAGES, snippets: SNIPPETS }[name];
    lowered[name] = source.map((s) => s.toLowerCase());
  }
  return lowered[name];
}

/* For one search word: which entries of each table contain it (so each incident costs 4 lookups). */
function termMatcher(term) {
  const hits = (name) => Uint8Array.from(lowerTable(name), (s) => (s.includes(term) ? 1 : 0));
  return { rule: hits("rules"), path: hits("paths"), msg: hits("messages"), snip: hits("snippets") };
}

/* The indexes of the incidents the filter keeps, in reading order (path, line, column). */
function filterIncidents() {
  const terms = state.q.toLowerCase().split(/\s+/).filter(Boolean).map(termMatcher);
  const sev = SEVERITIES.indexOf(state.severity), cat = CATEGORIES.indexOf(state.category);
  const fix = FIXES.indexOf(state.fix), pack = PACKS.indexOf(state.pack);
  const status = state.status === "none" ? -1 : STATUSES.indexOf(state.status);
  const inDir = state.dir ? Uint8Array.from(PATHS, (p) => (p.startsWith(state.dir) ? 1 : 0)) : null;
  const out = new Int32Array(N);
  let k = 0;
  outer: for (let i = 0; i < N; i++) {
    if (sev >= 0 && COL.sev[i] !== sev) continue;
    if (cat >= 0 && COL.cat[i] !== cat) continue;
    if (fix >= 0 && COL.fix[i] !== fix) continue;
    if (pack >= 0 && RULE_PACK[COL.rule[i]] !== pack) continue;
    if (state.status && COL.status[i] !== status) continue;
    if (state.rule >= 0 && COL.rule[i] !== state.rule) continue;
    if (state.file >= 0 && COL.path[i] !== state.file) continue;
    if (inDir && !inDir[COL.path[i]]) continue;
    for (const t of terms) {
      if (!(t.rule[COL.rule[i]] || t.path[COL.path[i]] || t.msg[COL.msg[i]] || t.snip[COL.snip[i]])) continue outer;
    }
    out[k++] = i;
  }
  return out.slice(0, k);
}

/* Counts and effort of a selection by every dimension the views show. */
function aggregate(sel) {
  const a = {
    count: sel.length, effort: 0, files: 0,
    sev: [0, 0, 0], sevEffort: [0, 0, 0], cat: [0, 0, 0], catEffort: [0, 0, 0], fix: [0, 0, 0], fixEffort: [0, 0, 0],
    pack: new Int32Array(PACKS.length), packEffort: new Int32Array(PACKS.length),
    rule: new Int32Array(RULES.length), ruleEffort: new Int32Array(RULES.length),
    path: new Int32Array(PATHS.length), pathEffort: new Int32Array(PATHS.length), pathErrors: new Int32Array(PATHS.length),
    pathFixEffort: [0, 1, 2].map(() => new Int32Array(PATHS.length)), pathAuto: new Int32Array(PATHS.length),
    status: new Int32Array(STATUSES.length),
  };
  for (let j = 0; j < sel.length; j++) {
    const i = sel[j], e = COL.effort[i], r = COL.rule[i], p = COL.path[i], f = COL.fix[i];
    a.effort += e;
    a.sev[COL.sev[i]]++; a.sevEffort[COL.sev[i]] += e;
    a.cat[COL.cat[i]]++; a.catEffort[COL.cat[i]] += e;
    a.fix[f]++; a.fixEffort[f] += e;
    a.pack[RULE_PACK[r]]++; a.packEffort[RULE_PACK[r]] += e;
    a.rule[r]++; a.ruleEffort[r] += e;
    if (a.path[p]++ === 0) a.files++;
    a.pathEffort[p] += e; a.pathFixEffort[f][p] += e;
    if (COL.sev[i] === 0) a.pathErrors[p]++;
    if (f === 0) a.pathAuto[p]++;
    if (COL.status[i] >= 0) a.status[COL.status[i]]++;
  }
  return a;
}

/* Whether anything narrows the view (the dashboard then says "of" the whole scan). */
function filtered() {
  return Boolean(state.q || state.severity || state.category || state.pack || state.fix || state.status ||
    state.rule >= 0 || state.file >= 0 || state.dir);
}

/* Build an HTML element. attrs: class, text, title, dataset-like keys as data-*, on<event>. */
function h(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "width") node.style.width = value;
    else if (key === "background") node.style.background = value;
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === "string" || typeof child === "number" ? String(child) : child);
  }
  return node;
}

function badge(kind, text) {
  return h("span", { class: `badge ${kind}`, text: text || kind });
}

function fixBadge(f) {
  return h("span", { class: `badge ${FIXES[f]}`, title: FIX_LABEL[FIXES[f]], text: FIX_SHORT[FIXES[f]] });
}

/* The directory part of a path, with its trailing slash ("" at the top). */
function dirname(path) {
  const slash = path.lastIndexOf("/");
  return slash < 0 ? "" : path.slice(0, slash + 1);
}
