/* The rules, files and proposals views: sortable tables, paged so that a big scan adds rows on
   request instead of building thousands of them up front. */

const RULE_COLUMNS = [
  ["id", "Rule", (r) => RULES[r].id],
  ["pack", "Pack", (r) => RULES[r].pack],
  ["severity", "Severity", (r) => -SEVERITIES.indexOf(RULES[r].severity)],
  ["category", "Category", (r) => -CATEGORIES.indexOf(RULES[r].category)],
  ["fix", "Fixed by", (r) => -RULE_FIX[r]],
  ["count", "Incidents", (r) => agg.rule[r]],
  ["effort", "Effort", (r) => agg.ruleEffort[r]],
];

function sortHeader(columns, sort, onSort) {
  return h("tr", {}, columns.map(([key, label]) => h("th", {
    class: ["count", "effort"].includes(key) ? "num" : "", "aria-sort": sort[0] === key ? (sort[1] < 0 ? "descending" : "ascending") : null,
    onclick: () => onSort(key), text: label,
  })), h("th", { text: "Share of effort" }));
}

function renderRules() {
  const [key, direction] = ui.ruleSort;
  const value = RULE_COLUMNS.find((c) => c[0] === key)[2];
  const shown = RULES.map((_, r) => r).filter((r) => agg.rule[r] > 0)
    .sort((x, y) => compare(value(x), value(y)) * direction || compare(RULES[x].id, RULES[y].id));
  const maxEffort = Math.max(1, ...shown.map((r) => agg.ruleEffort[r]));
  const body = h("tbody", {});
  for (const r of shown) {
    const rule = RULES[r], open = ui.openRule === r;
    body.append(h("tr", { class: `clickable${open ? " open" : ""}`, "data-rule": r, onclick: () => toggleRule(r) },
      h("td", {}, h("span", { class: "rule-id", text: rule.id }), h("span", { class: "rule-msg", text: rule.message })),
      h("td", { text: rule.pack }), h("td", {}, badge(rule.severity)), h("td", {}, badge(rule.category)),
      h("td", {}, fixBadge(RULE_FIX[r])),
      h("td", { class: "num", text: fmt(agg.rule[r]) }), h("td", { class: "num", text: fmt(agg.ruleEffort[r]) }),
      h("td", {}, h("span", { class: "share-track" }, h("span", { class: "share", width: `${(100 * agg.ruleEffort[r]) / maxEffort}%` })))));
    if (open) body.append(h("tr", {}, h("td", { class: "detail-cell", colspan: RULE_COLUMNS.length + 1 }, ruleDetail(r))));
  }
  const onSort = (k) => { ui.ruleSort = [k, ui.ruleSort[0] === k ? -ui.ruleSort[1] : ["id", "pack"].includes(k) ? 1 : -1]; renderRules(); };
  const quiet = RULES.filter((_, r) => !agg.rule[r]).map((r) => r.id);
  $("rules-body").replaceChildren(
    shown.length ? h("table", { class: "data", id: "rules-table" }, h("thead", {}, sortHeader(RULE_COLUMNS, ui.ruleSort, onSort)), body)
      : h("p", { class: "empty", text: "No rule matches the filter." }),
    quiet.length ? h("details", { class: "quiet" }, h("summary", { class: "muted", text: `${quiet.length} rules with no incident here` }),
      h("p", { class: "mono", text: quiet.join(", ") })) : "");
}

function compare(a, b) {
  return typeof a === "string" ? a.localeCompare(b) : a - b;
}

function toggleRule(r) {
  ui.openRule = ui.openRule === r ? -1 : r;
  ui.ruleFiles = 5;
  renderRules();
}

/* A rule's message, explanation, links and its incidents grouped by file, with their code. */
function ruleDetail(r) {
  const rule = RULES[r];
  const byFile = new Map();
  for (let j = 0; j < selected.length; j++) {
    const i = selected[j];
    if (COL.rule[i] !== r) continue;
    if (!byFile.has(COL.path[i])) byFile.set(COL.path[i], []);
    byFile.get(COL.path[i]).push(i);
  }
  const files = [...byFile.entries()];
  const more = files.length - ui.ruleFiles;
  return h("div", { class: "rule-detail", onclick: (e) => e.stopPropagation() },
    h("p", { text: rule.message }),
    rule.description ? h("p", { class: "muted", text: rule.description }) : null,
    rule.hint ? h("p", {}, h("strong", { text: "Hint: " }), rule.hint) : null,
    h("div", { class: "labels" }, rule.labels.map((l) => badge("outline", l))),
    rule.links.length ? h("ul", {}, rule.links.map((l) => h("li", {}, h("a", { href: l.url, target: "_blank", rel: "noopener noreferrer", text: l.title || l.url })))) : null,
    h("p", {}, `Effort ${rule.effort} per incident · ${fmt(agg.rule[r])} incidents in ${fmt(files.length)} files · `,
      h("a", { href: "#incidents", onclick: () => { state.rule = r; applyFilter(); }, text: "show them in the incident list" })),
    files.slice(0, ui.ruleFiles).map(([p, list]) => h("div", { class: "file-group" },
      h("div", { class: "path", text: `${PATHS[p]} (${list.length})` }), list.slice(0, 20).map((i) => codeBlock(i)),
      list.length > 20 ? h("p", { class: "muted", text: `and ${list.length - 20} more in this file` }) : null)),
    more > 0 ? h("button", { class: "more", type: "button", text: `Show ${Math.min(more, 20)} more files (${more} left)`,
      onclick: () => { ui.ruleFiles += 20; renderRules(); } }) : null);
}

