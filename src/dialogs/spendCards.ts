import { renderCard, type AdaptiveCard } from '../cards/render';
import { t, type Locale } from '../i18n';
import {
  formatDay,
  formatAmount,
  formatInstant,
  formatMoney,
  formatPercent,
  formatShortDay,
} from '../i18n/format';
import type { AlertSubscription, BudgetAlert, SpendSnapshot } from '../store';
import { ALL_CUSTOMERS } from '../store';
import { alertFiguresSchema, type CostLine, type UsageOverview } from '../workflows';
import type { Fact } from './flowCards';

/** A button of a spend card: an Action.Execute verb with its data (never trusted when it comes back). */
export interface SpendButton {
  title: string;
  verb: string;
  data: Record<string, unknown>;
  style?: 'positive' | 'destructive' | 'default';
}

interface SpendCardInput {
  flow: string;
  title: string;
  tone?: 'info' | 'good' | 'warning' | 'error';
  subtitle?: string;
  facts?: Fact[];
  gauge?: BudgetGauge;
  sections?: Array<{ title: string; lines: string[] }>;
  bars?: {
    title: string;
    xTitle: string;
    yTitle: string;
    data: Array<{ x: string; y: number }>;
    fallback: string;
  };
  paragraphs?: string[];
  note?: string;
  buttons?: SpendButton[];
}

interface BudgetGauge {
  title: string;
  label: string;
  value: number;
  max: number;
  fallback: string;
  segments: Array<{ legend: string; size: number; color: string }>;
}

function spendCard(locale: Locale, input: SpendCardInput): AdaptiveCard {
  return renderCard(
    'spend',
    {
      flow: input.flow,
      title: input.title,
      tone: input.tone ?? 'info',
      subtitle: input.subtitle ?? null,
      facts: input.facts ?? [],
      gauge: input.gauge ?? null,
      sections: input.sections ?? [],
      bars: input.bars ?? null,
      paragraphs: input.paragraphs ?? [],
      note: input.note ?? null,
      buttons: (input.buttons ?? []).map((b) => ({ ...b, style: b.style ?? 'default' })),
    },
    locale,
  );
}

/**
 * The budget as a gauge: the share spent against a scale that reaches at least 100 %, green up to
 * 80 %, amber to 100 %, red beyond; clients without charts show the same figures as a sentence.
 */
function budgetGauge(locale: Locale, spent: number, budget: number, currency: string): BudgetGauge {
  const percent = (spent / budget) * 100;
  const max = Math.max(100, Math.ceil(percent / 10) * 10);
  const words = {
    spent: formatAmount(spent, currency, locale),
    budget: formatAmount(budget, currency, locale),
  };
  const segments = [
    { legend: t(locale, 'spend.usage.segments.within'), size: 80, color: 'good' },
    { legend: t(locale, 'spend.usage.segments.near'), size: 20, color: 'warning' },
    ...(max > 100
      ? [{ legend: t(locale, 'spend.usage.segments.over'), size: max - 100, color: 'attention' }]
      : []),
  ];
  return {
    title: t(locale, 'spend.usage.gaugeTitle'),
    label: t(locale, 'spend.usage.gaugeLabel', words),
    value: Math.round(percent * 10) / 10,
    max,
    segments,
    fallback: t(locale, 'spend.usage.gaugeFallback', { ...words, percent: formatPercent(percent, locale) }),
  };
}

function costLines(locale: Locale, lines: CostLine[], currency: string): string[] {
  if (lines.length === 0) return [t(locale, 'spend.usage.nothing')];
  return lines.map((line) =>
    line.detail
      ? t(locale, 'spend.usage.lineDetail', {
          name: line.name,
          detail: line.detail,
          amount: formatAmount(line.cost, currency, locale),
        })
      : t(locale, 'spend.usage.line', { name: line.name, amount: formatAmount(line.cost, currency, locale) }),
  );
}

