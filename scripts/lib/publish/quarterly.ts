/**
 * One quarter's summary from the tracker: the quarter's facts (with reply dates), the previous
 * quarter's (for the change in hot topics), and the computed figures. Shared by `npm run summary`,
 * the benchmark and the tests.
 */
import type { TrackerPort } from '../tracker/port.ts';
import { collectFacts, type CollectDeps, type OpinionFacts } from './facts.ts';
import { previousQuarter, quarterDays, type Quarter } from './periods.ts';
import { computeSummary, type SummaryFigures } from './summary.ts';

export interface QuarterSummary {
  figures: SummaryFigures;
  facts: OpinionFacts[];
  /** True when the operations budget ran out: the figures would be wrong, so nothing is published. */
  incomplete: boolean;
}

export async function summariseQuarter(port: TrackerPort, quarter: Quarter, asOf: string, deps: CollectDeps): Promise<QuarterSummary> {
  const { start, end } = quarterDays(quarter);
  // One read of the tracker for both quarters; reply dates only for this quarter's opinions.
  const both = await collectFacts(port, { from: quarterDays(previousQuarter(quarter)).start, to: end, repliesFrom: start }, deps);
  const facts = both.facts.filter((f) => f.received >= start);
  const previous = both.facts.filter((f) => f.received < start);
  const figures = computeSummary(facts, { quarter, asOf, calendar: deps.calendar, previous, codeName: (code) => deps.codeList?.name(code) });
  return { figures, facts, incomplete: both.incomplete };
}
