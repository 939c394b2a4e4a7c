// The report's own code: draw every chart with vega-embed (inlined above), and run the target list's table:
// sort by a column, search, filter by segment, show more rows, download the rows shown as CSV.
(function () {
  "use strict";

  function drawCharts() {
    document.querySelectorAll("div.chart[data-chart]").forEach(function (el) {
      var key = el.dataset.chart;
      var source = document.querySelector('script[data-spec="' + key + '"]');
      var spec = JSON.parse(source.textContent);
      vegaEmbed(el, spec, { actions: false, renderer: "svg" })
        .then(function () { el.dataset.rendered = "true"; })
        .catch(function (error) {
          el.dataset.rendered = "error";
          el.textContent = "This chart could not be drawn: " + error;
          console.error("chart " + key + ": " + error);
        });
    });
  }

  var PAGE = 100;

  function formatCell(value, kind) {
    if (value === null || value === undefined) { return ""; }
    if (kind === "prob") { return (100 * value).toFixed(1) + " %"; }
    if (kind === "int") { return Number(value).toLocaleString("en-US"); }
    return String(value);
  }

  function csvCell(value) {
    if (value === null || value === undefined) { return ""; }
    var text = String(value);
    return /[",\n\r]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }

  function targetTable() {
    var source = document.getElementById("target-data");
    if (!source) { return; }
    var data = JSON.parse(source.textContent);
    var columns = data.columns, rows = data.rows;
    var table = document.getElementById("target-table");
    var search = document.getElementById("target-search");
    var segment = document.getElementById("target-segment");
    var counter = document.getElementById("target-count");
    var more = document.getElementById("target-more");
    var segmentIndex = columns.findIndex(function (c) { return c.key === "segment"; });
    var state = { sortBy: 0, ascending: true, limit: PAGE, shown: rows };

    var headRow = document.createElement("tr");
    columns.forEach(function (column, index) {
      var th = document.createElement("th");
      th.textContent = column.label;
      th.dataset.key = column.key;
      if (column.kind !== "text") { th.className = "num"; }
      th.addEventListener("click", function () {
        state.ascending = state.sortBy === index ? !state.ascending : column.first !== "descending";
        state.sortBy = index;
        update();
      });
      headRow.appendChild(th);
    });
    table.tHead.appendChild(headRow);

    if (segment && segmentIndex >= 0) {
      Array.from(new Set(rows.map(function (r) { return r[segmentIndex]; }))).sort().forEach(function (name) {
        var option = document.createElement("option");
        option.value = name; option.textContent = name;
        segment.appendChild(option);
      });
      segment.addEventListener("change", function () { state.limit = PAGE; update(); });
    }
    search.addEventListener("input", function () { state.limit = PAGE; update(); });
    more.addEventListener("click", function () { state.limit += PAGE * 5; update(); });

    function update() {
      var needle = search.value.trim().toLowerCase();
      var wanted = segment ? segment.value : "";
      var shown = rows.filter(function (row) {
        if (wanted && row[segmentIndex] !== wanted) { return false; }
        return !needle || row.some(function (v) { return v !== null && String(v).toLowerCase().indexOf(needle) >= 0; });
      });
      var i = state.sortBy, sign = state.ascending ? 1 : -1;
      shown.sort(function (a, b) {
        var x = a[i], y = b[i];
        if (x === y) { return a[0] - b[0]; }
        if (x === null) { return 1; }
        if (y === null) { return -1; }
        return (x < y ? -1 : 1) * sign;
      });
      state.shown = shown;
      Array.from(headRow.children).forEach(function (th, index) {
        if (index === i) { th.setAttribute("aria-sort", state.ascending ? "ascending" : "descending"); }
        else { th.removeAttribute("aria-sort"); }
      });
      var body = document.createElement("tbody");
      shown.slice(0, state.limit).forEach(function (row) {
        var tr = document.createElement("tr");
        row.forEach(function (value, index) {
          var td = document.createElement("td");
          td.textContent = formatCell(value, columns[index].kind);
          if (columns[index].kind !== "text") { td.className = "num"; }
          tr.appendChild(td);
        });
        body.appendChild(tr);
      });
      table.replaceChild(body, table.tBodies[0]);
      counter.textContent = shown.length.toLocaleString("en-US") + " of " + rows.length.toLocaleString("en-US") +
        " customers" + (shown.length > state.limit ? " (first " + state.limit.toLocaleString("en-US") + " shown)" : "");
      more.hidden = shown.length <= state.limit;
    }

    document.getElementById("target-download").addEventListener("click", function () {
      var lines = [columns.map(function (c) { return csvCell(c.key); }).join(",")];
      state.shown.forEach(function (row) { lines.push(row.map(csvCell).join(",")); });
      var blob = new Blob([lines.join("\n") + "\n"], { type: "text/csv;charset=utf-8" });
      var link = document.createElement("a");
      link.href = URL.createObjectURL(blob);
      link.download = "campaign_targets.csv";
      document.body.appendChild(link);
      link.click();
      link.remove();
    });
    update();
  }

  targetTable();
  drawCharts();
})();
