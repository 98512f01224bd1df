// A real OpenID Connect provider for Guichet's tests (npm package oidc-provider), started by
// scripts/oidc-test-provider.sh: authorization code flow with PKCE (S256) required, RS256-signed
// ID tokens, JWKS, userinfo. One confidential client, `guichet`, whose secret is
// $OIDC_TEST_CLIENT_SECRET, and which may redirect to any http://127.0.0.1:<port> or
// http://localhost:<port> URI (the relying parties run on random loopback ports).
//
//   node end2end/oidc-provider/provider.mjs PORT_FILE
//
// Listens on a free port of 127.0.0.1, then writes that port to PORT_FILE. Any login is accepted,
// an e-mail address; prefixes of its local part ask for failure cases:
//   unverified.  email_verified is false
//   late.        the ID token is already expired (the provider's clock an hour behind)
//   nonce.       the ID token's nonce is not the one the relying party sent
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { renameSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

const portFile = process.argv[2];
const clientSecret = process.env.OIDC_TEST_CLIENT_SECRET;
if (!portFile || !clientSecret) {
  console.error('usage: OIDC_TEST_CLIENT_SECRET=... node provider.mjs PORT_FILE');
  process.exit(2);
}

const SPECIAL = /^(unverified|late|nonce)\./;

// "unverified.ada.lovelace@x" -> "Ada Lovelace"
function displayName(email) {
  const local = email.split('@')[0].replace(SPECIAL, '');
  return local.split(/[._+-]+/).filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1)).join(' ') || email;
}

async function findAccount(_ctx, id) {
  return {
    accountId: id,
    async claims() {
      const name = displayName(id);
      return {
        sub: id, email: id, mail: id, name, displayName: name,
        email_verified: !id.startsWith('unverified.'),
      };
    },
  };
}

// In-memory storage (as oidc-provider's own memory adapter, without its LRU bound). Codes of
// `nonce.` accounts come back with another nonce, which the ID token then carries.
const store = new Map(); // "Model:id" -> { payload, expiresAt }
const grants = new Map(); // grantId -> Set of "Model:id"
class Adapter {
  constructor(model) { this.model = model; }

  key(id) { return `${this.model}:${id}`; }

  async upsert(id, payload, expiresIn) {
    const key = this.key(id);
    store.set(key, { payload, expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : Infinity });
    if (this.model === 'Session') store.set(`sessionUid:${payload.uid}`, { payload: id, expiresAt: Infinity });
    if (payload.grantId) {
      if (!grants.has(payload.grantId)) grants.set(payload.grantId, new Set());
      grants.get(payload.grantId).add(key);
    }
  }

  async find(id) {
    const entry = store.get(this.key(id));
    if (!entry || entry.expiresAt <= Date.now()) return undefined;
    const { payload } = entry;
    if (this.model === 'AuthorizationCode' && payload.accountId?.startsWith('nonce.')) {
      return { ...payload, nonce: 'not-the-nonce-you-sent' };
    }
    return payload;
  }

  async findByUid(uid) { return this.find(store.get(`sessionUid:${uid}`)?.payload); }

  async findByUserCode() { return undefined; } // no device flow

  async consume(id) { store.get(this.key(id)).payload.consumed = Math.floor(Date.now() / 1000); }

  async destroy(id) { store.delete(this.key(id)); }

  async revokeByGrantId(grantId) {
    for (const key of grants.get(grantId) ?? []) store.delete(key);
    grants.delete(grantId);
  }
}

// ID tokens of `late.` accounts are signed as by a provider whose clock is an hour behind: the
// ttl is read synchronously just before lib/helpers/jwt.js sign() computes iat/exp from
// Date.now(), so exp ends up 3600 - 600 s in the past. The clock is set right again before any
// other code runs.
function idTokenTtl(_ctx, token) {
  if (token.available?.sub?.startsWith('late.')) {
    const realNow = Date.now;
    Date.now = () => realNow() - 3600 * 1000;
    queueMicrotask(() => { Date.now = realNow; });
  }
  return 600;
}

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'guichet-test', alg: 'RS256', use: 'sig' };

