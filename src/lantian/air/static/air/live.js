/* Live air-quality map and table: stations coloured by AQI level over the county outline (works
   with no tile server), refreshed every minute; a station's last 72 hours as a chart. */
(function () {
  "use strict";
  const root = document.getElementById("air-live");
  if (!root) return;
  const map = L.map("air-map", { zoomControl: true, attributionControl: !!root.dataset.tiles });
  if (root.dataset.tiles) {
    L.tileLayer(root.dataset.tiles, { attribution: root.dataset.attribution || "", maxZoom: 18 }).addTo(map);
  }
  map.setView([34.40, 107.70], 10);
  const layer = L.layerGroup().addTo(map);
  let outlineBounds = null;
  fetch(root.dataset.outline).then((r) => r.json()).then((geo) => {
    const outline = L.geoJSON(geo, { style: { color: "#206bc4", weight: 2, fillColor: "#dbe7f5", fillOpacity: 0.5 } });
    outline.addTo(map);
    outline.bringToBack();
    outlineBounds = outline.getBounds();
    map.fitBounds(outlineBounds, { padding: [10, 10] });
  });
  const chartNode = document.getElementById("air-chart");
  const chart = echarts.init(chartNode);
  chart.setOption({ title: { text: chartNode.dataset.hint, left: "center", top: "middle", textStyle: { fontSize: 13, color: "#667382" } } });
  const tbody = document.querySelector("#live-table tbody");
  const markers = {};
  let selected = null;

  function cell(text, cls) {
    const td = document.createElement("td");
    if (cls) td.className = cls;
    td.textContent = text === null || text === undefined ? "—" : String(text);
    return td;
  }

  function render(data) {
    layer.clearLayers();
    tbody.replaceChildren();
    document.getElementById("live-hour").textContent = data.hour ? root.dataset.hourLabel + " " + data.hour.slice(0, 16).replace("T", " ") : root.dataset.empty;
    const pollutants = ["SO2", "NO2", "PM10", "CO", "O3", "PM2.5"];
    data.stations.forEach((s) => {
      const marker = L.circleMarker([s.lat, s.lng], {
        radius: s.kind && s.aqi !== null ? 7 : 6, color: "#1d273b", weight: 1, fillColor: s.color, fillOpacity: 0.95,
      });
      marker.bindTooltip(s.name + (s.aqi !== null ? " · AQI " + s.aqi + " " + s.category : ""));
      marker.on("click", () => showSeries(s));
      marker.addTo(layer);
      markers[s.id] = marker;
      const tr = document.createElement("tr");
      tr.dataset.station = s.id;
      const name = cell(s.name);
      name.title = s.code + " · " + s.township + " · " + s.kind;
      tr.appendChild(name);
      const aqi = document.createElement("td");
      const badge = document.createElement("span");
      badge.className = "air-badge air-level-" + s.level;
      badge.textContent = s.aqi === null ? "—" : s.aqi;
      aqi.appendChild(badge);
      tr.appendChild(aqi);
      tr.appendChild(cell(s.category || null));
      tr.appendChild(cell(s.primary.length ? s.primary.join("、") : null));
      pollutants.forEach((p) => tr.appendChild(cell(s.values[p])));
      tr.addEventListener("click", () => showSeries(s));
      if (selected === s.id) tr.classList.add("air-selected");
      tbody.appendChild(tr);
    });
  }

  function showSeries(s) {
    selected = s.id;
    document.querySelectorAll("#live-table tr.air-selected").forEach((tr) => tr.classList.remove("air-selected"));
    const row = document.querySelector('#live-table tr[data-station="' + s.id + '"]');
    if (row) row.classList.add("air-selected");
    document.getElementById("chart-title").textContent = s.name;
    fetch(s.series_url + "?rules=" + encodeURIComponent(root.dataset.rules)).then((r) => r.json()).then((d) => {
      const names = ["AQI", "PM2.5", "PM10", "O3", "NO2", "SO2"];
      chart.clear();
      chart.setOption({
        animation: false,
      tooltip: { trigger: "axis" },
        legend: { data: names, top: 0 },
        grid: { left: 40, right: 20, top: 30, bottom: 30 },
        xAxis: { type: "category", data: d.times.map((t) => t.slice(5, 13).replace("T", " ")) },
        yAxis: { type: "value" },
        series: names.map((n) => ({ name: n, type: "line", showSymbol: false, connectNulls: false,
          data: n === "AQI" ? d.aqi : d.series[n] })),
      });
    });
  }

  function refresh() {
    fetch(root.dataset.url, { headers: { Accept: "application/json" } }).then((r) => r.json()).then(render);
  }
  refresh();
  setInterval(refresh, 60000);
})();