function renderFiles() {
  const crumbs = [h("button", { type: "button", text: DATA.meta.root || "(root)", onclick: () => { state.dir = ""; applyFilter(); } })];
  let at = 0;
  for (const part of state.dir.split("/").filter(Boolean)) {
    at = state.dir.indexOf("/", at) + 1;
    const prefix = state.dir.slice(0, at);
    crumbs.push(" / ", h("button", { type: "button", text: part, onclick: () => { state.dir = prefix; applyFilter(); } }));
  }
  const size = h("span", { class: "segmented" }, ["effort", "incidents"].map((s) => h("button", {
    type: "button", "aria-pressed": String(ui.sizeBy === s), text: `Size by ${s}`, onclick: () => { ui.sizeBy = s; render("files"); render("dashboard"); },
  })));
  const files = PATHS.map((_, p) => p).filter((p) => agg.path[p] > 0)
    .sort((x, y) => agg.pathEffort[y] - agg.pathEffort[x] || agg.path[y] - agg.path[x] || PATHS[x].localeCompare(PATHS[y]));
  const maxEffort = Math.max(1, ...files.slice(0, 1).map((p) => agg.pathEffort[p]));
  const rows = files.slice(0, ui.fileRows).map((p) => h("tr", { class: "clickable", onclick: () => openPath(p) },
    h("td", { class: "mono", text: PATHS[p] }), h("td", { class: "num", text: fmt(agg.path[p]) }),
    h("td", { class: "num", text: fmt(agg.pathEffort[p]) }), h("td", { class: "num", text: fmt(agg.pathErrors[p]) }),
    h("td", { class: "num", text: fmt(agg.pathAuto[p]) }),
    h("td", {}, h("span", { class: "share-track" }, h("span", { class: "share", width: `${(100 * agg.pathEffort[p]) / maxEffort}%`,
      background: Charts.heat(1 - agg.pathFixEffort[0][p] / (agg.pathEffort[p] || 1)) })))));
  const more = files.length - ui.fileRows;
  $("files-body").replaceChildren(
    h("div", { class: "toolbar" }, h("span", { class: "crumbs" }, crumbs), size),
    h("div", { class: "card wide" }, h("p", { class: "note", text: TREEMAP_NOTE }), treemapFor(state.dir, openPath, chartWidth(6), 420)),
    h("h3", { class: "table-title", text: `${fmt(files.length)} files with incidents` }),
    h("table", { class: "data", id: "files-table" }, h("thead", {}, h("tr", {}, ["File", "Incidents", "Effort", "Errors", "Auto-fixable", "Effort (heat: not auto-fixable)"]
      .map((t, i) => h("th", { class: i && i < 5 ? "num" : "", text: t })))), h("tbody", {}, rows)),
    more > 0 ? h("button", { class: "more", type: "button", text: `Show ${Math.min(more, 200)} more files (${fmt(more)} left)`,
      onclick: () => { ui.fileRows += 200; renderFiles(); } }) : "");
}

const STATUS_COLOURS = { proposed: "warning", accepted: "info", rejected: "muted", applied: "deterministic" };

function renderProposals() {
  const words = state.q.toLowerCase().split(/\s+/).filter(Boolean);
  const shown = PROPOSALS.filter((p) => (!state.status || p.status === state.status) &&
    words.every((w) => `${p.rules.join(" ")} ${p.path} ${p.origin}`.toLowerCase().includes(w)));
  const counts = STATUSES.map((s) => PROPOSALS.filter((p) => p.status === s).length);
  const parts = STATUSES.map((s, i) => ({ label: s, value: counts[i], color: `var(--${STATUS_COLOURS[s] || "muted"})`, key: s }));
  const body = h("tbody", {});
  for (const p of shown.slice(0, ui.proposalRows)) {
    const open = ui.openProposal === p;
    body.append(h("tr", { class: `clickable${open ? " open" : ""}`, onclick: () => { ui.openProposal = open ? null : p; renderProposals(); } },
      h("td", {}, badge(p.status)), h("td", { class: "rule-id", text: p.rules.join(", ") }),
      h("td", { class: "mono", text: p.line ? `${p.path}:${p.line}` : p.path }),
      h("td", { text: p.origin })));
    if (open) body.append(h("tr", {}, h("td", { class: "detail-cell", colspan: 4 }, diffBlock(p.diff))));
  }
  $("proposals-body").replaceChildren(
    h("div", { class: "card wide" }, h("h3", { text: "Status" }),
      Charts.stacked(parts, { label: "Proposals by status", width: chartWidth(6), onSelect: (k) => setFilter("status", k) }),
      legend(parts, PROPOSALS.length, (k) => setFilter("status", k))),
    h("h3", { class: "table-title", text: `${fmt(shown.length)} proposals` }),
    h("table", { class: "data", id: "proposals-table" }, h("thead", {}, h("tr", {}, ["Status", "Rules", "Where", "Origin"].map((t) => h("th", { text: t })))), body),
    shown.length > ui.proposalRows ? h("button", { class: "more", type: "button", text: "Show more", onclick: () => { ui.proposalRows += 200; renderProposals(); } }) : "");
}

function diffBlock(diff) {
  if (!diff) return h("p", { class: "muted", text: "No diff recorded." });
  return h("pre", { class: "code diff" }, diff.split("\n").map((line) => h("span", {
    class: `ln ${line.startsWith("@@") ? "hunk" : line.startsWith("+") ? "add" : line.startsWith("-") ? "del" : ""}`, text: line || " ",
  })));
}