/** Spend per day from the day-by-day totals of the period (the first day counts from zero). */
export function dailySpend(snapshots: readonly SpendSnapshot[]): Array<{ day: string; spent: number }> {
  const days: Array<{ day: string; spent: number }> = [];
  let previous = 0;
  for (const snapshot of [...snapshots].sort((a, b) => a.day.localeCompare(b.day))) {
    days.push({
      day: snapshot.day,
      spent: Math.max(0, Math.round((snapshot.totalCost - previous) * 100) / 100),
    });
    previous = snapshot.totalCost;
  }
  return days;
}

export interface UsageCardInput {
  customerId: string;
  customerName: string;
  overview: UsageOverview;
  /** What was seen day by day this period (the trend needs two days at least). */
  snapshots: readonly SpendSnapshot[];
}

/** `usage <customer>`: the period's estimate, the budget gauge, the plans, the top meters and resources, the trend. */
export function usageCard(locale: Locale, input: UsageCardInput): AdaptiveCard {
  const { overview } = input;
  const currency = overview.currency;
  const spentText = formatAmount(overview.totalCost, currency, locale);
  const facts: Fact[] = [
    {
      title: t(locale, 'spend.usage.spent'),
      value:
        overview.usdTotalCost !== undefined && currency !== 'USD'
          ? t(locale, 'spend.usage.spentWithUsd', {
              amount: spentText,
              usd: formatMoney(overview.usdTotalCost, 'USD', locale),
            })
          : spentText,
    },
  ];
  const paragraphs: string[] = [];
  if (overview.budget !== undefined) {
    facts.push({
      title: t(locale, 'spend.usage.budget'),
      value: t(locale, 'spend.usage.budgetShare', {
        amount: formatAmount(overview.budget, currency, locale),
        percent: formatPercent(overview.forecast.percentUsed ?? 0, locale),
      }),
    });
    facts.push({
      title: t(locale, 'spend.usage.forecast'),
      value: t(locale, 'spend.usage.forecastShare', {
        amount: formatAmount(overview.forecast.projectedTotal, currency, locale),
        percent: formatPercent(overview.forecast.projectedPercent ?? 0, locale),
      }),
    });
    if (overview.forecast.projectedCrossing !== undefined) {
      paragraphs.push(
        t(locale, 'spend.usage.crossing', { date: formatDay(overview.forecast.projectedCrossing, locale) }),
      );
    }
  } else {
    facts.push({
      title: t(locale, 'spend.usage.budget'),
      value: t(locale, 'spend.usage.noBudget', { customerName: input.customerName }),
    });
    facts.push({
      title: t(locale, 'spend.usage.forecast'),
      value: formatAmount(overview.forecast.projectedTotal, currency, locale),
    });
  }
  const days = dailySpend(input.snapshots);
  const bars =
    days.length >= 2
      ? {
          title: t(locale, 'spend.usage.trendTitle'),
          xTitle: t(locale, 'spend.usage.trendX'),
          yTitle: t(locale, 'spend.usage.trendY'),
          data: days.map((d) => ({ x: formatShortDay(d.day, locale), y: d.spent })),
          fallback: t(locale, 'spend.usage.trendFallback', {
            days: days
              .map((d) => `${formatShortDay(d.day, locale)} ${formatAmount(d.spent, currency, locale)}`)
              .join(' · '),
          }),
        }
      : undefined;
  if (!bars) paragraphs.push(t(locale, 'spend.usage.trendLater'));
  paragraphs.push(
    t(locale, 'spend.usage.estimate', {
      asOf: overview.lastModified ? formatInstant(overview.lastModified, locale) : '—',
    }),
  );
  return spendCard(locale, {
    flow: t(locale, 'spend.usage.flow'),
    title: t(locale, 'spend.usage.title', { customerName: input.customerName }),
    tone:
      (overview.forecast.percentUsed ?? 0) >= 100
        ? 'error'
        : (overview.forecast.projectedPercent ?? 0) > 100
          ? 'warning'
          : 'info',
    subtitle: overview.periodStart
      ? t(locale, 'spend.usage.period', {
          start: formatDay(overview.periodStart, locale),
          end: formatDay(Date.parse(overview.periodEnd) - 1, locale),
        })
      : undefined,
    facts,
    ...(overview.budget !== undefined
      ? { gauge: budgetGauge(locale, overview.totalCost, overview.budget, currency) }
      : {}),
    sections: [
      {
        title: t(locale, 'spend.usage.plansTitle'),
        lines: costLines(locale, overview.subscriptions, currency),
      },
      { title: t(locale, 'spend.usage.metersTitle'), lines: costLines(locale, overview.topMeters, currency) },
      {
        title: t(locale, 'spend.usage.resourcesTitle'),
        lines: costLines(locale, overview.topResources, currency),
      },
    ],
    ...(bars ? { bars } : {}),
    paragraphs,
    buttons: [
      {
        title: t(locale, 'spend.usage.showBudget'),
        verb: 'command.run',
        data: { command: 'budget', argText: input.customerId },
      },
      {
        title: t(locale, 'spend.usage.refresh'),
        verb: 'command.run',
        data: { command: 'usage', argText: input.customerId },
      },
    ],
  });
}

