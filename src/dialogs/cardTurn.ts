import type { TurnContext } from 'botbuilder';
import type { AdaptiveCard } from '../cards/render';
import type { Locale } from '../i18n';
import type { Logger } from '../logging';
import type { Caller, Role } from '../workflows/roles';

/** What a dialog needs to know about the turn (the bot's TurnServices satisfies it). */
export interface DialogTurn {
  correlationId: string;
  logger: Logger;
  locale: Locale;
  caller: Caller;
  roles: Role[];
}

/**
 * What one turn of a card dialog produced. A turn answers with at most one card: the last one a
 * step presented. The host sends it (a typed command), or answers the invoke with it (the card is
 * replaced in place), or updates the submitted card (Action.Submit).
 */
interface CardTurnRecord {
  card?: AdaptiveCard;
  /** The submission was refused (forged, replayed or stale); nothing may change. */
  refused?: boolean;
  /** Why, for the words the person sees: another step's card, or data no card of ours sent. */
  refusedBecause?: 'stale' | 'malformed';
  /** Step tokens claimed this turn: completed after state is saved, released if the turn fails. */
  claims: string[];
}

const KEY = Symbol('azurePlanOps.cardTurn');

function recordOf(context: TurnContext): CardTurnRecord {
  let record = context.turnState.get(KEY) as CardTurnRecord | undefined;
  if (!record) {
    record = { claims: [] };
    context.turnState.set(KEY, record);
  }
  return record;
}

export function presentCard(context: TurnContext, card: AdaptiveCard): void {
  recordOf(context).card = card;
}

export function refuseSubmission(context: TurnContext, because: 'stale' | 'malformed' = 'malformed'): void {
  const record = recordOf(context);
  record.refused = true;
  record.refusedBecause = because;
}

export function noteClaim(context: TurnContext, key: string): void {
  recordOf(context).claims.push(key);
}

export function cardTurnOf(context: TurnContext): Readonly<CardTurnRecord> {
  return recordOf(context);
}
