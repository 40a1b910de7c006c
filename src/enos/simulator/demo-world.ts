import type { EnosIdentity } from '../../core/ports';
import type { FakeEnosGateway } from './start-enos-simulator';

/** The demo's EnOS user: the demo's Slack user is linked to it. */
export const DEMO_IDENTITY: EnosIdentity = { userId: 'demo-user-1', userName: 'demo', orgId: 'demo-org' };

/** The Slack user the demo acts as (the console's `--as`). */
export const DEMO_SLACK_USER = { teamId: 'TDEMO', slackUserId: 'UDEMO' } as const;

/** The failed task's log in the demo: what a failed run's final message shows. */
export const DEMO_FAILURE_LOG = [
  '2026-01-01 02:00:01 INFO  load_meter_data: reading meter readings for ${cal_dt}',
  '2026-01-01 02:00:02 INFO  load_meter_data: 1,204 meters, 28,896 readings',
  '2026-01-01 02:00:03 ERROR load_meter_data: meter M-1042 sent a reading in the future',
  '2026-01-01 02:00:03 ERROR load_meter_data: task failed, exit code 1',
].join('\n');

/**
 * The sample flows of docs/product.md, "Demo and console" (the same ids as the examples everywhere):
 * 3377 "daily load" succeeds a few seconds after its trigger time; 3378 fails at task
 * `load_meter_data` with a log; 4000 has no task; 5000 belongs to someone else; 6000 is locked.
 */
export function seedDemoWorld(enos: FakeEnosGateway): void {
  enos.setTimeZone('UTC');
  enos.addUser({ ...DEMO_IDENTITY });
  enos.addUser({ userId: 'someone-else-1', userName: 'someone', orgId: DEMO_IDENTITY.orgId });
  const tasks = (flowId: number, names: string[]) =>
    names.map((taskName, i) => ({ taskName, taskId: `${flowId}0${i + 1}`, nodeId: `node-${i + 1}` }));
  enos.addFlow({
    flowId: 3377,
    flowName: 'daily load',
    owner: 'demo',
    tasks: tasks(3377, ['extract_readings', 'load_meter_data', 'publish_report']),
    parameters: [
      { key: 'REPLACE', value: 'none' },
      { key: 'cal_dt', value: '${cal_dt}' },
    ],
    run: { runMs: 40_000 },
  });
  enos.addFlow({
    flowId: 3378,
    flowName: 'meter load',
    owner: 'demo',
    tasks: tasks(3378, ['extract_readings', 'load_meter_data', 'publish_report']),
    run: { runMs: 30_000, failAtTask: 'load_meter_data', failureLog: DEMO_FAILURE_LOG },
  });
  enos.addFlow({ flowId: 4000, flowName: 'empty draft', owner: 'demo', tasks: [] });
  enos.addFlow({ flowId: 5000, flowName: 'billing export', owner: 'someone', visitor: 'demo' });
  enos.addFlow({ flowId: 6000, flowName: 'month end close', owner: 'demo', locked: true });
}
