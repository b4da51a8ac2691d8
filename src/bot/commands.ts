import { editDistance } from '../workflows/similarity';
/**
 * Text commands. Each feature declares its commands with their English and French words; the
 * parser is built from what the features registered, plus the product's commands that no feature
 * serves yet (recognised, and answered "not available yet", never taken for a typo).
 */
export interface CommandWords {
  id: string;
  /** Every word that names the command, in both languages; matched case- and accent-insensitively. */
  aliases: readonly string[];
}

/** Commands of the product that this version does not serve yet (none: `audit` is served since issue 11). */
export const PLANNED_COMMANDS: readonly CommandWords[] = [];

export type ParsedCommand =
  | { kind: 'command'; command: string; args: string[]; argText: string }
  | { kind: 'unknown'; text: string; suggestion?: string }
  | { kind: 'empty' };

/** Lower case, accents removed ("Réactiver" → "reactiver"). */
export function normalizeWord(word: string): string {
  return word
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase();
}

export class CommandParser {
  private readonly index = new Map<string, string>();
  /** Aliases of the commands that are served (suggestions only point at those). */
  private readonly served = new Map<string, string>();

  /** Throws when two commands claim one word. */
  constructor(served: readonly CommandWords[], planned: readonly CommandWords[] = []) {
    const servedIds = new Set(served.map((c) => c.id));
    for (const command of [...served, ...planned.filter((p) => !servedIds.has(p.id))]) {
      for (const alias of command.aliases) {
        const word = normalizeWord(alias);
        const owner = this.index.get(word);
        if (owner !== undefined && owner !== command.id) {
          throw new Error(`The word "${alias}" names two commands: ${owner} and ${command.id}`);
        }
        this.index.set(word, command.id);
        if (servedIds.has(command.id)) this.served.set(word, command.id);
      }
    }
  }

  parse(text: string | undefined | null): ParsedCommand {
    const cleaned = (text ?? '')
      .replace(/\u00a0/g, ' ')
      .trim()
      .replace(/^\/+/, '');
    if (cleaned.length === 0) return { kind: 'empty' };
    const [head, ...rest] = cleaned.split(/\s+/);
    const command = this.index.get(normalizeWord(head));
    if (command) {
      const argText = cleaned.slice(head.length).trim();
      return { kind: 'command', command, args: rest, argText };
    }
    return { kind: 'unknown', text: cleaned, suggestion: this.closest(head) };
  }

  /** The served command whose word is nearest by edit distance, if it is near enough to be a typo. */
  closest(word: string): string | undefined {
    const target = normalizeWord(word);
    let best: { id: string; distance: number } | undefined;
    for (const [alias, id] of this.served) {
      const distance = editDistance(target, alias);
      if (!best || distance < best.distance) best = { id, distance };
    }
    if (!best) return undefined;
    const tolerance = Math.max(1, Math.floor(target.length / 3));
    return best.distance <= tolerance ? best.id : undefined;
  }
}

/** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours. */
