import { randomBytes } from 'node:crypto';
import { BadRequestException, ForbiddenException, Logger, ServiceUnavailableException } from '@nestjs/common';
import type { Request, Response } from 'express';
import { parse } from 'cookie';
import * as oidc from 'openid-client';
import { OpsDashboardConfig } from '../config';
import { DASHBOARD_ROLES, DashboardUser, dashboardRolesOf } from './dashboard-user';

const LOGIN_COOKIE = 'regsync_dashboard_login';
const LOGIN_MINUTES = 10;

/** What the browser must bring back from the provider: the PKCE verifier, state and nonce of one login attempt. */
interface PendingLogin {
  codeVerifier: string;
  state: string;
  nonce: string;
  expiresAt: number;
}

/**
 * The dashboard as an OpenID Connect client (authorization code + PKCE, openid-client): any provider works through
 * the OIDC_* settings. The provider is discovered at the first login, so the dashboard starts while it is down.
 */
export class OidcLogin {
  private readonly logger = new Logger('login');
  private readonly pending = new Map<string, PendingLogin>();
  private configuration?: Promise<oidc.Configuration>;

  constructor(private readonly config: OpsDashboardConfig) {}

  /** Starts a login: remembers the attempt in a short-lived cookie and returns the provider's authorization URL. */
  async begin(response: Response): Promise<URL> {
    const configuration = await this.provider();
    const attempt: PendingLogin = { codeVerifier: oidc.randomPKCECodeVerifier(), state: oidc.randomState(), nonce: oidc.randomNonce(), expiresAt: Date.now() + LOGIN_MINUTES * 60_000 };
    const id = randomBytes(24).toString('base64url');
    this.forgetExpired();
    this.pending.set(id, attempt);
    response.cookie(LOGIN_COOKIE, id, { httpOnly: true, sameSite: 'lax', secure: this.secureCookies, path: '/auth', maxAge: LOGIN_MINUTES * 60_000 });
    return oidc.buildAuthorizationUrl(configuration, {
      redirect_uri: this.config.OIDC_REDIRECT_URL,
      scope: this.config.OIDC_SCOPES,
      code_challenge: await oidc.calculatePKCECodeChallenge(attempt.codeVerifier),
      code_challenge_method: 'S256',
      state: attempt.state,
      nonce: attempt.nonce,
    });
  }

  /** The provider's answer at the callback: exchanges the code, checks the ID token, and names the person and roles. */
  async complete(request: Request, response: Response): Promise<{ user: DashboardUser; idToken: string }> {
    const id = parse(request.headers.cookie ?? '')[LOGIN_COOKIE];
    const attempt = id ? this.pending.get(id) : undefined;
    if (id) this.pending.delete(id);
    response.clearCookie(LOGIN_COOKIE, { httpOnly: true, sameSite: 'lax', secure: this.secureCookies, path: '/auth' });
    if (!attempt || attempt.expiresAt < Date.now()) throw new BadRequestException('login: no login in progress in this browser, or it took too long; start again at /auth/login');
    const configuration = await this.provider();
    // The callback URL as registered (not the Host header), with the provider's query parameters.
    const callbackUrl = new URL(this.config.OIDC_REDIRECT_URL);
    callbackUrl.search = new URL(request.originalUrl, 'http://callback').search;
    let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
    try {
      tokens = await oidc.authorizationCodeGrant(configuration, callbackUrl, { pkceCodeVerifier: attempt.codeVerifier, expectedState: attempt.state, expectedNonce: attempt.nonce, idTokenExpected: true });
    } catch (error) {
      throw new BadRequestException(`login: the provider's answer was refused: ${(error as Error).message}`);
    }
    const claims = tokens.claims()!;
    const name = [claims.name, claims.preferred_username, claims.sub].find((value) => typeof value === 'string' && value.length > 0) as string;
    const roles = dashboardRolesOf(claims, this.config.OIDC_ROLES_CLAIM);
    if (roles.length === 0) throw new ForbiddenException(`login: ${name} has none of the roles ${DASHBOARD_ROLES.join(', ')} in the claim ${this.config.OIDC_ROLES_CLAIM}`);
    return { user: { subject: claims.sub, name, roles }, idToken: tokens.id_token! };
  }

  /** Where the browser goes to end the provider's session too; back to the dashboard afterwards. */
  async logoutUrl(idToken: string | undefined): Promise<URL> {
    const configuration = await this.provider();
    const home = new URL('..', this.config.OIDC_REDIRECT_URL).toString();
    if (!configuration.serverMetadata().end_session_endpoint) return new URL(home);
    return oidc.buildEndSessionUrl(configuration, { post_logout_redirect_uri: home, ...(idToken ? { id_token_hint: idToken } : {}) });
  }

  private get secureCookies(): boolean {
    return new URL(this.config.OIDC_REDIRECT_URL).protocol === 'https:';
  }

  private provider(): Promise<oidc.Configuration> {
    this.configuration ??= this.discover().catch((error: Error) => {
      this.configuration = undefined;
      this.logger.error(`OIDC provider ${this.config.OIDC_ISSUER_URL} not reachable: ${error.message}`);
      throw new ServiceUnavailableException(`login: the identity provider ${this.config.OIDC_ISSUER_URL} is not reachable; retry shortly`);
    });
    return this.configuration;
  }

  private discover(): Promise<oidc.Configuration> {
    const issuer = new URL(this.config.OIDC_ISSUER_URL);
    // http only passes the config rule on 127.0.0.1/localhost: the project's own IdP
    const options = issuer.protocol === 'http:' ? { execute: [oidc.allowInsecureRequests] } : undefined;
    return oidc.discovery(issuer, this.config.OIDC_CLIENT_ID, this.config.OIDC_CLIENT_SECRET, oidc.ClientSecretBasic(this.config.OIDC_CLIENT_SECRET), options);
  }

  private forgetExpired(): void {
    const now = Date.now();
    for (const [id, attempt] of this.pending) if (attempt.expiresAt <= now) this.pending.delete(id);
  }
}