// Listen first (port 0: a free one), so that the issuer can name the port.
const server = createServer();
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    adapter: Adapter,
    clients: [{
      client_id: 'guichet',
      client_secret: clientSecret,
      redirect_uris: ['http://127.0.0.1/auth/oidc/callback'], // any loopback one, see below
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic', // client_secret_post is accepted too
    }],
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified', 'mail'],
      profile: ['name', 'displayName'],
    },
    scopes: ['openid', 'email', 'profile'],
    responseTypes: ['code'],
    findAccount,
    jwks: { keys: [signingKey] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    pkce: { required: () => true },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    ttl: {
      AccessToken: 3600, Grant: 3600, Interaction: 3600, Session: 3600, IdToken: idTokenTtl,
    },
    renderError(ctx, out) {
      ctx.type = 'text';
      ctx.body = Object.entries(out).map(([k, v]) => `${k}: ${v}`).join('\n');
    },
  });

  // Any redirect URI on a loopback origin, whatever its port and path, or on a host of the
  // reserved `.test` domain (the Rust tests' in-process portal answers as `portal.test`); v9
  // otherwise wants an exact match of a registered one, port-free only for native clients.
  provider.Client.prototype.redirectUriAllowed = (uri) => {
    const url = URL.parse(uri);
    const host = url?.hostname ?? '';
    return url?.protocol === 'http:'
      && (['127.0.0.1', 'localhost'].includes(host) || host.endsWith('.test'))
      && !url.hash && !url.username && !url.password;
  };

  // The interaction: one form asking for an e-mail address, which logs in and consents at once.
  provider.use(async (ctx, next) => {
    const m = /^\/interaction\/([\w-]+)(\/login)?$/.exec(ctx.path);
    if (!m) return next();
    try {
      return await interaction(ctx, m[1], !!m[2]);
    } catch (err) { // e.g. the interaction cookie missing or expired: say so in plain text
      ctx.status = err.statusCode ?? err.status ?? 500;
      ctx.type = 'text';
      ctx.body = `${err.error ?? 'error'}: ${err.error_description ?? err.message}\n`;
      return undefined;
    }
  });

  async function interaction(ctx, uid, isLogin) {
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    if (details.uid !== uid) ctx.throw(400, 'interaction mismatch');
    if (ctx.method === 'GET' && !isLogin) {
      ctx.type = 'html';
      ctx.body = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Test identity provider</title></head>
<body><h1>Test identity provider</h1>
<form method="post" action="/interaction/${details.uid}/login">
<label for="login">E-mail</label><input id="login" name="login" type="text" autofocus>
<button type="submit">Sign in</button>
</form></body></html>`;
      return undefined;
    }
    if (ctx.method !== 'POST' || !isLogin) ctx.throw(405);
    let body = '';
    for await (const chunk of ctx.req) body += chunk;
    const accountId = (new URLSearchParams(body).get('login') ?? '').trim().toLowerCase();
    if (!accountId) ctx.throw(400, 'login missing');
    const grant = new provider.Grant({ accountId, clientId: details.params.client_id });
    grant.addOIDCScope('openid email profile');
    grant.addOIDCClaims(['sub', 'email', 'email_verified', 'mail', 'name', 'displayName']);
    const grantId = await grant.save();
    await provider.interactionFinished(ctx.req, ctx.res, {
      login: { accountId },
      consent: { grantId },
    }, { mergeWithLastSubmission: false });
    ctx.respond = false; // interactionFinished answered (303 to the authorization endpoint)
    return undefined;
  }

  provider.on('server_error', (_ctx, err) => console.error('server_error', err));
  server.on('request', provider.callback());

  const tmp = `${portFile}.tmp`;
  writeFileSync(tmp, `${port}\n`);
  renameSync(tmp, portFile);
  console.log(`oidc test provider: ${issuer}`);
});

process.on('SIGTERM', () => process.exit(0));
