/**
 * Text commands: English and French aliases, matched case- and accent-insensitively.
 * `available: false` marks a command of the product that this version does not serve yet: it is
 * recognised (and says so) but hidden from the help card and the app manifest.
 */
export const COMMANDS = {
  help: { aliases: ['help', 'aide', '?'], available: true },
  whoami: { aliases: ['whoami', 'quisuisje'], available: true },
  buy: { aliases: ['buy', 'acheter'], available: true },
  orders: { aliases: ['orders', 'commandes'], available: true },
  order: { aliases: ['order', 'commande'], available: true },
  plans: { aliases: ['plans', 'plan'], available: false },
  suspend: { aliases: ['suspend', 'suspendre'], available: false },
  reactivate: { aliases: ['reactivate', 'reactiver'], available: false },
  upgrade: { aliases: ['upgrade', 'migrer'], available: false },
  usage: { aliases: ['usage', 'consommation'], available: false },
  budget: { aliases: ['budget'], available: false },
  alerts: { aliases: ['alerts', 'alertes'], available: false },
  invoices: { aliases: ['invoices', 'factures'], available: false },
  recon: { aliases: ['recon', 'rapprochement'], available: false },
  requests: { aliases: ['requests', 'demandes'], available: true },
  audit: { aliases: ['audit'], available: false },
} satisfies Record<string, { aliases: string[]; available: boolean }>;

export type CommandId = keyof typeof COMMANDS;
export const COMMAND_IDS = Object.keys(COMMANDS) as CommandId[];

export function isCommandAvailable(id: CommandId): boolean {
  return COMMANDS[id].available;
}

export type ParsedCommand =
  | { kind: 'command'; command: CommandId; args: string[]; argText: string }
  | { kind: 'unknown'; text: string; suggestion?: CommandId }
  | { kind: 'empty' };

/** Lower case, accents removed ("Réactiver" → "reactiver"). */
export function normalizeWord(word: string): string {
  return word
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase();
}

const aliasIndex = new Map<string, CommandId>(
  COMMAND_IDS.flatMap((id) => COMMANDS[id].aliases.map((alias) => [normalizeWord(alias), id] as const)),
);

export function parseCommand(text: string | undefined | null): ParsedCommand {
  const cleaned = (text ?? '')
    .replace(/\u00a0/g, ' ')
    .trim()
    .replace(/^\/+/, '');
  if (cleaned.length === 0) return { kind: 'empty' };
  const [head, ...rest] = cleaned.split(/\s+/);
  const command = aliasIndex.get(normalizeWord(head));
  if (command) {
    const argText = cleaned.slice(head.length).trim();
    return { kind: 'command', command, args: rest, argText };
  }
  return { kind: 'unknown', text: cleaned, suggestion: closestCommand(head) };
}

/** The command whose alias is nearest by edit distance, if it is near enough to be a typo. */
export function closestCommand(word: string): CommandId | undefined {
  const target = normalizeWord(word);
  let best: { id: CommandId; distance: number } | undefined;
  for (const [alias, id] of aliasIndex) {
    if (!COMMANDS[id].available) continue;
    const distance = editDistance(target, alias);
    if (!best || distance < best.distance) best = { id, distance };
  }
  if (!best) return undefined;
  const tolerance = Math.max(1, Math.floor(target.length / 3));
  return best.distance <= tolerance ? best.id : undefined;
}

/** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours. */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
}
