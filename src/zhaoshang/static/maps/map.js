// The county map: township boundaries (the bureau's GeoJSON, served by the app) and the points of resources,
// projects and enterprises, drawn by ECharts without any tile from the internet. Filters by kind and status,
// an info card on a click, and placing a record by a click. Every name comes from users: the tooltip passes it
// through esc() (ECharts renders tooltip HTML); the info card sets textContent; region labels are canvas text.
(function () {
  "use strict";
  const holder = document.getElementById("county-map");
  const source = document.getElementById("map-data");
  if (!holder || !source || !window.echarts) return;
  const data = JSON.parse(source.textContent);
  const L = data.labels || {};
  const COLORS = { parcel: "#198754", factory: "#0d6efd", idle: "#6f42c1", project: "#fd7e14", enterprise: "#d63384" };
  const SYMBOLS = { parcel: "rect", factory: "roundRect", idle: "triangle", project: "diamond", enterprise: "circle" };
  const kindBoxes = Array.from(document.querySelectorAll(".map-kind"));
  const statusSelect = document.getElementById("map-status");
  const shown = document.getElementById("map-shown");
  const rows = Array.from(document.querySelectorAll("#map-points tbody tr[data-kind]"));
  const info = document.getElementById("map-info");
  const placeSelect = document.getElementById("place-record");
  const latInput = document.getElementById("id_latitude");
  const lngInput = document.getElementById("id_longitude");
  const hint = document.getElementById("place-hint");

  const esc = window.zsEsc;

  // The filters start from the address (?kind=parcel&kind=project&status=parcel:available) and are kept in it.
  const params = new URLSearchParams(window.location.search);
  if (params.getAll("kind").length) kindBoxes.forEach((box) => { box.checked = params.getAll("kind").includes(box.value); });
  if (params.get("status") && statusSelect) statusSelect.value = params.get("status");

  function visible() {
    const status = statusSelect ? statusSelect.value : "";
    const kinds = new Set(kindBoxes.filter((box) => box.checked).map((box) => box.value));
    return (p) => (status ? `${p.kind}:${p.status}` === status : kinds.has(p.kind));
  }

  // With no boundaries yet, a plain frame around the points (or around the county seat's province, empty).
  function frame(points) {
    let [x0, y0, x1, y1] = [180, 90, -180, -90];
    points.forEach((p) => { x0 = Math.min(x0, p.value[0]); x1 = Math.max(x1, p.value[0]); y0 = Math.min(y0, p.value[1]); y1 = Math.max(y1, p.value[1]); });
    if (!points.length) [x0, y0, x1, y1] = [73, 18, 135, 54];
    const pad = Math.max(x1 - x0, y1 - y0, 0.02) * 0.1;
    const ring = [[x0 - pad, y0 - pad], [x1 + pad, y0 - pad], [x1 + pad, y1 + pad], [x0 - pad, y1 + pad], [x0 - pad, y0 - pad]];
    return { type: "FeatureCollection", features: [{ type: "Feature", properties: { name: "" }, geometry: { type: "Polygon", coordinates: [ring] } }] };
  }

  const chart = echarts.init(holder, null, { renderer: "canvas" });
  let pending = null; // the position being placed: [lng, lat]

  function series() {
    const keep = visible();
    const list = Object.keys(data.kinds).map((kind) => ({
      type: "scatter",
      name: kind,
      coordinateSystem: "geo",
      symbol: SYMBOLS[kind],
      symbolSize: kind === "project" ? 13 : 11,
      itemStyle: { color: COLORS[kind], borderColor: "#fff", borderWidth: 1 },
      emphasis: { scale: 1.6 },
      data: data.points.filter((p) => p.kind === kind && keep(p)),
    }));
    list.push({
      type: "effectScatter",
      name: "placing",
      coordinateSystem: "geo",
      symbolSize: 14,
      itemStyle: { color: "#dc3545" },
      tooltip: { show: false },
      data: pending ? [{ name: "", value: pending }] : [],
    });
    return list;
  }

  function apply() {
    const keep = visible();
    let count = 0;
    data.points.forEach((p) => { if (keep(p)) count += 1; });
    rows.forEach((row) => {
      const status = statusSelect ? statusSelect.value : "";
      const on = status ? row.dataset.status === status : kindBoxes.some((box) => box.checked && box.value === row.dataset.kind);
      row.classList.toggle("d-none", !on);
    });
    if (shown) shown.textContent = String(count);
    chart.setOption({ series: series() }, { replaceMerge: ["series"] });
    const query = new URLSearchParams();
    if (statusSelect && statusSelect.value) query.set("status", statusSelect.value);
    else if (kindBoxes.some((box) => !box.checked)) kindBoxes.filter((box) => box.checked).forEach((box) => query.append("kind", box.value));
    const text = query.toString();
    window.history.replaceState(null, "", text ? `?${text}` : window.location.pathname);
  }

  function showInfo(p) {
    if (!info) return;
    const set = (field, value) => { info.querySelector(`[data-field="${field}"]`).textContent = value || ""; };
    set("name", p.name);
    set("kind", data.kinds[p.kind].label);
    set("status", `${L.status}：${p.status_label}`);
    set("unit", p.unit);
    set("detail", p.detail);
    info.querySelector('[data-field="url"]').setAttribute("href", p.url);
    info.classList.remove("d-none");
  }

  function aspect(geojson) {
    let low = 90, high = -90;
    const walk = (c) => { if (typeof c[0] === "number") { low = Math.min(low, c[1]); high = Math.max(high, c[1]); } else c.forEach(walk); };
    geojson.features.forEach((f) => walk(f.geometry.coordinates));
    return high >= low ? Math.cos((((low + high) / 2) * Math.PI) / 180) : 0.75;
  }

  function draw(geojson) {
    echarts.registerMap("county", geojson);
    chart.setOption({
      animation: false,
      tooltip: {
        trigger: "item",
        formatter: (p) => {
          const d = p.data || {};
          if (!d.kind) return esc(p.name);
          return `<strong>${esc(d.name)}</strong><br>${esc(data.kinds[d.kind].label)} · ${esc(d.status_label)}<br>${esc(d.unit)}${d.detail ? `<br>${esc(d.detail)}` : ""}`;
        },
      },
      geo: {
        map: "county",
        roam: true,
        scaleLimit: { min: 0.8, max: 60 },
        // True proportions: the map keeps its aspect (a degree of longitude is cos(latitude) of a degree of latitude).
        layoutCenter: ["50%", "50%"],
        layoutSize: "96%",
        aspectScale: aspect(geojson),
        label: { show: true, color: "#6c757d", fontSize: 11 },
        itemStyle: { areaColor: "#f8f9fa", borderColor: "#adb5bd", borderWidth: 1 },
        emphasis: { label: { show: true }, itemStyle: { areaColor: "#e9ecef" } },
        select: { disabled: true },
        tooltip: { show: false },
      },
      series: series(),
    });
    focus();
    apply();
  }

  // ?focus=project:12 (after a position was saved, or from a record's page): centre on it and open its card.
  function focus() {
    const [kind, id] = (data.focus || "").split(":");
    const p = data.points.find((q) => q.kind === kind && String(q.id) === id);
    if (!p) return;
    chart.setOption({ geo: { center: p.value, zoom: 4 } });
    showInfo(p);
  }

  chart.on("click", (p) => { if (p.data && p.data.kind) showInfo(p.data); });
  chart.getZr().on("click", (event) => {
    if (!placeSelect || !placeSelect.value) return;
    const pixel = [event.offsetX, event.offsetY];
    if (!chart.containPixel("geo", pixel)) { if (hint) hint.textContent = L.outside; return; }
    const [lng, lat] = chart.convertFromPixel("geo", pixel);
    latInput.value = lat.toFixed(6);
    lngInput.value = lng.toFixed(6);
    pending = [lng, lat];
    chart.setOption({ series: series() }, { replaceMerge: ["series"] });
  });
  if (placeSelect) {
    placeSelect.addEventListener("change", () => { if (hint && placeSelect.value) hint.textContent = L.placing; });
    [latInput, lngInput].forEach((input) => input.addEventListener("change", () => {
      const lat = parseFloat(latInput.value), lng = parseFloat(lngInput.value);
      pending = Number.isFinite(lat) && Number.isFinite(lng) ? [lng, lat] : null;
      chart.setOption({ series: series() }, { replaceMerge: ["series"] });
    }));
  }
  if (info) info.querySelector(".btn-close").addEventListener("click", () => info.classList.add("d-none"));
  kindBoxes.forEach((box) => box.addEventListener("change", () => { if (statusSelect) statusSelect.value = ""; apply(); }));
  if (statusSelect) statusSelect.addEventListener("change", apply);
  window.addEventListener("resize", () => chart.resize());

  const empty = (geojson) => !geojson || !Array.isArray(geojson.features) || !geojson.features.length;
  fetch(holder.dataset.boundaryUrl, { credentials: "same-origin" })
    .then((response) => (response.ok ? response.json() : null))
    .then((geojson) => draw(empty(geojson) ? frame(data.points) : geojson))
    .catch(() => draw(frame(data.points)));
  window.zsMap = chart;
})();
