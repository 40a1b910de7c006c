import {
  flowInstanceSchema,
  flowSchema,
  myFlowsSchema,
  tokenAnswerSchema,
} from '../../src/enos/enos-schemas';

/** Get Flow's `data` as EnOS sends it (documented fields plus a few undocumented ones). */
const rawFlow = {
  flowId: 3377,
  flowName: 'daily load',
  desc: null,
  active: 1,
  type: 0,
  cycle: 'D',
  freq: '0 0 1 * * ? *',
  owner: ' alice ; bob ',
  visitor: ';carol;;dave;',
  parameters: '[{"key":"REPLACE","value":"${cal_dt}"},{"key":"N","value":3}]',
  graph:
    '{"tasks":[{"taskName":"extract","taskId":"t1","nodeId":"n1"},{"taskName":"load","taskId":22}],"relations":[]}',
  locked: false,
  isUserLocked: true,
  hasEditPri: true,
  hasReadPri: true,
  creator: 'alice',
  somethingNew: { nested: 1 },
};

describe('flowSchema', () => {
  it('splits the padded owner list, drops the fields nothing reads, and decodes JSON-string parameters and graph', () => {
    expect(flowSchema.parse(rawFlow)).toEqual({
      flowId: 3377,
      flowName: 'daily load',
      type: 0,
      cycle: 'D',
      freq: '0 0 1 * * ? *',
      owners: ['alice', 'bob'],
      parameters: [
        { key: 'REPLACE', value: '${cal_dt}' },
        { key: 'N', value: '3' },
      ],
      tasks: [
        { taskName: 'extract', taskId: 't1', nodeId: 'n1' },
        { taskName: 'load', taskId: '22' },
      ],
      locked: false,
      isUserLocked: true,
    });
  });

  it('accepts parameters and graph as objects, and absent optional fields', () => {
    const flow = flowSchema.parse({
      flowId: '12',
      flowName: 'x',
      owner: ';alice;',
      parameters: [{ key: 'k', value: 'v' }],
      graph: { tasks: [{ taskName: 'a', taskId: 'b' }] },
      locked: 0,
      isUserLocked: 1,
    });
    expect(flow).toMatchObject({
      flowId: 12,
      owners: ['alice'],
      parameters: [{ key: 'k', value: 'v' }],
      tasks: [{ taskName: 'a', taskId: 'b' }],
      locked: false,
      isUserLocked: true,
    });
  });

  it('treats empty parameters and a graph without tasks as none', () => {
    const flow = flowSchema.parse({ ...rawFlow, parameters: '', graph: '{"relations":[]}' });
    expect(flow.parameters).toEqual([]);
    expect(flow.tasks).toEqual([]);
  });

  it.each([
    ['flowId missing', { flowId: undefined }],
    ['owner missing', { owner: undefined }],
    ['locked missing', { locked: undefined }],
    ['isUserLocked a string', { isUserLocked: 'no' }],
    ['graph not JSON', { graph: '{tasks:' }],
    ['parameters not a list', { parameters: '{"key":"k"}' }],
    ['flowId not a number', { flowId: 'abc' }],
  ])('rejects a flow with %s', (_name, patch) => {
    expect(flowSchema.safeParse({ ...rawFlow, ...patch }).success).toBe(false);
  });
});

describe('myFlowsSchema', () => {
  it('turns the string flowId into a number', () => {
    expect(
      myFlowsSchema.parse([
        { flowId: '3377', editable: true, flowName: 'daily load', cycle: 'D' },
        { flowId: 12, flowName: 'other', cycle: null },
      ]),
    ).toEqual([
      { flowId: 3377, flowName: 'daily load', cycle: 'D' },
      { flowId: 12, flowName: 'other' },
    ]);
    expect(myFlowsSchema.parse(null)).toEqual([]);
    expect(myFlowsSchema.safeParse([{ flowId: '33a', flowName: 'x' }]).success).toBe(false);
  });
});

describe('flowInstanceSchema', () => {
  it('decodes the graph tasks and parameters of an instance', () => {
    expect(
      flowInstanceSchema.parse({
        instanceId: '2791-19700101000000',
        flowId: 2791,
        flowName: 'f',
        parameters: '[{"key":"k","value":"v"}]',
        graph: '{"tasks":[{"taskName":"a","taskInstId":"ti-1","status":"SUCCESS","extra":1}]}',
        status: 1,
        statusDesc: 'SUCCESS',
        triggerTime: '2019-11-22 09:23:44',
        startTime: '2019-11-22 09:23:45',
        endTime: null,
        owner: 'alice',
        calDt: '2019-11-21',
      }),
    ).toEqual({
      instanceId: '2791-19700101000000',
      flowId: 2791,
      flowName: 'f',
      status: 1,
      triggerTime: '2019-11-22 09:23:44',
      startTime: '2019-11-22 09:23:45',
      parameters: [{ key: 'k', value: 'v' }],
      tasks: [{ taskName: 'a', taskInstId: 'ti-1', status: 'SUCCESS' }],
    });
  });

  it('requires the instance id and status', () => {
    expect(flowInstanceSchema.safeParse({ flowId: 1, flowName: 'f', status: 1 }).success).toBe(false);
    expect(flowInstanceSchema.safeParse({ instanceId: 'x', flowId: 1, flowName: 'f' }).success).toBe(false);
  });
});

describe('tokenAnswerSchema', () => {
  it('reads the token service answer', () => {
    expect(
      tokenAnswerSchema.parse({
        status: 0,
        msg: 'SUCCESS',
        business: 'apim-token-service',
        data: { accessToken: 'abc', expire: 7200 },
      }),
    ).toEqual({ status: 0, msg: 'SUCCESS', data: { accessToken: 'abc', expire: 7200 } });
  });
});
