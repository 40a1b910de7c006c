import { claimKey } from '../../src/core/claim-key';

describe('claimKey', () => {
  it('keeps the parts apart whatever they contain', () => {
    expect(claimKey('view', 'T1:U1', 'V1')).not.toBe(claimKey('view', 'T1', 'U1:V1'));
    expect(claimKey('view', 'T1:U1', 'V1')).toBe('view:T1%3AU1:V1');
  });

  it('leaves ordinary Slack and EnOS IDs as they are, so older keys keep their meaning', () => {
    expect(claimKey('delivery', 'command', 'T0FAKE001', '1234.5678.abcdef')).toBe(
      'delivery:command:T0FAKE001:1234.5678.abcdef',
    );
    expect(claimKey('lease', 'watch', '3377-20261127090000')).toBe('lease:watch:3377-20261127090000');
  });
});
