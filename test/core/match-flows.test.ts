import { MAX_FLOW_OPTIONS, matchFlows, myFlowsExpression } from '../../src/core/match-flows';
import type { MyFlow } from '../../src/core/ports';

const flows: MyFlow[] = [
  { flowId: 1200, flowName: 'nightly 33 backfill' },
  { flowId: 3377, flowName: 'daily load' },
  { flowId: 3380, flowName: 'daily export' },
  { flowId: 4242, flowName: 'weekly report' },
];

describe('myFlowsExpression', () => {
  it('asks EnOS to search names for a text, and for the whole list for an id or nothing', () => {
    expect(myFlowsExpression('  daily ')).toBe('daily');
    expect(myFlowsExpression('33')).toBeUndefined();
    expect(myFlowsExpression('')).toBeUndefined();
    expect(myFlowsExpression('  ')).toBeUndefined();
  });
});

describe('matchFlows', () => {
  it('puts flows whose id starts with the digits first, then names that contain them', () => {
    expect(matchFlows(flows, '33').map((f) => f.flowId)).toEqual([3377, 3380, 1200]);
    expect(matchFlows(flows, '3377').map((f) => f.flowId)).toEqual([3377]);
  });

  it('keeps EnOS’s own matches for a text', () => {
    expect(matchFlows(flows.slice(1, 3), 'daily').map((f) => f.flowId)).toEqual([3377, 3380]);
  });

  it('offers at most 100', () => {
    const many = Array.from({ length: 150 }, (_, i) => ({ flowId: 1000 + i, flowName: `f${i}` }));
    expect(matchFlows(many, '')).toHaveLength(MAX_FLOW_OPTIONS);
    expect(matchFlows(many, '1')).toHaveLength(MAX_FLOW_OPTIONS);
  });
});
