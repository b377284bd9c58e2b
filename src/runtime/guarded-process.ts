import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

/**
 * A guard shell between us and a child process. It reports the child's pid on fd 3, sends the child SIGTERM
 * when its stdin closes — which happens when we stop it and also when our process dies in any way (even
 * SIGKILL), so no orphan keeps a port — and exits with the child's status, so a child that dies is noticed.
 * (Background jobs of a non-interactive shell read /dev/null, hence stdin kept on fd 4 for the watcher.)
 */
const guardScript = `trap '' INT
exec 4<&0
"$@" 3>&- 4<&- &
child=$!
echo "$child" 2>/dev/null >&3 || :
exec 3>&-
{ while read -r _; do :; done; kill -TERM "$child" 2>/dev/null; } <&4 &
watcher=$!
wait "$child"
code=$?
kill "$watcher" 2>/dev/null
exit $code`;

export interface GuardedOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Where the child's stdout and stderr go: a file descriptor, 'ignore', or 'pipe' (read them from `output`). */
  stdout?: number | 'ignore' | 'pipe';
  stderr?: number | 'ignore' | 'pipe';
}

export interface GuardedProcess {
  /** The child's own pid (not the guard's): what to signal to kill it the hard way. */
  pid: number;
  guard: ChildProcess;
  /** Settles with the child's exit status (128 + signal number when a signal ended it). */
  exited: Promise<number>;
  /** Has it exited? */
  readonly done: boolean;
  /** Asks the child to stop (SIGTERM), SIGKILLs its whole process group after graceMs, and waits for the exit. */
  stop(graceMs?: number): Promise<number>;
}

/** Starts a command under the guard, in its own process group (Ctrl-C reaches only us; we stop it in order). */
export async function spawnGuarded(command: string, args: string[], options: GuardedOptions = {}): Promise<GuardedProcess> {
  const guard = spawn('/bin/sh', ['-c', guardScript, 'tether-guard', command, ...args], {
    stdio: ['pipe', options.stdout ?? 'ignore', options.stderr ?? 'ignore', 'pipe'],
    env: options.env ?? process.env,
    cwd: options.cwd,
    detached: true,
  });
  const unref = (stream: unknown) => (stream as { unref?: () => void } | null)?.unref?.();
  guard.unref();
  for (const stream of [guard.stdin, guard.stdout, guard.stderr]) unref(stream);
  let done = false;
  const exited = new Promise<number>((resolve) =>
    guard.once('exit', (code, signal) => {
      done = true;
      resolve(code ?? (signal ? 128 : 1));
    }),
  );
  // The pid pipe keeps this process alive until the pid arrives; afterwards the guard never holds us up.
  const pid = await new Promise<number>((resolve, reject) => {
    guard.once('error', reject);
    createInterface({ input: guard.stdio[3] as Readable }).once('line', (line) => resolve(Number(line)));
    void exited.then((code) => reject(new Error(`${command} exited at once with status ${code}`)));
  });
  unref(guard.stdio[3]);
  return {
    pid,
    guard,
    exited,
    get done() {
      return done;
    },
    async stop(graceMs = 10_000) {
      if (done) return exited;
      guard.stdin!.end();
      const timer = setTimeout(() => {
        try {
          process.kill(-guard.pid!, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }, graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
