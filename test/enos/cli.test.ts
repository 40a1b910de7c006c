import { type CliOutput, runCli } from '../../src/enos/cli';
import { type FakeEnosGateway, startFakeEnosGateway } from '../fakes/fake-enos-gateway';

function collector(): CliOutput & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => out.push(t), stderr: (t) => err.push(t) };
}

describe('npm run enos (runCli)', () => {
  let enos: FakeEnosGateway;
  let env: NodeJS.ProcessEnv;

  beforeEach(async () => {
    enos = await startFakeEnosGateway();
    enos.addUser({ userId: 'u123', userName: 'alice', orgId: 'o456' });
    enos.addFlow({
      flowId: 3377,
      flowName: 'daily load',
      owner: ' alice ; bob ',
      parameters: [{ key: 'K', value: 'v' }],
    });
    env = {
      ENOS_API_GATEWAY_URL: `${enos.url}/`,
      ENOS_ACCESS_KEY: enos.accessKey,
      ENOS_SECRET_KEY: enos.secretKey,
      ENOS_ORG_ID: 'o456',
      ENOS_REQUEST_TIMEOUT_MS: '2000',
    };
  });
  afterEach(async () => {
    expect(enos.unhandled).toEqual([]);
    await enos.close();
  });

  it('get-flow prints the normalised flow as JSON', async () => {
    const io = collector();
    expect(await runCli(['get-flow', '3377', '--user', 'u123'], env, io)).toBe(0);
    expect(io.err).toEqual([]);
    expect(JSON.parse(io.out.join('\n'))).toMatchObject({
      flowId: 3377,
      flowName: 'daily load',
      owners: ['alice', 'bob'],
      parameters: [{ key: 'K', value: 'v' }],
      locked: false,
    });
    expect(enos.requestsOf('flows.get')[0]?.query).toMatchObject({
      userId: 'u123',
      orgId: 'o456',
      flowId: '3377',
    });
  });

  it('my-flows passes the expression and --org', async () => {
    enos.addUser({ userId: 'u9', userName: 'alice', orgId: 'o9' });
    const io = collector();
    expect(await runCli(['my-flows', 'daily', '-u', 'u9', '--org', 'o9'], env, io)).toBe(0);
    expect(JSON.parse(io.out.join('\n'))).toEqual([{ flowId: 3377, flowName: 'daily load', cycle: 'D' }]);
    expect(enos.requestsOf('flows.getMyFlow')[0]?.query).toMatchObject({ expression: 'daily', orgId: 'o9' });
  });

  it('get-instance prints an instance', async () => {
    enos.addInstance({ flowId: 3377, instanceId: '3377-20240115063000', status: 1, owner: 'alice' });
    const io = collector();
    expect(await runCli(['get-instance', '3377-20240115063000', '--user', 'u123'], env, io)).toBe(0);
    expect(JSON.parse(io.out.join('\n'))).toMatchObject({
      instanceId: '3377-20240115063000',
      status: 1,
    });
  });

  it('token says a token was obtained and for how long, never the token', async () => {
    const io = collector();
    expect(await runCli(['token'], env, io)).toBe(0);
    expect(io.out.join('\n')).toMatch(/^Access token obtained from .*; valid for 7200 s\.$/);
    const token = (
      JSON.parse(enos.requestsOf('token.get')[0]?.answerBody ?? '{}') as { data: { accessToken: string } }
    ).data.accessToken;
    expect(token).toMatch(/^fake-token-/);
    expect([...io.out, ...io.err].join('\n')).not.toContain(token);
  });

  it('prints the userMessage and code of an EnOS error, exit code 1', async () => {
    const io = collector();
    expect(await runCli(['get-flow', '999', '--user', 'u123'], env, io)).toBe(1);
    expect(io.out).toEqual([]);
    expect(io.err.join('\n')).toMatch(/^Error ENOS_API_ERROR 62102: EnOS refused the request/);
  });

  it('prints an authentication problem with the variables to check', async () => {
    const io = collector();
    expect(await runCli(['token'], { ...env, ENOS_SECRET_KEY: 'wrong' }, io)).toBe(1);
    expect(io.err.join('\n')).toMatch(/^Error ENOS_AUTH: .*ENOS_SECRET_KEY/);
  });

  it('lists every configuration problem at once', async () => {
    const io = collector();
    expect(
      await runCli(['get-flow', '3377', '--user', 'u123'], { ENOS_API_GATEWAY_URL: 'not a url' }, io),
    ).toBe(1);
    const text = io.err.join('\n');
    for (const name of ['ENOS_API_GATEWAY_URL', 'ENOS_ACCESS_KEY', 'ENOS_SECRET_KEY', 'ENOS_ORG_ID'])
      expect(text).toContain(name);
    expect(enos.requests).toEqual([]);
  });

  it.each([
    [['get-flow', '3377']],
    [['get-flow', 'abc', '--user', 'u123']],
    [['frobnicate']],
    [['get-flow', '3377', '--user']],
    [['get-flow', '3377', '--colour', 'red']],
  ])('refuses bad usage %j with the usage text, exit code 1', async (argv) => {
    const io = collector();
    expect(await runCli(argv, env, io)).toBe(1);
    expect(io.err.join('\n')).toContain('Usage: npm run enos');
    expect(enos.requestsOf('flows.get')).toEqual([]);
  });

  it('prints the help', async () => {
    const io = collector();
    expect(await runCli(['--help'], {}, io)).toBe(0);
    expect(io.out.join('\n')).toContain('get-flow <flowId>');
  });
});
