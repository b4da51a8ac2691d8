/**
 * Work due at a simulated time (an order completing, an upgrade finishing, a suspension taking
 * effect). Nothing runs in the background: every API call first runs what is due, so results
 * depend only on the simulated clock and the order of calls.
 */
interface Task {
  dueAt: number;
  seq: number;
  run: () => void;
}

export class Scheduler {
  private tasks: Task[] = [];
  private seq = 0;

  at(dueAt: number, run: () => void): void {
    const task = { dueAt, seq: this.seq++, run };
    let i = this.tasks.length;
    while (i > 0 && this.tasks[i - 1].dueAt > dueAt) i--;
    this.tasks.splice(i, 0, task);
  }

  /** Runs every task due at or before `now`, oldest first (tasks scheduled while running are honoured). */
  runDue(now: number): void {
    while (this.tasks.length > 0 && this.tasks[0].dueAt <= now) {
      const task = this.tasks.shift();
      task?.run();
    }
  }

  get pending(): number {
    return this.tasks.length;
  }

  clear(): void {
    this.tasks = [];
  }
}
