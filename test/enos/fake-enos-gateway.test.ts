import { createHash } from 'node:crypto';
import { type FakeEnosGateway, startFakeEnosGateway } from '../fakes/fake-enos-gateway';

/** The fake must refuse what the real gateway refuses; these talk to it without the client. */

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

async function post(url: string, body: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json;charset=UTF-8', ...headers },
    body,
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe('fake EnOS gateway', () => {
  let enos: FakeEnosGateway;
  let ts = 1_700_000_000_000;
  const tokenBody = (over: Record<string, unknown> = {}) => {
    ts += 1;
    return JSON.stringify({
      appKey: enos.accessKey,
      encryption: sha256(`${enos.accessKey}${ts}${enos.secretKey}`),
      timestamp: ts,
      ...over,
    });
  };
  const tokenUrl = () => `${enos.url}/apim-token-service/v2.0/token/get`;

  beforeEach(async () => {
    enos = await startFakeEnosGateway();
    enos.addUser({ userId: 'u1', userName: 'alice', orgId: 'o1' });
    enos.addFlow({ flowId: 7, owner: 'alice' });
  });
  afterEach(async () => {
    await enos.close();
  });

  describe('token service', () => {
    it('issues a token, and the same one (with its remaining lifetime) when asked again', async () => {
      const a = await post(tokenUrl(), tokenBody());
      expect(a).toEqual({
        status: 200,
        json: {
          status: 0,
          msg: 'SUCCESS',
          business: 'apim-token-service',
          data: { accessToken: expect.any(String), expire: 7200 },
        },
      });
      const b = await post(tokenUrl(), tokenBody());
      expect((b.json.data as { accessToken: string }).accessToken).toBe(
        (a.json.data as { accessToken: string }).accessToken,
      );
      expect(enos.tokenFetches).toEqual({ get: 2, refresh: 0 });
      expect(enos.tokensIssued).toBe(1);
    });

    it('refuses a reused encryption (1001), an unknown appKey (1002), a bad encryption (1003), a missing field (1202)', async () => {
      const body = tokenBody();
      expect((await post(tokenUrl(), body)).json.status).toBe(0);
      expect((await post(tokenUrl(), body)).json).toMatchObject({ status: 1001 });
      expect((await post(tokenUrl(), tokenBody({ appKey: 'other' }))).json).toMatchObject({ status: 1002 });
      expect((await post(tokenUrl(), tokenBody({ encryption: sha256('x') }))).json).toMatchObject({
        status: 1003,
      });
      expect((await post(tokenUrl(), JSON.stringify({ appKey: enos.accessKey }))).json).toMatchObject({
        status: 1202,
      });
    });

    it('refreshes a valid token into a new one, and refuses an unknown one (1204)', async () => {
      const token = ((await post(tokenUrl(), tokenBody())).json.data as { accessToken: string }).accessToken;
      const refreshUrl = `${enos.url}/apim-token-service/v2.0/token/refresh`;
      const fresh = await post(refreshUrl, tokenBody({ accessToken: token }));
      expect(fresh.json).toMatchObject({ status: 0, data: { expire: 7200 } });
      expect((fresh.json.data as { accessToken: string }).accessToken).not.toBe(token);
      expect((await post(refreshUrl, tokenBody({ accessToken: 'nope' }))).json).toMatchObject({
        status: 1204,
      });
    });
  });

  describe('signature check', () => {
    async function signedTrigger(
      mutate: (signed: { query: string; body: string }) => { query: string; body: string },
    ) {
      const token = ((await post(tokenUrl(), tokenBody())).json.data as { accessToken: string }).accessToken;
      const query = 'action=updateAndTrigger&userId=u1&orgId=o1';
      const body = '{"flowId":7,"triggerTime":1700000000000,"parameters":[]}';
      const timestamp = '1700000000123';
      const signature = sha256(
        `${token}actionupdateAndTriggerorgIdo1userIdu1${body}${timestamp}${enos.secretKey}`,
      );
      const sent = mutate({ query, body });
      return post(`${enos.url}/batch-processing-service/v2.1/flows?${sent.query}`, sent.body, {
        'apim-accesstoken': token,
        'apim-signature': signature,
        'apim-timestamp': timestamp,
      });
    }

    it('accepts a correctly signed call, whatever the order of the query', async () => {
      const res = await signedTrigger(() => ({
        query: 'orgId=o1&action=updateAndTrigger&userId=u1',
        body: '{"flowId":7,"triggerTime":1700000000000,"parameters":[]}',
      }));
      expect(res.json).toMatchObject({ code: 0, data: { flowInstanceId: '7-20231114221320' } });
      expect(enos.requests.at(-1)?.signatureValid).toBe(true);
    });

    it('refuses a body that differs from the signed one, even by whitespace (401, status 1003)', async () => {
      const res = await signedTrigger((s) => ({ ...s, body: JSON.stringify(JSON.parse(s.body), null, 1) }));
      expect(res).toEqual({ status: 401, json: { status: 1003, msg: 'The signature is not valid.' } });
      expect(enos.requests.at(-1)?.signatureValid).toBe(false);
      expect(enos.triggers).toEqual([]);
    });

    it('refuses a changed query parameter', async () => {
      const res = await signedTrigger((s) => ({ ...s, query: s.query.replace('o1', 'o2') }));
      expect(res.status).toBe(401);
      expect(enos.triggers).toEqual([]);
    });

    it('refuses a call without the apim headers (1202) and an unknown token (1004)', async () => {
      const url = `${enos.url}/batch-processing-service/v2.1/flows?action=get&flowId=7&userId=u1&orgId=o1`;
      expect((await fetch(url)).status).toBe(401);
      const res = await fetch(url, {
        headers: { 'apim-accesstoken': 'x', 'apim-signature': 'y', 'apim-timestamp': '1' },
      });
      expect({ status: res.status, json: await res.json() }).toEqual({
        status: 401,
        json: { status: 1004, msg: 'Invalid access token.' },
      });
    });
  });

  it('answers 404 for unknown routes and lists them in `unhandled`', async () => {
    const res = await fetch(`${enos.url}/batch-processing-service/v2.1/flows?action=search`, {
      method: 'POST',
      body: '{}',
    });
    expect(res.status).toBe(404);
    expect(enos.unhandled).toEqual([
      expect.objectContaining({ method: 'POST', query: { action: 'search' }, rawBody: '{}' }),
    ]);
  });

  it('resolves waitForRequest for a request that arrives later', async () => {
    const waiting = enos.waitForRequest('token.get');
    await post(tokenUrl(), tokenBody());
    await expect(waiting).resolves.toMatchObject({ action: 'token.get', answered: 200 });
  });
});
