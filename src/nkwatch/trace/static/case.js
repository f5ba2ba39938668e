"use strict";
// Trace case page: Cytoscape flow graph and ECharts Sankey from the report's JSON blocks.
// Every text from the report reaches the page as text (textContent, canvas labels) or
// through escapeHtml (ECharts tooltips are HTML).
const KIND_COLOURS = {
  seed: "#b3261e", exchange: "#1e7d32", bridge: "#7b3fb8", mixer: "#a15c00",
  dex: "#00796b", service: "#1f5fbf", address: "#5d6675", flight: "#9e9e9e",
};
const CHAIN_COLOURS = { bitcoin: "#f7931a", ethereum: "#627eea", litecoin: "#345d9d" };
const LINK_COLOUR = "#7b3fb8";

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => (
    { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
}

function drawFlowGraph() {
  const box = document.getElementById("flow-graph");
  if (!box || typeof cytoscape === "undefined") return;
  const data = nkData(box.dataset.source);
  const boxed = data.chains && data.chains.length > 1;
  const cy = cytoscape({
    container: box,
    elements: data.elements,
    wheelSensitivity: 0.3,
    style: [
      { selector: "node", style: {
        label: "data(label)", "font-size": 9, "text-wrap": "wrap", "text-valign": "bottom",
        "background-color": (n) => KIND_COLOURS[n.data("kind")] || KIND_COLOURS.address,
        width: (n) => (n.data("kind") === "address" ? 14 : 24),
        height: (n) => (n.data("kind") === "address" ? 14 : 24) } },
      { selector: 'node[kind = "chain"]', style: {
        "background-color": (n) => CHAIN_COLOURS[n.data("label")] || "#dde3ec",
        "background-opacity": 0.08, "border-width": 2, "border-style": "dashed",
        "border-color": (n) => CHAIN_COLOURS[n.data("label")] || "#8a94a6",
        "text-valign": "top", "font-size": 13, "font-weight": "bold", padding: 18 } },
      { selector: 'node[kind = "flight"]', style: { shape: "round-rectangle", "border-width": 1,
        "border-style": "dashed", "border-color": "#616161" } },
      { selector: "edge", style: {
        width: 1.2, "curve-style": "bezier", "target-arrow-shape": "triangle",
        "line-color": "#9aa6b8", "target-arrow-color": "#9aa6b8" } },
      { selector: "edge[?link]", style: {
        width: 2.5, "line-style": "dashed", "line-color": LINK_COLOUR, "target-arrow-color": LINK_COLOUR,
        label: "data(link)", "font-size": 9, color: LINK_COLOUR, "text-rotation": "autorotate" } },
      { selector: ".focus", style: { "line-color": "#b3261e", "target-arrow-color": "#b3261e", width: 2.5 } },
    ],
  });
  const roots = cy.collection(data.seeds.map((id) => cy.getElementById(id)));
  cy.layout(boxed
    ? { name: "cose", animate: false, padding: 10, nodeRepulsion: () => 9000, randomize: false }
    : { name: "breadthfirst", directed: true, roots, spacingFactor: 0.9, padding: 10 }).run();
  const said = document.getElementById("graph-selection");
  cy.on("tap", "node", (evt) => {
    const node = evt.target;
    cy.elements().removeClass("focus");
    node.connectedEdges().addClass("focus");
    const out = node.outgoers("edge").map((e) => `${e.data("label")} → ${e.target().id()}`);
    const where = node.data("chain") ? ` on ${node.data("chain")}` : "";
    said.textContent = `${node.id()}${where} (${node.data("kind")}): ${out.length} outgoing flows` +
      `${out.length ? ": " + out.slice(0, 5).join("; ") : ""}`;
  });
  cy.on("tap", "edge", (evt) => {
    const e = evt.target;
    const chains = e.data("from_chain") === e.data("chain") ? e.data("chain")
      : `${e.data("from_chain")} → ${e.data("chain")}`;
    said.textContent = `hop ${e.data("hop")} [${chains}] ${e.data("label")}` +
      `${e.data("tx") ? " — tx " + e.data("tx") : ""}`;
  });
  box.dataset.ready = String(cy.nodes().length);
}

function drawSankey() {
  const box = document.getElementById("sankey");
  if (!box || typeof echarts === "undefined") return;
  const data = nkData(box.dataset.source);
  if (!data.links.length) return;
  const labels = Object.fromEntries(data.nodes.map((n) => [n.name, n.label]));
  const chart = echarts.init(box);
  chart.setOption({
    tooltip: { trigger: "item", formatter: (p) => (p.dataType === "edge"
      ? `${escapeHtml(p.data.text)}<br>${escapeHtml(p.data.value)} % of the asset's traced amount`
      : escapeHtml(labels[p.name] || p.name)) },
    series: [{
      type: "sankey", nodeAlign: "left", emphasis: { focus: "adjacency" },
      data: data.nodes.map((n) => ({ name: n.name })),
      links: data.links.map((l) => (l.link
        ? { ...l, lineStyle: { color: LINK_COLOUR, opacity: 0.55 } } : l)),
      lineStyle: { color: "gradient", curveness: 0.5 },
      label: { fontSize: 10, formatter: (p) => (labels[p.name] || p.name).replace(/[{}|]/g, " ") },
    }],
  });
  box.dataset.ready = String(data.links.length);
  window.addEventListener("resize", () => chart.resize());
}

document.addEventListener("DOMContentLoaded", () => { drawFlowGraph(); drawSankey(); });
