(function () {
  'use strict';
  // Draws the report's charts from the JSON block. Text reaches the charts only as data (canvas text and
  // plain-text tooltips), never as HTML. When every chart has drawn, <body data-rendered> holds their number.
  var data = JSON.parse(document.getElementById('run-data').textContent);
  var runs = data.runs || [];
  var churn = data.churn || [];
  var charts = [];
  var rendered = 0;
  var MAX_BACKEND_SERIES = 20;

  function seconds(nanos, digits) {
    return (nanos / 1e9).toFixed(digits);
  }

  // Numbers as the tables print them; a measure the run could not take ("NaN" in the JSON) shows as "-".
  function fixed(value, digits) {
    return typeof value === 'number' && isFinite(value) ?
      value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : '-';
  }

  function short(text, max) {
    return text.length <= max ? text : text.slice(0, max - 1) + '\u2026';
  }

  function draw(element, option) {
    var chart = echarts.init(element, null, { renderer: 'canvas' });
    var counted = false;
    chart.on('finished', function () {
      if (!counted) {
        counted = true;
        rendered += 1;
        document.body.setAttribute('data-rendered', String(rendered));
      }
    });
    option.animation = false;
    option.tooltip = Object.assign({ renderMode: 'richText', confine: true }, option.tooltip || {});
    chart.setOption(option);
    charts.push(chart);
  }

  function compare() {
    var names = runs.map(function (r) { return r.scheduler; });
    var grids = [{ left: '4%', width: '26%' }, { left: '37%', width: '26%' }, { left: '70%', width: '26%' }];
    grids.forEach(function (g) { g.top = 60; g.bottom = 30; g.containLabel = true; });
    var titles = ['broken flows', 'imbalance (max / mean)', 'p99 new flow (ns)'];
    var option = {
      title: titles.map(function (t, i) {
        return { text: t, left: grids[i].left, top: 0, textStyle: { fontSize: 13 } };
      }),
      legend: { top: 24, left: '4%', data: ['unavoidable', 'by scheduler'] },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      grid: grids,
      xAxis: grids.map(function (g, i) { return { type: 'category', gridIndex: i, data: names }; }),
      yAxis: grids.map(function (g, i) { return { type: 'value', gridIndex: i }; }),
      series: [
        // Own colours: the palette's first colours stand for schedulers in the other charts.
        { name: 'unavoidable', type: 'bar', stack: 'broken', xAxisIndex: 0, yAxisIndex: 0, color: '#9aa3b5',
          data: runs.map(function (r) { return r.brokenUnavoidable; }) },
        { name: 'by scheduler', type: 'bar', stack: 'broken', xAxisIndex: 0, yAxisIndex: 0, color: '#d9534f',
          data: runs.map(function (r) { return r.brokenByScheduler; }) },
        { name: 'imbalance', type: 'bar', colorBy: 'data', xAxisIndex: 1, yAxisIndex: 1,
          label: { show: true, position: 'top', formatter: function (p) { return fixed(p.value, 3); } },
          data: runs.map(function (r) { return r.imbalanceMaxOverMean; }) },
        { name: 'p99 ns', type: 'bar', colorBy: 'data', xAxisIndex: 2, yAxisIndex: 2,
          label: { show: true, position: 'top', formatter: function (p) { return fixed(p.value, 0); } },
          data: runs.map(function (r) { return r.p99NewFlowNanos; }) }
      ]
    };
    draw(document.getElementById('chart-compare'), option);
  }

  function brokenAtChurn() {
    var element = document.getElementById('chart-churn');
    if (!element) {
      return;
    }
    // Few marks get their time and description under the bar; many get their number only (the table below
    // and the tooltip say the rest).
    var few = churn.length <= 6;
    var labels = churn.map(function (c, i) {
      return '#' + (i + 1) + (few ? ' at ' + seconds(c.atNanos, 1) + ' s\n' + short(c.description, 28) : '');
    });
    draw(element, {
      legend: { top: 0 },
      tooltip: {
        trigger: 'axis', axisPointer: { type: 'shadow' },
        formatter: function (items) {
          var c = churn[items[0].dataIndex];
          return ['#' + (items[0].dataIndex + 1) + ' at ' + seconds(c.atNanos, 3) + ' s: ' + c.description]
            .concat(items.map(function (it) { return it.seriesName + ': ' + it.value; })).join('\n');
        }
      },
      grid: { top: 40, left: 10, right: 20, bottom: 10, containLabel: true },
      xAxis: { type: 'category', data: labels, axisLabel: { interval: few ? 0 : 'auto', fontSize: 11, lineHeight: 15 } },
      yAxis: { type: 'value', name: 'broken flows', nameTextStyle: { align: 'left' } },
      series: runs.map(function (r) {
        return { name: r.scheduler, type: 'bar', data: churn.map(function (c, i) {
          return i < r.brokenPerChurnMark.length ? r.brokenPerChurnMark[i] : null;
        }) };
      })
    });
  }

  // Backends as series; past MAX_BACKEND_SERIES the busiest keep their own band and the rest share one.
  function backendSeries(run) {
    var rows = run.newFlowsPerBackendPerBucket;
    var totals = run.backends.map(function (b, j) {
      return rows.reduce(function (sum, row) { return sum + (row[j] || 0); }, 0);
    });
    var order = run.backends.map(function (b, j) { return j; });
    var own = order;
    var rest = [];
    if (order.length > MAX_BACKEND_SERIES) {
      var busiest = order.slice().sort(function (a, b) { return totals[b] - totals[a] || a - b; });
      var keep = busiest.slice(0, MAX_BACKEND_SERIES - 1);
      own = order.filter(function (j) { return keep.indexOf(j) >= 0; });
      rest = order.filter(function (j) { return keep.indexOf(j) < 0; });
    }
    var series = own.map(function (j) {
      return { name: run.backends[j], data: rows.map(function (row) { return row[j] || 0; }) };
    });
    if (rest.length > 0) {
      series.push({ name: rest.length + ' other backends', color: '#c3c8d2', data: rows.map(function (row) {
        return rest.reduce(function (sum, j) { return sum + (row[j] || 0); }, 0);
      }) });
    }
    return series;
  }

  function load(run, index, container) {
    var heading = document.createElement('h3');
    heading.textContent = run.scheduler;
    var element = document.createElement('div');
    element.className = 'chart load';
    element.id = 'chart-load-' + index;
    container.appendChild(heading);
    container.appendChild(element);
    var buckets = run.newFlowsPerBackendPerBucket.length;
    var digits = run.bucketNanos >= 1e9 ? 0 : run.bucketNanos >= 1e8 ? 1 : 3;
    var times = [];
    for (var b = 0; b < buckets; b++) {
      times.push(seconds(b * run.bucketNanos, digits));
    }
    var marks = churn.map(function (c, i) {
      var bucket = run.bucketNanos > 0 ? Math.min(buckets - 1, Math.floor(c.atNanos / run.bucketNanos)) : 0;
      return { xAxis: bucket, name: '#' + (i + 1) };
    });
    var series = backendSeries(run).map(function (s) {
      var line = { name: s.name, type: 'line', stack: 'load', areaStyle: { opacity: 0.85 }, lineStyle: { width: 0.5 },
        showSymbol: false, emphasis: { focus: 'series' }, data: s.data };
      if (s.color) {
        line.color = s.color;
      }
      return line;
    });
    if (series.length > 0 && marks.length > 0) {
      // Numbered like the churn table; past a dozen marks the numbers would overprint, so lines only.
      series[series.length - 1].markLine = { symbol: 'none', silent: true, animation: false,
        lineStyle: { color: '#c0392b', type: 'dashed' },
        label: { show: marks.length <= 12, formatter: '{b}', color: '#c0392b' }, data: marks };
    }
    draw(element, {
      legend: { type: 'scroll', top: 0, icon: 'roundRect' },
      tooltip: { trigger: 'axis' },
      grid: { top: 62, left: 10, right: 30, bottom: 10, containLabel: true },
      xAxis: { type: 'category', boundaryGap: false, data: times, name: 's' },
      yAxis: { type: 'value', name: 'new flows per ' + seconds(run.bucketNanos, 3) + ' s',
        nameTextStyle: { align: 'left' } },
      series: series
    });
  }

  compare();
  brokenAtChurn();
  var container = document.getElementById('load-charts');
  runs.forEach(function (run, i) { load(run, i, container); });
  document.body.setAttribute('data-charts', String(charts.length));
  window.addEventListener('resize', function () {
    charts.forEach(function (c) { c.resize(); });
  });
}());
