"use strict";
// Applicant upload: follow the job, then open the run's review queue.
document.addEventListener("DOMContentLoaded", () => {
  const box = document.getElementById("hiring-job");
  if (!box) return;
  nkPollJob(box.dataset.job, (job) => {
    if (job.status === "done") window.location.assign(`/applicants/${job.result.screening_id}`);
  });
});
