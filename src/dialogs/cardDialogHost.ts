import { randomUUID } from 'node:crypto';
import { PrivateConversationState, type Storage, type TurnContext } from 'botbuilder';
import type { Dialog, DialogState } from 'botbuilder-dialogs';
import { DialogSet } from './dialogRuntime';
import type { AdaptiveCard } from '../cards/render';
import type { Locale } from '../i18n';
import type { IdempotencyRepository, KeyValueRepository } from '../store';
import { z } from 'zod';
import type { CardPromptServices } from './cardPrompt';
import { cardTurnOf, noteClaim } from './cardTurn';

export type CardTurnResult =
  | { status: 'card'; card: AdaptiveCard }
  /** The dialog ran and had nothing to show (it ended silently). */
  | { status: 'silent' }
  /** Forged, replayed or stale: nothing changed. */
  | { status: 'refused'; because: 'stale' | 'malformed' }
  /** No dialog of this user is active in this conversation. */
  | { status: 'no-dialog' };

export interface CardDialogHostDeps {
  /** botbuilder Storage for dialog state (the store's bot_state table). */
  storage: Storage;
  idempotency: IdempotencyRepository;
  kv: KeyValueRepository;
  /** The card shown when a flow is cancelled (localized by the Teams side). */
  cancelledCard(context: TurnContext, flow?: string): AdaptiveCard;
  /** The language of the person acting in this turn. */
  localeOf(context: TurnContext): Locale;
}

/** A step token stays taken this long: a replay within a day is refused by the claim too. */
const STEP_TOKEN_TTL_MS = 24 * 60 * 60 * 1000;
const OFFERS_TTL_MS = 60 * 60 * 1000;
const MAX_OFFERS = 100;
const offersSchema = z.array(z.string());

/**
 * Runs card dialogs turn by turn: the one host of the bot, to which every feature adds its dialogs.
 * Dialog state is per user AND conversation (PrivateConversationState), so two people buying in one
 * channel never share a dialog. A turn whose submission was refused saves nothing.
 */
export class CardDialogHost implements CardPromptServices {
  private readonly state: PrivateConversationState;
  private readonly dialogSet: DialogSet;
  private readonly holderKey = Symbol('cardDialogHost.holder');

  constructor(private readonly deps: CardDialogHostDeps) {
    this.state = new PrivateConversationState(deps.storage);
    this.dialogSet = new DialogSet(this.state.createProperty<DialogState>('dialogState'));
  }

  add(dialog: Dialog): this {
    if (this.dialogSet.find(dialog.id)) throw new Error(`A dialog "${dialog.id}" is already added`);
    this.dialogSet.add(dialog);
    return this;
  }

  cancelledCard(context: TurnContext, flow?: string): AdaptiveCard {
    return this.deps.cancelledCard(context, flow);
  }

  localeOf(context: TurnContext): Locale {
    return this.deps.localeOf(context);
  }

  /** Starts `dialogId` for this user in this conversation, replacing any dialog they had going. */
  begin(context: TurnContext, dialogId: string, options?: object): Promise<CardTurnResult> {
    return this.run(context, async (dc) => {
      await dc.cancelAllDialogs();
      await dc.beginDialog(dialogId, options);
      return true;
    });
  }

  /** Hands the turn's card submission to this user's active dialog. */
  continue(context: TurnContext): Promise<CardTurnResult> {
    return this.run(context, async (dc) => {
      if (!dc.activeDialog) return false;
      await dc.continueDialog();
      return true;
    });
  }

  async claimToken(context: TurnContext, token: string): Promise<boolean> {
    const key = `card-step:${token}`;
    const claim = await this.deps.idempotency.claim(key, this.holderOf(context), STEP_TOKEN_TTL_MS);
    if (claim.claimed) noteClaim(context, key);
    return claim.claimed;
  }

  async offered(context: TurnContext, dataset: string): Promise<string[]> {
    return (await this.deps.kv.getJson(offersKey(context, dataset), offersSchema)) ?? [];
  }

  /**
   * Remembers what a typeahead search showed this user, so that picking one of those values is
   * a choice the dialog offered. Kept apart from dialog state: a search may run while a
   * submission is in flight and must never overwrite the dialog.
   */
  async recordOffers(context: TurnContext, dataset: string, values: string[]): Promise<void> {
    if (values.length === 0) return;
    const known = await this.offered(context, dataset);
    const merged = [...new Set([...values, ...known])].slice(0, MAX_OFFERS);
    await this.deps.kv.setJson(offersKey(context, dataset), merged, { ttlMs: OFFERS_TTL_MS });
  }

  private async run(
    context: TurnContext,
    drive: (dc: Awaited<ReturnType<DialogSet['createContext']>>) => Promise<boolean>,
  ): Promise<CardTurnResult> {
    context.turnState.set(this.holderKey, randomUUID());
    try {
      const dc = await this.dialogSet.createContext(context);
      const ran = await drive(dc);
      const turn = cardTurnOf(context);
      if (!ran) return { status: 'no-dialog' };
      if (turn.refused) return { status: 'refused', because: turn.refusedBecause ?? 'malformed' };
      await this.state.saveChanges(context);
      for (const key of turn.claims)
        await this.deps.idempotency.complete(key, undefined, { retainMs: STEP_TOKEN_TTL_MS });
      return turn.card ? { status: 'card', card: turn.card } : { status: 'silent' };
    } catch (error) {
      // The state was not saved: give the step token back so that the user can submit again.
      for (const key of cardTurnOf(context).claims)
        await this.deps.idempotency.abandon(key, this.holderOf(context));
      throw error;
    }
  }

  private holderOf(context: TurnContext): string {
    return (context.turnState.get(this.holderKey) as string | undefined) ?? 'unknown';
  }
}

function offersKey(context: TurnContext, dataset: string): string {
  const activity = context.activity;
  return `typeahead:${dataset}:${activity.channelId}/${activity.conversation?.id}/${activity.from?.id}`;
}
