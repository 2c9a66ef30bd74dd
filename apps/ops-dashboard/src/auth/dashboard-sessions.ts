import { randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import { parse } from 'cookie';
import { DashboardUser } from './dashboard-user';

export const SESSION_COOKIE = 'regsync_dashboard_session';

interface Session {
  user: DashboardUser;
  /** Sent to the provider at logout (id_token_hint), so it ends its own session too. */
  idToken: string;
  expiresAt: number;
}

/**
 * Logged-in people by an unguessable session id in an httpOnly, SameSite=Lax cookie. Kept in memory: a restart of the
 * dashboard asks everyone to log in again, and several replicas need sticky sessions.
 */
export class DashboardSessions {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly lifetimeMs: number,
    /** Secure cookies when the dashboard is served over https. */
    private readonly secureCookies: boolean,
  ) {}

  start(response: Response, user: DashboardUser, idToken: string): void {
    this.forgetExpired();
    const id = randomBytes(32).toString('base64url');
    this.sessions.set(id, { user, idToken, expiresAt: Date.now() + this.lifetimeMs });
    response.cookie(SESSION_COOKIE, id, { httpOnly: true, sameSite: 'lax', secure: this.secureCookies, path: '/', maxAge: this.lifetimeMs });
  }

  userOf(request: Request): DashboardUser | undefined {
    return this.sessionOf(request)?.user;
  }

  /** Ends the session of the request; returns its ID token for the provider's logout. */
  end(request: Request, response: Response): string | undefined {
    const id = sessionIdOf(request);
    const session = this.sessionOf(request);
    if (id) this.sessions.delete(id);
    response.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'lax', secure: this.secureCookies, path: '/' });
    return session?.idToken;
  }

  private sessionOf(request: Request): Session | undefined {
    const id = sessionIdOf(request);
    const session = id ? this.sessions.get(id) : undefined;
    if (!session || session.expiresAt > Date.now()) return session;
    this.sessions.delete(id!);
    return undefined;
  }

  private forgetExpired(): void {
    const now = Date.now();
    for (const [id, session] of this.sessions) if (session.expiresAt <= now) this.sessions.delete(id);
  }
}

function sessionIdOf(request: Request): string | undefined {
  return parse(request.headers.cookie ?? '')[SESSION_COOKIE];
}
