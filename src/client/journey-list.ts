import type { Client } from '@temporalio/client';
import { z } from 'zod';
import { ekycFlowKey, ekycOutcomeKey, ekycPolicyVersionKey, ekycStageKey } from '../workflows/search-attributes';
import { FLOWS, OUTCOMES, STAGES, type Flow, type Outcome, type Stage } from '../workflows/types';
import { fieldIssues, JourneyInputError } from './journey-input';

/** Filters of a journey list; every value is an enum, so none can smuggle anything into the visibility query. */
export const journeyListFilterSchema = z.strictObject({
  stage: z.enum(STAGES).optional(),
  outcome: z.enum(OUTCOMES).optional(),
  flow: z.enum(FLOWS as [Flow, ...Flow[]]).optional(),
  /** Journeys pinned to this decision policy version. */
  policyVersion: z.coerce.number().int().min(1).optional(),
  /** At most this many journeys (default 50, at most 200). */
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** Filters of {@link listJourneys}. */
export type JourneyListFilter = z.input<typeof journeyListFilterSchema>;

/** One journey in a list: ids and enums only, never personal data. */
export interface JourneySummary {
  journeyId: string;
  flow: Flow;
  stage: Stage;
  outcome?: Outcome;
  /** ISO timestamp. */
  startedAt: string;
}

/**
 * Lists journeys of one task queue through visibility (custom search attributes `EkycStage`, `EkycOutcome`, `EkycFlow`,
 * `EkycPolicyVersion`), in the
 * visibility store's order: running journeys first, then the most recently closed.
 */
export async function listJourneys(
  client: Client,
  taskQueue: string,
  rawFilter: JourneyListFilter,
): Promise<JourneySummary[]> {
  const parsed = journeyListFilterSchema.safeParse(rawFilter);
  if (!parsed.success) throw new JourneyInputError(fieldIssues(parsed.error));
  const filter = parsed.data;
  const clauses = [`WorkflowType = 'ekycJourney'`, `TaskQueue = '${taskQueue.replace(/'/g, "\\'")}'`];
  if (filter.stage) clauses.push(`${ekycStageKey.name} = '${filter.stage}'`);
  if (filter.outcome) clauses.push(`${ekycOutcomeKey.name} = '${filter.outcome}'`);
  if (filter.flow) clauses.push(`${ekycFlowKey.name} = '${filter.flow}'`);
  if (filter.policyVersion !== undefined) clauses.push(`${ekycPolicyVersionKey.name} = '${filter.policyVersion}'`);
  const journeys: JourneySummary[] = [];
  const executions = client.workflow.list({ query: clauses.join(' AND '), pageSize: filter.limit });
  for await (const execution of executions) {
    const attributes = execution.typedSearchAttributes;
    const outcome = attributes.get(ekycOutcomeKey) as Outcome | undefined;
    journeys.push({
      journeyId: execution.workflowId,
      flow: attributes.get(ekycFlowKey) as Flow,
      stage: (attributes.get(ekycStageKey) as Stage | undefined) ?? 'issuing_token',
      ...(outcome ? { outcome } : {}),
      startedAt: execution.startTime.toISOString(),
    });
    if (journeys.length >= filter.limit) break;
  }
  return journeys;
}
