import { mayControlBackfill } from '../../src/core/may-control-backfill';
import { backfillRecord } from '../helpers/backfill-record';

describe('mayControlBackfill', () => {
  const record = backfillRecord(['running'], { slackUserId: 'U_STARTER', owners: ['ana.lopez', 'bo.chen'] });

  it('lets the starter control it, linked or not', () => {
    expect(mayControlBackfill(record, { slackUserId: 'U_STARTER' })).toBe(true);
    expect(mayControlBackfill(record, { slackUserId: 'U_STARTER', link: { userName: 'someone' } })).toBe(
      true,
    );
  });

  it('lets a linked owner of the flow control it', () => {
    expect(mayControlBackfill(record, { slackUserId: 'U_BO', link: { userName: 'bo.chen' } })).toBe(true);
  });

  it('refuses anyone else: not linked, or linked as a user who is not an owner', () => {
    expect(mayControlBackfill(record, { slackUserId: 'U_OTHER' })).toBe(false);
    expect(mayControlBackfill(record, { slackUserId: 'U_OTHER', link: { userName: 'carl' } })).toBe(false);
    // Usernames are compared exactly, as EnOS lists owners.
    expect(mayControlBackfill(record, { slackUserId: 'U_OTHER', link: { userName: 'Bo.Chen' } })).toBe(false);
  });

  it('refuses everyone but the starter when the flow listed no owners', () => {
    const noOwners = { ...record, owners: [] };
    expect(mayControlBackfill(noOwners, { slackUserId: 'U_OTHER', link: { userName: '' } })).toBe(false);
    expect(mayControlBackfill(noOwners, { slackUserId: 'U_STARTER' })).toBe(true);
  });
});
