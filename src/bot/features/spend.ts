import type { TurnContext } from 'botbuilder';
import { z } from 'zod';
import { BudgetDialog, type BudgetDialogOptions } from '../../dialogs/budgetDialog';
import { CustomerActionDialog } from '../../dialogs/customerActionDialog';
import type { DialogTurn } from '../../dialogs/cardTurn';
import { mfaCard } from '../../dialogs/lifecycleCards';
import { alertCard, alertsListCard, budgetCard, spendNotice, usageCard } from '../../dialogs/spendCards';
import { t, type Locale } from '../../i18n';
import { formatAmount, formatPercent } from '../../i18n/format';
import { isMfaRequired, PartnerCenterError, type PartnerCenterClient } from '../../partnercenter';
import { ALL_CUSTOMERS, type ActionRequest, type BudgetAlert, type Store } from '../../store';
import {
  alertFiguresSchema,
  ALERT_POST_TASK,
  budgetPayloadSchema,
  BudgetAlertFollowing,
  DEFAULT_ALERT_THRESHOLDS,
  numbersInName,
  type AlertActor,
  recordSpend,
  RAISE_BUDGET_KIND,
  SET_BUDGET_KIND,
  usageOverview,
  type CustomerSummary,
  type Role,
  type TaskHandler,
} from '../../workflows';
import { channelKeyOf } from '../conversationReferences';
import type { CommandHandler, VerbHandler } from '../handlers/types';
import { invokeCard, invokeError, invokeInvalidSubmission, invokeMessage } from '../invokeResponses';
import type { KindPresenter } from '../presenters/presenter';
import type { ProactiveMessenger } from '../proactive';
import { toActivity } from '../proactive';
import { requiredTurnServices, type TurnServices } from '../turnServices';
import type { FeatureDefinition } from './feature';
import { dialogCommand, refuseRole, refuseRoleInvoke } from './startDialog';

const USAGE_DIALOG = 'usage';
const BUDGET_SHOW_DIALOG = 'budget.show';
const ALERTS_DIALOG = 'alerts.customer';

const SET_WORDS = ['set', 'fixer', 'définir', 'definir'];
const CLEAR_WORDS = ['clear', 'remove', 'supprimer', 'effacer'];
const ON_WORDS = ['on', 'enable', 'activer'];
const OFF_WORDS = ['off', 'disable', 'désactiver', 'desactiver'];
const LIST_WORDS = ['list', 'liste'];
const ALL_WORDS = ['all', '*', 'tous', 'tout'];

/** `budget <customer> [set <amount>|clear]`, in either language. */
export function parseBudgetCommand(argText: string): BudgetDialogOptions | { query: string; change: 'show' } {
  const words = argText.trim().split(/\s+/).filter(Boolean);
  const last = words.length - 1;
  // A customer's name may hold these words ("Blue Clear Ltd"): `clear` counts only as the last
  // word, `set` only when nothing or an amount follows it.
  const isVerbAt = (word: string, i: number) => {
    if (i === 0) return false;
    const lower = word.toLowerCase();
    if (CLEAR_WORDS.includes(lower)) return i === last;
    return SET_WORDS.includes(lower) && (i === last || /\d/.test(words.slice(i + 1).join(' ')));
  };
  const at = words.findLastIndex(isVerbAt);
  if (at < 0) return { query: words.join(' '), change: 'show' };
  const query = words.slice(0, at).join(' ');
  const verb = words[at].toLowerCase();
  if (CLEAR_WORDS.includes(verb)) return { query, change: 'clear' };
  const amountText = words.slice(at + 1).join(' ');
  return { query, change: 'set', ...(amountText ? { amountText } : {}) };
}

export type AlertsCommand =
  | { action: 'list' }
  | { action: 'on'; target: string; thresholds: number[]; trailing?: string[] }
  | { action: 'off'; target: string; trailing?: string[] }
  | { action: 'invalid'; reason: 'thresholds' | 'usage' };

/**
 * `alerts on [customer|all] [thresholds]`, `alerts off [customer|all]`, `alerts list`. Numbers after
 * a customer's name are thresholds unless they end the name (`Contoso 365`): `trailing` holds them
 * as typed, for the handler to ask which (numbersInName).
 */