export interface BudgetCardInput {
  customerId: string;
  customerName: string;
  budget: number | null;
  currency: string;
  spent?: number;
}

/** `budget <customer>`: the budget, what is spent of it, and how to change it. */
export function budgetCard(locale: Locale, input: BudgetCardInput): AdaptiveCard {
  const facts: Fact[] = [
    {
      title: t(locale, 'spend.budget.current'),
      value:
        input.budget === null
          ? t(locale, 'spend.budget.none')
          : formatAmount(input.budget, input.currency, locale),
    },
  ];
  if (input.spent !== undefined) {
    facts.push({
      title: t(locale, 'spend.budget.spent'),
      value: formatAmount(input.spent, input.currency, locale),
    });
  }
  return spendCard(locale, {
    flow: t(locale, 'spend.budget.flow'),
    title: t(locale, 'spend.budget.title', { customerName: input.customerName }),
    facts,
    ...(input.budget !== null && input.spent !== undefined
      ? { gauge: budgetGauge(locale, input.spent, input.budget, input.currency) }
      : {}),
    paragraphs: [t(locale, 'spend.budget.notPartnerBudget')],
    buttons: [
      {
        title: t(locale, 'spend.budget.change'),
        verb: 'command.run',
        data: { command: 'budget', argText: `${input.customerId} set` },
        style: 'positive',
      },
      ...(input.budget !== null
        ? [
            {
              title: t(locale, 'spend.budget.clear'),
              verb: 'command.run',
              data: { command: 'budget', argText: `${input.customerId} clear` },
            },
          ]
        : []),
      {
        title: t(locale, 'spend.alert.usage'),
        verb: 'command.run',
        data: { command: 'usage', argText: input.customerId },
      },
    ],
  });
}

