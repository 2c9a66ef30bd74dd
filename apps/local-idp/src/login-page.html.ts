const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => escapes[character]);
}

/** The IdP's login form; the client's name and any message are escaped, they come from the request. */
export function loginPage(options: { action: string; clientId: string; username?: string; problem?: string }): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>regsync local login</title>
<style>body{font:14px system-ui,sans-serif;max-width:360px;margin:60px auto}label{display:block;margin:10px 0 4px}input{width:100%;padding:6px}button{margin-top:14px;padding:6px 16px}.problem{color:#cf222e}</style></head>
<body>
<h1>regsync local login</h1>
<p>Sign in to <strong>${escapeHtml(options.clientId)}</strong>. Local identity provider: users and passwords are generated at start.</p>
${options.problem ? `<p class="problem" role="alert">${escapeHtml(options.problem)}</p>` : ''}
<form id="login" method="post" action="${escapeHtml(options.action)}">
<label for="username">Username</label><input id="username" name="username" autocomplete="username" value="${escapeHtml(options.username ?? '')}" required autofocus>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>
</body>
</html>
`;
}
