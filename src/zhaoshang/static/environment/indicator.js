// An indicator's page: its values over the periods (one line for the county, one per unit), the target as a line.
// Names come from users: the tooltip passes every value through esc() (ECharts renders tooltip HTML), as the chain
// diagram and the dashboard do; axis labels and the legend are text.
(function () {
  "use strict";
  const holder = document.getElementById("env-chart");
  const source = document.getElementById("env-chart-data");
  if (!holder || !source || !window.echarts) return;
  const data = JSON.parse(source.textContent);
  const L = data.labels || {};

  const esc = window.zsEsc;

  const target = Number(data.target);
  const series = data.lines.map((line, index) => ({
    name: line.name,
    type: "line",
    connectNulls: false,
    symbolSize: 6,
    data: line.values.map((v) => (v === null ? null : Number(v))),
    markLine:
      index === 0
        ? {
            silent: true,
            symbol: "none",
            lineStyle: { color: "#fd7e14", type: "dashed", width: 2 },
            label: { formatter: `${L.target} ${data.target}`, position: "insideEndTop", color: "#fd7e14" },
            data: [{ yAxis: target }],
          }
        : undefined,
  }));
  const chart = echarts.init(holder, null, { renderer: "canvas" });
  chart.setOption({
    animation: false,
    grid: { left: 50, right: 30, top: 40, bottom: 40 },
    legend: { type: "scroll", top: 0 },
    tooltip: {
      trigger: "axis",
      formatter: (items) => {
        if (!items.length) return "";
        const lines = items
          .filter((p) => p.value !== null && p.value !== undefined)
          .map((p) => `${p.marker}${esc(p.seriesName)}: ${esc(p.value)} ${esc(data.unit)}`);
        return [esc(items[0].axisValue), ...lines, `${esc(L.target)}: ${esc(data.target)} ${esc(data.unit)}`].join("<br>");
      },
    },
    xAxis: { type: "category", data: data.periods, boundaryGap: false },
    yAxis: { type: "value", name: data.unit, scale: true, max: (v) => Math.max(v.max, target), min: (v) => Math.min(v.min, target) },
    series: series,
  });
  window.addEventListener("resize", () => chart.resize());
  window.zsEnvironmentChart = chart;
})();
