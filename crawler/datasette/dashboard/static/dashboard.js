// Draws the scnews dashboard's charts with Chart.js from the JSON the page embeds.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("scnews-dashboard-data").textContent);
  var drawn = [];
  if (!data || !data.first || typeof Chart === "undefined") {
    document.body.setAttribute("data-charts-drawn", "");
    return;
  }
  // Tableau 10: distinct colours that stay readable stacked.
  var PALETTE = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
                 "#9c755f", "#bab0ac"];
  Chart.defaults.font.family = 'system-ui, "Noto Sans CJK SC", "Noto Sans SC", sans-serif';
  Chart.defaults.animation = false; // drawn at once: what a screenshot or a printout shows is final
  Chart.defaults.maintainAspectRatio = false;

  function draw(id, config) {
    var canvas = document.getElementById(id);
    if (!canvas) return;
    new Chart(canvas, config);
    drawn.push(id);
  }

  draw("chart-channels", {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: data.channels.map(function (c, i) {
        return { label: c.name, data: c.counts, backgroundColor: PALETTE[i % PALETTE.length] };
      })
    },
    options: {
      scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
      plugins: { legend: { position: "bottom" } }
    }
  });

  draw("chart-sources", {
    type: "bar",
    data: {
      labels: data.sources.map(function (s) { return s.source; }),
      datasets: [{ label: "articles", data: data.sources.map(function (s) { return s.count; }),
                   backgroundColor: PALETTE[0] }]
    },
    options: {
      indexAxis: "y",
      scales: { x: { beginAtZero: true, ticks: { precision: 0 } } },
      plugins: { legend: { display: false } }
    }
  });

  if (data.trend) {
    draw("chart-trend", {
      type: data.trend.periods.length > 1 ? "line" : "bar",
      data: {
        labels: data.trend.periods,
        datasets: [{ label: data.term, data: data.trend.counts, borderColor: PALETTE[2],
                     backgroundColor: PALETTE[2], borderWidth: 3, pointRadius: 3, tension: 0 }]
      },
      options: {
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
        plugins: { legend: { position: "bottom" } }
      }
    });
  }
  // Where each chart is, for the browser tests' screenshot check.
  var boxes = {};
  drawn.forEach(function (id) {
    var r = document.getElementById(id).getBoundingClientRect();
    boxes[id] = [Math.round(r.left + window.scrollX), Math.round(r.top + window.scrollY),
                 Math.round(r.width), Math.round(r.height)];
  });
  document.body.setAttribute("data-charts-drawn", drawn.join(" "));
  document.body.setAttribute("data-chart-boxes", JSON.stringify(boxes));
})();
