"use strict";
// Trace case page: Cytoscape flow graph and ECharts Sankey from the report's JSON blocks.
const KIND_COLOURS = {
  seed: "#b3261e", exchange: "#1e7d32", bridge: "#7b3fb8", mixer: "#a15c00",
  dex: "#00796b", service: "#1f5fbf", address: "#5d6675",
};

function drawFlowGraph() {
  const box = document.getElementById("flow-graph");
  if (!box || typeof cytoscape === "undefined") return;
  const data = nkData(box.dataset.source);
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
      { selector: "edge", style: {
        width: 1.2, "curve-style": "bezier", "target-arrow-shape": "triangle",
        "line-color": "#9aa6b8", "target-arrow-color": "#9aa6b8" } },
      { selector: ".focus", style: { "line-color": "#b3261e", "target-arrow-color": "#b3261e", width: 2.5 } },
    ],
    layout: { name: "breadthfirst", directed: true, roots: data.seeds.map((s) => `[id = "${s}"]`).join(","),
      spacingFactor: 0.9, padding: 10 },
  });
  cy.on("tap", "node", (evt) => {
    const node = evt.target;
    cy.elements().removeClass("focus");
    node.connectedEdges().addClass("focus");
    const out = node.outgoers("edge").map((e) => `${e.data("label")} → ${e.target().id()}`);
    document.getElementById("graph-selection").textContent =
      `${node.id()} (${node.data("kind")}): ${out.length} outgoing flows${out.length ? ": " + out.slice(0, 5).join("; ") : ""}`;
  });
  box.dataset.ready = String(cy.nodes().length);
}

function drawSankey() {
  const box = document.getElementById("sankey");
  if (!box || typeof echarts === "undefined") return;
  const data = nkData(box.dataset.source);
  if (!data.links.length) return;
  const chart = echarts.init(box);
  chart.setOption({
    tooltip: { trigger: "item" },
    series: [{
      type: "sankey", nodeAlign: "left", emphasis: { focus: "adjacency" },
      data: data.nodes.map((n) => ({ name: n.name, label: { formatter: n.label } })),
      links: data.links, lineStyle: { color: "gradient", curveness: 0.5 },
      label: { fontSize: 10 },
    }],
  });
  window.addEventListener("resize", () => chart.resize());
}

document.addEventListener("DOMContentLoaded", () => { drawFlowGraph(); drawSankey(); });
