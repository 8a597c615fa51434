// The chain page's diagram: chain → up/mid/downstream → links → local enterprises and targets (ECharts tree).
// Every name comes from users: tooltips pass it through esc() (ECharts renders tooltip HTML), labels are text.
(function () {
  "use strict";
  const holder = document.getElementById("chain-diagram");
  const source = document.getElementById("chain-tree");
  if (!holder || !source || !window.echarts) return;
  const tree = JSON.parse(source.textContent);
  const L = tree.labels || {};

  const esc = window.zsEsc;
  const COLORS = { chain: "#212529", position: "#6c757d", link: "#0d6efd", gap: "#dc3545", local: "#198754", target: "#fd7e14" };

  function style(node) {
    node.itemStyle = { color: COLORS[node.kind] || "#6c757d", borderColor: COLORS[node.kind] || "#6c757d" };
    if (node.kind === "target") node.itemStyle = { color: "#ffd8a8", borderColor: COLORS.target, borderWidth: 2 };
    node.label = { color: node.kind === "gap" ? COLORS.gap : "#212529", fontWeight: node.kind === "gap" ? "bold" : "normal" };
    (node.children || []).forEach(style);
    return node;
  }

  const chart = echarts.init(holder, null, { renderer: "canvas" });
  chart.setOption({
    animation: false,
    tooltip: {
      trigger: "item",
      formatter: (p) => {
        const d = p.data || {};
        if (d.kind === "link" || d.kind === "gap") {
          let text = `${esc(d.name)}<br>${esc(L.locals)} ${esc(d.locals)} · ${esc(L.targets)} ${esc(d.targets)} · ${esc(L.projects)} ${esc(d.projects)}`;
          if (d.kind === "gap") text += `<br>${esc(L.gap)}`;
          return text;
        }
        if (d.kind === "local") return `${esc(d.name)}<br>${esc(L.local)}`;
        if (d.kind === "target") return `${esc(d.name)}<br>${esc(L.target)} · ${esc(d.status)}`;
        return esc(d.name);
      },
    },
    series: [
      {
        type: "tree",
        data: [style(tree)],
        orient: "LR",
        top: 10,
        bottom: 10,
        left: 80,
        right: 260,
        symbolSize: 10,
        initialTreeDepth: -1,
        expandAndCollapse: true,
        label: { position: "left", verticalAlign: "middle", align: "right", fontSize: 13 },
        leaves: { label: { position: "right", verticalAlign: "middle", align: "left" } },
      },
    ],
  });
  window.addEventListener("resize", () => chart.resize());
  window.zsChain = chart;
})();
