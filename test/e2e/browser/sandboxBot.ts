import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import ts from 'typescript';
import { builtBot } from '../../resilience/support/botBuild';
import { FAST_TUNING, freePort } from '../../resilience/support/botProcess';

/**
 * The sandbox as `npm start` runs it (the built-in Partner Center simulator, SQLite, the Agents
 * Playground started by the bot itself), as a child process isolated from the developer's: its own
 * working folder (no `.env` read, the database, the sandbox key and the Playground's log go there),
 * a copy of the repository's `.m365agentsplayground.yml`, free ports, and short order timings.
 */

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const PLAYGROUND_CONFIG = '.m365agentsplayground.yml';

/** Compiling the sources (once per version), starting the simulator, the bot and the Playground. */
export const SANDBOX_BOOT_MS = 120_000;

/**
 * main.js loads `../scripts/playgroundLauncher` beside itself, and botBuild compiles src/ only:
 * the launcher goes next to that build (written whole, then renamed, so parallel runs are safe).
 */
function withPlaygroundLauncher(main: string): string {
  const source = path.join(REPO_ROOT, 'scripts', 'playgroundLauncher.ts');
  const target = path.join(path.dirname(main), '..', 'scripts', 'playgroundLauncher.js');
  const js = ts.transpileModule(fs.readFileSync(source, 'utf8'), {
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.CommonJS,
      esModuleInterop: true,
      inlineSourceMap: true,
    },
    fileName: source,
  }).outputText;
  if (fs.existsSync(target) && fs.readFileSync(target, 'utf8') === js) return main;
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const staging = `${target}.${process.pid}.${Date.now()}.tmp`;
  fs.writeFileSync(staging, js);
  fs.renameSync(staging, target);
  return main;
}

export interface SandboxBotOptions {
  /** How long the simulator takes to complete an order (SIMULATOR_ORDER_COMPLETION_MS). */
  orderCompletionMs?: number;
}

export class SandboxBot {
  private readonly stdout: string[] = [];
  private readonly stderr: string[] = [];
  private readonly exited: Promise<void>;
  private url?: string;

  private constructor(
    private readonly child: ChildProcess,
    private readonly workDir: string,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      this.stdout.push(line);
      if (this.stdout.length > 300) this.stdout.shift();
      // The line `npm start` prints for the person at the keyboard.
      this.url ??= /Open (http:\/\/\S+) to chat with it/.exec(line)?.[1];
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr.push(chunk.toString('utf8'));
      if (this.stderr.length > 100) this.stderr.shift();
    });
  }

  /** Starts the sandbox and resolves once it printed the Playground's URL. */
  static async start(options: SandboxBotOptions = {}): Promise<SandboxBot> {
    const main = withPlaygroundLauncher(builtBot());
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-ops-browser-'));
    fs.copyFileSync(path.join(REPO_ROOT, PLAYGROUND_CONFIG), path.join(workDir, PLAYGROUND_CONFIG));
    const child = spawn(process.execPath, ['--enable-source-maps', main], {
      cwd: workDir,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: workDir,
        APP_MODE: 'sandbox',
        PORT: '0',
        PLAYGROUND_PORT: String(await freePort()),
        SIMULATOR_PORT: '0',
        SQLITE_PATH: path.join(workDir, 'azure-plan-ops.sqlite'),
        SIMULATOR_ORDER_COMPLETION_MS: String(options.orderCompletionMs ?? 2_000),
        DOMAIN_TUNING: JSON.stringify(FAST_TUNING),
        JOB_WORK_EVERY_MS: '200',
        SHUTDOWN_GRACE_MS: '1000',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const bot = new SandboxBot(child, workDir);
    try {
      await bot.ready();
    } catch (error) {
      await bot.stop();
      throw error;
    }
    return bot;
  }

  /** The Agents Playground's page, e.g. http://localhost:56150. */
  get playgroundUrl(): string {
    if (!this.url) throw new Error('the sandbox is not ready');
    return this.url;
  }

  private get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  private async ready(): Promise<void> {
    const deadline = Date.now() + SANDBOX_BOOT_MS - 10_000;
    while (!this.url) {
      if (!this.running) throw new Error(`the sandbox exited before it was ready\n${this.tail()}`);
      if (Date.now() > deadline)
        throw new Error(`the sandbox printed no Playground URL in time\n${this.tail()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** The last lines of its output, its stderr and the Playground's log, for an error message. */
  tail(lines = 40): string {
    let playgroundLog = '(none)';
    try {
      const log = fs.readFileSync(path.join(this.workDir, 'devTools', 'm365agentsplayground.log'), 'utf8');
      playgroundLog = log.trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      // not started yet
    }
    return [
      `--- sandbox bot (pid ${this.child.pid}) output ---`,
      this.stdout.slice(-lines).join('\n'),
      '--- stderr ---',
      this.stderr.join('').slice(-4_000),
      '--- Agents Playground log ---',
      playgroundLog,
    ].join('\n');
  }

  /** SIGTERM: the bot stops the Playground, the simulator and the store, then exits. */
  async stop(): Promise<void> {
    if (this.running) this.child.kill('SIGTERM');
    const gone = await Promise.race([
      this.exited.then(() => true),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 15_000).unref()),
    ]);
    if (!gone) {
      this.child.kill('SIGKILL');
      await this.exited;
    }
    this.child.stdout?.destroy();
    this.child.stderr?.destroy();
    fs.rmSync(this.workDir, { recursive: true, force: true });
  }
}
