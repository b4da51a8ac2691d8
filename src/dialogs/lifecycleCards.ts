import type { AdaptiveCard } from '../cards/render';
import { hasKey, pcErrorText, statusLabel, t, type Locale } from '../i18n';
import type { Blocker } from '../store';
import type { ProductUpgradeStatus } from '../partnercenter';
import type { CustomerPlans, CustomerSummary, PlanSummary, Preflight } from '../workflows';
import { flowCard, type FlowButton, type FlowSection } from './flowCards';

const MARK = { clear: '✅', blocked: '⛔', unknown: '❔' } as const;

/** A customer's Azure plans, their Azure subscriptions, and legacy subscriptions with the way out. */
export function plansCard(locale: Locale, customer: CustomerSummary, found: CustomerPlans): AdaptiveCard {
  const names = { customerName: customer.companyName };
  const sections: FlowSection[] = found.plans.map((plan) => {
    const azureSubscriptions = plan.azureSubscriptions ?? [];
    return {
      title: t(locale, 'lifecycle.plans.plan', { name: plan.name }),
      subtitle: `${statusLabel(locale, 'subscription', plan.status)} · ${plan.id}`,
      lines:
        azureSubscriptions.length > 0
          ? azureSubscriptions.map(
              (s) => `${s.name} · ${s.id} · ${statusLabel(locale, 'subscription', s.status)}`,
            )
          : [t(locale, 'lifecycle.plans.noAzureSubscriptions')],
    };
  });
  for (const legacy of found.legacy) {
    sections.push({
      title: t(locale, 'lifecycle.plans.legacyTitle'),
      subtitle: `${statusLabel(locale, 'subscription', legacy.status)} · ${legacy.id}`,
      lines: [t(locale, 'lifecycle.plans.legacyText')],
    });
  }
  const buttons: FlowButton[] =
    found.legacy.length > 0
      ? [
          {
            title: t(locale, 'lifecycle.plans.checkUpgrade'),
            verb: 'command.run',
            data: { command: 'upgrade', argText: customer.id },
            style: 'positive',
          },
        ]
      : [];
  return flowCard(locale, {
    flow: t(locale, 'lifecycle.plans.title', names),
    paragraphs: sections.length === 0 ? [t(locale, 'lifecycle.plans.none', names)] : [],
    sections,
    buttons,
  });
}

export function planChoices(
  locale: Locale,
  plans: readonly PlanSummary[],
): Array<{ title: string; value: string }> {
  return plans.map((p) => ({
    title: `${p.name} · ${statusLabel(locale, 'subscription', p.status)} · ${p.id}`,
    value: p.id,
  }));
}

/** The checklist of a suspension preflight: each check with its result, then what blocks and what to do first. */
export function preflightSections(locale: Locale, preflight: Preflight): FlowSection[] {
  const checks: FlowSection = {
    title: t(locale, 'lifecycle.suspend.checksTitle'),
    lines: preflight.checks.map((c) => {
      const result =
        c.result === 'clear'
          ? t(locale, 'lifecycle.suspend.results.clear')
          : c.result === 'blocked'
            ? t(locale, 'lifecycle.suspend.results.blocked', { count: c.blockers.length })
            : t(locale, 'lifecycle.suspend.results.unknown', { code: c.error?.code ?? '' });
      return `${MARK[c.result]} ${t(locale, `lifecycle.suspend.checks.${c.name}`)}: ${result}`;
    }),
  };
  const sections = [checks];
  if (preflight.blockers.length > 0) {
    sections.push({
      title: t(locale, 'lifecycle.suspend.blockersTitle'),
      lines: preflight.blockers.map((b) => blockerLine(locale, b)),
    });
  }
  return sections;
}

export function blockerLine(locale: Locale, blocker: Blocker): string {
  const what = hasKey(locale, `blockers.${blocker.type}`)
    ? t(locale, `blockers.${blocker.type}`)
    : blocker.type;
  const remedy = hasKey(locale, `blockerRemedies.${blocker.type}`)
    ? t(locale, `blockerRemedies.${blocker.type}`)
    : '';
  const name = [
    blocker.name,
    blocker.id && blocker.id !== blocker.name ? blocker.id : undefined,
    blocker.detail,
  ]
    .filter(Boolean)
    .join(' · ');
  return `• ${what} **${name}**${remedy ? `: ${remedy}` : ''}`;
}

/** Partner Center refused a partner-user call for want of MFA (900421): what to do, nothing changed. */
export function mfaCard(locale: Locale, flow: string, correlationId: string): AdaptiveCard {
  return flowCard(locale, {
    flow,
    title: t(locale, 'lifecycle.mfa.title'),
    tone: 'warning',
    paragraphs: [
      t(locale, 'lifecycle.mfa.text'),
      t(locale, 'lifecycle.mfa.how'),
      t(locale, 'common.correlation', { correlationId }),
    ],
  });
}

/** An upgrade's status and its lines (source → target, date) or its error. */
export function upgradeStatusSections(locale: Locale, status: ProductUpgradeStatus): FlowSection[] {
  const lines = (status.lineItems ?? []).map((l) =>
    t(locale, 'lifecycle.upgrade.line', {
      source: l.sourceProduct?.name ?? l.sourceProduct?.id ?? '?',
      target: l.targetProduct?.name ?? l.targetProduct?.id ?? '?',
      date: l.upgradedDate ? l.upgradedDate.slice(0, 10) : '—',
    }),
  );
  const error = status.errorDetails ?? status.lineItems?.find((l) => l.errorDetails)?.errorDetails;
  if (error?.code) {
    lines.push(pcErrorText(locale, { code: String(error.code), message: error.description ?? '' }));
  }
  return [
    {
      title: t(locale, 'lifecycle.upgrade.statusTitle', { status: status.status }),
      subtitle: status.id,
      lines,
    },
  ];
}