export function parseAlertsCommand(argText: string): AlertsCommand {
  const words = argText.trim().split(/\s+/).filter(Boolean);
  const verb = (words.shift() ?? 'list').toLowerCase();
  if (LIST_WORDS.includes(verb)) return { action: 'list' };
  const isOn = ON_WORDS.includes(verb);
  if (!isOn && !OFF_WORDS.includes(verb)) return { action: 'invalid', reason: 'usage' };
  const typed: string[] = [];
  while (words.length > 0 && /^\d+(?:[.,]\d+)?\s*%?$/.test(words[words.length - 1])) {
    typed.unshift(words.pop() ?? '');
  }
  const thresholds = typed.map((word) => Number(word.replace('%', '').replace(',', '.')));
  const rest = words.join(' ');
  const target = rest === '' || ALL_WORDS.includes(rest.toLowerCase()) ? ALL_CUSTOMERS : rest;
  // Numbers after a name may be part of it: their range is checked once the name is known.
  const named = target !== ALL_CUSTOMERS && typed.length > 0;
  const trailing = named ? { trailing: typed } : {};
  if (!isOn) {
    if (typed.length > 0 && !named) return { action: 'invalid', reason: 'usage' };
    return { action: 'off', target, ...trailing };
  }
  if (!named && !inRange(thresholds)) return { action: 'invalid', reason: 'thresholds' };
  return {
    action: 'on',
    target,
    thresholds: thresholds.length > 0 ? thresholds : [...DEFAULT_ALERT_THRESHOLDS],
    ...trailing,
  };
}

function inRange(thresholds: readonly number[]): boolean {
  return thresholds.every((p) => p >= 1 && p <= 1000);
}

/**
 * The command with the numbers that end the customer's name given back to it (`alerts on Contoso
 * 365` follows Contoso 365 at the default thresholds, if that customer exists); the numbers left
 * are thresholds (checked for range here) or, after `off`, a mistake.
 */
export async function withNumbersInName(
  parsed: Extract<AlertsCommand, { action: 'on' | 'off' }>,
  pc: PartnerCenterClient,
  correlationId: string,
): Promise<Exclude<AlertsCommand, { action: 'list' }>> {
  const typed = parsed.trailing ?? [];
  const taken = await numbersInName(pc, parsed.target, typed, { correlationId });
  const target = [parsed.target, ...typed.slice(0, taken)].join(' ');
  const left = typed.length - taken;
  if (parsed.action === 'off')
    return left === 0 ? { action: 'off', target } : { action: 'invalid', reason: 'usage' };
  if (left === 0) return { action: 'on', target, thresholds: [...DEFAULT_ALERT_THRESHOLDS] };
  const thresholds = parsed.thresholds.slice(taken);
  return inRange(thresholds)
    ? { action: 'on', target, thresholds }
    : { action: 'invalid', reason: 'thresholds' };
}

/** The caller as the alert service records them. */
function actorOf(turn: Pick<TurnServices, 'caller' | 'correlationId'>, context: TurnContext): AlertActor {
  return {
    id: turn.caller.aadObjectId ?? 'unknown',
    name: turn.caller.name,
    correlationId: turn.correlationId,
    conversationId: context.activity.conversation.id,
    ...(turn.caller.tenantId ? { tenantId: turn.caller.tenantId } : {}),
  };
}

function mayAct(services: TurnServices, role: Role): boolean {
  return services.roles.includes(role) || services.roles.includes('admin');
}

/** Where a conversation's alerts go: a channel as a whole (each alert a new thread), else the chat itself. */
function alertConversationKey(context: TurnContext): string {
  const conversation = context.activity.conversation;
  return conversation.conversationType === 'channel' ? channelKeyOf(conversation.id) : conversation.id;
}

const localeKey = (conversationKey: string) => `alerts.locale:${conversationKey}`;
const localeSchema = z.enum(['en', 'fr']);

async function alertLocale(store: Store, conversationKey: string): Promise<Locale> {
  const stored = localeSchema.safeParse(await store.kv.get(localeKey(conversationKey)));
  return stored.success ? stored.data : 'en';
}

