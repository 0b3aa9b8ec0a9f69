// The device page's capture-rate chart: bars per day from the JSON endpoint, coloured by band.
(function () {
  "use strict";
  if (!window.echarts) { return; }
  document.querySelectorAll("[data-capture-chart]").forEach(function (el) {
    var good = Number(el.dataset.good), fair = Number(el.dataset.fair);
    fetch(el.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      })
      .then(function (data) {
        var chart = echarts.init(el);
        chart.setOption({
          tooltip: {
            trigger: "axis",
            formatter: function (items) {
              // An HTML string: every value escaped (lantian.js, loaded by the time a tooltip shows).
              var escape = window.lantian.escapeHtml;
              var i = items[0].dataIndex;
              var rate = data.rates[i] === null ? "—" : data.rates[i] + " %";
              return [data.days[i], data.label + ": " + rate, data.captured[i] + " / " + data.expected[i]]
                .map(escape).join("<br>");
            }
          },
          grid: { left: 40, right: 16, top: 16, bottom: 28 },
          xAxis: { type: "category", data: data.days.map(function (d) { return d.slice(5); }) },
          yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value} %" } },
          series: [{
            type: "bar", barMaxWidth: 18, name: data.label,
            data: data.rates.map(function (rate) {
              var color = rate === null ? "#adb5bd" : rate >= good ? "#2fb344" : rate >= fair ? "#f59f00" : "#d63939";
              return { value: rate, itemStyle: { color: color, borderRadius: [3, 3, 0, 0] } };
            }),
            markLine: { silent: true, symbol: "none", lineStyle: { type: "dashed", color: "#2fb344" }, data: [{ yAxis: good }] }
          }]
        });
        el.dataset.loaded = "true";
        window.addEventListener("resize", function () { chart.resize(); });
      })
      .catch(function () { el.dataset.loaded = "error"; });
  });
})();