/** A budget alert as posted in its conversation; acknowledged and snoozed ones say who did it. */
export function alertCard(
  locale: Locale,
  alert: BudgetAlert,
  extra: { snoozedBy?: string } = {},
): AdaptiveCard {
  const figures = alertFiguresSchema.parse(alert.figures);
  const { currency } = figures;
  const percent = formatPercent(figures.percentUsed, locale);
  const title =
    alert.kind === 'forecast'
      ? t(locale, 'spend.alert.forecastTitle', { customerName: alert.customerName })
      : t(locale, 'spend.alert.thresholdTitle', { customerName: alert.customerName, percent });
  const facts: Fact[] = [
    { title: t(locale, 'spend.usage.spent'), value: formatAmount(figures.totalCost, currency, locale) },
    {
      title: t(locale, 'spend.usage.budget'),
      value: t(locale, 'spend.usage.budgetShare', {
        amount: formatAmount(figures.budget, currency, locale),
        percent,
      }),
    },
    {
      title: t(locale, 'spend.usage.forecast'),
      value: t(locale, 'spend.usage.forecastShare', {
        amount: formatAmount(figures.projectedTotal, currency, locale),
        percent: formatPercent(figures.projectedPercent, locale),
      }),
    },
  ];
  if (alert.kind === 'threshold') {
    facts.unshift({
      title: t(locale, 'spend.alert.threshold'),
      value: formatPercent(alert.threshold, locale),
    });
  }
  const paragraphs = [
    t(locale, 'spend.usage.period', {
      start: formatDay(figures.periodStart, locale),
      end: formatDay(Date.parse(figures.periodEnd) - 1, locale),
    }),
  ];
  if (figures.projectedCrossing !== undefined && figures.percentUsed < 100) {
    paragraphs.push(
      t(locale, 'spend.alert.forecastCrossing', { date: formatDay(figures.projectedCrossing, locale) }),
    );
  }
  paragraphs.push(t(locale, 'spend.usage.estimate', { asOf: formatInstant(figures.asOf, locale) }));
  const notes: string[] = [];
  if (alert.acknowledgedBy) {
    notes.push(
      t(locale, 'spend.alert.acknowledged', {
        name: alert.acknowledgedBy.name,
        date: formatInstant(alert.acknowledgedBy.at, locale),
      }),
    );
  }
  if (extra.snoozedBy) {
    notes.push(t(locale, 'spend.alert.snoozed', { name: extra.snoozedBy, customerName: alert.customerName }));
  }
  const data = { alertId: alert.id };
  const buttons: SpendButton[] = [
    ...(alert.acknowledgedBy
      ? []
      : [
          {
            title: t(locale, 'spend.alert.acknowledge'),
            verb: 'alert.ack',
            data,
            style: 'positive' as const,
          },
        ]),
    ...(extra.snoozedBy ? [] : [{ title: t(locale, 'spend.alert.snooze'), verb: 'alert.snooze', data }]),
    {
      title: t(locale, 'spend.alert.usage'),
      verb: 'command.run',
      data: { command: 'usage', argText: alert.customerId },
    },
    { title: t(locale, 'spend.alert.raise'), verb: 'alert.raise', data },
    {
      title: t(locale, 'spend.alert.suspend'),
      verb: 'command.run',
      data: { command: 'suspend', argText: alert.customerId },
      style: 'destructive',
    },
  ];
  return spendCard(locale, {
    flow: t(locale, 'spend.alerts.flow'),
    title,
    tone: figures.percentUsed >= 100 ? 'error' : 'warning',
    facts,
    gauge: budgetGauge(locale, figures.totalCost, figures.budget, currency),
    paragraphs,
    ...(notes.length > 0 ? { note: notes.join(' ') } : {}),
    buttons,
  });
}

/** `alerts list`: what this conversation follows, and the latest alerts raised for it. */
export function alertsListCard(
  locale: Locale,
  subscriptions: readonly AlertSubscription[],
  recent: readonly BudgetAlert[],
): AdaptiveCard {
  const lines = subscriptions.map((s) =>
    t(locale, 'spend.alerts.listLine', {
      target:
        s.customerId === ALL_CUSTOMERS ? t(locale, 'spend.alerts.all') : (s.customerName ?? s.customerId),
      thresholds: s.thresholds.map((p) => formatPercent(p, locale)).join(', '),
      date: formatDay(s.createdAt, locale),
      by: s.createdByName ?? s.createdBy,
    }),
  );
  const sections = [
    {
      title: t(locale, 'spend.alerts.listTitle'),
      lines: lines.length > 0 ? lines : [t(locale, 'spend.alerts.listNone')],
    },
  ];
  if (recent.length > 0) {
    sections.push({
      title: t(locale, 'spend.alerts.recentTitle'),
      lines: recent.map((a) =>
        t(locale, 'spend.alerts.recentLine', {
          date: formatDay(a.createdAt, locale),
          customerName: a.customerName,
          what:
            a.kind === 'forecast' ? t(locale, 'spend.usage.forecast') : formatPercent(a.threshold, locale),
          state: t(locale, `spend.alerts.states.${a.state}`),
        }),
      ),
    });
  }
  return spendCard(locale, {
    flow: t(locale, 'spend.alerts.flow'),
    title: t(locale, 'spend.alerts.listTitle'),
    sections,
    paragraphs: [t(locale, 'spend.alerts.schedule'), t(locale, 'spend.alerts.usageHelp')],
  });
}

/** A short spend card with one sentence: a confirmation of `alerts on|off`, a refusal. */
export function spendNotice(
  locale: Locale,
  title: string,
  text: string,
  tone: SpendCardInput['tone'] = 'info',
): AdaptiveCard {
  return spendCard(locale, { flow: t(locale, 'spend.alerts.flow'), title, tone, paragraphs: [text] });
}
