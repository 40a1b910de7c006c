/**
 * The fake Slack refuses what real Slack refuses: payloads beyond the Block Kit limits answer
 * `invalid_blocks` naming the limit, and count as unhandled so the test that caused them fails.
 */
import { webApi } from '@slack/bolt';
import { type FakeSlackApi, startFakeSlackApi } from './fake-slack-api';
import { findAckViolations, findLimitViolations } from './slack-payload-limits';

let fake: FakeSlackApi;
let client: InstanceType<typeof webApi.WebClient>;
beforeEach(async () => {
  fake = await startFakeSlackApi();
  client = new webApi.WebClient('xoxb-test', { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });
});
afterEach(async () => {
  await fake.close();
});

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });

describe('the fake Slack’s Block Kit limits', () => {
  it('refuses a section of 3,001 characters with invalid_blocks, naming the limit', async () => {
    await expect(
      client.chat.postMessage({ channel: 'C1', text: 'x', blocks: [section('y'.repeat(3001))] }),
    ).rejects.toMatchObject({
      data: {
        ok: false,
        error: 'invalid_blocks',
        errors: ['blocks[0].text.text: 3001 > 3000 (section text)'],
      },
    });
    expect(fake.messages).toHaveLength(0);
    expect(() => fake.assertNoUnhandled()).toThrow(/invalid_blocks: blocks\[0\]\.text\.text: 3001 > 3000/);
  });

  it('accepts a section of exactly 3,000 characters', async () => {
    await client.chat.postMessage({ channel: 'C1', text: 'x', blocks: [section('y'.repeat(3000))] });
    expect(fake.messages).toHaveLength(1);
    fake.assertNoUnhandled();
  });

  it('refuses 51 blocks in a message and 101 in a view', async () => {
    const blocks = (n: number) => Array.from({ length: n }, () => section('a'));
    await expect(
      client.chat.postMessage({ channel: 'C1', text: 'x', blocks: blocks(51) }),
    ).rejects.toMatchObject({
      data: { error: 'invalid_blocks', errors: ['blocks: 51 > 50 (blocks per message)'] },
    });
    await expect(
      client.views.publish({ user_id: 'U1', view: { type: 'home', blocks: blocks(101) } as never }),
    ).rejects.toMatchObject({
      data: { error: 'invalid_blocks', errors: ['blocks: 101 > 100 (blocks per view)'] },
    });
  });

  it('checks response_url messages like chat.postMessage', async () => {
    const res = await fetch(fake.responseUrl('r1'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        text: 'x',
        blocks: [{ type: 'context', elements: Array(11).fill({ type: 'mrkdwn', text: 'a' }) }],
      }),
    });
    expect(await res.json()).toMatchObject({ ok: false, error: 'invalid_blocks' });
    expect(() => fake.assertNoUnhandled()).toThrow(/context elements/);
  });

  it('names every limit it knows', () => {
    const view = {
      type: 'modal',
      title: { type: 'plain_text', text: 't'.repeat(25) },
      private_metadata: 'm'.repeat(3001),
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } },
        {
          type: 'input',
          label: { type: 'plain_text', text: 'l' },
          element: { type: 'plain_text_input', action_id: 'a', initial_value: 'v'.repeat(3001) },
        },
        {
          type: 'actions',
          elements: [
            {
              type: 'button',
              action_id: 'b',
              text: { type: 'plain_text', text: 'B' },
              value: 'v'.repeat(2001),
            },
          ],
        },
      ],
    };
    expect(findLimitViolations('view', view)).toEqual([
      'title.text: 25 > 24 (view title)',
      'private_metadata: 3001 > 3000 (private_metadata)',
      'blocks[0].text.text: 151 > 150 (header text)',
      'blocks[1].element.initial_value: 3001 > 3000 (initial_value)',
      'blocks[2].elements[0].value: 2001 > 2000 (button value)',
    ]);
    const options = Array.from({ length: 101 }, (_, i) => ({
      text: { type: 'plain_text', text: 'o'.repeat(76) },
      value: String(i),
    }));
    expect(findAckViolations({ options })).toContain('options: 101 > 100 (options)');
    expect(findAckViolations({ options })).toContain('options[0].text.text: 76 > 75 (option text)');
  });
});
