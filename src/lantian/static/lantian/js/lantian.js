// Page behaviours, wired by data attributes: no inline script (the CSP forbids it).

// The one escape for data put into HTML by script (tooltips, chart formatters): names come from users.
// Prefer textContent; where a library takes an HTML string, pass every value through this.
window.lantian = window.lantian || {};
window.lantian.escapeHtml = function (value) {
  return String(value === null || value === undefined ? "" : value).replace(/[&<>"']/g, function (c) {
    return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
  });
};

(function () {
  "use strict";
  var escapeHtml = window.lantian.escapeHtml;

  function jsonOf(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  // Selects that submit their form on change (language switch, quick filters).
  document.querySelectorAll("[data-autosubmit]").forEach(function (el) {
    el.addEventListener("change", function () { el.form.submit(); });
  });

  var palette = ["#206bc4", "#d63939", "#2fb344", "#f76707", "#ae3ec9", "#0ca678"];
  var charts = {
    lines: function (data) {
      return {
        color: palette,
        tooltip: { trigger: "axis" },
        legend: { top: 0 },
        grid: { left: 40, right: 16, top: 36, bottom: 24 },
        xAxis: { type: "category", data: data.days, boundaryGap: false },
        yAxis: { type: "value", minInterval: 1 },
        series: data.series.map(function (s) { return { name: s.name, type: "line", smooth: true, areaStyle: { opacity: 0.08 }, data: s.data }; })
      };
    },
    bars: function (data) {
      return {
        color: palette,
        tooltip: { trigger: "axis" },
        grid: { left: 40, right: 16, top: 16, bottom: 40 },
        xAxis: { type: "category", data: data.categories, axisLabel: { interval: 0, rotate: data.categories.length > 6 ? 30 : 0 } },
        yAxis: { type: "value", minInterval: 1 },
        series: [{ type: "bar", barMaxWidth: 36, data: data.values, itemStyle: { borderRadius: [4, 4, 0, 0] } }]
      };
    }
  };
  if (window.echarts) {
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var data = jsonOf(el.dataset.source);
      if (!data) { return; }
      var chart = echarts.init(el);
      chart.setOption(charts[el.dataset.chart](data));
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  // Maps draw their points with or without tiles: intranets often have no tile server.
  if (window.L) {
    var config = jsonOf("map-config") || {};
    // Leaflet's default icon guesses its image folder from the stylesheet; hashed static names defeat that.
    var icon = L.icon({
      iconUrl: config.iconUrl, iconRetinaUrl: config.iconRetinaUrl, shadowUrl: config.shadowUrl,
      iconSize: [25, 41], iconAnchor: [12, 41], popupAnchor: [1, -34], tooltipAnchor: [16, -28], shadowSize: [41, 41]
    });
    document.querySelectorAll("[data-map]").forEach(function (el) {
      var points = jsonOf(el.dataset.source) || [];
      var map = L.map(el, { attributionControl: !!config.attribution });
      if (config.tileUrl) {
        L.tileLayer(config.tileUrl, { attribution: config.attribution, maxZoom: 18 }).addTo(map);
      } else {
        el.classList.add("no-tiles");
      }
      var bounds = [];
      points.forEach(function (p) {
        var marker = L.marker([p.lat, p.lng], { icon: icon }).addTo(map);
        var link = document.createElement("a");
        link.href = p.url;
        link.textContent = p.name;
        marker.bindTooltip(escapeHtml(p.name)).bindPopup(link);  // Leaflet reads a string as HTML
        bounds.push([p.lat, p.lng]);
      });
      if (bounds.length) {
        map.fitBounds(bounds, { padding: [30, 30], maxZoom: 12 });
      } else {
        map.setView([34.36, 107.24], 8);
      }
    });
  }
})();

// Row selection on list pages: "select all", a count, bulk buttons enabled only with a selection.
(function () {
  "use strict";
  function wire(root) {
    var form = root.querySelector("#bulk-form");
    if (!form) { return; }
    var boxes = function () { return form.querySelectorAll("input[name=pk]"); };
    var all = form.querySelector("[data-select-all]");
    var counter = form.querySelector("[data-selected-count]");
    function refresh() {
      var n = Array.prototype.filter.call(boxes(), function (b) { return b.checked; }).length;
      form.querySelectorAll("[data-needs-selection]").forEach(function (button) { button.disabled = n === 0; });
      if (counter) {
        counter.textContent = n;
        counter.parentNode.classList.toggle("d-none", n === 0);
      }
    }
    if (all) {
      all.addEventListener("change", function () {
        boxes().forEach(function (b) { b.checked = all.checked; });
        refresh();
      });
    }
    form.addEventListener("change", refresh);
    refresh();
  }
  wire(document);
  document.body.addEventListener("htmx:afterSwap", function () { wire(document); });
})();

// Searchable relation dropdowns (Tom Select on select[data-searchable]): their lists may run to hundreds.
(function () {
  "use strict";
  if (!window.TomSelect) { return; }
  function wire(root) {
    root.querySelectorAll("select[data-searchable]").forEach(function (select) {
      if (select.tomselect) { return; }
      var nothing = select.dataset.noResults || "";
      new TomSelect(select, {
        allowEmptyOption: true,
        maxOptions: 200,
        plugins: select.multiple ? ["remove_button"] : [],
        render: {
          no_results: function (data, escape) { return '<div class="no-results">' + escape(nothing) + "</div>"; }
        }
      });
    });
  }
  wire(document);
  document.body.addEventListener("htmx:afterSwap", function (event) { wire(event.target); });
})();

// Bulk edit: typing in or changing a field ticks its "apply" box.
(function () {
  "use strict";
  document.querySelectorAll("[data-bulk-edit]").forEach(function (form) {
    function tick(event) {
      var row = event.target.closest("[data-bulk-field]");
      var box = row && row.querySelector("[data-apply]");
      if (box && event.target !== box) { box.checked = true; }
    }
    form.addEventListener("input", tick);
    form.addEventListener("change", tick);
  });
})();
