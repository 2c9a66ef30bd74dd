import { SESSION_COOKIE } from '@regsync/apps/ops-dashboard/src/auth/dashboard-sessions';

const LOGIN_FORM = /<form id="login" method="post" action="([^"]+)"/;
const PROBLEM = /<p class="problem" role="alert">([^<]*)<\/p>/;

/**
 * Logs in to the dashboard as a browser does, through the real provider's login form: follows every redirect with one
 * cookie jar (cookies do not tell ports apart), fills the form, and returns the `Cookie` header of the dashboard session.
 */
export async function logInThroughIdp(dashboardUrl: string, username: string, password: string): Promise<string> {
  const jar = new Map<string, string>();
  const send = async (url: string, init: RequestInit): Promise<Response> => {
    const response = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), cookie: [...jar].map(([name, value]) => `${name}=${value}`).join('; ') } });
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const [name, value] = [pair.slice(0, pair.indexOf('=')).trim(), pair.slice(pair.indexOf('=') + 1).trim()];
      const cleared = value === '' || attributes.some((attribute) => /^\s*expires=Thu, 01 Jan 1970/i.test(attribute));
      if (cleared) jar.delete(name);
      else jar.set(name, value);
    }
    return response;
  };

  let url = `${dashboardUrl}/auth/login`;
  let init: RequestInit = {};
  for (let step = 0; step < 15; step++) {
    const response = await send(url, init);
    init = {};
    if (response.status >= 300 && response.status < 400) {
      url = new URL(response.headers.get('location')!, url).toString();
      if (url === `${dashboardUrl}/` && jar.has(SESSION_COOKIE)) return `${SESSION_COOKIE}=${jar.get(SESSION_COOKIE)}`;
      continue;
    }
    const body = await response.text();
    const action = LOGIN_FORM.exec(body)?.[1];
    if (response.status !== 200 || !action) throw new Error(`login as ${username}: HTTP ${response.status} at ${url}: ${PROBLEM.exec(body)?.[1] ?? body.slice(0, 300)}`);
    url = new URL(action.replace(/&amp;/g, '&'), url).toString();
    init = { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ username, password }).toString() };
  }
  throw new Error(`login as ${username}: no session after 15 steps, last at ${url}`);
}
