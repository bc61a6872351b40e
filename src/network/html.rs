//! `network.html`: one self-contained page (inline CSS, JS and SVG; no network reference) with
//! the graph laid out here in Rust, a sortable table of every pair, and a detail panel with the
//! chosen pair's time series and evidence.
//!
//! Stable hooks for tests and scripts:
//! - `<svg id="graph">`: the graph; edges are `<path class="edge" data-holder data-actor
//!   data-index data-net>` (holder -> actor, arrowhead at the actor), nodes `<g class="node"
//!   data-name>` holding a `<circle>` and a `<text>` label; `#graph-cap` says when the graph
//!   shows only the best-connected nodes.
//! - `<table id="pairs">`: one `<tr class="pair" tabindex="0" data-index data-holder
//!   data-actor>` per edge; each cell is `<td class="COLUMN" data-value="RAW">` with COLUMN one of
//!   holder, actor, actor_type, n, favor, against, neutral, net, net_low, net_high, documents,
//!   first_date, last_date, confidence, and RAW exactly as `network.json` writes the value
//!   (dates empty when unknown). Header buttons sort; `aria-sort` says how.
//! - `<section id="detail">`: the chosen pair (click or Enter on a row, or click an edge):
//!   `#detail-title`, `#detail-stats` (a `<dl>`), `<svg id="series">` (stacked bars per time
//!   bucket, `rect.bar.favor|against|neutral`) and `<ol id="evidence">`.
//! - `<script type="application/json" id="network-data">`: the whole of `network.json`, with
//!   `<`, `>` and `&` written as `\u003c`, `\u003e`, `\u0026` so no text can end the script.
//! - `data-index` is the edge's position in `edges` of that JSON (and in `edges.csv`).

use super::aggregate::{Edge, Network, Node};
use super::layout::layout;
use super::write::{fmt4, json_number, JsonOut};
use crate::markup::{escape, json_in_script};
use std::cmp::Reverse;
use std::fmt::Write as _;
use std::io::{self, Write};

/// At most this many nodes are drawn (the most connected); the table keeps every pair.
const MAX_DRAWN: usize = 150;
const WIDTH: f64 = 1000.0;
const HEIGHT: f64 = 700.0;
const MARGIN: f64 = 70.0;

/// Ends of the colour-blind-safe diverging scale (ColorBrewer PuOr/RdBu ends): blue for favor,
/// orange for against, grey for zero.
const FAVOR_RGB: (f64, f64, f64) = (33.0, 102.0, 172.0);
const AGAINST_RGB: (f64, f64, f64) = (230.0, 97.0, 1.0);
const NEUTRAL_RGB: (f64, f64, f64) = (170.0, 170.0, 170.0);

/// The edge colour for a net stance in [-1, 1].
pub(crate) fn net_colour(net: f64) -> String {
    let t = net.clamp(-1.0, 1.0);
    let end = if t >= 0.0 { FAVOR_RGB } else { AGAINST_RGB };
    let a = t.abs();
    let mix = |from: f64, to: f64| (from + (to - from) * a).round() as u8;
    format!(
        "#{:02x}{:02x}{:02x}",
        mix(NEUTRAL_RGB.0, end.0),
        mix(NEUTRAL_RGB.1, end.1),
        mix(NEUTRAL_RGB.2, end.2)
    )
}

/// Which arrowhead marker an edge gets (the marker cannot take the edge's exact colour).
fn marker(net: f64) -> &'static str {
    if net > 0.05 {
        "arrow-favor"
    } else if net < -0.05 {
        "arrow-against"
    } else {
        "arrow-neutral"
    }
}

pub(crate) fn write(json: &JsonOut<'_>, w: &mut dyn Write) -> io::Result<()> {
    let data = serde_json::to_string(json).map_err(io::Error::other)?;
    let mut page = String::with_capacity(data.len() * 2 + 64 * 1024);
    head(&mut page);
    summary(&mut page, json);
    graph(&mut page, json.network);
    // The chosen pair's panel sits between the graph and the table, so choosing either
    // shows it without a long scroll past every pair.
    page.push_str(DETAIL);
    table(&mut page, &json.network.edges);
    page.push_str("</main>\n<script type=\"application/json\" id=\"network-data\">");
    page.push_str(&json_in_script(&data));
    page.push_str("</script>\n<script>\n");
    page.push_str(SCRIPT);
    page.push_str("</script>\n</body>\n</html>\n");
    w.write_all(page.as_bytes())
}

