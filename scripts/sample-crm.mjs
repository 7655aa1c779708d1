// A stand-in CRM for the sample main flow's account lookup (ivr-flows/main.yaml, node `lookup`):
// GET /accounts/<digits> with "Authorization: Bearer <FLOW_CRM_TOKEN>" answers the account's tier.
// Accounts starting with 1 are gold (VIP), the rest standard. `npm run up` starts it; a real site
// points FLOW_CRM_URL at its own CRM instead.
import { createServer } from 'node:http';

const port = Number(process.env.SAMPLE_CRM_PORT ?? 3901);
const token = process.env.FLOW_CRM_TOKEN ?? 'dev-token';

createServer((req, res) => {
  const reply = (status, body) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  if (req.headers.authorization !== `Bearer ${token}`) return reply(401, { error: 'bad token' });
  const account = /^\/accounts\/(\d{4,12})$/.exec(req.url ?? '')?.[1];
  if (!account) return reply(404, { error: 'no such account' });
  return reply(200, { account, tier: account.startsWith('1') ? 'gold' : 'standard' });
}).listen(port, '127.0.0.1', () => process.stdout.write(`sample CRM on http://127.0.0.1:${port}\n`));
