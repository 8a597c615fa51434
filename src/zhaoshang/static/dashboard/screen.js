/* 数据大屏: the funnel and the months on a dark background, redrawn at the window's size. The page reloads itself
   (meta refresh, settings.DASHBOARD_SCREEN_REFRESH seconds). */
(function () {
  "use strict";

  const FONT = '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", system-ui, sans-serif';
  const COLOURS = ["#4cc9f0", "#52d681", "#ffd166", "#f78c6b", "#b388ff", "#ff6b6b"];
  const TEXT = "#cfe0f3";
  const node = document.getElementById("dashboard-data");
  const data = node ? JSON.parse(node.textContent) : {};
  const L = data.labels || {};
  const charts = {};

  function make(id, option) {
    const element = document.getElementById(id);
    if (!element || !window.echarts) return;
    const chart = window.echarts.init(element, null, { renderer: "canvas" });
    option.textStyle = { fontFamily: FONT, fontSize: 16, color: TEXT };
    option.animation = false;
    chart.setOption(option);
    charts[id] = chart;
  }

  if (data.funnel) {
    make("chart-funnel", {
      series: [
        {
          type: "funnel",
          sort: "none",
          top: 8,
          bottom: 8,
          left: "6%",
          width: "88%",
          minSize: "22%",
          gap: 4,
          label: { position: "inside", formatter: "{b}  {c}", fontSize: 20, color: "#0b1a2e", fontWeight: 700 },
          itemStyle: { borderWidth: 0 },
          data: data.funnel.map((d, i) => ({ name: d.name, value: d.value, itemStyle: { color: COLOURS[i % COLOURS.length] } })),
        },
      ],
    });
  }

  if (data.trend) {
    const s = data.trend.series;
    const line = (name, points, colour, dashed) => ({
      type: "line",
      name: name,
      data: points,
      symbolSize: 8,
      lineStyle: { width: 3, type: dashed ? "dashed" : "solid", opacity: dashed ? 0.55 : 1 },
      color: colour,
    });
    make("chart-trend", {
      legend: { top: 0, textStyle: { color: TEXT, fontSize: 16 } },
      grid: { left: 8, right: 16, top: 44, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: data.trend.months.map((m) => m.slice(5)), axisLabel: { color: TEXT, fontSize: 15 }, axisLine: { lineStyle: { color: "#3a5f8a" } } },
      yAxis: { type: "value", minInterval: 1, axisLabel: { color: TEXT, fontSize: 15 }, splitLine: { lineStyle: { color: "#1c3556" } } },
      series: [
        line(L.signed, s.signed, COLOURS[0]),
        line(`${L.signed}（${L.last_year}）`, s.signed_last_year, COLOURS[0], true),
        line(L.started, s.started, COLOURS[1]),
        line(`${L.started}（${L.last_year}）`, s.started_last_year, COLOURS[1], true),
      ],
    });
  }

  window.addEventListener("resize", () => Object.values(charts).forEach((chart) => chart.resize()));
  window.zsScreen = { charts: charts };
})();
