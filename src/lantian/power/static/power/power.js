// Power supervision charts: an event's evidence, an enterprise's curves of the day, the checks' trend.
// Data come from the JSON endpoints named in data-url; labels from data-* attributes (translated).
(function () {
  "use strict";
  if (!window.echarts) { return; }

  function load(el, draw) {
    fetch(el.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      })
      .then(function (data) {
        var chart = echarts.init(el);
        chart.setOption(draw(data, el));
        el.dataset.loaded = "true";
        window.addEventListener("resize", function () { chart.resize(); });
      })
      .catch(function () { el.textContent = el.dataset.failed || ""; });
  }

  var BLUE = "#206bc4", GREEN = "#2fb344";

  document.querySelectorAll("[data-power-evidence]").forEach(function (el) {
    load(el, function (data) {
      var dashed = { type: "dashed", width: 1 };
      return {
        tooltip: { trigger: "axis" },
        legend: { top: 0 },
        grid: { left: 50, right: 20, top: 36, bottom: 60 },
        dataZoom: [{ type: "inside" }, { type: "slider", height: 18, bottom: 8 }],
        xAxis: { type: "category", data: data.minutes },
        yAxis: { type: "value", name: "kW" },
        series: [
          { name: data.production.name, type: "line", showSymbol: false, data: data.production.power,
            lineStyle: { color: BLUE }, itemStyle: { color: BLUE },
            markArea: { silent: true, itemStyle: { color: "rgba(214,57,57,0.10)" },
                        data: [[{ xAxis: data.episode[0] }, { xAxis: data.episode[1] }]] } },
          { name: data.treatment.name, type: "line", showSymbol: false, data: data.treatment.power,
            lineStyle: { color: GREEN }, itemStyle: { color: GREEN } },
          { name: el.dataset.productionThreshold, type: "line", showSymbol: false, step: "end",
            data: data.production.threshold, lineStyle: Object.assign({ color: BLUE }, dashed), itemStyle: { color: BLUE } },
          { name: el.dataset.treatmentThreshold, type: "line", showSymbol: false, step: "end",
            data: data.treatment.threshold, lineStyle: Object.assign({ color: GREEN }, dashed), itemStyle: { color: GREEN } }
        ]
      };
    });
  });

  document.querySelectorAll("[data-power-curves]").forEach(function (el) {
    load(el, function (data) {
      var minutes = [];
      for (var m = 0; m < 1440; m++) {
        minutes.push(String(Math.floor(m / 60)).padStart(2, "0") + ":" + String(m % 60).padStart(2, "0"));
      }
      var series = [];
      data.points.forEach(function (point) {
        var line = { name: point.name, type: "line", showSymbol: false, data: point.data };
        if (point.thresholds.length) {
          line.markLine = { silent: true, symbol: "none", lineStyle: { type: "dashed" },
                            data: point.thresholds.map(function (t) { return { yAxis: t[1], name: t[0] }; }) };
        }
        series.push(line);
      });
      return {
        tooltip: { trigger: "axis" },
        legend: { top: 0, type: "scroll" },
        grid: { left: 50, right: 20, top: 36, bottom: 60 },
        dataZoom: [{ type: "inside" }, { type: "slider", height: 18, bottom: 8 }],
        xAxis: { type: "category", data: minutes },
        yAxis: { type: "value", name: "kW" },
        series: series
      };
    });
  });

  document.querySelectorAll("[data-power-trend]").forEach(function (el) {
    load(el, function (data) {
      return {
        tooltip: { trigger: "axis" },
        legend: { top: 0, type: "scroll" },
        grid: { left: 40, right: 20, top: 40, bottom: 28 },
        xAxis: { type: "category", data: data.days.map(function (d) { return d.slice(5); }) },
        yAxis: { type: "value", minInterval: 1 },
        series: data.series.map(function (s) { return { name: s.name, type: "line", data: s.data }; })
      };
    });
  });
})();
