import { AdaptiveCard, SerializationContext } from 'adaptivecards/dist/adaptivecards.js';

/** Known false warning of adaptivecards 3.0.6: it claims `choices.data` needs 1.6 (Teams supports it in 1.5). */
const ALLOWED = [/choices\.data/i];

/** Parses a card with the Adaptive Cards SDK and returns every parse and validation problem. */
export function adaptiveCardProblems(card: unknown): string[] {
  const context = new SerializationContext();
  const parsed = new AdaptiveCard();
  parsed.parse(card, context);
  const problems: string[] = [];
  for (let i = 0; i < context.eventCount; i++) problems.push(context.getEventAt(i).message);
  for (const event of parsed.validateProperties().validationEvents) problems.push(event.message);
  return problems.filter((message) => !ALLOWED.some((pattern) => pattern.test(message)));
}
