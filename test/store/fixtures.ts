import { randomUUID } from 'node:crypto';
import type { AuditRecord, Link } from '../../src/core/ports';

/** A team ID no other test uses, so that suites sharing a backend do not see each other's data. */
export function uniqueTeam(): string {
  return `T${randomUUID().replaceAll('-', '').slice(0, 10).toUpperCase()}`;
}

/** A valid Link. */
export function aLink(overrides: Partial<Link> = {}): Link {
  return {
    teamId: 'T1',
    slackUserId: 'U1',
    userId: 'enos-user-1',
    userName: 'alice',
    orgId: 'o15000000000000',
    linkedBy: 'UADMIN',
    linkedAt: '2026-03-01T09:00:00.000Z',
    ...overrides,
  };
}

/** A valid AuditRecord. */
export function anAuditRecord(overrides: Partial<AuditRecord> = {}): AuditRecord {
  return {
    id: randomUUID(),
    teamId: 'T1',
    slackUserId: 'U1',
    enosUserId: 'enos-user-1',
    enosUserName: 'alice',
    orgId: 'o15000000000000',
    flowId: 3377,
    flowName: 'daily load',
    triggerTime: Date.parse('2026-03-01T14:00:00Z'),
    zone: 'Europe/Berlin',
    parameters: [{ key: 'REPLACE', value: '${cal_dt}' }],
    source: 'command',
    requestedAt: '2026-03-01T13:59:00.000Z',
    updatedAt: '2026-03-01T13:59:00.000Z',
    channelId: 'C1',
    outcome: 'pending',
    ...overrides,
  };
}
