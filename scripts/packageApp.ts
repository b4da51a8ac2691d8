import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import AdmZip from 'adm-zip';
import dotenv from 'dotenv';
import { z } from 'zod';
import { modeOf } from '../src/config';

/**
 * `npm run package [-- <environment>]`: fills the Teams app ids (from the environment or ./.env) into
 * appPackage/manifest.json and its localization files and zips them with the icons into
 * build/appPackage.<environment>.zip, every file at the zip root as Teams expects.
 */

/** Fixed ids for the sandbox package; the bot id matches `bot.id` in .m365agentsplayground.yml. */
export const SANDBOX_TEAMS_APP_ID = 'd6c1a3f0-2b4e-4c8d-9a7f-3e5b1c9d2a40';
export const SANDBOX_BOT_ID = '4b1f6c2a-9d3e-4f7a-8b5c-1e2d3f4a5b6c';

export class AppPackageError extends Error {
  override readonly name = 'AppPackageError';
}

export interface PackageIds {
  TEAMS_APP_ID: string;
  BOT_ID: string;
}

type Env = Readonly<Record<string, string | undefined>>;

const GUID = /^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/;

/** The bot's own rule (config.ts): APP_MODE wins, else NODE_ENV=production. */
export function isSandbox(env: Env): boolean {
  return modeOf(env) === 'sandbox';
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/**
 * TEAMS_APP_ID and BOT_ID (or the Bot Framework name MicrosoftAppId) from the environment. The sandbox
 * falls back to fixed ids; outside it a missing or malformed id is an error, since a package with a
 * made-up bot id installs in Teams but never reaches the bot.
 */
export function resolvePackageIds(env: Env): PackageIds {
  const sandbox = isSandbox(env);
  const botId =
    nonEmpty(env.BOT_ID) ?? nonEmpty(env.MicrosoftAppId) ?? (sandbox ? SANDBOX_BOT_ID : undefined);
  const teamsAppId = nonEmpty(env.TEAMS_APP_ID) ?? (sandbox ? SANDBOX_TEAMS_APP_ID : undefined);
  if (!botId) {
    throw new AppPackageError(
      'BOT_ID is not set: outside sandbox mode set BOT_ID (or MicrosoftAppId) to the bot registration’s app id.',
    );
  }
  if (!teamsAppId) {
    throw new AppPackageError(
      'TEAMS_APP_ID is not set: outside sandbox mode set it to the Teams app id (a GUID you keep for this app).',
    );
  }
  for (const [name, value] of [
    ['BOT_ID', botId],
    ['TEAMS_APP_ID', teamsAppId],
  ] as const) {
    if (!GUID.test(value)) throw new AppPackageError(`${name} must be a GUID, got "${value}"`);
  }
  return { TEAMS_APP_ID: teamsAppId, BOT_ID: botId };
}

const PLACEHOLDER = /\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/**
 * Replaces `${{NAME}}` in JSON text with the value (escaped for a JSON string). A placeholder with no
 * value is an error: a package must never ship with one left in.
 */
export function fillPlaceholders(jsonText: string, values: Readonly<Record<string, string>>): string {
  const missing = new Set<string>();
  const filled = jsonText.replace(PLACEHOLDER, (whole, name: string) => {
    const value = Object.prototype.hasOwnProperty.call(values, name) ? values[name] : undefined;
    if (value === undefined) {
      missing.add(name);
      return whole;
    }
    return JSON.stringify(value).slice(1, -1);
  });
  if (missing.size > 0) {
    throw new AppPackageError(`no value for placeholder(s): ${[...missing].join(', ')}`);
  }
  return filled;
}

const ManifestFiles = z.object({
  icons: z.object({ color: z.string().min(1), outline: z.string().min(1) }),
  localizationInfo: z
    .object({
      additionalLanguages: z.array(z.object({ languageTag: z.string(), file: z.string().min(1) })).optional(),
    })
    .optional(),
});

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new AppPackageError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
}

/**
 * The zip as bytes: manifest.json and every localization file it names (placeholders filled) and the
 * two icons it names, all at the root of the archive.
 */
export function buildAppPackage(appPackageDir: string, values: Readonly<Record<string, string>>): Buffer {
  const manifestText = fillPlaceholders(readFileSync(join(appPackageDir, 'manifest.json'), 'utf8'), values);
  const parsed = ManifestFiles.safeParse(parseJson(manifestText, 'manifest.json'));
  if (!parsed.success) {
    throw new AppPackageError(`manifest.json does not name its icons: ${parsed.error.message}`);
  }
  const { icons, localizationInfo } = parsed.data;
  const zip = new AdmZip();
  zip.addFile('manifest.json', Buffer.from(manifestText, 'utf8'));
  for (const { file } of localizationInfo?.additionalLanguages ?? []) {
    const text = fillPlaceholders(readFileSync(join(appPackageDir, file), 'utf8'), values);
    parseJson(text, file);
    zip.addFile(file, Buffer.from(text, 'utf8'));
  }
  for (const icon of [icons.color, icons.outline]) {
    zip.addFile(icon, readFileSync(join(appPackageDir, icon)));
  }
  return zip.toBuffer();
}

export interface PackageAppOptions {
  /** Where manifest.json and its files live; default ./appPackage. */
  appPackageDir?: string;
  /** Where the zip goes; default ./build. */
  outDir?: string;
  /** Names the zip: appPackage.<environmentName>.zip; default "sandbox" or "production" by mode. */
  environmentName?: string;
  env?: Env;
}

export function packageApp(options: PackageAppOptions = {}): { zipPath: string; ids: PackageIds } {
  const env = options.env ?? process.env;
  const environmentName = options.environmentName ?? (isSandbox(env) ? 'sandbox' : 'production');
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(environmentName)) {
    throw new AppPackageError(`environment name "${environmentName}" must be letters, digits, - or _`);
  }
  const ids = resolvePackageIds(env);
  const values: Record<string, string> = { TEAMS_APP_ID: ids.TEAMS_APP_ID, BOT_ID: ids.BOT_ID };
  const zip = buildAppPackage(options.appPackageDir ?? join(process.cwd(), 'appPackage'), values);
  const outDir = options.outDir ?? join(process.cwd(), 'build');
  mkdirSync(outDir, { recursive: true });
  const zipPath = join(outDir, `appPackage.${environmentName}.zip`);
  writeFileSync(zipPath, zip);
  return { zipPath, ids };
}

if (require.main === module) {
  // The same .env the bot reads; variables already set in the shell win.
  dotenv.config({ path: join(process.cwd(), '.env'), override: false, quiet: true });
  try {
    const { zipPath, ids } = packageApp({ environmentName: process.argv[2] });
    process.stdout.write(`wrote ${zipPath} (Teams app ${ids.TEAMS_APP_ID}, bot ${ids.BOT_ID})\n`);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