fn head(page: &mut String) {
    page.push_str(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>standpoint: stance network</title>\n<style>\n",
    );
    page.push_str(STYLE);
    page.push_str("</style>\n</head>\n<body>\n<main>\n");
}

fn summary(page: &mut String, json: &JsonOut<'_>) {
    let t = &json.network.totals;
    let o = json.options;
    let _ = write!(
        page,
        "<header>\n<h1>Stance network</h1>\n<p class=\"totals\">{}.</p>\n\
         <p class=\"options\">Bucket: {}; minimum rows per pair: {}; holders: {}; actors: {}; \
         date field: <code>{}</code>; author rows {}.</p>\n</header>\n",
        escape(&t.sentence()),
        o.bucket.name(),
        o.min_count,
        list_or_all(&o.holders),
        list_or_all(&o.actors),
        escape(&o.date_field),
        if o.exclude_author { "left out" } else { "kept" },
    );
}

fn list_or_all(list: &[String]) -> String {
    if list.is_empty() {
        "all".into()
    } else {
        escape(&list.join(", "))
    }
}

/// The nodes drawn: the `MAX_DRAWN` with the highest degree (ties by name), in name order.
fn drawn_nodes(nodes: &[Node]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..nodes.len()).collect();
    order.sort_by_key(|&i| (Reverse(nodes[i].degree), nodes[i].name.as_str()));
    order.truncate(MAX_DRAWN);
    order.sort_unstable();
    order
}

