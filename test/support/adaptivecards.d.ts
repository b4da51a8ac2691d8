// The package's main entry is extensionless ESM that Node cannot require; its UMD build works and
// needs no DOM to parse and validate. Only the part the tests use is typed here.
declare module 'adaptivecards/dist/adaptivecards.js' {
  export interface ValidationEvent {
    phase: number;
    event: number;
    message: string;
  }
  export class SerializationContext {
    constructor();
    get eventCount(): number;
    getEventAt(index: number): ValidationEvent;
  }
  export class AdaptiveCard {
    parse(source: unknown, context?: SerializationContext): void;
    validateProperties(): { validationEvents: ValidationEvent[] };
  }
}
