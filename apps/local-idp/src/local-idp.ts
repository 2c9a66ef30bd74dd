import { generateKeyPairSync, randomBytes, randomUUID, timingSafeEqual, createHash } from 'node:crypto';
import { IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { Configuration, KoaContextWithOIDC } from 'oidc-provider';
import { LocalClient, LocalIdpConfig, LocalUser } from './config';
import { loginPage } from './login-page.html';

export interface LocalIdp {
  /** The issuer URL a relying party discovers (`/.well-known/openid-configuration` below it). */
  issuer: string;
  close(): Promise<void>;
}

const INTERACTION_PATH = /^\/interaction\/([\w-]+)(\/login)?$/;
const LOGIN_FORM_LIMIT = 8 * 1024;

/**
 * A small OpenID Connect provider (oidc-provider) for local runs and tests: the users and clients of its config, a login
 * form that checks their passwords, no consent screen (its clients are the project's own), a signing key made at start.
 */
export async function startLocalIdp(config: LocalIdpConfig): Promise<LocalIdp> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(config.PORT, config.HOST, resolve));
  const issuer = config.ISSUER ?? `http://${config.HOST}:${(server.address() as AddressInfo).port}`;
  const users = new Map(config.LOCAL_IDP_USERS.map((user) => [user.username, user]));
  const provider = new Provider(issuer, providerConfiguration(users, config.LOCAL_IDP_CLIENTS));
  const callback = provider.callback();
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const interaction = INTERACTION_PATH.exec(request.url ?? '');
    if (!interaction) return void callback(request, response);
    handleLogin(provider, users, request, response, interaction[2] === '/login').catch((error: Error) => {
      if (!response.headersSent) response.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end(`login failed: ${error.message}`);
    });
  });
  return { issuer, close: () => closeServer(server) };
}

function providerConfiguration(users: Map<string, LocalUser>, clients: LocalClient[]): Configuration {
  const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  return {
    clients: clients.map((client) => ({
      client_id: client.clientId,
      client_secret: client.clientSecret,
      redirect_uris: client.redirectUris,
      post_logout_redirect_uris: client.postLogoutRedirectUris,
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    })),
    jwks: { keys: [{ ...signingKey, kid: keyId(signingKey), alg: 'RS256', use: 'sig' }] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    claims: { openid: ['sub'], profile: ['name', 'preferred_username'], roles: ['roles'] },
    scopes: ['openid', 'profile', 'roles'],
    // the dashboard reads name and roles from the ID token, as it does from Keycloak's with a mapper
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    // a login lasts a working day; the dashboard keeps its own session for as long (SESSION_MINUTES)
    ttl: { Interaction: 10 * 60, Session: 8 * 60 * 60, Grant: 8 * 60 * 60, AuthorizationCode: 60, AccessToken: 10 * 60, IdToken: 10 * 60 },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    findAccount: (_ctx, accountId) => {
      const user = users.get(accountId);
      if (!user) return undefined;
      return { accountId, claims: () => ({ sub: accountId, name: user.name, preferred_username: user.username, roles: user.roles }) };
    },
    // the clients are the project's own: every scope they ask for is granted without a consent screen
    loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
      const { client, session, params } = ctx.oidc;
      if (!client || !session?.accountId) return undefined;
      const existing = session.grantIdFor(client.clientId);
      const grant = (existing && (await ctx.oidc.provider.Grant.find(existing))) || new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope(String(params?.scope ?? 'openid'));
      await grant.save();
      return grant;
    },
  };
}

function keyId(jwk: { n?: string }): string {
  return createHash('sha256').update(jwk.n ?? randomUUID()).digest('base64url').slice(0, 16);
}

/** GET shows the form; POST checks the password and finishes the interaction (or shows the form again). */
async function handleLogin(provider: Provider, users: Map<string, LocalUser>, request: IncomingMessage, response: ServerResponse, submitted: boolean): Promise<void> {
  const details = await provider.interactionDetails(request, response);
  const action = `/interaction/${details.uid}/login`;
  const clientId = String(details.params.client_id ?? '');
  if (!submitted) return void sendPage(response, 200, loginPage({ action, clientId }));
  if (request.method !== 'POST') return void response.writeHead(405, { allow: 'POST' }).end();
  const form = new URLSearchParams(await readBody(request));
  const username = form.get('username') ?? '';
  const user = users.get(username);
  if (!user || !samePassword(form.get('password') ?? '', user.password)) {
    return void sendPage(response, 401, loginPage({ action, clientId, username, problem: 'Unknown user or wrong password.' }));
  }
  await provider.interactionFinished(request, response, { login: { accountId: user.username } }, { mergeWithLastSubmission: false });
}

function samePassword(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

function sendPage(response: ServerResponse, status: number, html: string): void {
  // no form-action: browsers apply it to the redirects after the post too, and the last one goes to the client
  response.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'" }).end(html);
}

async function readBody(request: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of request) {
    body += String(chunk);
    if (body.length > LOGIN_FORM_LIMIT) throw new Error(`form larger than ${LOGIN_FORM_LIMIT} bytes`);
  }
  return body;
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
}

