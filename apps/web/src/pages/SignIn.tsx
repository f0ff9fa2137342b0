import { useState, type FormEvent } from 'react';

export function SignIn({ error, onSignIn }: { error: string | null; onSignIn: (token: string) => void }) {
  const [token, setToken] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (token.trim()) onSignIn(token.trim());
  };
  return (
    <main className="signin">
      <h1>Vigil</h1>
      <form onSubmit={submit} aria-label="Sign in">
        <label htmlFor="token">API token</label>
        <input id="token" type="password" autoComplete="off" value={token} onChange={(e) => setToken(e.target.value)} required />
        <button type="submit">Sign in</button>
        {error && <p role="alert" className="error">{error}</p>}
        <p className="hint">
          An admin creates tokens with <code>POST /api/tokens</code>. The token stays in this tab only (sessionStorage); a link <code>/#token=…</code> signs in too.
        </p>
      </form>
    </main>
  );
}