async function renderAlert(store: Store, alert: BudgetAlert, locale: Locale) {
  const snooze = await store.alerts.snoozed(alert.conversationKey, alert.customerId, alert.periodKey);
  return alertCard(locale, alert, snooze ? { snoozedBy: snooze.by.name } : {});
}

/** Posts a raised alert in its conversation (a channel: a new thread) and remembers where it is. */
function alertPoster(store: Store, messenger: ProactiveMessenger): TaskHandler {
  const payload = z.object({ alertId: z.string().min(1) });
  return {
    kind: ALERT_POST_TASK,
    async handle(task, ctx) {
      const { alertId } = payload.parse(task.payload);
      const alert = await store.alerts.alert(alertId);
      if (!alert || alert.state !== 'pending') return { type: 'done' };
      const locale = await alertLocale(store, alert.conversationKey);
      const card = await renderAlert(store, alert, locale);
      const text =
        alert.kind === 'forecast'
          ? t(locale, 'spend.alert.forecastTitle', { customerName: alert.customerName })
          : t(locale, 'spend.alert.thresholdTitle', {
              customerName: alert.customerName,
              percent: formatPercent(alertFiguresSchema.parse(alert.figures).percentUsed, locale),
            });
      const reference = await store.conversations.get(alert.conversationKey);
      const where =
        reference?.conversationType === 'channel'
          ? await messenger.startThread(alert.conversationKey, { card, text })
          : {
              conversationKey: alert.conversationKey,
              ...(await messenger.send(alert.conversationKey, { card, text })),
            };
      await store.alerts.markPosted(alert.id, where);
      ctx.logger.info(
        { alertId, customerId: alert.customerId, threshold: alert.threshold },
        'budget alert posted',
      );
      return { type: 'done' };
    },
  };
}

function budgetPresenter(kind: string): KindPresenter {
  return {
    kind,
    title: (request, locale) => t(locale, `kinds.${kind}.title`, { customerName: request.customerName }),
    message(request: ActionRequest, notice, locale) {
      if (notice.event !== 'succeeded') return undefined;
      const payload = budgetPayloadSchema.safeParse(request.payload);
      if (!payload.success) return undefined;
      const { amount, currency, customerName } = payload.data;
      if (amount === null) return t(locale, `kinds.${kind}.messages.cleared`, { customerName });
      return t(locale, `kinds.${kind}.messages.succeeded`, {
        customerName,
        amount: formatAmount(amount, currency, locale),
      });
    },
  };
}

/**
 * Azure spend: `usage`, `budget` (read; set and clear as requests), `alerts` (on, off, list) and
 * the budget alert cards the monitor raises (acknowledge, snooze for the period, usage, raise the
 * budget through approval, the suspension preflight).
 */
