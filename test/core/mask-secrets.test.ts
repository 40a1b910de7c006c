import { MASK, maskSecrets, maskSecretsGradually } from '../../src/core/mask-secrets';

describe('maskSecrets', () => {
  it('masks the value after a word that names a secret, keeping the word and what came before', () => {
    const log = [
      '2026-11-27 09:00:01 INFO connecting to jdbc:mysql://db:3306/sales',
      '2026-11-27 09:00:01 DEBUG password=hunter2 user=etl',
      'export DB_PASSWD hunter2',
      'headers: {"token": "abc123def456"}',
      'client_secret 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
      'api_key: c2VjcmV0LWtleS1iYXNlNjQtdmFsdWUtdGhhdC1pcy1sb25n',
      'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig',
      'ERROR Task failed: table sales.daily does not exist',
    ].join('\n');
    expect(maskSecrets(log).split('\n')).toEqual([
      '2026-11-27 09:00:01 INFO connecting to jdbc:mysql://db:3306/sales',
      `2026-11-27 09:00:01 DEBUG password=${MASK}`,
      `export DB_PASSWD ${MASK}`,
      `headers: {"token": "${MASK}`,
      `client_secret ${MASK}`,
      `api_key: ${MASK}`,
      `Authorization: ${MASK}`,
      'ERROR Task failed: table sales.daily does not exist',
    ]);
  });

  it('masks AKIA/ASIA access-key ids anywhere, and only those shapes', () => {
    expect(maskSecrets('using AKIAIOSFODNN7EXAMPLE for s3://bucket')).toBe(
      `using AKIA${MASK} for s3://bucket`,
    );
    expect(maskSecrets('temp ASIAY34FZKBOKMUTVV7A ok')).toBe(`temp ASIA${MASK} ok`);
    // Too short, or lower case: not an access-key id.
    expect(maskSecrets('AKIA1234 akiaiosfodnn7example')).toBe('AKIA1234 akiaiosfodnn7example');
  });

  it('masks the body of a private key block', () => {
    const log =
      'key:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\nabcdef\n-----END RSA PRIVATE KEY-----\ndone';
    expect(maskSecrets(log)).toBe(
      `key:\n-----BEGIN RSA PRIVATE KEY-----\n${MASK}\n${MASK}\n-----END RSA PRIVATE KEY-----\ndone`,
    );
  });

  it('leaves ordinary lines alone, "tokenizer" included, and keeps a word with nothing after it', () => {
    const log = 'loaded tokenizer model\nrows: 1200\nEnter password:';
    expect(maskSecrets(log)).toBe(log);
  });
});

describe('maskSecretsGradually', () => {
  it('masks a long text slice by slice exactly as at once, a key block across slices included', async () => {
    const text = [
      'a\npassword=x\n',
      '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\nkqhkiG9w0BAQEF\n-----END PRIVATE KEY-----\n',
      'token: t\nAKIAIOSFODNN7EXAMPLE\nend\n\n',
    ].join('');
    let pauses = 0;
    const masked = await maskSecretsGradually(text, async () => void pauses++, 8);
    expect(masked).toBe(maskSecrets(text));
    expect(masked).not.toMatch(/MIIEvQ|kqhkiG|password=x|token: t|IOSFODNN/);
    expect(pauses).toBeGreaterThan(3);
  });

  it('masks a key body line without its BEGIN line (a tail starts anywhere)', () => {
    const body = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj';
    expect(maskSecrets(`${body}\n-----END PRIVATE KEY-----`)).toBe(`${MASK}\n-----END PRIVATE KEY-----`);
  });
});