fn graph(page: &mut String, net: &Network) {
    let drawn = drawn_nodes(&net.nodes);
    let slot: std::collections::BTreeMap<&str, usize> = drawn
        .iter()
        .enumerate()
        .map(|(k, &i)| (net.nodes[i].name.as_str(), k))
        .collect();
    let edges: Vec<(usize, &Edge, usize, usize)> = net
        .edges
        .iter()
        .enumerate()
        .filter_map(|(i, e)| {
            Some((
                i,
                e,
                *slot.get(e.holder.as_str())?,
                *slot.get(e.actor.as_str())?,
            ))
        })
        .collect();
    let links: Vec<(usize, usize)> = edges.iter().map(|&(_, _, s, t)| (s, t)).collect();
    let pos: Vec<(f64, f64)> = layout(drawn.len(), &links)
        .into_iter()
        .map(|p| {
            (
                MARGIN + p.x * (WIDTH - 2.0 * MARGIN),
                MARGIN * 0.6 + p.y * (HEIGHT - 1.6 * MARGIN),
            )
        })
        .collect();
    let activity = |n: &Node| (n.mentions + n.statements) as f64;
    let max_activity = drawn
        .iter()
        .map(|&i| activity(&net.nodes[i]))
        .fold(1.0, f64::max);
    let radius: Vec<f64> = drawn
        .iter()
        .map(|&i| 4.0 + 9.0 * (activity(&net.nodes[i]) / max_activity).sqrt())
        .collect();
    let max_n = net.edges.iter().map(|e| e.n).max().unwrap_or(1).max(1) as f64;

    page.push_str("<section id=\"graph-section\" aria-labelledby=\"graph-title\">\n");
    page.push_str("<h2 id=\"graph-title\">Who takes a stance toward whom</h2>\n");
    page.push_str(
        "<p class=\"note\">Arrows point from the holder of a stance to the actor it is about. \
         Colour: net stance, from orange (against) through grey (neutral) to blue (favor). \
         Width: number of rows. Click an edge or a table row for its evidence.</p>\n",
    );
    if drawn.len() < net.nodes.len() {
        let _ = writeln!(
            page,
            "<p id=\"graph-cap\">The graph shows the {} best-connected of {} nodes and the \
             edges between them; the table below lists every pair.</p>",
            drawn.len(),
            net.nodes.len()
        );
    }
    let _ = writeln!(
        page,
        "<svg id=\"graph\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" \
         aria-label=\"Stance network: {} nodes, {} edges drawn\">",
        drawn.len(),
        edges.len()
    );
    page.push_str("<defs>\n");
    for (id, rgb) in [
        ("arrow-favor", FAVOR_RGB),
        ("arrow-against", AGAINST_RGB),
        ("arrow-neutral", NEUTRAL_RGB),
    ] {
        let _ = writeln!(
            page,
            "<marker id=\"{id}\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"11\" \
             markerHeight=\"11\" markerUnits=\"userSpaceOnUse\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" \
             fill=\"rgb({},{},{})\"/></marker>",
            rgb.0, rgb.1, rgb.2
        );
    }
    page.push_str("</defs>\n<g class=\"edges\">\n");
    for &(i, e, s, t) in &edges {
        let d = edge_path(pos[s], pos[t], radius[s], radius[t]);
        let width = 1.0 + 5.0 * (e.n as f64 / max_n).sqrt();
        let _ = writeln!(
            page,
            "<path class=\"edge\" data-index=\"{i}\" data-holder=\"{}\" data-actor=\"{}\" \
             data-net=\"{}\" d=\"{d}\" stroke=\"{}\" stroke-width=\"{width:.1}\" \
             marker-end=\"url(#{})\"><title>{} → {}: net {} [{}, {}], {} rows</title></path>",
            escape(&e.holder),
            escape(&e.actor),
            json_number(e.net),
            net_colour(e.net),
            marker(e.net),
            escape(&e.holder),
            escape(&e.actor),
            fmt4(e.net),
            fmt4(e.net_low),
            fmt4(e.net_high),
            e.n
        );
    }
    page.push_str("</g>\n<g class=\"nodes\">\n");
    for (k, &i) in drawn.iter().enumerate() {
        let n = &net.nodes[i];
        let (x, y) = pos[k];
        let holder_only = if n.id.starts_with("holder:") {
            " holder-only"
        } else {
            ""
        };
        // Labels of nodes near the right edge go to their left, so they are not cut off.
        let (label_x, anchor) = if x > WIDTH - 2.5 * MARGIN {
            (-(radius[k] + 3.0), " text-anchor=\"end\"")
        } else {
            (radius[k] + 3.0, "")
        };
        let _ = writeln!(
            page,
            "<g class=\"node{holder_only}\" data-name=\"{}\" transform=\"translate({x:.1} {y:.1})\">\
             <circle r=\"{:.1}\"/><text x=\"{:.1}\" y=\"4\"{anchor}>{}</text><title>{} ({}, {}): {} \
             edges, mentioned in {} rows, holder in {} rows</title></g>",
            escape(&n.name),
            radius[k],
            label_x,
            escape(&n.name),
            escape(&n.name),
            escape(&n.kind),
            escape(&n.id),
            n.degree,
            n.mentions,
            n.statements
        );
    }
    page.push_str("</g>\n</svg>\n");
    page.push_str(LEGEND);
    page.push_str("</section>\n");
}

/// A curved path from the edge of one node to the edge of the other; the bend is always to the
/// left of the direction, so the two edges of a reciprocal pair do not overlap. A self-loop is
/// a small loop above the node.
fn edge_path(s: (f64, f64), t: (f64, f64), rs: f64, rt: f64) -> String {
    let (dx, dy) = (t.0 - s.0, t.1 - s.1);
    let len = (dx * dx + dy * dy).sqrt();
    if len < 1e-6 {
        let (x, y) = s;
        return format!(
            "M{:.1},{:.1} C{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}",
            x + rs * 0.7,
            y - rs * 0.7,
            x + 28.0,
            y - 45.0,
            x - 28.0,
            y - 45.0,
            x - rs * 0.7 - 1.0,
            y - rs * 0.7 - 1.0
        );
    }
    let (mx, my) = ((s.0 + t.0) / 2.0, (s.1 + t.1) / 2.0);
    let bend = 0.12 * len;
    let (cx, cy) = (mx + dy / len * bend, my - dx / len * bend);
    let towards = |from: (f64, f64), r: f64| {
        let (vx, vy) = (cx - from.0, cy - from.1);
        let l = (vx * vx + vy * vy).sqrt().max(1e-6);
        (from.0 + vx / l * r, from.1 + vy / l * r)
    };
    let a = towards(s, rs);
    let b = towards(t, rt + 2.0);
    format!(
        "M{:.1},{:.1} Q{:.1},{:.1} {:.1},{:.1}",
        a.0, a.1, cx, cy, b.0, b.1
    )
}

