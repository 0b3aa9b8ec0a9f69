// The command centre's pages: the workflow diagram, the device's position and photo previews.
(function () {
  "use strict";

  function jsonOf(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  // Workflow diagram: an ECharts graph drawn from the definition (steps as nodes, transitions as arrows).
  var diagramNode = document.getElementById("workflow-diagram");
  if (diagramNode && window.echarts) {
    var data = jsonOf(diagramNode.dataset.source);
    if (data) {
      var chart = echarts.init(diagramNode);
      chart.setOption({
        tooltip: {
          formatter: function (p) {
            if (p.dataType === "edge") { return p.data.name; }
            var d = p.data;
            return [d.label, d.role, d.limit, (d.sides || []).join("、")].filter(Boolean).join("<br>");
          }
        },
        series: [{
          type: "graph",
          layout: "none",
          roam: true,
          symbolSize: [92, 40],
          symbol: "roundRect",
          edgeSymbol: ["none", "arrow"],
          edgeSymbolSize: 9,
          label: { show: true, formatter: function (p) { return p.data.label; } },
          edgeLabel: { show: true, fontSize: 11, formatter: function (p) { return p.data.name; } },
          lineStyle: { curveness: 0.25, width: 1.5 },
          data: data.nodes.map(function (n) {
            var color = n.terminal ? "#2fb344" : (n.start ? "#206bc4" : "#4299e1");
            return Object.assign({}, n, { itemStyle: { color: color } });
          }),
          links: data.links
        }]
      });
      window.addEventListener("resize", function () { chart.resize(); });
    }
  }

  // "Where I am": the browser's geolocation fills latitude and longitude (six decimals, WGS84).
  var locate = document.getElementById("locate-me");
  if (locate) {
    var status = document.getElementById("locate-status");
    var lat = document.getElementById("id_lat");
    var lng = document.getElementById("id_lng");
    locate.addEventListener("click", function () {
      if (!navigator.geolocation) { status.textContent = status.dataset.failed; return; }
      status.textContent = status.dataset.waiting;
      navigator.geolocation.getCurrentPosition(function (position) {
        lat.value = position.coords.latitude.toFixed(6);
        lng.value = position.coords.longitude.toFixed(6);
        status.textContent = status.dataset.found.replace("{m}", Math.round(position.coords.accuracy));
      }, function () {
        status.textContent = status.dataset.failed;
      }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    });
  }

  // Previews of the photos chosen (before a slow upload starts).
  var photos = document.getElementById("id_photos");
  var preview = document.getElementById("photo-preview");
  if (photos && preview) {
    photos.addEventListener("change", function () {
      preview.textContent = "";
      Array.prototype.slice.call(photos.files, 0, 6).forEach(function (file) {
        var img = document.createElement("img");
        img.alt = file.name;
        var reader = new FileReader();  // a data: address: the page's policy allows no blob: images
        reader.onload = function () { img.src = reader.result; };
        reader.readAsDataURL(file);
        preview.appendChild(img);
      });
    });
  }

  // Submitting once: a slow connection must not send a report twice.
  var form = document.getElementById("case-report-form");
  if (form) {
    form.addEventListener("submit", function () {
      var button = document.getElementById("report-submit");
      window.setTimeout(function () { button.disabled = true; }, 0);
    });
  }
})();
