import type { MyFlow } from './ports';

/** Slack shows at most 100 options in a select. */
export const MAX_FLOW_OPTIONS = 100;

/** A query that can only be (the start of) a flow id. */
const ID_QUERY = /^\d+$/;

/** What to ask Get My Flow for a query typed in the flow select. */
export function myFlowsExpression(query: string): string | undefined {
  const text = query.trim();
  // Get My Flow matches `expression` against names only: an id query gets the whole list, filtered here.
  if (text === '' || ID_QUERY.test(text)) return undefined;
  return text;
}

/**
 * The flows to offer for `query`, from the answer to `myFlowsExpression(query)`: for an id query,
 * the flows whose id starts with it and then those whose name contains it; otherwise Get My Flow's
 * own matches in its order. At most {@link MAX_FLOW_OPTIONS}.
 */
export function matchFlows(flows: readonly MyFlow[], query: string): MyFlow[] {
  const text = query.trim();
  if (!ID_QUERY.test(text)) return flows.slice(0, MAX_FLOW_OPTIONS);
  const byId = flows.filter((f) => String(f.flowId).startsWith(text));
  const byName = flows.filter((f) => !byId.includes(f) && f.flowName.toLowerCase().includes(text));
  return [...byId, ...byName].slice(0, MAX_FLOW_OPTIONS);
}