export const spendFeature: FeatureDefinition = {
  name: 'spend',
  commands: [
    { id: 'usage', aliases: ['usage', 'consommation'] },
    { id: 'budget', aliases: ['budget'] },
    { id: 'alerts', aliases: ['alerts', 'alertes'] },
  ],
  create(host) {
    const { store, pc, dialogs } = host;
    const following = new BudgetAlertFollowing(store);

    const showUsage = async (customer: CustomerSummary, turn: DialogTurn) => {
      const flow = t(turn.locale, 'spend.usage.flow');
      try {
        const overview = await usageOverview(pc, customer.id, { correlationId: turn.correlationId });
        if (overview.reading) await recordSpend(store, customer.id, overview.reading, Date.now());
        const snapshots = overview.reading
          ? await store.spend.period(customer.id, overview.reading.periodKey)
          : [];
        return usageCard(turn.locale, {
          customerId: customer.id,
          customerName: customer.companyName,
          overview,
          snapshots,
        });
      } catch (error) {
        if (isMfaRequired(error)) {
          return mfaCard(turn.locale, flow, turn.correlationId);
        }
        throw error;
      }
    };

    const showBudget = async (customer: CustomerSummary, turn: DialogTurn) => {
      const budget = await pc.budgets.get(customer.id, { correlationId: turn.correlationId });
      let spent: number | undefined;
      let currency = '';
      try {
        const summary = await pc.usage.customerSummary(customer.id, { correlationId: turn.correlationId });
        spent = summary.totalCost;
        currency = summary.currencyCode ?? '';
      } catch (error) {
        // The budget is app-only; what is spent needs App+User: show the budget alone without it.
        if (!(error instanceof PartnerCenterError) || error.transient) throw error;
      }
      return budgetCard(turn.locale, {
        customerId: customer.id,
        customerName: customer.companyName,
        budget: budget.amount ?? null,
        currency,
        ...(spent !== undefined ? { spent } : {}),
      });
    };

    const subscribe = async (
      context: TurnContext,
      customer: { id: string; name: string },
      turn: DialogTurn,
      extra: Readonly<Record<string, string>>,
    ) => {
      const conversationKey = alertConversationKey(context);
      const flow = t(turn.locale, 'spend.alerts.flow');
      const target = customer.id === ALL_CUSTOMERS ? t(turn.locale, 'spend.alerts.all') : customer.name;
      const by = actorOf(turn, context);
      if (extra.action === 'off') {
        const removed = await following.unfollow({ conversationKey, customer, by });
        return spendNotice(
          turn.locale,
          flow,
          t(turn.locale, removed ? 'spend.alerts.off' : 'spend.alerts.offNone', { target }),
        );
      }
      const thresholds = (extra.thresholds ?? '')
        .split(',')
        .map(Number)
        .filter((n) => n > 0);
      const subscription = await following.follow({ conversationKey, customer, thresholds, by });
      // Alerts for this conversation are posted in the language it was asked in.
      await store.kv.set(localeKey(conversationKey), turn.locale);
      return spendNotice(
        turn.locale,
        flow,
        t(turn.locale, 'spend.alerts.on', {
          target,
          thresholds: subscription.thresholds.map((p) => formatPercent(p, turn.locale)).join(', '),
        }),
        'good',
      );
    };

    const budgetCommand: CommandHandler = async (request) => {
      const parsed = parseBudgetCommand(request.argText);
      if (parsed.change === 'show') {
        return dialogCommand(dialogs, BUDGET_SHOW_DIALOG, { titleKey: 'spend.budget.flow' })(request);
      }
      return dialogCommand(dialogs, BudgetDialog.id, {
        role: 'requester',
        titleKey: 'spend.budget.flow',
        dialogOptions: () => parsed,
      })(request);
    };

    const alertsCommand: CommandHandler = async (request) => {
      const { context, services } = request;
      const parsed = parseAlertsCommand(request.argText);
      const { locale } = services;
      const flow = t(locale, 'spend.alerts.flow');
      const refuse = async (reason: 'thresholds' | 'usage') => {
        const text = t(
          locale,
          reason === 'thresholds' ? 'spend.alerts.badThresholds' : 'spend.alerts.usageHelp',
        );
        await context.sendActivity(toActivity({ card: spendNotice(locale, flow, text, 'warning') }));
      };
      if (parsed.action === 'invalid') return refuse(parsed.reason);
      if (parsed.action === 'list') {
        const conversationKey = alertConversationKey(context);
        const subscriptions = await store.alerts.list({ conversationKey });
        const recent = await store.alerts.alerts({ conversationKey, limit: 10 });
        await context.sendActivity(toActivity({ card: alertsListCard(locale, subscriptions, recent) }));
        return;
      }
      if (!mayAct(services, 'requester')) {
        await refuseRole(context, services, 'requester');
        return;
      }
      const command = parsed.trailing ? await withNumbersInName(parsed, pc, services.correlationId) : parsed;
      if (command.action === 'invalid') return refuse(command.reason);
      const extra: Record<string, string> =
        command.action === 'on'
          ? { action: 'on', thresholds: command.thresholds.join(',') }
          : { action: 'off' };
      if (command.target === ALL_CUSTOMERS) {
        const card = await subscribe(context, { id: ALL_CUSTOMERS, name: '' }, services, extra);
        await context.sendActivity(toActivity({ card }));
        return;
      }
      const outcome = await dialogs.begin(context, ALERTS_DIALOG, { query: command.target, extra });
      if (outcome.status === 'card')
        await context.sendActivity(toActivity({ card: outcome.card, text: flow }));
    };

    /** The alert a card action names, if it belongs to the conversation the click came from. */
    const alertFor = async (
      context: TurnContext,
      services: TurnServices,
      data: Record<string, unknown>,
    ): Promise<BudgetAlert | ReturnType<typeof invokeError>> => {
      const parsed = z.object({ alertId: z.string().min(1).max(100) }).safeParse(data);
      if (!parsed.success) return invokeInvalidSubmission(services);
      const alert = await store.alerts.alert(parsed.data.alertId);
      const { locale, correlationId } = services;
      if (!alert) return invokeError(404, 'NotFound', t(locale, 'spend.alert.gone', { correlationId }));
      if (channelKeyOf(context.activity.conversation.id) !== channelKeyOf(alert.conversationKey)) {
        services.logger.warn({ alertId: alert.id }, 'a budget alert action came from another conversation');
        return invokeError(403, 'Forbidden', t(locale, 'spend.alert.elsewhere', { correlationId }));
      }
      return alert;
    };

    const isAlert = (value: BudgetAlert | ReturnType<typeof invokeError>): value is BudgetAlert =>
      'periodKey' in value;

    const acknowledge: VerbHandler = async ({ context, services, data }) => {
      const found = await alertFor(context, services, data);
      if (!isAlert(found)) return found;
      if (!mayAct(services, 'requester')) return refuseRoleInvoke(services, 'requester');
      const acknowledged = await following.acknowledge(found, actorOf(services, context));
      if (!acknowledged) return invokeInvalidSubmission(services);
      return invokeCard(await renderAlert(store, acknowledged, services.locale));
    };

    const snooze: VerbHandler = async ({ context, services, data }) => {
      const found = await alertFor(context, services, data);
      if (!isAlert(found)) return found;
      if (!mayAct(services, 'requester')) return refuseRoleInvoke(services, 'requester');
      await following.snooze(found, actorOf(services, context), Date.now());
      return invokeCard(await renderAlert(store, found, services.locale));
    };

    const raise: VerbHandler = async ({ context, services, data }) => {
      const found = await alertFor(context, services, data);
      if (!isAlert(found)) return found;
      if (!mayAct(services, 'requester')) return refuseRoleInvoke(services, 'requester');
      const figures = alertFiguresSchema.parse(found.figures);
      const outcome = await dialogs.begin(context, BudgetDialog.id, {
        query: found.customerId,
        change: 'raise',
        alertId: found.id,
        projectedTotal: Math.ceil(figures.projectedTotal),
      } satisfies BudgetDialogOptions);
      if (outcome.status === 'card') {
        await context.sendActivity(
          toActivity({ card: outcome.card, text: t(services.locale, 'spend.budget.flow') }),
        );
      }
      return invokeMessage(t(services.locale, 'spend.budget.flow'));
    };

    const dialogDeps = {
      pc,
      requests: host.requests,
      prompts: dialogs,
      turn: requiredTurnServices,
      publishRequest: host.publishRequest,
    };

    return {
      commands: {
        usage: dialogCommand(dialogs, USAGE_DIALOG, { titleKey: 'spend.usage.flow' }),
        budget: budgetCommand,
        alerts: alertsCommand,
      },
      verbs: {
        'alert.ack': acknowledge,
        'alert.snooze': snooze,
        'alert.raise': raise,
      },
      dialogs: [
        new CustomerActionDialog(USAGE_DIALOG, {
          pc,
          prompts: dialogs,
          turn: requiredTurnServices,
          flowKey: 'spend.usage.flow',
          show: async (_context, customer, turn) => showUsage(customer, turn),
        }),
        new CustomerActionDialog(BUDGET_SHOW_DIALOG, {
          pc,
          prompts: dialogs,
          turn: requiredTurnServices,
          flowKey: 'spend.budget.flow',
          show: async (_context, customer, turn) => showBudget(customer, turn),
        }),
        new CustomerActionDialog(ALERTS_DIALOG, {
          pc,
          prompts: dialogs,
          turn: requiredTurnServices,
          flowKey: 'spend.alerts.flow',
          show: (context, customer, turn, extra) =>
            subscribe(context, { id: customer.id, name: customer.companyName }, turn, extra),
        }),
        new BudgetDialog(dialogDeps),
      ],
      presenters: [budgetPresenter(SET_BUDGET_KIND), budgetPresenter(RAISE_BUDGET_KIND)],
      tasks: [alertPoster(store, host.messenger)],
    };
  },
};
