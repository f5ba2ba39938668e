// Shared page behaviour. Pages pass data in <script type="application/json"> blocks
// (never inline code: the Content-Security-Policy is script-src 'self').
"use strict";

function nkData(id) {
  const el = document.getElementById(id);
  return el ? JSON.parse(el.textContent) : null;
}

function nkBarCharts() {
  if (typeof echarts === "undefined") return;
  document.querySelectorAll('[data-chart="bar"]').forEach((el) => {
    const rows = nkData(el.dataset.source) || [];
    const chart = echarts.init(el);
    chart.setOption({
      grid: { left: 60, right: 20, top: 20, bottom: 60 },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: rows.map((r) => r.label), axisLabel: { interval: 0, rotate: rows.length > 6 ? 30 : 0 } },
      yAxis: [{ type: "value", name: "USD m" }],
      series: [
        { type: "bar", name: "USD (millions)", data: rows.map((r) => r.usd_m), itemStyle: { color: "#1f5fbf" } },
      ],
    });
    window.addEventListener("resize", () => chart.resize());
  });
}

// Long jobs: poll /api/v1/jobs/<id> and drive a <progress> element until done.
function nkPollJob(jobId, onDone) {
  const bar = document.getElementById("job-progress");
  const msg = document.getElementById("job-message");
  const tick = async () => {
    const res = await fetch(`/api/v1/jobs/${jobId}`, { credentials: "same-origin" });
    const job = await res.json();
    if (bar) bar.value = job.progress;
    if (msg) msg.textContent = job.error || job.message;
    if (job.status === "done" || job.status === "failed") { onDone(job); return; }
    setTimeout(tick, 400);
  };
  tick();
}

document.addEventListener("DOMContentLoaded", nkBarCharts);
