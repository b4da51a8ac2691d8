import { AppManifestUtils, type AppManifest } from '@microsoft/app-manifest';

/**
 * Offline validation against the Teams JSON schemas bundled in @microsoft/app-manifest.
 *
 * Two quirks of version 1.1.2 are handled here, not papered over in the files under test:
 * - it imports strip-bom 5, which is ESM only; Node 20.19+ can require() it but Jest's module
 *   runtime cannot, so the tests substitute the same one-line function (only the package's file
 *   readers use it, not the validator);
 * - the bundled localization schemas carry two patterns (`activities.activityTypes[…]`) that are
 *   not valid under the unicode flag Ajv compiles with (an unescaped `]`), so compiling them throws;
 *   that `]` is escaped before validating, which keeps the pattern's meaning.
 */
jest.mock('strip-bom', () => ({
  __esModule: true,
  default: (text: string) => (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text),
}));

export function validateManifest(manifest: unknown): Promise<string[]> {
  return AppManifestUtils.validateAgainstSchema(manifest as AppManifest);
}

type JsonSchema = Awaited<ReturnType<typeof AppManifestUtils.fetchSchema>>;

function escapeLoneBrackets(schema: JsonSchema): JsonSchema {
  const text = JSON.stringify(schema).replaceAll('\\\\b]', '\\\\b\\\\]');
  return JSON.parse(text) as JsonSchema;
}

/** Validates a localization file against the schema its own `$schema` names. */
export async function validateLocalization(
  localization: Readonly<Record<string, unknown>>,
): Promise<string[]> {
  const schemaUrl = localization.$schema;
  if (typeof schemaUrl !== 'string') throw new Error('the localization file has no $schema');
  const schema = escapeLoneBrackets(await AppManifestUtils.fetchSchema(schemaUrl));
  return AppManifestUtils.validateAgainstSchema(localization as unknown as AppManifest, schema);
}
