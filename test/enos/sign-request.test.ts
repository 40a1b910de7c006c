import fc from 'fast-check';
import { buildParamsData, signedHeaders, signRequest } from '../../src/enos/sign-request';
import { tokenEncryption } from '../../src/enos/token-encryption';
import { expectedSignature } from '../fakes/fake-enos-auth';

const token = 'xxxxaaaxxxx';
const secretKey = 'xxxappSecretxxx';
const timestamp = 1572574909697;

describe('signRequest (docs/enos-api.md §1b test vectors)', () => {
  it('signs the documented example: unsorted query and a pretty-printed UTF-8 body', () => {
    const body = '{\n  "count": 20,\n  "page": 1,\n  "desc": "描述"\n}';
    expect(signRequest({ accessToken: token, secretKey, timestamp, query: 'k3=v3&k1=v1&k2=v2', body })).toBe(
      '59828328f6c1f9771015dc74e4929ae30f518a35a3d2353972c2ea46556fc981',
    );
  });

  it('signs an Update And Trigger call', () => {
    const body =
      '{"flowId":3377,"triggerTime":1574385824000,"parameters":[{"key":"REPLACE","value":"ddee"}]}';
    const query = 'action=updateAndTrigger&userId=u15426865866571&orgId=o15578227985571';
    expect(signRequest({ accessToken: token, secretKey, timestamp, query, body })).toBe(
      'e7345d15bb4bbe5bb59ce25bc729c0804a38283b23e3412ab965f5e15bea6c78',
    );
    // The same call given as decoded pairs (how the client signs) gives the same signature.
    const pairs = [
      ['action', 'updateAndTrigger'],
      ['userId', 'u15426865866571'],
      ['orgId', 'o15578227985571'],
    ] as const;
    expect(signRequest({ accessToken: token, secretKey, timestamp, query: pairs, body })).toBe(
      'e7345d15bb4bbe5bb59ce25bc729c0804a38283b23e3412ab965f5e15bea6c78',
    );
  });

  it('sorts names in ASCII order (upper case before lower case) and URL-decodes values', () => {
    expect(buildParamsData('b=2&B=1&a=x%20y%2Bz', '{}')).toBe('B1a' + 'x y+z' + 'b2{}');
    expect(buildParamsData('?flowId=1&action=get')).toBe('actiongetflowId1');
  });

  it('puts the token, signature, timestamp and content type into the headers', () => {
    const headers = signedHeaders({ accessToken: token, secretKey, timestamp, query: 'k=v' });
    expect(headers).toEqual({
      'apim-accesstoken': token,
      'apim-signature': signRequest({ accessToken: token, secretKey, timestamp, query: 'k=v' }),
      'apim-timestamp': '1572574909697',
      'Content-Type': 'application/json;charset=UTF-8',
    });
  });

  it('agrees with the fake gateway for any query order and value (property)', () => {
    const name = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,7}$/);
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(name, fc.string()), { selector: ([n]) => n, maxLength: 6 }),
        fc.option(fc.json(), { nil: undefined }),
        (pairs, body) => {
          const raw = pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
          const ours = signRequest({ accessToken: token, secretKey, timestamp, query: pairs, body });
          expect(ours).toBe(expectedSignature(token, raw, body ?? '', String(timestamp), secretKey));
          // Order of the query does not matter.
          expect(
            signRequest({ accessToken: token, secretKey, timestamp, query: [...pairs].reverse(), body }),
          ).toBe(ours);
        },
      ),
    );
  });
});

describe('tokenEncryption', () => {
  it('is the hex SHA-256 of appKey + timestamp + appSecret', () => {
    // echo -n keyA1572574909697secretB | sha256sum
    expect(tokenEncryption('keyA', 1572574909697, 'secretB')).toBe(
      '99fab42f83a87dac5def8bedeebb897cd156f11e14df65c0b12068d719bfc66d',
    );
  });
});
