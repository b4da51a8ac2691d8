import { AdaptiveCard, SerializationContext } from 'adaptivecards/dist/adaptivecards.js';

/** Known false warning of adaptivecards 3.0.6: it claims `choices.data` needs 1.6 (Teams supports it in 1.5). */
const ALLOWED = [/choices\.data/i];

/**
 * Teams' charts (Chart.Gauge, Chart.VerticalBar…) are not in the Adaptive Cards SDK: it reports them
 * unknown and renders their fallback. That is allowed only for a chart that has a fallback, which
 * is checked on its own below; any other unknown element stays a problem.
 */
const UNKNOWN_CHART = /^Unknown element type "Chart\.[A-Za-z.]+"\. Fallback will be used if present\.$/;

/** Parses a card with the Adaptive Cards SDK and returns every parse and validation problem. */
export function adaptiveCardProblems(card: unknown): string[] {
  const context = new SerializationContext();
  const parsed = new AdaptiveCard();
  parsed.parse(card, context);
  const problems: string[] = [];
  for (let i = 0; i < context.eventCount; i++) problems.push(context.getEventAt(i).message);
  for (const event of parsed.validateProperties().validationEvents) problems.push(event.message);
  return [
    ...problems.filter(
      (message) => !ALLOWED.some((pattern) => pattern.test(message)) && !UNKNOWN_CHART.test(message),
    ),
    ...chartsWithoutFallback(card).map((type) => `${type} without a fallback for clients without charts`),
  ];
}

/** The chart elements of a card that give clients without charts nothing to show instead. */
export function chartsWithoutFallback(card: unknown): string[] {
  const found: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(walk);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const element = node as Record<string, unknown>;
    if (typeof element.type === 'string' && element.type.startsWith('Chart.')) {
      const fallback = element.fallback;
      const usable =
        fallback === 'drop' ||
        (typeof fallback === 'object' &&
          fallback !== null &&
          typeof (fallback as { type?: unknown }).type === 'string');
      if (!usable) found.push(element.type);
    }
    for (const value of Object.values(element)) walk(value);
  };
  walk(card);
  return found;
}
