import { decodeFormSnapshot, encodeFormSnapshot, type FormSnapshot } from '../../src/slack/ui/form-snapshot';
import { PRIVATE_METADATA_LIMIT } from '../../src/slack/ui/trigger-modal-metadata';

const snapshot: FormSnapshot = {
  channelId: 'C0FAKE001',
  zone: 'Europe/Berlin',
  flow: { id: 3377, label: '3377 · daily load' },
  when: 'backfill',
  mode: 'preview',
  date: '2026-11-28',
  time: '14:00',
  backdate: true,
  parameters: [{ index: 1, digest: '0123456789', value: '' }],
  extra: 'NEW="a b"\nX=${cal_dt}',
  conversationId: 'C0OPS0001',
  backfill: {
    from: '2026-11-20',
    to: '2026-11-22',
    at: '09:30',
    order: 'newest-first',
    onFailure: 'keep-going',
  },
};

describe('the form’s snapshot for Back', () => {
  it('comes back as it was entered', () => {
    const text = encodeFormSnapshot(snapshot);
    expect(text.length).toBeLessThanOrEqual(PRIVATE_METADATA_LIMIT);
    expect(decodeFormSnapshot(text)).toEqual(snapshot);
  });

  it('leaves the typed parameters out whole, and says so, when they do not fit in Slack’s metadata', () => {
    const long: FormSnapshot = {
      ...snapshot,
      parameters: [{ index: 0, digest: '0123456789', value: 'v'.repeat(2000) }],
      extra: `K=${'x'.repeat(2000)}`,
    };
    const text = encodeFormSnapshot(long);
    expect(text.length).toBeLessThanOrEqual(PRIVATE_METADATA_LIMIT);
    expect(decodeFormSnapshot(text)).toEqual({ ...long, parameters: [], extra: '', truncated: true });
  });

  it('refuses anything it did not build', () => {
    expect(decodeFormSnapshot('not json')).toBeUndefined();
    expect(decodeFormSnapshot(JSON.stringify({ v: 1, z: 'UTC' }))).toBeUndefined();
    expect(
      decodeFormSnapshot(JSON.stringify({ ...JSON.parse(encodeFormSnapshot(snapshot)), w: 'later' })),
    ).toBeUndefined();
  });
});