/// Table columns: (class and JSON key, header, numeric).
const COLUMNS: &[(&str, &str, bool)] = &[
    ("holder", "Holder", false),
    ("actor", "Actor", false),
    ("actor_type", "Type", false),
    ("n", "Rows", true),
    ("favor", "Favor", true),
    ("against", "Against", true),
    ("neutral", "Neutral", true),
    ("net", "Net", true),
    ("net_low", "Net low", true),
    ("net_high", "Net high", true),
    ("documents", "Docs", true),
    ("first_date", "First", false),
    ("last_date", "Last", false),
    ("confidence", "Confidence", true),
];

/// (raw value as in network.json, displayed text) of one cell.
fn cell(e: &Edge, column: &str) -> (String, String) {
    let int = |v: u64| (v.to_string(), v.to_string());
    let float = |v: f64| (json_number(v), fmt4(v));
    let text = |v: &str| (escape(v), escape(v));
    match column {
        "holder" => text(&e.holder),
        "actor" => text(&e.actor),
        "actor_type" => text(&e.actor_type),
        "n" => int(e.n),
        "favor" => int(e.counts.favor),
        "against" => int(e.counts.against),
        "neutral" => int(e.counts.neutral),
        "net" => float(e.net),
        "net_low" => float(e.net_low),
        "net_high" => float(e.net_high),
        "documents" => int(e.documents),
        "first_date" => text(e.first_date.as_deref().unwrap_or("")),
        "last_date" => text(e.last_date.as_deref().unwrap_or("")),
        _ => float(e.confidence),
    }
}

fn table(page: &mut String, edges: &[Edge]) {
    page.push_str(
        "<section id=\"table-section\" aria-labelledby=\"pairs-title\">\n\
         <h2 id=\"pairs-title\">Pairs</h2>\n\
         <p class=\"note\">Net = (favor − against) / rows, with its bootstrap 95% interval \
         (rows resampled as independent). Click a column header to sort; select a row with a \
         click or Enter.</p>\n<div class=\"table-wrap\">\n<table id=\"pairs\">\n<thead><tr>",
    );
    for (key, label, numeric) in COLUMNS {
        let _ = write!(
            page,
            "<th scope=\"col\" class=\"{key}\" data-type=\"{}\"><button type=\"button\">{label}</button></th>",
            if *numeric { "number" } else { "string" }
        );
    }
    page.push_str("</tr></thead>\n<tbody>\n");
    for (i, e) in edges.iter().enumerate() {
        let _ = write!(
            page,
            "<tr class=\"pair\" tabindex=\"0\" aria-selected=\"false\" data-index=\"{i}\" \
             data-holder=\"{}\" data-actor=\"{}\">",
            escape(&e.holder),
            escape(&e.actor)
        );
        for (key, _, _) in COLUMNS {
            let (raw, shown) = cell(e, key);
            let _ = write!(
                page,
                "<td class=\"{key}\" data-value=\"{raw}\">{shown}</td>"
            );
        }
        page.push_str("</tr>\n");
    }
    page.push_str("</tbody>\n</table>\n</div>\n</section>\n");
}

const LEGEND: &str =
    "<p class=\"legend\" aria-hidden=\"true\"><span class=\"swatch against\"></span> against \
<span class=\"swatch neutral\"></span> neutral <span class=\"swatch favor\"></span> favor</p>\n";

const DETAIL: &str = r#"<section id="detail" aria-labelledby="detail-title" aria-live="polite">
<h2 id="detail-title">Pair detail</h2>
<p id="detail-hint">Select a pair in the table or an edge in the graph.</p>
<dl id="detail-stats"></dl>
<h3>Rows over time</h3>
<svg id="series" viewBox="0 0 640 220" role="img" aria-label="Rows per stance over time"></svg>
<p class="legend"><span class="swatch favor"></span> favor <span class="swatch neutral"></span> neutral <span class="swatch against"></span> against</p>
<h3>Evidence</h3>
<ol id="evidence"></ol>
</section>
"#;

