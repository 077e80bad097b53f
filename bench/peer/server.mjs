// The benchmark peer: panva's oidc-provider, one Node process, state in memory (MapAdapter below: it writes
// nothing to disk, where DirectAuth commits every token to SQLite; the library's own development adapter
// keeps only 1000 entries, too few for the pending polls). Configured to do the same work per
// request as DirectAuth in bench/peer/run:
//   client_credentials - confidential client, client_secret_basic, a JWT access token signed RS256;
//   refresh_token      - public client, rotation (the old token consumed, a new one saved), a JWT access
//                        token and an ID token, both RS256;
//   device_code poll   - a pending device code answers authorization_pending.
// Usage: PORT=7500 CLIENT_SECRET=... node bench/peer/server.mjs
// POST /bench/mint?n=N (loopback bench only) answers N refresh tokens, one per line, made the way the
// authorization code grant would have made them.
import { generateKeyPairSync } from 'node:crypto';
import Provider from 'oidc-provider';

// Every model's rows in one Map, with the two lookups the provider asks for (device user codes, grant members).
class MapAdapter {
  static rows = new Map();
  static userCodes = new Map();
  static grants = new Map();

  constructor(model) { this.model = model; }

  key(id) { return `${this.model}:${id}`; }

  async upsert(id, payload, expiresIn) {
    const key = this.key(id);
    MapAdapter.rows.set(key, { payload, expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : Infinity });
    if (payload.userCode) MapAdapter.userCodes.set(payload.userCode, id);
    if (payload.grantId) {
      const members = MapAdapter.grants.get(payload.grantId) ?? new Set();
      members.add(key);
      MapAdapter.grants.set(payload.grantId, members);
    }
  }

  async find(id) {
    const row = MapAdapter.rows.get(this.key(id));
    if (!row) return undefined;
    if (row.expiresAt < Date.now()) {
      MapAdapter.rows.delete(this.key(id));
      return undefined;
    }
    return row.payload;
  }

  async findByUserCode(userCode) { return this.find(MapAdapter.userCodes.get(userCode)); }

  async findByUid() { return undefined; } // sessions: not used by these grants

  async consume(id) {
    const row = MapAdapter.rows.get(this.key(id));
    if (row) row.payload.consumed = Math.floor(Date.now() / 1000);
  }

  async destroy(id) { MapAdapter.rows.delete(this.key(id)); }

  async revokeByGrantId(grantId) {
    for (const key of MapAdapter.grants.get(grantId) ?? []) MapAdapter.rows.delete(key);
    MapAdapter.grants.delete(grantId);
  }
}

const port = Number(process.env.PORT ?? 7500);
const secret = process.env.CLIENT_SECRET ?? 'bench-client-secret-0123456789abcdef';
const resource = 'api://bench';
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [
    {
      client_id: 'bench-service', client_secret: secret, grant_types: ['client_credentials'],
      redirect_uris: [], response_types: [], token_endpoint_auth_method: 'client_secret_basic',
    },
    {
      client_id: 'bench-native', application_type: 'native', token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'],
      redirect_uris: ['http://127.0.0.1/callback'], response_types: ['code'],
    },
  ],
  jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'bench', alg: 'RS256', use: 'sig' }] },
  scopes: ['openid', 'offline_access', 'api'],
  findAccount: async (ctx, sub) => ({ accountId: sub, claims: async () => ({ sub }) }),
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    deviceFlow: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => resource,
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({ scope: 'api', accessTokenFormat: 'jwt', accessTokenTTL: 3600, jwt: { sign: { alg: 'RS256' } } }),
    },
  },
  adapter: MapAdapter,
  rotateRefreshToken: true,
  ttl: { RefreshToken: 30 * 24 * 3600, DeviceCode: 600 },
});

async function mint(n) {
  const client = await provider.Client.find('bench-native');
  const tokens = [];
  for (let i = 0; i < n; i += 1) {
    const accountId = `bench-user-${i}`;
    const grant = new provider.Grant({ accountId, clientId: client.clientId });
    grant.addOIDCScope('openid offline_access');
    grant.addResourceScope(resource, 'api');
    const grantId = await grant.save();
    const now = Math.floor(Date.now() / 1000);
    const token = new provider.RefreshToken({
      accountId, client, grantId, gty: 'authorization_code', authTime: now, iiat: now,
      scope: 'openid offline_access api', resource,
    });
    tokens.push(await token.save());
  }
  return tokens;
}

provider.use(async (ctx, next) => {
  if (ctx.method === 'POST' && ctx.path === '/bench/mint') {
    ctx.type = 'text/plain';
    ctx.body = (await mint(Math.min(Number(ctx.query.n ?? 1), 10000))).join('\n') + '\n';
    return;
  }
  await next();
});

provider.listen(port, '127.0.0.1', () => console.log(`oidc-provider ${port} ready`));
