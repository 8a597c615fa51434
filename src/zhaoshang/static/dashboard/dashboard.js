/* The dashboard's charts. ECharts draws them from the JSON the page embeds (#dashboard-data); every bar, slice,
   point and funnel stage carries the ledger address of exactly its projects, and a click opens it.

   window.zsDashboard: charts (id → ECharts instance), click(id, index[, series]) to follow a data point as a
   click would, url(id, index[, series]) to read its address, save(id) for the PNG, resize(), tab(name) to show
   a tab's panel. */
(function () {
  "use strict";

  const FONT = '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", system-ui, sans-serif';
  const COLOURS = ["#0d6efd", "#20c997", "#fd7e14", "#6f42c1", "#dc3545", "#0dcaf0", "#ffc107", "#198754", "#6c757d"];
  const charts = {};

  function readJson(id) {
    const node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  // Every value a tooltip formatter puts into its HTML passes through esc(): names come from the ledger (industry
  // chain, investor origin, unit names) and are typed by reporters (issue 11, stored XSS).
  const esc = window.zsEsc;

  const data = readJson("dashboard-data") || {};
  const L = data.labels || {};

  function narrow() {
    return window.matchMedia("(max-width: 575.98px)").matches;
  }

  function follow(item) {
    if (item && typeof item === "object" && item.url) {
      window.location.href = item.url;
      return true;
    }
    return false;
  }

  function make(id, option) {
    const element = document.getElementById(id);
    if (!element || !window.echarts) return null;
    const old = charts[id];
    if (old && !old.isDisposed()) old.dispose();
    const chart = window.echarts.init(element, null, { renderer: "canvas" });
    option.textStyle = Object.assign({ fontFamily: FONT, fontSize: 12 }, option.textStyle || {});
    option.color = option.color || COLOURS;
    option.animation = false; // prints and screenshots show the finished chart
    chart.setOption(option);
    chart.on("click", (params) => follow(params.data));
    // A hand over the clickable parts says they lead somewhere.
    chart.getZr().on("mousemove", (event) => {
      chart.getZr().setCursorStyle(event.target ? "pointer" : "default");
    });
    charts[id] = chart;
    return chart;
  }

  function labelRoom() {
    return narrow() ? 104 : 180;
  }

  function sizeFor(id, rows, perRow, minimum) {
    const element = document.getElementById(id);
    if (element) element.style.height = Math.max(minimum, rows * perRow + 60) + "px";
  }

  // --- the funnel ---------------------------------------------------------------------------------------

  function funnel() {
    if (!data.funnel) return;
    make("chart-funnel", {
      tooltip: { trigger: "item", formatter: (p) => `${esc(p.name)}: ${esc(p.value)}` },
      series: [
        {
          type: "funnel",
          sort: "none",
          top: 10,
          bottom: 10,
          left: "8%",
          width: "84%",
          minSize: "18%",
          gap: 3,
          label: { show: true, position: "inside", formatter: "{b}  {c}", fontSize: 14, color: "#fff", fontWeight: 600 },
          labelLine: { show: false },
          itemStyle: { borderColor: "#fff", borderWidth: 1 },
          data: data.funnel.map((d, i) => ({ name: d.name, value: d.value, url: d.url, itemStyle: { color: COLOURS[i] } })),
        },
      ],
    });
  }

  // --- months -------------------------------------------------------------------------------------------

  function line(name, points, options) {
    return Object.assign(
      { type: "line", name: name, data: points, symbolSize: 7, connectNulls: false, emphasis: { focus: "series" } },
      options || {}
    );
  }

  function months() {
    if (!data.trend) return;
    const s = data.trend.series;
    const ly = (name) => `${name}（${L.last_year}）`;
    const axis = {
      type: "category",
      data: data.trend.months.map((m) => (narrow() ? m.slice(5) : m)),
      axisLabel: { hideOverlap: true },
    };
    // A plain legend wraps onto a second line in a narrow chart (a phone, or two charts side by side on a printed
    // page): the plot, and the axis name above it, start below the legend.
    const trend = document.getElementById("chart-trend");
    const tight = narrow() || (trend ? trend.clientWidth : 1000) < 640;
    const grid = { left: 8, right: 16, top: tight ? 72 : 44, bottom: 8, containLabel: true };
    const legend = { top: 0, left: "center", itemWidth: 18, itemGap: tight ? 8 : 14 };
    make("chart-trend", {
      tooltip: { trigger: "axis" },
      legend: legend,
      grid: grid,
      xAxis: axis,
      yAxis: { type: "value", minInterval: 1, name: L.projects, nameTextStyle: { align: "left" } },
      series: [
        line(L.signed, s.signed, { color: COLOURS[0] }),
        line(ly(L.signed), s.signed_last_year, { color: COLOURS[0], lineStyle: { type: "dashed", opacity: 0.6 }, symbol: "emptyCircle" }),
        line(L.started, s.started, { color: COLOURS[1] }),
        line(ly(L.started), s.started_last_year, { color: COLOURS[1], lineStyle: { type: "dashed", opacity: 0.6 }, symbol: "emptyCircle" }),
      ],
    });
    make("chart-funds", {
      tooltip: { trigger: "axis" },
      legend: legend,
      grid: grid,
      xAxis: axis,
      yAxis: { type: "value", name: L.wan, nameTextStyle: { align: "left" }, axisLabel: { formatter: compact } },
      series: [
        { type: "bar", name: L.funds, data: s.funds, color: COLOURS[2], barMaxWidth: 28 },
        line(ly(L.funds), s.funds_last_year, { color: "#8a5a00", lineStyle: { type: "dashed" }, symbol: "emptyCircle" }),
      ],
    });
  }

  function compact(value) {
    if (Math.abs(value) >= 10000) return (value / 10000).toLocaleString("zh-CN", { maximumFractionDigits: 1 }) + "亿";
    return value.toLocaleString("zh-CN");
  }

  // --- breakdowns ---------------------------------------------------------------------------------------

  function bars(id, rows, horizontal) {
    if (!rows) return;
    const items = rows.map((r) => ({ name: r.name, value: r.value, amount: r.amount, url: r.url }));
    const tooltip = {
      trigger: "item",
      formatter: (p) =>
        `${esc(p.name)}<br>${esc(p.value)} ${esc(L.projects)} · ${esc(Number(p.data.amount).toLocaleString("zh-CN"))} ${esc(L.wan)}`,
    };
    if (horizontal) {
      sizeFor(id, items.length, 26, 240);
      const ordered = items.slice().reverse(); // the largest at the top
      make(id, {
        tooltip: tooltip,
        // A fixed room for the names (long ones are cut with "…"): measured label widths are not reliable for
        // CJK fonts, and a name must never be clipped at the edge.
        grid: { left: labelRoom(), right: 40, top: 8, bottom: 24 },
        xAxis: { type: "value", minInterval: 1 },
        yAxis: {
          type: "category",
          data: ordered.map((r) => r.name),
          axisLabel: { width: labelRoom() - 12, overflow: "truncate", interval: 0 },
        },
        series: [{ type: "bar", data: ordered, barMaxWidth: 18, label: { show: true, position: "right" }, color: COLOURS[0] }],
      });
    } else {
      make(id, {
        tooltip: tooltip,
        grid: { left: 8, right: 8, top: 24, bottom: 8, containLabel: true },
        xAxis: { type: "category", data: items.map((r) => r.name), axisLabel: { interval: 0, width: narrow() ? 60 : 110, overflow: "break" } },
        yAxis: { type: "value", minInterval: 1 },
        series: [{ type: "bar", data: items, barMaxWidth: 44, label: { show: true, position: "top" }, color: COLOURS[3] }],
      });
    }
  }

  function pie(id, rows) {
    if (!rows) return;
    make(id, {
      tooltip: { trigger: "item", formatter: (p) => `${esc(p.name)}: ${esc(p.value)} (${esc(p.percent)}%)` },
      legend: { bottom: 0, type: "scroll" },
      series: [
        {
          type: "pie",
          radius: narrow() ? ["30%", "58%"] : ["35%", "65%"],
          center: ["50%", "45%"],
          // On a phone the names are in the legend below: a label of number and share fits beside a slice.
          label: { formatter: narrow() ? "{c}（{d}%）" : "{b}\n{c}（{d}%）", fontSize: 12 },
          data: rows.map((r) => ({ name: r.name, value: r.value, url: r.url })),
        },
      ],
    });
  }

  function breakdowns() {
    const b = data.breakdowns;
    if (!b) return;
    bars("chart-industry", b.industry, true);
    bars("chart-chain", b.chain, true);
    bars("chart-origin", b.origin, true);
    bars("chart-band", b.band, false);
    pie("chart-kind", b.kind);
    pie("chart-high-tech", b.high_tech);
  }

  // --- the forecast (loaded after the page) -------------------------------------------------------------

  function forecast() {
    const f = readJson("forecast-data");
    if (!f || !f.units.length) return;
    const units = f.units.slice().reverse();
    sizeFor("chart-forecast", units.length, 24, 260);
    const names = units.map((u) => u.name);
    make("chart-forecast", {
      tooltip: {
        trigger: "axis",
        axisPointer: { type: "shadow" },
        formatter: (items) => {
          const u = units[items[0].dataIndex];
          return (
            `${esc(u.name)}<br>${esc(L.current)} ${esc(u.current ?? "—")}%<br>${esc(L.expected)} ${esc(u.expected ?? "—")}%` +
            `<br>${esc(L.band)} ${esc(u.p10 ?? "—")}–${esc(u.p90 ?? "—")}%`
          );
        },
      },
      legend: { top: 0, data: [L.band, L.expected, L.current] },
      grid: { left: labelRoom(), right: 24, top: 32, bottom: 24 },
      xAxis: { type: "value", min: 0, axisLabel: { formatter: "{value}%" } },
      yAxis: { type: "category", data: names, axisLabel: { width: labelRoom() - 12, overflow: "truncate", interval: 0 } },
      series: [
        { type: "bar", stack: "band", silent: true, itemStyle: { color: "transparent" }, data: units.map((u) => u.p10 ?? 0), tooltip: { show: false } },
        {
          type: "bar",
          stack: "band",
          name: L.band,
          barMaxWidth: 14,
          itemStyle: { color: "rgba(13,110,253,.25)" },
          data: units.map((u) => ({ value: (u.p90 ?? 0) - (u.p10 ?? 0), url: u.url })),
        },
        { type: "scatter", name: L.expected, symbolSize: 10, itemStyle: { color: COLOURS[0] }, data: units.map((u) => ({ value: u.expected, url: u.url })) },
        { type: "scatter", name: L.current, symbol: "diamond", symbolSize: 9, itemStyle: { color: COLOURS[2] }, data: units.map((u) => ({ value: u.current, url: u.url })) },
      ],
    });
  }

  // --- hooks --------------------------------------------------------------------------------------------

  function pointOf(id, index, series) {
    const chart = charts[id];
    if (!chart) return null;
    const option = chart.getOption();
    const s = option.series[series || 0];
    if (!s) return null;
    const item = s.data[index];
    return item && typeof item === "object" ? item : null;
  }

  function text(element) {
    return element ? element.textContent.replace(/\s+/g, " ").trim() : "";
  }

  function download(url, filename) {
    const link = document.createElement("a");
    link.href = url;
    link.download = filename + ".png";
    document.body.appendChild(link);
    link.click();
    link.remove();
  }

  // A chart pasted into a report means little without its name, period and date: the PNG carries the chart's
  // heading and the dashboard's title and scope above the chart.
  function save(id, filename, heading) {
    const chart = charts[id];
    if (!chart) return null;
    const url = chart.getDataURL({ type: "png", pixelRatio: 2, backgroundColor: "#fff" });
    const lines = [heading || "", [text(document.querySelector("main h1")), text(document.getElementById("dash-scope"))]
      .filter(Boolean).join(" · ")].filter(Boolean);
    const image = new Image();
    image.onload = () => {
      const ratio = 2, pad = 16 * ratio, line = 26 * ratio, gap = 10 * ratio;
      const canvas = document.createElement("canvas");
      canvas.width = image.width;
      canvas.height = image.height + pad + lines.length * line + gap;
      const context = canvas.getContext("2d");
      context.fillStyle = "#fff";
      context.fillRect(0, 0, canvas.width, canvas.height);
      const family = '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif';
      lines.forEach((content, index) => {
        context.fillStyle = index === 0 ? "#212529" : "#6c757d";
        context.font = `${index === 0 ? 600 : 400} ${(index === 0 ? 16 : 12) * ratio}px ${family}`;
        context.fillText(content, pad, pad + (index + 0.8) * line, canvas.width - 2 * pad);
      });
      context.drawImage(image, 0, pad + lines.length * line + gap);
      download(canvas.toDataURL("image/png"), filename || id);
    };
    image.src = url;
    return url;
  }

  function resize() {
    months(); // their legends take one or two lines depending on the width
    Object.values(charts).forEach((chart) => chart.isDisposed() || chart.resize());
  }

  window.zsDashboard = {
    charts: charts,
    url: (id, index, series) => (pointOf(id, index, series) || {}).url || null,
    click: (id, index, series) => follow(pointOf(id, index, series)),
    save: save,
    resize: resize,
    forecast: forecast,
    tab: (name) => showTab(document.getElementById(`tab-${name}`)),
  };

  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-save]");
    if (button) {
      const head = button.closest(".chart-head");
      save(button.dataset.save, button.dataset.filename, text(head && head.querySelector("h3")));
    }
  });
  let pending = null;
  window.addEventListener("resize", () => {
    clearTimeout(pending);
    pending = setTimeout(resize, 120);
  });
  // Printing lays the charts out two per row on A4 landscape: redraw them at that width, and back after.
  window.addEventListener("beforeprint", resize);
  window.addEventListener("afterprint", resize);
  if (window.matchMedia) window.matchMedia("print").addEventListener("change", resize);
  document.body.addEventListener("htmx:afterSwap", (event) => {
    if (event.target && event.target.id === "forecast-body") forecast();
  });

  // --- tabs: buttons with role=tab, panels with role=tabpanel (arrow keys move between tabs) ----------------

  function showTab(tab) {
    const list = tab.closest("[role=tablist]");
    list.querySelectorAll("[role=tab]").forEach((other) => {
      const selected = other === tab;
      other.setAttribute("aria-selected", selected ? "true" : "false");
      other.classList.toggle("active", selected);
      other.tabIndex = selected ? 0 : -1;
      const panel = document.getElementById(other.getAttribute("aria-controls"));
      if (panel) panel.hidden = !selected;
    });
    // A chart drawn while its panel was hidden has no size: draw the panel's charts at their size now.
    resize();
  }

  document.querySelectorAll("[role=tablist]").forEach((list) => {
    list.addEventListener("click", (event) => {
      const tab = event.target.closest("[role=tab]");
      if (tab) showTab(tab);
    });
    list.addEventListener("keydown", (event) => {
      const tabs = Array.from(list.querySelectorAll("[role=tab]"));
      const index = tabs.indexOf(document.activeElement);
      if (index < 0) return;
      const next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: tabs.length - 1 }[event.key];
      if (next === undefined) return;
      event.preventDefault();
      const tab = tabs[(next + tabs.length) % tabs.length];
      tab.focus();
      showTab(tab);
    });
  });

  funnel();
  months();
  breakdowns();
})();
