/* The incident list: a virtual list of fixed-height rows, so the DOM holds only the rows on screen
   (about thirty) however many incidents the filter keeps; the selected one is shown beside it. */

const ROW_HEIGHT = 56;
const list = { cursor: -1, frame: 0 };

function renderIncidents() {
  $("vspacer").style.height = `${Math.max(selected.length * ROW_HEIGHT, 1)}px`;
  if (list.cursor >= selected.length) list.cursor = -1;
  $("vlist").scrollTop = Math.min($("vlist").scrollTop, selected.length * ROW_HEIGHT);
  drawRows();
  showDetail(list.cursor >= 0 ? selected[list.cursor] : -1);
}

function drawRows() {
  const box = $("vlist");
  const first = Math.max(0, Math.floor(box.scrollTop / ROW_HEIGHT) - 5);
  const last = Math.min(selected.length, first + Math.ceil((box.clientHeight || 800) / ROW_HEIGHT) + 10);
  const rows = $("vrows");
  rows.style.transform = `translateY(${first * ROW_HEIGHT}px)`;
  const out = [];
  for (let k = first; k < last; k++) out.push(incidentRow(k));
  if (!selected.length) out.push(h("div", { class: "empty", text: "No incident matches the filter." }));
  rows.replaceChildren(...out);
}

function incidentRow(k) {
  const i = selected[k], row = ROWS[i], proposal = PROPOSAL_OF[i];
  const firstLine = SNIPPETS[COL.snip[i]].split("\n")[0].trim();
  return h("div", { class: `irow${k === list.cursor ? " selected" : ""}`, role: "option", "data-k": k, "aria-selected": String(k === list.cursor),
    onclick: () => select(k) },
    h("div", { class: "top" }, badge(SEVERITIES[COL.sev[i]]), fixBadge(COL.fix[i]), proposal ? badge(proposal.status) : null,
      h("span", { class: "loc", text: `${PATHS[COL.path[i]]}:${row[2]}:${row[3]}` }),
      h("span", { class: "rid", text: RULES[COL.rule[i]].id })),
    h("code", { text: firstLine || MESSAGES[COL.msg[i]] }));
}

function select(k) {
  list.cursor = k;
  drawRows();
  showDetail(k >= 0 ? selected[k] : -1);
}

/* Move the selection by `step` rows and keep it on screen (arrow keys, j and k). */
function step(by) {
  if (!selected.length) return;
  const k = Math.min(selected.length - 1, Math.max(0, list.cursor + by));
  const box = $("vlist"), top = k * ROW_HEIGHT;
  if (top < box.scrollTop) box.scrollTop = top;
  else if (top + ROW_HEIGHT > box.scrollTop + box.clientHeight) box.scrollTop = top + ROW_HEIGHT - box.clientHeight;
  select(k);
}

function showDetail(i) {
  const pane = $("detail");
  if (i < 0) {
    pane.replaceChildren(h("p", { class: "muted", text: "Select an incident to see its code, its rule and how to fix it." }));
    return;
  }
  const row = ROWS[i], rule = RULES[COL.rule[i]], fix = FIXES[COL.fix[i]], proposal = PROPOSAL_OF[i];
  pane.replaceChildren(...[
    h("h3", { text: MESSAGES[COL.msg[i]] }),
    h("div", { class: "facts" }, badge(SEVERITIES[COL.sev[i]]), badge(CATEGORIES[COL.cat[i]]), badge(fix, FIX_LABEL[fix]),
      badge("outline", `effort ${COL.effort[i]}`)),
    h("div", { class: "mono", text: `${PATHS[COL.path[i]]}:${row[2]}:${row[3]}` }),
    codeBlock(i),
    h("dl", {}, h("dt", { text: "Rule" }), h("dd", {}, h("a", { href: "#rules", class: "rule-id", text: rule.id,
      onclick: (e) => { e.preventDefault(); openRule(COL.rule[i]); } })),
    h("dt", { text: "Pack" }), h("dd", { text: rule.pack }),
    rule.hint ? [h("dt", { text: "Hint" }), h("dd", { text: rule.hint })] : null,
    rule.links.length ? [h("dt", { text: "Read" }), h("dd", {}, rule.links.map((l) => h("div", {},
      h("a", { href: l.url, target: "_blank", rel: "noopener noreferrer", text: l.title || l.url }))))] : null,
    proposal ? [h("dt", { text: "Proposal" }), h("dd", {}, badge(proposal.status), " ", proposal.origin)] : null),
    h("p", { class: "how" }, HOW_TO_FIX[fix].replace("PACK", rule.pack).split("`").map((part, n) => (n % 2 ? h("code", { text: part }) : part))),
    proposal ? diffBlock(proposal.diff) : null].filter(Boolean));
}

const HOW_TO_FIX = {
  deterministic: "migrator rewrites this itself: `migrator apply --rules PACK` commits the fix on a branch.",
  model: "`migrator fix` asks a local model for a patch and validates it; you review it with `migrator review`.",
  none: "No automatic fix: a person changes this by hand (the rule's hint and links say how).",
};

/* An incident's snippet with line numbers, the matched text marked. Columns count characters
   (code points), as the scanner does, so the text is split with Array.from, not by UTF-16 unit. */
function codeBlock(i) {
  const row = ROWS[i], [startLine, startCol, endLine, endCol] = [row[2], row[3], row[4], row[5]];
  const lines = SNIPPETS[COL.snip[i]].split("\n");
  return h("pre", { class: "code" }, lines.map((text, n) => {
    const number = startLine + n, chars = Array.from(text.replace(/\r$/, ""));
    const from = number === startLine ? startCol - 1 : 0;
    const to = number === endLine ? endCol - 1 : number < endLine ? chars.length : from;
    return h("span", { class: "ln" }, h("span", { class: "no", text: String(number) }),
      chars.slice(0, from).join(""), to > from ? h("mark", { text: chars.slice(from, to).join("") }) : null,
      chars.slice(Math.max(from, to)).join(""));
  }));
}

function onListScroll() {
  if (list.frame) return;
  list.frame = requestAnimationFrame(() => { list.frame = 0; drawRows(); });
}
