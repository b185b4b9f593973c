// Prints one plain closing line, "N passed, N failed, N skipped", that any CI can read.
import type { File, Task } from "@vitest/runner";
import type { Reporter } from "vitest/reporters";

function count(tasks: Task[], totals: { passed: number; failed: number; skipped: number }) {
  for (const task of tasks) {
    if (task.type === "suite") count(task.tasks, totals);
    else if (task.result?.state === "pass") totals.passed++;
    else if (task.result?.state === "fail") totals.failed++;
    else totals.skipped++;
  }
}

export default class SummaryReporter implements Reporter {
  onFinished(files: File[] = []) {
    const totals = { passed: 0, failed: 0, skipped: 0 };
    for (const file of files) {
      count(file.tasks, totals);
      if (file.result?.state === "fail" && file.tasks.length === 0) totals.failed++; // a file that failed to load
    }
    process.stdout.write(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`);
  }
}
