/**
 * List Flow Instances (docs/enos-api.md §3.5), for recovery: a signed POST that does not rely on the
 * scheduling `type`, read leniently (createTime kept, a missing list is empty), results confirmed
 * to be the flow's own (the `expression` is a fuzzy match).
 */
import { EnosMalformedResponseError } from '../../src/core/errors';
import { flowInstanceListSchema } from '../../src/enos/enos-schemas';
import { type EnosTestSetup, rejectionOf, setUpEnos } from './enos-test-setup';

describe('listFlowInstances against the fake gateway', () => {
  let t: EnosTestSetup;
  afterEach(async () => {
    expect(t.enos.unhandled).toEqual([]);
    await t.close();
  });

  it('asks for the flow’s instances in the trigger-time range, every status, without a type', async () => {
    t = await setUpEnos();
    t.enos.addFlow({ flowId: 33770, flowName: 'copy of 3377-daily', owner: 'alice' });
    const at = Date.UTC(2024, 0, 15, 8, 0, 0);
    const mine = t.enos.addInstance({
      flowId: 3377,
      triggerTime: at,
      status: 1,
      parameters: [{ key: 'K', value: 'v' }],
    });
    t.enos.addInstance({ flowId: 3377, triggerTime: at + 60_000 });
    // Its name contains "3377-": EnOS's fuzzy expression matches it (the fake too), and the
    // client keeps only flow 3377's.
    t.enos.addInstance({ flowId: 33770, triggerTime: at });

    const found = await t.client.listFlowInstances(t.alice, {
      flowId: 3377,
      fromTriggerTime: at - 1000,
      toTriggerTime: at + 1000,
    });
    expect(found).toEqual([
      expect.objectContaining({
        instanceId: mine.instanceId,
        flowId: 3377,
        status: 1,
        triggerTime: '2024-01-15 08:00:00',
        createTime: expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/),
        parameters: [{ key: 'K', value: 'v' }],
      }),
    ]);
    const [req] = t.enos.requestsOf('flowInstances.search');
    expect(req).toMatchObject({
      method: 'POST',
      path: '/batch-processing-service/v2.1/flowInstances',
      query: { action: 'search', userId: 'u1', orgId: 'o1' },
      signatureValid: true,
    });
    expect(req!.body).toEqual({
      expression: '3377-',
      owner: '',
      fromTriggerTime: at - 1000,
      toTriggerTime: at + 1000,
      status: '',
      pagination: { pageNo: 1, pageSize: 50, sorters: [{ field: 'createTime', order: 'DESC' }] },
    });
  });

  it('reads a missing list as empty, and refuses an element that is not an instance', async () => {
    expect(flowInstanceListSchema.parse({ flowInsts: null, count: 0 })).toEqual([]);
    expect(flowInstanceListSchema.safeParse({ flowInsts: [{ flowId: 1 }] }).success).toBe(false);
    t = await setUpEnos();
    t.enos.failNext('flowInstances.search', { kind: 'malformed' });
    const error = await rejectionOf(
      t.client.listFlowInstances(t.alice, { flowId: 3377, fromTriggerTime: 0, toTriggerTime: 1 }),
    );
    expect(error).toBeInstanceOf(EnosMalformedResponseError);
  });
});
