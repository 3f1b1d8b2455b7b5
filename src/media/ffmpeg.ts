import { spawn, spawnSync } from 'child_process';
import os from 'os';

/**
 * The system's ffmpeg and ffprobe (Debian's package), run as child processes with fixed arguments: no shell, and no
 * text from a user in the argument list (every path is one Lyceum made under its own temporary directory). Each run
 * has a time limit (killed when it runs out) and a lower priority than the web process, so a conversion never starves
 * the requests on the same machine. Not fluent-ffmpeg (archived), nor a binary downloaded at install time.
 */

export interface ToolRun {
  stdout: string;
  stderr: string;
}

export class ToolError extends Error {
  constructor(
    message: string,
    readonly stderr: string = ''
  ) {
    super(message);
  }
}

/** Niceness of the conversion processes (VIDEO_NICENESS, 0–19; default 10). */
export function conversionNiceness(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env.VIDEO_NICENESS ?? 10);
  return Number.isInteger(value) && value >= 0 && value <= 19 ? value : 10;
}

/** How long one ffmpeg or ffprobe run may take (VIDEO_CONVERSION_TIMEOUT_SECONDS; default 1800). */
export function conversionTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env.VIDEO_CONVERSION_TIMEOUT_SECONDS ?? 1800);
  return (Number.isFinite(value) && value > 0 ? value : 1800) * 1000;
}

const binaryOf = (tool: 'ffmpeg' | 'ffprobe', env: NodeJS.ProcessEnv = process.env) =>
  (tool === 'ffmpeg' ? env.FFMPEG_PATH : env.FFPROBE_PATH)?.trim() || tool;

let availability: boolean | undefined;

/** Whether ffmpeg and ffprobe run here (checked once per process; `recheck` asks again). */
export function isFfmpegAvailable(recheck = false): boolean {
  if (availability !== undefined && !recheck) return availability;
  availability = (['ffmpeg', 'ffprobe'] as const).every(
    (tool) => spawnSync(binaryOf(tool), ['-version'], { stdio: 'ignore', timeout: 10_000 }).status === 0
  );
  return availability;
}

/** Keeps the end of a stream (ffmpeg's errors are at the end of a long log). */
function tail(chunks: Buffer[], limit: number): string {
  const text = Buffer.concat(chunks).toString('utf8');
  return text.length > limit ? text.slice(text.length - limit) : text;
}

/**
 * Runs `tool` with `args` (fixed arguments and paths Lyceum made) at the conversion niceness; rejects with a ToolError
 * when it exits non-zero, cannot start, or outlives `timeoutMs` (it is then killed).
 */
export function runTool(
  tool: 'ffmpeg' | 'ffprobe',
  args: readonly string[],
  options: { timeoutMs?: number; cwd?: string } = {}
): Promise<ToolRun> {
  const timeoutMs = options.timeoutMs ?? conversionTimeoutMs();
  return new Promise((resolve, reject) => {
    const child = spawn(binaryOf(tool), [...args], {
      cwd: options.cwd,
      shell: false,
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });
    if (child.pid !== undefined) {
      try {
        os.setPriority(child.pid, conversionNiceness());
      } catch {
        // Not permitted here (or the process already ended): it runs at the normal priority.
      }
    }
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let stdoutBytes = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      // ffprobe's JSON is small; a runaway output is cut rather than held.
      if (stdoutBytes < 4 * 1024 * 1024) stdout.push(chunk);
      stdoutBytes += chunk.length;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr.push(chunk);
      if (stderr.length > 200) stderr.splice(0, stderr.length - 100);
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new ToolError(`${tool} could not start: ${error.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const errorText = tail(stderr, 4000);
      if (timedOut) return reject(new ToolError(`${tool} took longer than ${timeoutMs / 1000} s and was stopped`));
      if (code !== 0)
        return reject(new ToolError(`${tool} failed (${signal ?? `exit ${code}`}): ${lastLine(errorText)}`, errorText));
      resolve({ stdout: Buffer.concat(stdout).toString('utf8'), stderr: errorText });
    });
  });
}

/** The last meaningful line of a tool's error output: what it says went wrong. */
function lastLine(text: string): string {
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  return (lines[lines.length - 1] ?? 'no output').slice(0, 300);
}
