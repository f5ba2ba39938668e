"use strict";
// CSV batch: follow the job's progress, then show the per-row outcome.
document.addEventListener("DOMContentLoaded", () => {
  const box = document.getElementById("batch");
  if (!box) return;
  nkPollJob(box.dataset.job, (job) => {
    if (job.status !== "done") return;
    const r = job.result;
    document.getElementById("batch-summary").textContent =
      `${r.rows} rows: ${r.hits} hits, ${r.errors} errors (lists ${r.list_versions.join(", ")})`;
    const body = document.getElementById("batch-rows");
    for (const row of r.results) {
      const tr = document.createElement("tr");
      const input = Object.values(row.values).filter((v) => v).join(" · ");
      const best = row.best;
      const cells = [row.row, input, row.error || row.status, best ? best.name : "",
        best ? best.score.toFixed(3) : "", best ? (best.dprk_linked ? "yes" : "no") : ""];
      cells.forEach((value, i) => {
        const td = document.createElement("td");
        td.textContent = String(value);
        if (i === 2) td.className = `status-${row.status}`;
        if (i === 4) td.className = "num";
        tr.appendChild(td);
      });
      body.appendChild(tr);
    }
    document.getElementById("batch-results").hidden = false;
  });
});
