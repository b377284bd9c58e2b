/** A one-line progress bar on stderr (redrawn in place on a terminal, a line per step otherwise). */
export class ProgressBar {
  private done = 0;
  private readonly started = Date.now();
  private readonly tty = Boolean(process.stderr.isTTY);
  private lastLine = '';
  private lastLabel = '';
  private lastPrinted = 0;

  constructor(private readonly total: number) {}

  /** Marks `units` of work done and names what runs next. */
  advance(units: number, label: string): void {
    this.done = Math.min(this.total, this.done + units);
    this.render(label);
  }

  /** Sets how much is done (for work measured by a count, like connectors running). */
  set(done: number, label: string): void {
    this.done = Math.max(0, Math.min(this.total, done));
    this.render(label);
  }

  render(label: string): void {
    const fraction = this.total === 0 ? 1 : this.done / this.total;
    const width = 30;
    const filled = Math.round(fraction * width);
    const elapsed = (Date.now() - this.started) / 1000;
    const eta = fraction > 0.02 ? Math.max(0, elapsed / fraction - elapsed) : NaN;
    const line = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.round(fraction * 100)).padStart(3)}%  ${label}${Number.isFinite(eta) ? `  ~${Math.round(eta)} s left` : ''}`;
    if (this.tty) process.stderr.write(`\r${line.padEnd(this.lastLine.length)}`);
    else if (label !== this.lastLabel && Date.now() - this.lastPrinted >= 5_000) {
      // Logs (CI, a pipe): a line at most every 5 s.
      this.lastPrinted = Date.now();
      process.stderr.write(`${line}\n`);
    }
    this.lastLine = line;
    this.lastLabel = label;
  }

  finish(): void {
    if (this.tty) process.stderr.write('\n');
  }
}

/** Status lines between phases (stderr, so stdout keeps only the table). */
export function note(line: string): void {
  process.stderr.write(`${line}\n`);
}
