/* Charts as inline SVG, built with DOM calls only: text from scanned code never becomes markup.
   Colours are CSS values (often var(--x)); they are set through the style object, which the page's
   Content Security Policy allows, rather than as style attributes, which it forbids.
   The page's script is this file followed by the others html.py lists in SCRIPTS, as one
   script: their top-level names are shared. */
"use strict";

const Charts = (() => {
  const NS = "http://www.w3.org/2000/svg";
  // 12,345: done by hand because toLocaleString costs microseconds a call, and a treemap of a big
  // repository formats thousands of numbers.
  const fmt = (n) => String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");

  function el(tag, attrs, ...children) {
    const node = document.createElementNS(NS, tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === undefined || value === null) continue;
      if (key === "fill" || key === "stroke") node.style.setProperty(key, value);
      else if (key === "class") node.setAttribute("class", value);
      else if (key === "onclick") { node.addEventListener("click", value); node.classList.add("hit"); }
      else node.setAttribute(key, String(value));
    }
    for (const child of children) {
      if (child == null) continue;
      node.append(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
  }

  function root(width, height, label, extra) {
    return el("svg", { viewBox: `0 0 ${width} ${height}`, class: "chart " + (extra || ""), role: "img", "aria-label": label });
  }

  /* A string cut to fit `width` pixels at roughly `perChar` pixels a character. */
  function fit(text, width, perChar) {
    const room = Math.floor(width / (perChar || 6.8));
    if (text.length <= room) return text;
    return room <= 1 ? "" : text.slice(0, room - 1) + "…";
  }

  /* Ring segments: [{label, value, color, key}]; the total in the middle. */
  function donut(segments, { label, centre, sub, onSelect }) {
    const size = 150, radius = 58, width = 22, circumference = 2 * Math.PI * radius;
    const svg = root(size, size, label);
    const total = segments.reduce((sum, s) => sum + s.value, 0);
    svg.append(el("circle", { cx: size / 2, cy: size / 2, r: radius, fill: "none", stroke: "var(--line)", "stroke-width": width }));
    let offset = 0;
    for (const seg of segments) {
      if (!seg.value) continue;
      const length = (seg.value / total) * circumference;
      const arc = el("circle", {
        cx: size / 2, cy: size / 2, r: radius, fill: "none", stroke: seg.color, "stroke-width": width,
        "stroke-dasharray": `${length} ${circumference - length}`, "stroke-dashoffset": -offset,
        transform: `rotate(-90 ${size / 2} ${size / 2})`,
        onclick: onSelect ? () => onSelect(seg.key) : undefined,
      }, el("title", {}, `${seg.label}: ${fmt(seg.value)} (${pct(seg.value, total)})`));
      svg.append(arc);
      offset += length;
    }
    svg.append(el("text", { x: size / 2, y: size / 2 + 4, "text-anchor": "middle", class: "centre" }, centre ?? fmt(total)));
    if (sub) svg.append(el("text", { x: size / 2, y: size / 2 + 22, "text-anchor": "middle", class: "dim" }, sub));
    return svg;
  }

  /* Horizontal bars: [{label, value, color, key, note}], labels at the left, values at the right. */
  function bars(rows, { label, width = 460, labelWidth = 170, onSelect, unit = "" }) {
    const rowHeight = 24, height = Math.max(rows.length * rowHeight, rowHeight);
    const svg = root(width, height, label);
    const max = Math.max(1, ...rows.map((r) => r.value));
    const barRoom = width - labelWidth - 70;
    rows.forEach((row, i) => {
      const y = i * rowHeight;
      const length = Math.max(row.value ? 2 : 0, (row.value / max) * barRoom);
      const group = el("g", { onclick: onSelect ? () => onSelect(row.key) : undefined },
        el("title", {}, `${row.label}: ${fmt(row.value)}${unit}${row.note ? " · " + row.note : ""}`),
        el("text", { x: labelWidth - 8, y: y + 16, "text-anchor": "end" }, fit(row.label, labelWidth - 12)),
        el("rect", { x: labelWidth, y: y + 4, width: length, height: rowHeight - 8, rx: 3, fill: row.color }),
        el("text", { x: labelWidth + length + 6, y: y + 16, class: "dim" }, fmt(row.value) + unit));
      svg.append(group);
    });
    return svg;
  }

  /* One bar split into parts: [{label, value, color, key}], each part labelled when it has room. */
  function stacked(parts, { label, width = 460, height = 34, onSelect }) {
    const svg = root(width, height, label);
    const total = parts.reduce((sum, p) => sum + p.value, 0);
    if (!total) {
      svg.append(el("rect", { x: 0, y: 0, width, height, rx: 5, class: "track" }));
      return svg;
    }
    let x = 0;
    for (const part of parts) {
      if (!part.value) continue;
      const w = (part.value / total) * width;
      const text = w > 44 ? pct(part.value, total) : "";
      svg.append(el("g", { onclick: onSelect ? () => onSelect(part.key) : undefined },
        el("title", {}, `${part.label}: ${fmt(part.value)} (${pct(part.value, total)})`),
        el("rect", { x, y: 0, width: w, height, fill: part.color }),
        text ? el("text", { x: x + w / 2, y: height / 2 + 4, "text-anchor": "middle", class: "in-bar" }, text) : null));
      x += w;
    }
    return svg;
  }

  /* Squarified treemap (Bruls, Huizing, van Wijk): rectangles close to squares, biggest first.
     items: [{name, value, color, key, title, caption, children?}] with value > 0; an item with
     children is drawn as a frame with its name on top and its children laid out inside. */
  function treemap(items, { label, width = 960, height = 380, onSelect }) {
    const svg = root(width, height, label, "treemap");
    draw(svg, items, 0, 0, width, height, onSelect);
    return svg;
  }

  function draw(svg, items, x, y, w, h, onSelect) {
    const total = items.reduce((sum, it) => sum + it.value, 0);
    if (!total || w < 1 || h < 1) return;
    const scale = (w * h) / total;
    for (const box of layout(items.map((it) => ({ ...it, area: it.value * scale })), x, y, w, h)) {
      const nested = box.children && box.children.length > 1 && box.w > 90 && box.h > 60;
      const click = onSelect ? () => onSelect(box.key) : undefined;
      const group = el("g", { onclick: click }, el("title", {}, box.title || `${box.name}: ${fmt(box.value)}`),
        el("rect", { x: box.x, y: box.y, width: Math.max(0, box.w), height: Math.max(0, box.h), fill: nested ? "var(--frame)" : box.color,
          class: nested ? "frame" : "" }));
      if (nested) {
        group.append(el("text", { x: box.x + 6, y: box.y + 14, class: "big head" }, fit(`${box.name}  ${box.caption || ""}`, box.w - 10, 6.8)));
        svg.append(group);
        draw(svg, box.children, box.x + 3, box.y + 20, box.w - 6, box.h - 23, onSelect);
        continue;
      }
      if (box.w > 46 && box.h > 20) {
        group.append(el("text", { x: box.x + 6, y: box.y + 15, class: "big" }, fit(box.name, box.w - 10, 7.2)));
        if (box.h > 36) group.append(el("text", { x: box.x + 6, y: box.y + 30 }, fit(box.caption || fmt(box.value), box.w - 10, 6.2)));
      }
      svg.append(group);
    }
  }

  function layout(items, x, y, w, h) {
    const out = [];
    let rest = items.filter((it) => it.area > 0).sort((a, b) => b.area - a.area);
    while (rest.length) {
      const side = Math.min(w, h);
      let row = [rest[0]], worstSoFar = worst(row, side), i = 1;
      while (i < rest.length) {
        const candidate = row.concat([rest[i]]);
        const ratio = worst(candidate, side);
        if (ratio > worstSoFar) break;
        row = candidate; worstSoFar = ratio; i++;
      }
      const sum = row.reduce((s, it) => s + it.area, 0);
      if (w >= h) {
        const columnWidth = sum / h;
        let top = y;
        for (const it of row) { const bh = it.area / columnWidth; out.push({ ...it, x, y: top, w: columnWidth, h: bh }); top += bh; }
        x += columnWidth; w -= columnWidth;
      } else {
        const rowHeight = sum / w;
        let left = x;
        for (const it of row) { const bw = it.area / rowHeight; out.push({ ...it, x: left, y, w: bw, h: rowHeight }); left += bw; }
        y += rowHeight; h -= rowHeight;
      }
      rest = rest.slice(i);
    }
    return out;
  }

  /* The worst aspect ratio in a row laid along a side of length `side`. */
  function worst(row, side) {
    const sum = row.reduce((s, it) => s + it.area, 0);
    const max = Math.max(...row.map((it) => it.area)), min = Math.min(...row.map((it) => it.area));
    return Math.max((side * side * max) / (sum * sum), (sum * sum) / (side * side * min));
  }

  function pct(part, total) {
    if (!total) return "0%";
    const value = (100 * part) / total;
    return (value > 0 && value < 1 ? "<1" : Math.round(value)) + "%";
  }

  /* A heat colour for a share from 0 (green) through amber to 1 (red); report.css draws the same
     scale as the legend (.heat-scale). */
  const HEAT = [[34, 153, 95], [227, 154, 27], [209, 67, 75]];
  function heat(share) {
    const t = Math.min(1, Math.max(0, share)) * 2, i = Math.min(1, Math.floor(t)), f = t - i;
    const mix = [0, 1, 2].map((c) => Math.round(HEAT[i][c] + (HEAT[i + 1][c] - HEAT[i][c]) * f));
    return `rgb(${mix[0]}, ${mix[1]}, ${mix[2]})`;
  }

  return { donut, bars, stacked, treemap, pct, fmt, heat, fit };
})();
