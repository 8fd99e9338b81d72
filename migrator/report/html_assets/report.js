/* Start-up: the views behind the tabs (#dashboard, #rules, ...), the filter bar, keyboard keys,
   printing, and `window.migratorReport`, a small hook for scripts and the browser tests. */

const VIEWS = { dashboard: renderDashboard, rules: renderRules, files: renderFiles, incidents: renderIncidents, proposals: renderProposals };
const dirty = Object.fromEntries(Object.keys(VIEWS).map((v) => [v, true]));
let current = "dashboard";
const api = { lastFilterMs: 0, filters: 0 };

function render(view) {
  dirty[view] = false;
  VIEWS[view]();
}

function show(view) {
  current = view;
  for (const name of Object.keys(VIEWS)) $("view-" + name).hidden = name !== view;
  for (const tab of document.querySelectorAll("#tabs a")) {
    if (tab.dataset.view === view) tab.setAttribute("aria-current", "page");
    else tab.removeAttribute("aria-current");
  }
  if (dirty[view]) render(view);
}

function route() {
  const view = location.hash.slice(1);
  show(view in VIEWS && !(view === "proposals" && !PROPOSALS.length) ? view : "dashboard");
}

/* Re-select, re-count, and re-render the view on screen; the others wait until they are opened. */
function applyFilter() {
  const start = performance.now();
  selected = filterIncidents();
  agg = aggregate(selected);
  list.cursor = -1;
  for (const view of Object.keys(VIEWS)) dirty[view] = true;
  syncControls();
  render(current);
  api.lastFilterMs = performance.now() - start;
  api.filters++;
}

function setFilter(key, value) {
  state[key] = state[key] === value ? "" : value;
  applyFilter();
}

const SELECTS = { severity: SEVERITIES, category: CATEGORIES, pack: PACKS, fix: FIXES, status: [...STATUSES, "none"] };
const OPTION_LABEL = { fix: (f) => FIX_LABEL[f], status: (s) => (s === "none" ? "No proposal" : s) };

function setUpControls() {
  for (const [key, values] of Object.entries(SELECTS)) {
    const control = $("f-" + key);
    for (const value of values) control.append(h("option", { value, text: (OPTION_LABEL[key] || String)(value) }));
    control.addEventListener("change", () => { state[key] = control.value; applyFilter(); });
  }
  $("f-status").hidden = !PROPOSALS.length;
  $("view-proposals").classList.toggle("empty-view", !PROPOSALS.length);
  document.querySelector('#tabs a[data-view="proposals"]').hidden = !PROPOSALS.length;
  $("search").addEventListener("input", () => { state.q = $("search").value; applyFilter(); });
  $("filters").addEventListener("submit", (e) => e.preventDefault());
  $("filters").addEventListener("reset", (e) => {
    e.preventDefault();
    Object.assign(state, { q: "", severity: "", category: "", pack: "", fix: "", status: "", rule: -1, dir: "", file: -1 });
    applyFilter();
  });
  $("vlist").addEventListener("scroll", onListScroll, { passive: true });
  document.addEventListener("keydown", onKey);
  window.addEventListener("hashchange", route);
  let resizing = 0;
  window.addEventListener("resize", () => {
    clearTimeout(resizing);
    resizing = setTimeout(() => { for (const v of Object.keys(VIEWS)) dirty[v] = true; render(current); }, 150);
  });
  // Printing shows every view but the incident list (CSS), so render the ones not opened yet.
  window.addEventListener("beforeprint", () => {
    for (const v of ["dashboard", "rules", "files", ...(PROPOSALS.length ? ["proposals"] : [])]) if (dirty[v]) render(v);
  });
  const meta = DATA.meta;
  $("meta").textContent = [meta.prefix ? `${meta.root} (${meta.prefix})` : meta.root, `${fmt(meta.files)} files scanned`,
    meta.generated ? `generated ${meta.generated}` : "", `migrator ${meta.version}`].filter(Boolean).join(" · ");
}

/* The controls show the state (it also changes from clicks on charts, tables and chips). */
function syncControls() {
  if ($("search").value !== state.q) $("search").value = state.q;
  for (const key of Object.keys(SELECTS)) $("f-" + key).value = state[key];
  const chips = [];
  const chip = (label, clear) => h("span", { class: "chip" }, h("span", { text: label, title: label }),
    h("button", { type: "button", title: "Remove this filter", "aria-label": "Remove filter " + label, text: "×", onclick: () => { clear(); applyFilter(); } }));
  if (state.rule >= 0) chips.push(chip(`rule ${RULES[state.rule].id}`, () => { state.rule = -1; }));
  if (state.dir) chips.push(chip(`in ${state.dir}`, () => { state.dir = ""; }));
  if (state.file >= 0) chips.push(chip(`file ${PATHS[state.file]}`, () => { state.file = -1; }));
  $("chips").replaceChildren(...chips);
  $("count").textContent = filtered() ? `${fmt(selected.length)} of ${fmt(N)} incidents` : `${fmt(N)} incidents`;
  $("count").dataset.count = String(selected.length);
  const ruled = agg.rule.reduce((n, c) => n + (c > 0 ? 1 : 0), 0);
  const tabs = { rules: ruled, files: agg.files, incidents: selected.length, proposals: PROPOSALS.length };
  for (const [view, value] of Object.entries(tabs)) {
    const tab = document.querySelector(`#tabs a[data-view="${view}"]`);
    tab.replaceChildren(tab.dataset.label || (tab.dataset.label = tab.textContent), h("span", { class: "badge outline", text: fmt(value) }));
  }
}

function onKey(e) {
  const typing = /^(INPUT|SELECT|TEXTAREA)$/.test(e.target.tagName);
  if (e.key === "/" && !typing) { e.preventDefault(); $("search").focus(); return; }
  if (e.key === "Escape" && e.target === $("search")) { state.q = ""; applyFilter(); return; }
  if (typing || current !== "incidents" || e.ctrlKey || e.metaKey || e.altKey) return;
  const moves = { ArrowDown: 1, j: 1, ArrowUp: -1, k: -1, PageDown: 10, PageUp: -10 };
  if (e.key in moves) { e.preventDefault(); step(moves[e.key]); }
}

/* For scripts and tests: the filter state, what it keeps, and how long the last filtering took. */
window.migratorReport = Object.freeze({
  get shown() { return selected.length; },
  get total() { return N; },
  get lastFilterMs() { return api.lastFilterMs; },
  get filters() { return api.filters; },
  get rowsInDom() { return document.querySelectorAll("#vrows .irow").length; },
  state: () => ({ ...state }),
  filter: (changes) => { Object.assign(state, changes); applyFilter(); return selected.length; },
});

setUpControls();
syncControls();
route();