const STYLE: &str = r#":root { --favor: #2166ac; --against: #e66101; --neutral: #aaaaaa; --ink: #222; --rule: #e2e2e2; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; }
main { max-width: 1200px; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; }
h2 { font-size: 1.2rem; margin: 1.5rem 0 .5rem; }
h3 { font-size: 1rem; margin: 1rem 0 .25rem; }
.totals, .options, .note { margin: .25rem 0; color: #444; }
#graph-cap { font-weight: 600; }
#graph { display: block; width: 100%; height: auto; border: 1px solid var(--rule); background: #fcfcfc; }
.edge { fill: none; stroke-opacity: .8; cursor: pointer; }
.edge:hover, .edge.selected { stroke-opacity: 1; }
.edge.selected { stroke-width: 6px; }
.node circle { fill: #fff; stroke: #333; stroke-width: 1.5px; }
.node.holder-only circle { stroke-dasharray: 3 2; }
.node text { font-size: 12px; fill: var(--ink); stroke: #fff; stroke-width: 3px; paint-order: stroke; }
.legend { margin: .25rem 0; font-size: .9rem; }
.swatch { display: inline-block; width: 1.2em; height: .8em; vertical-align: middle; border-radius: 2px; }
.swatch.favor { background: var(--favor); } .swatch.against { background: var(--against); } .swatch.neutral { background: var(--neutral); }
.table-wrap { overflow-x: auto; max-height: 70vh; overflow-y: auto; border: 1px solid var(--rule); }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; font-size: .9rem; }
th, td { padding: .3rem .5rem; border-bottom: 1px solid var(--rule); text-align: left; white-space: nowrap; }
thead th { position: sticky; top: 0; background: #f6f6f6; }
td.n, td.favor, td.against, td.neutral, td.net, td.net_low, td.net_high, td.documents, td.confidence { text-align: right; }
th button { font: inherit; font-weight: 600; color: inherit; background: none; border: 0; padding: 0; cursor: pointer; }
th button:focus-visible, tr.pair:focus-visible { outline: 2px solid var(--favor); outline-offset: -2px; }
th[aria-sort="ascending"] button::after { content: " ▲"; }
th[aria-sort="descending"] button::after { content: " ▼"; }
tr.pair { cursor: pointer; }
tr.pair:hover { background: #f3f7fb; }
tr.pair.selected { background: #fff1c9; }
#detail { border-top: 2px solid var(--rule); margin-top: 1.5rem; }
#detail-stats { display: grid; grid-template-columns: max-content 1fr; gap: .1rem 1rem; margin: .5rem 0; }
#detail-stats dt { font-weight: 600; }
#detail-stats dd { margin: 0; }
#series { display: block; width: 100%; max-width: 640px; height: auto; }
#series .bar.favor { fill: var(--favor); } #series .bar.against { fill: var(--against); } #series .bar.neutral { fill: var(--neutral); }
#series .axis { stroke: #666; } #series text { font-size: 13px; fill: #444; }
#evidence li { margin: .4rem 0; }
#evidence .label { font-weight: 600; }
#evidence .label.favor { color: var(--favor); } #evidence .label.against { color: #b34700; }
#evidence .where { color: #555; font-size: .85rem; }
@media (max-width: 600px) {
  main { padding: .5rem; }
  body { font-size: 14px; }
  th, td { padding: .25rem .35rem; }
  .node text { font-size: 18px; }
}
@media print {
  main { max-width: none; padding: 0; }
  .table-wrap { max-height: none; overflow: visible; border: 0; }
  thead th { position: static; }
  th button::after { content: none !important; }
  tr.pair.selected { background: none; }
  #graph, #series, tr { break-inside: avoid; }
  #detail-hint { display: none; }
}
"#;

const SCRIPT: &str = r#"(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('network-data').textContent);
  var edges = data.edges;
  var table = document.getElementById('pairs');
  var tbody = table.tBodies[0];
  var headers = table.tHead.rows[0].cells;

  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }

  function sortBy(col) {
    var th = headers[col];
    var numeric = th.getAttribute('data-type') === 'number';
    var asc = th.getAttribute('aria-sort') !== 'ascending';
    Array.prototype.forEach.call(headers, function (h) { h.removeAttribute('aria-sort'); });
    th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
    var rows = Array.prototype.slice.call(tbody.rows);
    rows.sort(function (a, b) {
      var x = a.cells[col].getAttribute('data-value');
      var y = b.cells[col].getAttribute('data-value');
      var c = numeric ? Number(x) - Number(y) : (x < y ? -1 : x > y ? 1 : 0);
      if (c === 0) { c = Number(a.getAttribute('data-index')) - Number(b.getAttribute('data-index')); return c; }
      return asc ? c : -c;
    });
    rows.forEach(function (r) { tbody.appendChild(r); });
  }
  Array.prototype.forEach.call(headers, function (th, col) {
    th.querySelector('button').addEventListener('click', function () { sortBy(col); });
  });

  function add(parent, tag, text, cls) {
    var el = document.createElement(tag);
    if (text !== undefined) el.textContent = text;
    if (cls) el.className = cls;
    parent.appendChild(el);
    return el;
  }

  function f4(x) { return Number(x).toFixed(4); }

  function drawSeries(e) {
    var svg = document.getElementById('series');
    var keys = Object.keys(e.series).sort();
    if (!keys.length) {
      svg.innerHTML = '<text x="10" y="30">No dated rows for this pair.</text>';
      return;
    }
    var axis = data.buckets || [];
    var from = axis.indexOf(keys[0]), to = axis.indexOf(keys[keys.length - 1]);
    var span = (from >= 0 && to >= from) ? axis.slice(from, to + 1) : keys;
    var W = 640, H = 220, L = 40, R = 10, T = 12, B = 34;
    var max = 1;
    span.forEach(function (k) {
      var c = e.series[k];
      if (c) max = Math.max(max, c.favor + c.against + c.neutral);
    });
    var bw = (W - L - R) / span.length;
    var out = [];
    out.push('<line class="axis" x1="' + L + '" y1="' + (H - B) + '" x2="' + (W - R) + '" y2="' + (H - B) + '"/>');
    out.push('<line class="axis" x1="' + L + '" y1="' + T + '" x2="' + L + '" y2="' + (H - B) + '"/>');
    out.push('<text x="' + (L - 4) + '" y="' + (T + 4) + '" text-anchor="end">' + max + '</text>');
    out.push('<text x="' + (L - 4) + '" y="' + (H - B) + '" text-anchor="end">0</text>');
    span.forEach(function (k, i) {
      var c = e.series[k] || { favor: 0, against: 0, neutral: 0 };
      var x = L + i * bw + bw * 0.1, w = Math.max(bw * 0.8, 0.5), y = H - B;
      [['favor', c.favor], ['neutral', c.neutral], ['against', c.against]].forEach(function (p) {
        if (!p[1]) return;
        var h = p[1] / max * (H - B - T);
        y -= h;
        out.push('<rect class="bar ' + p[0] + '" x="' + x.toFixed(1) + '" y="' + y.toFixed(1) +
          '" width="' + w.toFixed(1) + '" height="' + h.toFixed(1) + '"><title>' +
          esc(k + ': ' + p[1] + ' ' + p[0]) + '</title></rect>');
      });
    });
    out.push('<text x="' + L + '" y="' + (H - B + 16) + '">' + esc(span[0]) + '</text>');
    if (span.length > 1) {
      out.push('<text x="' + (W - R) + '" y="' + (H - B + 16) + '" text-anchor="end">' + esc(span[span.length - 1]) + '</text>');
    }
    svg.innerHTML = out.join('');
    svg.setAttribute('aria-label', 'Rows per stance over time for ' + e.holder + ' toward ' + e.actor);
  }

  function select(i) {
    var e = edges[i];
    if (!e) return;
    if (history.replaceState) history.replaceState(null, '', '#pair=' + i);
    Array.prototype.forEach.call(tbody.rows, function (r) {
      var on = Number(r.getAttribute('data-index')) === i;
      r.classList.toggle('selected', on);
      r.setAttribute('aria-selected', on ? 'true' : 'false');
    });
    Array.prototype.forEach.call(document.querySelectorAll('#graph .edge'), function (p) {
      p.classList.toggle('selected', Number(p.getAttribute('data-index')) === i);
    });
    document.getElementById('detail-title').textContent = e.holder + ' \u2192 ' + e.actor;
    document.getElementById('detail-hint').textContent = e.actor_type + ' ' + e.actor_id;
    var dl = document.getElementById('detail-stats');
    dl.textContent = '';
    [['Rows', e.n + ' (favor ' + e.favor + ', against ' + e.against + ', neutral ' + e.neutral + ')'],
     ['Net stance', f4(e.net) + ' [' + f4(e.net_low) + ', ' + f4(e.net_high) + ']'],
     ['Documents', String(e.documents)],
     ['Dates', e.first_date ? e.first_date + ' to ' + e.last_date : 'none'],
     ['Undated rows', String(e.undated)],
     ['Confidence', f4(e.confidence)]].forEach(function (kv) {
      add(dl, 'dt', kv[0]);
      add(dl, 'dd', kv[1]);
    });
    drawSeries(e);
    var ol = document.getElementById('evidence');
    ol.textContent = '';
    e.evidence.forEach(function (ev) {
      var li = add(ol, 'li');
      add(li, 'span', ev.label + ' ' + f4(ev.probability), 'label ' + ev.label);
      li.appendChild(document.createTextNode(' '));
      add(li, 'q', ev.text);
      li.appendChild(document.createTextNode(' '));
      add(li, 'span', '(document ' + ev.document + ', sentence ' + ev.sentence + ')', 'where');
    });
  }

  tbody.addEventListener('click', function (ev) {
    var tr = ev.target.closest('tr.pair');
    if (tr) select(Number(tr.getAttribute('data-index')));
  });
  tbody.addEventListener('keydown', function (ev) {
    var tr = ev.target.closest ? ev.target.closest('tr.pair') : null;
    if (tr && (ev.key === 'Enter' || ev.key === ' ')) {
      ev.preventDefault();
      select(Number(tr.getAttribute('data-index')));
    }
  });
  document.getElementById('graph').addEventListener('click', function (ev) {
    var p = ev.target.closest('.edge');
    if (p) select(Number(p.getAttribute('data-index')));
  });
  // A pair can be linked: `network.html#pair=12` opens with edge 12 chosen; without it the
  // pair with the most rows is shown, so the panel is never empty.
  var linked = /^#pair=(\d+)$/.exec(location.hash);
  var first = -1;
  edges.forEach(function (e, i) { if (first < 0 || e.n > edges[first].n) first = i; });
  if (linked && edges[Number(linked[1])]) select(Number(linked[1]));
  else if (first >= 0) select(first);
})();
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_escaping_neutralises_markup_in_text_and_attributes() {
        assert_eq!(
            escape(r#"<script>alert("x")</script> & 'y'"#),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;"
        );
    }

    #[test]
    fn embedded_json_cannot_close_its_script_element() {
        let json = serde_json::to_string(&serde_json::json!({"t": "</script><!-- & -->"})).unwrap();
        let safe = json_in_script(&json);
        assert!(!safe.contains('<') && !safe.contains('>') && !safe.contains('&'));
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back["t"], "</script><!-- & -->");
    }

    #[test]
    fn the_colour_scale_runs_from_orange_through_grey_to_blue() {
        assert_eq!(net_colour(1.0), "#2166ac");
        assert_eq!(net_colour(-1.0), "#e66101");
        assert_eq!(net_colour(0.0), "#aaaaaa");
        assert_eq!(net_colour(7.0), net_colour(1.0));
    }

    #[test]
    fn the_graph_draws_the_best_connected_nodes_in_name_order() {
        let nodes: Vec<Node> = (0..200)
            .map(|i| Node {
                id: format!("Q{i}"),
                name: format!("N{i:03}"),
                kind: "state".into(),
                degree: i % 7,
                mentions: 0,
                statements: 0,
            })
            .collect();
        let drawn = drawn_nodes(&nodes);
        assert_eq!(drawn.len(), MAX_DRAWN);
        assert!(drawn.windows(2).all(|w| w[0] < w[1]));
        let lowest_drawn = drawn.iter().map(|&i| nodes[i].degree).min().unwrap();
        assert!((0..200)
            .filter(|i| !drawn.contains(i))
            .all(|i| nodes[i].degree <= lowest_drawn));
    }

    #[test]
    fn reciprocal_edges_bend_to_opposite_sides() {
        let ab = edge_path((0.0, 0.0), (100.0, 0.0), 5.0, 5.0);
        let ba = edge_path((100.0, 0.0), (0.0, 0.0), 5.0, 5.0);
        assert!(ab.contains("Q50.0,-12.0"), "{ab}");
        assert!(ba.contains("Q50.0,12.0"), "{ba}");
        assert!(edge_path((1.0, 1.0), (1.0, 1.0), 5.0, 5.0).starts_with("M4.5,-2.5 C"));
    }
}
