import fs from 'node:fs';
import path from 'node:path';

/**
 * The Chromium the browser tests drive: CHROMIUM_PATH when set, else Debian's `chromium` package
 * (`.ci/run` installs it with apt) found on the PATH. playwright-core never downloads a browser
 * here; a machine without one fails the suite with what to install, it never skips.
 */

export const CHROMIUM_MISSING =
  "The browser tests need Chromium and never download one. Install Debian's package (`apt-get install chromium`, as .ci/run does) or set CHROMIUM_PATH to a Chromium or Chrome binary.";

function isExecutableFile(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

export function chromiumExecutable(env: NodeJS.ProcessEnv = process.env): string {
  const override = env.CHROMIUM_PATH?.trim();
  if (override) {
    if (!isExecutableFile(override)) {
      throw new Error(`CHROMIUM_PATH=${override} is not an executable file. ${CHROMIUM_MISSING}`);
    }
    return override;
  }
  const dirs = (env.PATH ?? '').split(path.delimiter).filter(Boolean);
  for (const name of ['chromium', 'chromium-browser']) {
    for (const dir of dirs) {
      const candidate = path.join(dir, name);
      if (isExecutableFile(candidate)) return candidate;
    }
  }
  throw new Error(`No chromium on the PATH (${dirs.join(path.delimiter)}). ${CHROMIUM_MISSING}`);
}
