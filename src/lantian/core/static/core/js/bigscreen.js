// Dashboard widgets (lantian.core.dashboards): ECharts charts, KPI cards, tables, notes and Leaflet maps,
// wired by data attributes (no inline script: the CSP forbids it).
//
// <section data-widget="bar" data-source="/ldar/screens/city/data/" data-key="ranking"> … <div class="widget-body">
//   On a big screen (body.bigscreen) every source is fetched once per refresh with the header's
//   parameters, and the 1920×1080 stage is scaled to the window.
// <div data-widget="pie" data-json="chart-by-type">: the data is in a json_script element (statistics pages).
(function () {
  "use strict";

  var body = document.body;
  var dark = body.dataset.theme === "dark";
  var palette = dark
    ? ["#4fd1ff", "#409cff", "#36cfc9", "#ffc53d", "#ff7a45", "#9254de", "#73d13d", "#f759ab", "#597ef7", "#ff4d4f"]
    : ["#206bc4", "#2fb344", "#f76707", "#ae3ec9", "#d63939", "#0ca678", "#4263eb", "#f59f00", "#74b816", "#17a2b8"];
  var text = dark ? "#c6d6f0" : "#495057";
  var line = dark ? "rgba(64,156,255,.25)" : "#e6e7e9";
  var emptyText = body.dataset.textEmpty || "—";

  function escapeHtml(value) {
    return String(value === null || value === undefined ? "" : value).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function fmt(value) {
    return typeof value === "number" ? value.toLocaleString() : escapeHtml(value);
  }

  // Tooltips: ECharts takes an HTML string, so every name goes through escapeHtml.
  function axisTooltip(unit) {
    return {
      trigger: "axis",
      axisPointer: { type: "shadow" },
      formatter: function (items) {
        var lines = [escapeHtml(items[0].axisValueLabel)];
        items.forEach(function (item) {
          lines.push(item.marker + escapeHtml(item.seriesName || "") + " " + fmt(item.value) + " " + escapeHtml(unit));
        });
        return lines.join("<br>");
      }
    };
  }

  function axisBase() {
    return {
      axisLine: { lineStyle: { color: line } },
      axisLabel: { color: text, fontSize: dark ? 14 : 12 },
      splitLine: { lineStyle: { color: line } }
    };
  }

  function merge(a, b) {
    var out = {};
    Object.keys(a).forEach(function (k) { out[k] = a[k]; });
    Object.keys(b).forEach(function (k) { out[k] = b[k]; });
    return out;
  }

  function sum(values) {
    return values.reduce(function (a, b) { return a + (Number(b) || 0); }, 0);
  }

  var charts = {
    bar: function (data, unit) {
      return {
        color: palette,
        tooltip: axisTooltip(unit),
        grid: { left: 56, right: 16, top: 24, bottom: 8, containLabel: true },
        xAxis: merge(axisBase(), {
          type: "category", data: data.categories,
          axisLabel: { color: text, fontSize: dark ? 14 : 12, interval: 0, rotate: data.categories.length > 6 ? 30 : 0 }
        }),
        yAxis: merge(axisBase(), { type: "value", minInterval: 1 }),
        series: [{ type: "bar", name: data.name || "", barMaxWidth: 36, data: data.values, label: { show: data.values.length <= 12, position: "top", color: text },
          itemStyle: { borderRadius: [4, 4, 0, 0] } }]
      };
    },
    hbar: function (data, unit) {
      var cats = data.categories.slice().reverse();
      var values = data.values.slice().reverse();
      return {
        color: [palette[1]],
        tooltip: axisTooltip(unit),
        grid: { left: 8, right: 56, top: 8, bottom: 8, containLabel: true },
        xAxis: merge(axisBase(), { type: "value", minInterval: 1 }),
        yAxis: merge(axisBase(), { type: "category", data: cats }),
        series: [{ type: "bar", name: data.name || "", barMaxWidth: 22, data: values, label: { show: true, position: "right", color: text },
          itemStyle: { borderRadius: [0, 4, 4, 0] } }]
      };
    },
    stacked: function (data, unit) {
      return {
        color: palette,
        tooltip: axisTooltip(unit),
        legend: { top: 0, textStyle: { color: text, fontSize: dark ? 14 : 12 } },
        grid: { left: 16, right: 16, top: 36, bottom: 8, containLabel: true },
        xAxis: merge(axisBase(), { type: "category", data: data.categories,
          axisLabel: { color: text, fontSize: dark ? 14 : 12, interval: 0, rotate: data.categories.length > 6 ? 30 : 0 } }),
        yAxis: merge(axisBase(), { type: "value", minInterval: 1 }),
        series: data.series.map(function (s) {
          return { type: "bar", name: s.name, data: s.values, barMaxWidth: 28, label: { show: data.categories.length <= 8, position: "top", color: text } };
        })
      };
    },
    line: function (data, unit) {
      return {
        color: palette,
        tooltip: axisTooltip(unit),
        legend: { top: 0, textStyle: { color: text, fontSize: dark ? 14 : 12 } },
        grid: { left: 16, right: 24, top: 36, bottom: 8, containLabel: true },
        xAxis: merge(axisBase(), { type: "category", data: data.categories, boundaryGap: false }),
        yAxis: merge(axisBase(), { type: "value", minInterval: 1 }),
        series: data.series.map(function (s) {
          return { type: "line", name: s.name, data: s.values, smooth: 0.3, symbolSize: 7, areaStyle: { opacity: 0.12 } };
        })
      };
    },
    pie: function (data, unit) {
      var total = sum(data.values);
      return {
        color: palette,
        tooltip: {
          trigger: "item",
          formatter: function (item) {
            return item.marker + escapeHtml(item.name) + " " + fmt(item.value) + " " + escapeHtml(unit) + "（" + item.percent + "%）";
          }
        },
        legend: { type: "scroll", bottom: 0, textStyle: { color: text, fontSize: dark ? 14 : 12 },
          pageTextStyle: { color: text } },
        series: [{
          type: "pie", radius: ["32%", "56%"], center: ["50%", "46%"],
          // ECharts keeps a quarter of the chart's width free at each side by default (edgeDistance
          // "25%") and cuts the labels to what is left: in a narrow widget they shrank to "5…".
          label: { color: text, fontSize: dark ? 14 : 12, edgeDistance: 8, minMargin: 4, formatter: function (item) {
            return item.name + "\n" + (total ? (item.value * 100 / total).toFixed(1) : "0.0") + "%";
          } },
          labelLine: { length: 10, length2: 8 },
          labelLayout: { hideOverlap: true },
          data: data.categories.map(function (name, i) {
            var slice = { name: name, value: data.values[i] };
            if (data.colors && data.colors[i]) { slice.itemStyle = { color: data.colors[i] }; }
            return slice;
          }).filter(function (slice) { return slice.value > 0; })
        }]
      };
    }
  };

  function isEmpty(kind, data) {
    if (data === null || data === undefined) { return true; }
    if (kind === "kpis") { return !data.length; }
    if (kind === "note") { return !data || (Array.isArray(data) && !data.length); }
    if (kind === "table") { return !data.rows || !data.rows.length; }
    if (kind === "map") { return !data.points || !data.points.length; }
    if (kind === "stacked" || kind === "line") {
      return !data.categories.length || data.series.every(function (s) { return sum(s.values) === 0; });
    }
    return !data.categories.length || sum(data.values) === 0;
  }

  function clear(el) {
    while (el.firstChild) { el.removeChild(el.firstChild); }
  }

  function element(tag, className, content) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (content !== undefined && content !== null) { node.textContent = content; }
    return node;
  }

  function renderKpis(target, data) {
    clear(target);
    var row = element("div", "kpi-row");
    data.forEach(function (kpi) {
      var card = element("div", "kpi");
      var value = element("div", "kpi-value" + (kpi.attention ? " attention" : ""),
        typeof kpi.value === "number" ? kpi.value.toLocaleString() : String(kpi.value));
      if (kpi.unit) { value.appendChild(element("span", "kpi-unit", kpi.unit)); }
      card.appendChild(value);
      card.appendChild(element("div", "kpi-label", kpi.label));
      row.appendChild(card);
    });
    target.appendChild(row);
  }

  function renderTable(target, data) {
    clear(target);
    var table = element("table", dark ? "screen-table" : "table table-sm table-vcenter");
    var head = table.createTHead().insertRow();
    data.columns.forEach(function (column) { head.appendChild(element("th", null, column)); });
    var tbody = table.createTBody();
    data.rows.forEach(function (cells) {
      var tr = tbody.insertRow();
      cells.forEach(function (cell) {
        var td = element("td", typeof cell === "number" ? "number" : null, typeof cell === "number" ? cell.toLocaleString() : cell);
        td.title = td.textContent;
        tr.appendChild(td);
      });
    });
    target.appendChild(table);
  }

  function renderNote(target, data) {
    clear(target);
    var list = element("ul", "screen-notes");
    (Array.isArray(data) ? data : [data]).forEach(function (line) { list.appendChild(element("li", null, line)); });
    target.appendChild(list);
  }

  var mapConfig = (function () {
    var node = document.getElementById("map-config");
    return node ? JSON.parse(node.textContent) : {};
  })();

  function renderMap(widget, target, data) {
    if (!window.L) { return; }
    var state = widget._map;
    if (!state) {
      clear(target);
      var holder = element("div", "screen-map");
      target.appendChild(holder);
      var map = L.map(holder, { attributionControl: !!mapConfig.attribution, zoomControl: false });
      if (mapConfig.tileUrl) {
        L.tileLayer(mapConfig.tileUrl, { attribution: mapConfig.attribution, maxZoom: 18 }).addTo(map);
      }
      state = widget._map = { map: map, layer: L.layerGroup().addTo(map), legend: element("div", "map-legend") };
      target.appendChild(state.legend);
    }
    state.layer.clearLayers();
    var bounds = [];
    data.points.forEach(function (p) {
      var marker = L.circleMarker([p.lat, p.lng], {
        radius: 9, color: "#ffffff", weight: 1, fillColor: p.color || palette[0], fillOpacity: 0.9
      });
      // Leaflet reads a tooltip as HTML; a few points are named on the map, many only on hover
      marker.bindTooltip(escapeHtml(p.name) + (p.label ? "<br>" + escapeHtml(p.label) : ""),
        { permanent: data.points.length <= 20, direction: "top", offset: [0, -8] });
      marker.addTo(state.layer);
      bounds.push([p.lat, p.lng]);
    });
    clear(state.legend);
    (data.legend || []).forEach(function (entry) {
      var item = element("span");
      var dot = element("i");
      dot.style.background = entry.color;
      item.appendChild(dot);
      item.appendChild(document.createTextNode(entry.label));
      state.legend.appendChild(item);
    });
    state.map.invalidateSize();
    state.map.fitBounds(bounds, { padding: [40, 40], maxZoom: 12 });
  }

  function render(widget, data) {
    var kind = widget.dataset.widget;
    var target = widget.querySelector(".widget-body") || widget;
    if (isEmpty(kind, data)) {
      if (widget._chart) { widget._chart.dispose(); widget._chart = null; }
      if (widget._map) { widget._map.map.remove(); widget._map = null; }
      clear(target);
      target.appendChild(element("div", "widget-empty", widget.dataset.empty || emptyText));
      widget.dataset.state = "empty";
      return;
    }
    widget.dataset.state = "drawn";
    if (kind === "kpis") { renderKpis(target, data); return; }
    if (kind === "table") { renderTable(target, data); return; }
    if (kind === "note") { renderNote(target, data); return; }
    if (kind === "map") { renderMap(widget, target, data); return; }
    if (!window.echarts || !charts[kind]) { return; }
    if (!widget._chart) {
      clear(target);
      widget._chart = echarts.init(target, null, { renderer: "canvas" });
    }
    widget._chart.setOption(charts[kind](data, widget.dataset.unit || ""), true);
  }

  window.lantian = window.lantian || {};
  window.lantian.renderWidget = render;

  // Widgets whose data is in the page (statistics pages): drawn once.
  document.querySelectorAll("[data-widget][data-json]").forEach(function (widget) {
    var node = document.getElementById(widget.dataset.json);
    if (node) { render(widget, JSON.parse(node.textContent)); }
  });

  window.addEventListener("resize", function () {
    document.querySelectorAll("[data-widget]").forEach(function (widget) {
      if (widget._chart) { widget._chart.resize(); }
    });
  });

  var stage = document.getElementById("screen-stage");
  if (!stage) { return; }

  // The stage keeps its 1920×1080 layout and is scaled to the window, centred.
  function fit() {
    var width = Number(stage.dataset.width), height = Number(stage.dataset.height);
    var scale = Math.min(window.innerWidth / width, window.innerHeight / height);
    var left = (window.innerWidth - width * scale) / 2, top = (window.innerHeight - height * scale) / 2;
    stage.style.transform = "translate(" + left + "px," + top + "px) scale(" + scale + ")";
  }
  window.addEventListener("resize", fit);
  fit();

  var clock = document.getElementById("screen-clock");
  function tick() {
    clock.textContent = new Date().toLocaleString(document.documentElement.lang || undefined, { hour12: false });
  }
  tick();
  window.setInterval(tick, 1000);

  function query() {
    var params = new URLSearchParams();
    document.querySelectorAll("[data-screen-param]").forEach(function (control) {
      if (control.value) { params.set(control.dataset.screenParam, control.value); }
    });
    var text = params.toString();
    return text ? "?" + text : "";
  }

  var widgets = Array.prototype.slice.call(document.querySelectorAll("[data-widget][data-source]"));
  var updated = document.getElementById("screen-updated");

  function refresh() {
    var sources = {};
    widgets.forEach(function (widget) { (sources[widget.dataset.source] = sources[widget.dataset.source] || []).push(widget); });
    var pending = Object.keys(sources).map(function (source) {
      return fetch(source + query(), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) { throw new Error(response.status); }
          return response.json();
        })
        .then(function (data) {
          sources[source].forEach(function (widget) {
            widget.classList.remove("widget-failed");
            render(widget, data[widget.dataset.key]);
          });
          return true;
        })
        .catch(function () {
          sources[source].forEach(function (widget) { widget.classList.add("widget-failed"); });
          return false;
        });
    });
    Promise.all(pending).then(function (results) {
      var ok = results.every(Boolean);
      updated.classList.toggle("failed", !ok);
      updated.textContent = ok
        ? body.dataset.textUpdated + " " + new Date().toLocaleTimeString(document.documentElement.lang || undefined, { hour12: false })
        : body.dataset.textFailed;
      body.dataset.loaded = "true";
    });
  }

  document.querySelectorAll("[data-screen-param]").forEach(function (control) {
    control.addEventListener("change", refresh);
  });
  refresh();
  var seconds = Number(body.dataset.refresh) || 60;
  window.setInterval(refresh, seconds * 1000);
})();
