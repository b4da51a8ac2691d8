import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/** The committed app package sources, parsed with just the shape these tests look at. */

export const APP_PACKAGE_DIR = join(__dirname, '..', '..', '..', 'appPackage');

const Command = z.object({ title: z.string(), description: z.string() });
export const ManifestShape = z
  .object({
    $schema: z.string(),
    manifestVersion: z.string(),
    id: z.string(),
    name: z.object({ short: z.string(), full: z.string() }),
    description: z.object({ short: z.string(), full: z.string() }),
    icons: z.object({ color: z.string(), outline: z.string() }),
    localizationInfo: z.object({
      defaultLanguageTag: z.string(),
      additionalLanguages: z.array(z.object({ languageTag: z.string(), file: z.string() })),
    }),
    bots: z.array(
      z.object({
        botId: z.string(),
        scopes: z.array(z.string()),
        supportsFiles: z.boolean(),
        isNotificationOnly: z.boolean(),
        commandLists: z.array(z.object({ scopes: z.array(z.string()), commands: z.array(Command) })),
      }),
    ),
    validDomains: z.array(z.string()).optional(),
  })
  .passthrough();
export type ManifestShape = z.infer<typeof ManifestShape>;

export const LocalizationShape = z.record(z.string());

export function readAppPackageText(file: string): string {
  return readFileSync(join(APP_PACKAGE_DIR, file), 'utf8');
}

export function readManifest(): ManifestShape {
  return ManifestShape.parse(JSON.parse(readAppPackageText('manifest.json')));
}

export function readLocalization(file = 'fr-fr.json'): Record<string, string> {
  return LocalizationShape.parse(JSON.parse(readAppPackageText(file)));
}

/** The chat commands of ARCHITECTURE.md, English word to French word. */
export const COMMAND_WORDS: Readonly<Record<string, string>> = {
  help: 'aide',
  buy: 'acheter',
  orders: 'commandes',
  order: 'commande',
  plans: 'plans',
  suspend: 'suspendre',
  reactivate: 'réactiver',
  upgrade: 'migrer',
  usage: 'consommation',
  budget: 'budget',
  alerts: 'alertes',
  invoices: 'factures',
  recon: 'rapprochement',
  requests: 'demandes',
  audit: 'audit',
  whoami: 'whoami',
};
