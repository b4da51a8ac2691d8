import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/**
 * The bot as `node` runs it in production: src/ compiled to CommonJS, for suites that start it as
 * a child process (ts-jest compiles only what the test process itself imports).
 *
 * Each file is transpiled on its own (`transpileModule`), which is exact for this code base:
 * tsconfig sets `isolatedModules`, so the compiler promises that per-file emit equals the full
 * build's. Type errors are `npm run typecheck`'s business, not this one's. The output goes under
 * node_modules/.cache (so the bot's `require`s find the project's packages), in a folder named
 * after a hash of the sources: a run after no change reuses it, parallel suites share it (built in
 * a temp folder, then renamed into place: the first one there wins), and a change of source gives
 * a new build. Takes about a second or two.
 */

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const SOURCE_ROOT = path.join(REPO_ROOT, 'src');
const CACHE_ROOT = path.join(REPO_ROOT, 'node_modules', '.cache', 'azure-plan-ops-bot');
const COMPLETE = '.complete';

const COMPILER_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.CommonJS,
  esModuleInterop: true,
  resolveJsonModule: true,
  inlineSourceMap: true,
  inlineSources: true,
};

function sourceFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return sourceFiles(full);
      return /\.(ts|json)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [full] : [];
    })
    .sort();
}

/** Compiles src/ (once per version of the sources) and returns the path of main.js. */
export function builtBot(): string {
  const files = sourceFiles(SOURCE_ROOT);
  const hash = createHash('sha256');
  hash.update(ts.version);
  for (const file of files) {
    hash.update(path.relative(SOURCE_ROOT, file));
    hash.update('\0');
    hash.update(fs.readFileSync(file));
    hash.update('\0');
  }
  const target = path.join(CACHE_ROOT, hash.digest('hex').slice(0, 16));
  const main = path.join(target, 'src', 'main.js');
  if (fs.existsSync(path.join(target, COMPLETE))) return main;

  const staging = path.join(CACHE_ROOT, `.staging-${randomUUID()}`);
  try {
    for (const file of files) {
      const relative = path.relative(REPO_ROOT, file);
      const out = path.join(staging, relative);
      fs.mkdirSync(path.dirname(out), { recursive: true });
      if (file.endsWith('.json')) {
        fs.copyFileSync(file, out);
        continue;
      }
      const result = ts.transpileModule(fs.readFileSync(file, 'utf8'), {
        compilerOptions: COMPILER_OPTIONS,
        fileName: file,
        reportDiagnostics: true,
      });
      const problems = (result.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
      if (problems.length > 0) {
        const text = problems.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')).join('; ');
        throw new Error(`cannot compile ${relative}: ${text}`);
      }
      fs.writeFileSync(out.replace(/\.ts$/, '.js'), result.outputText);
    }
    fs.writeFileSync(path.join(staging, COMPLETE), new Date().toISOString());
    try {
      fs.renameSync(staging, target);
    } catch (error) {
      // Another suite put the same build in place first: use theirs.
      if (!fs.existsSync(path.join(target, COMPLETE))) throw error;
    }
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  pruneOldBuilds(path.basename(target));
  return main;
}

/** Builds of older sources, unused for an hour, go (a suite still running one is never older). */
function pruneOldBuilds(keep: string): void {
  const hourAgo = Date.now() - 3_600_000;
  for (const entry of fs.readdirSync(CACHE_ROOT)) {
    if (entry === keep) continue;
    const full = path.join(CACHE_ROOT, entry);
    try {
      if (fs.statSync(full).mtimeMs < hourAgo) fs.rmSync(full, { recursive: true, force: true });
    } catch {
      // gone already
    }
  }
}
