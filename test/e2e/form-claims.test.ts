/**
 * The form's double-submit claim is per user and view: a second Submit of one user's form is
 * ignored, and no submission can swallow another user's.
 */
import { MODAL_ACTION } from '../../src/slack/ids';
import { changeForm, currentForm, submitForm } from '../helpers/modal-requests';
import { DEFAULT_CHANNEL_ID, DEFAULT_TEAM_ID } from '../helpers/slack-requests';
import { ALICE, CAROL, startTestApp, type TestApp } from '../helpers/start-test-app';

let t: TestApp;
afterEach(async () => {
  await t?.stop();
});

it('ignores a second submission by the same user, not one by another user with the same view id', async () => {
  t = await startTestApp();
  await t.command('');
  await changeForm(t, MODAL_ACTION.flow, { flow: { id: 3377 } });
  const view = currentForm(t);
  const fill = { flow: { id: 3377 }, conversation: DEFAULT_CHANNEL_ID };
  await Promise.all([submitForm(t, fill, { view }), submitForm(t, fill, { view })]);
  await submitForm(t, fill, { view, user: CAROL.slackUserId });

  const attempts = async (slackUserId: string) =>
    t.store.audit.listRecent(DEFAULT_TEAM_ID, { slackUserId, limit: 10 });
  expect(await attempts(ALICE.slackUserId)).toHaveLength(1);
  // Carol's own submission went through her own checks (she is no owner of 3377: refused).
  expect(await attempts(CAROL.slackUserId)).toMatchObject([
    { slackUserId: CAROL.slackUserId, outcome: 'refused' },
  ]);
  expect(t.enos.requestsOf('flows.updateAndTrigger')).toHaveLength(1);
  expect(t.logs.filter((l) => l.includes('the same form was submitted again'))).toHaveLength(1);
});
