/**
 * The floor: a bare Bolt app over the same HTTP receiver, signing secret and Web API fake as the
 * real app, whose `/flow-trigger` handler only calls ack(). Plain CommonJS, run with `node` exactly
 * like `dist/main.js`, so that both pay the same start-up and runtime costs (no TypeScript loader).
 */
const { App, LogLevel } = require('@slack/bolt');

const app = new App({
  token: process.env.SLACK_BOT_TOKEN,
  signingSecret: process.env.SLACK_SIGNING_SECRET,
  logLevel: LogLevel.WARN,
  clientOptions: { slackApiUrl: process.env.SLACK_API_URL, retryConfig: { retries: 0 } },
  customRoutes: [
    {
      path: '/healthz',
      method: ['GET'],
      handler: (_req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end('{"ok":true}');
      },
    },
  ],
  deferInitialization: true,
});

app.command('/flow-trigger', async ({ ack }) => {
  await ack();
});

async function main() {
  await app.init();
  await app.start(Number(process.env.PORT ?? 3000));
}

main().catch((error) => {
  process.stderr.write(`bare bolt failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});

process.once('SIGTERM', () => {
  app.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
