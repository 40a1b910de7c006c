/**
 * The decision core of approval, as properties over any sequence of decisions: each person counts
 * once, the requester and non-approvers never count, the request is approved exactly when `count`
 * distinct approvers approved before any Reject, Withdraw or the deadline, a final state never
 * changes, and the transition to "approved" (which starts the trigger) happens at most once.
 */
import fc from 'fast-check';
import { type ApprovalAction, changesRequest, decideApproval } from '../../src/core/approval-decide';
import type { ApprovalRequest } from '../../src/core/approval-request';

const REQUESTER = 'U0REQ';
const PEOPLE = ['U0REQ', 'U0A', 'U0B', 'U0C', 'U0D', 'U0OUT'];
const START = 1_000_000;

function requestWith(approvers: string[], count: number, timeoutMs: number): ApprovalRequest {
  return {
    id: 'r1',
    teamId: 'T1',
    requesterId: REQUESTER,
    channelId: 'C1',
    source: 'command',
    payload: {
      kind: 'backfill',
      flowId: 1,
      flowName: 'f',
      runs: 3,
      range: 'x',
      parameters: [],
      details: {},
    },
    rule: { index: 0, name: 'r' },
    summary: 's',
    approvers,
    count,
    requestedAt: START,
    deadline: START + timeoutMs,
    state: 'pending',
    approvedBy: [],
  };
}

const action: fc.Arbitrary<ApprovalAction> = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ kind: 'approve' as const }) },
  {
    weight: 1,
    arbitrary: fc.string({ maxLength: 5 }).map((reason) => ({ kind: 'reject' as const, reason })),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'withdraw' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'expire' as const }) },
);
const step = fc.record({ user: fc.constantFrom(...PEOPLE), action, dt: fc.integer({ min: 0, max: 400 }) });
const scenario = fc.record({
  approvers: fc.subarray(['U0A', 'U0B', 'U0C', 'U0D'], { minLength: 1 }),
  count: fc.integer({ min: 1, max: 4 }),
  timeoutMs: fc.integer({ min: 100, max: 3000 }),
  steps: fc.array(step, { maxLength: 30 }),
});

it('counts each approver once and approves exactly when `count` of them approved in time, once', () => {
  fc.assert(
    fc.property(scenario, ({ approvers, count, timeoutMs, steps }) => {
      let request = requestWith(approvers, Math.min(count, approvers.length), timeoutMs);
      const needed = request.count;
      let now = START;
      let approvedTransitions = 0;
      // The model: distinct approvals before anything ended the request.
      const model = new Set<string>();
      let modelState: ApprovalRequest['state'] = 'pending';
      for (const s of steps) {
        now += s.dt;
        const before = request;
        const { request: after, effect } = decideApproval(request, s.user, s.action, now);
        if (modelState === 'pending') {
          if (now >= before.deadline) modelState = 'expired';
          else if (s.action.kind === 'withdraw' && s.user === REQUESTER) modelState = 'withdrawn';
          else if (s.user !== REQUESTER && approvers.includes(s.user)) {
            if (s.action.kind === 'reject') modelState = 'rejected';
            if (s.action.kind === 'approve') {
              model.add(s.user);
              if (model.size >= needed) modelState = 'approved';
            }
          }
        }
        // A final state never changes, and an unchanged request is the same object.
        if (before.state !== 'pending') expect(after).toBe(before);
        if (!changesRequest(effect)) expect(after).toBe(before);
        if (effect.kind === 'approved') approvedTransitions += 1;
        // Nobody outside the approvers, and never the requester, is counted; each once.
        const ids = after.approvedBy.map((a) => a.userId);
        expect(new Set(ids).size).toBe(ids.length);
        expect(ids.every((id) => id !== REQUESTER && approvers.includes(id))).toBe(true);
        expect(after.state).toBe(modelState);
        request = after;
      }
      expect(approvedTransitions).toBe(request.state === 'approved' ? 1 : 0);
      expect(request.approvedBy.map((a) => a.userId).sort()).toEqual([...model].sort());
    }),
    { numRuns: 500 },
  );
});

it('an expire decision before the deadline changes nothing; at the deadline it expires', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 0, max: 20_000 }), (timeoutMs, dt) => {
      const request = requestWith(['U0A'], 1, timeoutMs);
      const { request: after, effect } = decideApproval(request, 'expiry', { kind: 'expire' }, START + dt);
      if (dt < timeoutMs) {
        expect(effect).toEqual({ kind: 'not-due' });
        expect(after).toBe(request);
      } else {
        expect(effect).toEqual({ kind: 'expired' });
        expect(after).toMatchObject({ state: 'expired', decidedAt: START + dt });
      }
    }),
  );
});
