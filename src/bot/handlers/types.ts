import type { AdaptiveCardInvokeResponse, TurnContext } from 'botbuilder';
import type { TurnServices } from '../turnServices';

export interface CommandRequest {
  context: TurnContext;
  services: TurnServices;
  args: string[];
  argText: string;
}

export type CommandHandler = (request: CommandRequest) => Promise<void>;

export interface VerbRequest {
  context: TurnContext;
  services: TurnServices;
  verb: string;
  /** Card data as the client sent it: untrusted, parsed with zod by each handler. */
  data: Record<string, unknown>;
}

export type VerbHandler = (request: VerbRequest) => Promise<AdaptiveCardInvokeResponse>;

/** Answers an `application/search` (Input.ChoiceSet typeahead through Data.Query) for one dataset. */
export type SearchHandler = (
  context: TurnContext,
  services: TurnServices,
  queryText: string,
) => Promise<Array<{ title: string; value: string }>>;
