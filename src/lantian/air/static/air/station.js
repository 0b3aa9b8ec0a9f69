/* A station's last 72 hours: AQI and the pollutants (ECharts, data from the series endpoint). */
(function () {
  "use strict";
  const node = document.getElementById("air-station-chart");
  if (!node) return;
  const chart = echarts.init(node);
  fetch(node.dataset.url).then((r) => r.json()).then((d) => {
    const names = ["AQI", "PM2.5", "PM10", "O3", "NO2", "SO2"];
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { data: names, top: 0 },
      grid: { left: 40, right: 20, top: 30, bottom: 30 },
      xAxis: { type: "category", data: d.times.map((t) => t.slice(5, 13).replace("T", " ")) },
      yAxis: { type: "value" },
      series: names.map((n) => ({ name: n, type: "line", showSymbol: false, data: n === "AQI" ? d.aqi : d.series[n] })),
    });
  });
})();
