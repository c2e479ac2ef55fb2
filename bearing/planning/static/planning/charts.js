/* Bearing planning charts, drawn with the local plotly.min.js. Each chart reads its data from a
   <script type="application/json"> element (Django's json_script) and has a table beside it. */
(function () {
  "use strict";
  function data(id) { var el = document.getElementById(id); return el ? JSON.parse(el.textContent) : null; }
  var config = { displaylogo: false, responsive: true };
  var palette = ["#2563eb", "#16a34a", "#d97706", "#9333ea", "#dc2626", "#0891b2", "#65a30d", "#db2777", "#4b5563", "#ca8a04"];

  function quarterAxis(labels) {
    return { tickmode: "array", tickvals: labels.map(function (_, i) { return i; }), ticktext: labels,
             range: [-0.1, labels.length + 0.1], side: "top" };
  }

  window.bearingGantt = function (elementId, dataId) {
    var d = data(dataId); if (!d || !window.Plotly) return;
    var groups = []; d.bars.forEach(function (b) { if (groups.indexOf(b.group) < 0) groups.push(b.group); });
    // Rows are labelled "D-0002 Short title…"; the full title is in the hover text.
    var rowName = function (b) { return b.label || (b.id + " " + b.title); };
    var traces = groups.map(function (g, k) {
      var bars = d.bars.filter(function (b) { return b.group === g; });
      return { type: "bar", orientation: "h", name: g, marker: { color: palette[k % palette.length] },
               y: bars.map(rowName), base: bars.map(function (b) { return b.start; }),
               x: bars.map(function (b) { return b.finish - b.start; }),
               hovertext: bars.map(function (b) { return b.id + " " + b.title + "<br>" + d.labels[b.start] + " – " + d.labels[b.finish - 1] + " · value " + b.value; }),
               hoverinfo: "text" };
    });
    var byId = {}; d.bars.forEach(function (b) { byId[b.id] = b; });
    var annotations = d.links.map(function (l) {
      var a = byId[l.from], b = byId[l.to];
      return { x: b.start, y: rowName(b), ax: a.finish, ay: rowName(a), xref: "x", yref: "y", axref: "x", ayref: "y",
               showarrow: true, arrowhead: 2, arrowsize: 1, arrowwidth: 1.2, arrowcolor: "#374151", text: "" };
    });
    var order = d.bars.map(rowName);
    Plotly.newPlot(elementId, traces, {
      barmode: "overlay", height: Math.max(260, 28 * d.bars.length + 90), margin: { l: 20, r: 20, t: 50, b: 20 },
      xaxis: quarterAxis(d.labels), yaxis: { autorange: "reversed", categoryorder: "array", categoryarray: order, automargin: true },
      annotations: annotations, legend: { orientation: "h", y: -0.05 }
    }, config);
  };

  window.bearingHeatmap = function (elementId, dataId) {
    var d = data(dataId); if (!d || !window.Plotly) return;
    var z = d.rows.map(function (r) { return r.cells.map(function (c) { return c.share === null ? 0 : Math.min(c.share, 1.5); }); });
    var text = d.rows.map(function (r) { return r.cells.map(function (c) { return Math.round(c.used) + " / " + Math.round(c.capacity); }); });
    Plotly.newPlot(elementId, [{ type: "heatmap", z: z, x: d.labels, y: d.rows.map(function (r) { return r.label; }),
      text: text, texttemplate: "%{text}", hovertemplate: "%{y} · %{x}: %{text}<extra></extra>", zmin: 0, zmax: 1.2,
      colorscale: [[0, "#f0fdf4"], [0.6, "#86efac"], [0.8, "#fde047"], [1, "#dc2626"]], colorbar: { title: "used" } }],
      { height: Math.max(240, 34 * d.rows.length + 100), margin: { l: 20, r: 20, t: 20, b: 60 }, yaxis: { autorange: "reversed", automargin: true } }, config);
  };

  window.bearingBudget = function (elementId, dataId) {
    var d = data(dataId); if (!d || !d.length || !window.Plotly) return;
    var x = d.map(function (w) { return w.label; });
    Plotly.newPlot(elementId, [
      { type: "bar", name: "Spent", x: x, y: d.map(function (w) { return w.spent; }), marker: { color: "#2563eb" } },
      { type: "bar", name: "Budget", x: x, y: d.map(function (w) { return w.amount; }), marker: { color: "#cbd5e1" } }
    ], { barmode: "group", height: 300, margin: { l: 80, r: 20, t: 20, b: 60 }, yaxis: { title: "EUR" } }, config);
  };

  window.bearingPriority = function (elementId, dataId, labelsId) {
    var d = data(dataId), labels = data(labelsId); if (!d || !window.Plotly) return;
    var needIndex = {}; d.needs.forEach(function (n, i) { needIndex[n[0]] = i; });
    var horizon = labels.length;
    function trace(scheduled, name, color) {
      var pts = d.points.filter(function (p) { return p[5] === scheduled; });
      return { type: "scattergl", mode: "markers", name: name, marker: { color: color, size: 7, opacity: 0.7 },
        x: pts.map(function (p) { return needIndex[p[1]] + (Math.random() - 0.5) * 0.5; }),
        y: pts.map(function (p) { return p[4]; }),
        text: pts.map(function (p) { return p[0] + " · deadline " + (p[2] === null ? "none" : (labels[p[2] - 1] || p[2])); }),
        marker_size: pts.map(function (p) { return p[2] === null ? 5 : 6 + 10 * (1 - Math.min(p[2], horizon) / horizon); }),
        hoverinfo: "text+y" };
    }
    var traces = [trace(true, "In the plan", "#16a34a"), trace(false, "Left out", "#dc2626")];
    traces.forEach(function (t) { t.marker.size = t.marker_size; delete t.marker_size; });
    Plotly.newPlot(elementId, traces, {
      height: 420, margin: { l: 60, r: 20, t: 20, b: 60 },
      xaxis: { tickmode: "array", tickvals: d.needs.map(function (_, i) { return i; }), ticktext: d.needs.map(function (n) { return n[1]; }), title: "Need class (larger dots: earlier deadline)" },
      yaxis: { title: "Value score" }
    }, config);
  };

  window.bearingFrontier = function (elementId, dataId) {
    var d = data(dataId); if (!d || !d.length || !window.Plotly) return;
    Plotly.newPlot(elementId, [
      { type: "scatter", mode: "lines+markers", name: "Best value found", x: d.map(function (p) { return p.budget; }), y: d.map(function (p) { return p.value; }) },
      { type: "scatter", mode: "lines", name: "Proven bound", line: { dash: "dot" }, x: d.map(function (p) { return p.budget; }), y: d.map(function (p) { return p.bound; }) }
    ], { height: 360, margin: { l: 60, r: 20, t: 20, b: 60 }, xaxis: { title: "Total budget (EUR)" }, yaxis: { title: "Value" } }, config);
  };
})();
