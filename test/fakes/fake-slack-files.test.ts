/**
 * The fake Web API's file upload flow, driven by the real WebClient's filesUploadV2
 * (files.getUploadURLExternal, the POST of the bytes, files.completeUploadExternal), and what the
 * fake refuses as Slack does.
 */
import { WebClient } from '@slack/web-api';
import { type FakeSlackApi, startFakeSlackApi } from './fake-slack-api';

let fake: FakeSlackApi;
let client: WebClient;
beforeEach(async () => {
  fake = await startFakeSlackApi();
  client = new WebClient('xoxb-files', { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });
});
afterEach(async () => {
  fake.assertNoUnhandled();
  await fake.close();
});

describe('file uploads', () => {
  it('records the bytes sent to the upload URL and shares the file in the thread', async () => {
    const content = 'line 1\nünïcødé ✓\n';
    await client.filesUploadV2({
      channel_id: 'C1',
      thread_ts: '1764250000.000100',
      content,
      filename: 'task.log',
      title: 'Log of task',
      initial_comment: 'here it is',
    });
    expect(fake.callsOf('files.getUploadURLExternal')[0]!.args).toMatchObject({
      filename: 'task.log',
      length: String(Buffer.byteLength(content)),
    });
    expect(fake.files).toEqual([
      {
        id: expect.stringMatching(/^F0FAKE/),
        filename: 'task.log',
        length: Buffer.byteLength(content),
        bytes: Buffer.from(content),
        completed: {
          channel: 'C1',
          threadTs: '1764250000.000100',
          title: 'Log of task',
          initialComment: 'here it is',
        },
      },
    ]);
    expect(fake.messages).toEqual([
      expect.objectContaining({ channel: 'C1', thread_ts: '1764250000.000100', text: 'here it is' }),
    ]);
  });

  it('refuses to share where the bot is not a member, and a file whose bytes never arrived', async () => {
    fake.setBotNotInChannel('C1');
    await expect(
      client.filesUploadV2({ channel_id: 'C1', content: 'x', filename: 'a.log' }),
    ).rejects.toMatchObject({
      data: { error: 'not_in_channel' },
    });
    expect(fake.files[0]!.completed).toBeUndefined();

    fake.failNext('upload', { status: 500 });
    await expect(
      client.filesUploadV2({ channel_id: 'C2', content: 'y', filename: 'b.log' }),
    ).rejects.toThrow();
    const { file_id } = await client.files.getUploadURLExternal({ filename: 'c.log', length: 3 });
    await expect(
      client.files.completeUploadExternal({ files: [{ id: file_id! }], channel_id: 'C2' }),
    ).rejects.toMatchObject({
      data: { error: 'file_not_found' },
    });
    expect(fake.messages).toEqual([]);
  });
});
