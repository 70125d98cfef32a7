// htpasswd files with bcrypt hashes (`htpasswd -B`): `user:$2y$10$...` a line; blank lines and `#` comments ignored.
// Other hash kinds (MD5 `$apr1$`, SHA1 `{SHA}`, crypt) are refused with their line number rather than silently never
// matching.

const BCRYPT = /^\$2[abxy]?\$\d{2}\$[./A-Za-z0-9]{53}$/;

export function parseHtpasswd(text: string): Map<string, string> {
  const users = new Map<string, string>();
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const colon = line.indexOf(':');
    const user = colon > 0 ? line.slice(0, colon) : '';
    const hash = colon > 0 ? line.slice(colon + 1) : '';
    if (user === '') throw new Error(`line ${index + 1}: expected user:hash`);
    if (!BCRYPT.test(hash)) throw new Error(`line ${index + 1}: user "${user}" has no bcrypt hash (create it with htpasswd -B)`);
    if (users.has(user)) throw new Error(`line ${index + 1}: user "${user}" is listed twice`);
    users.set(user, hash);
  });
  if (users.size === 0) throw new Error('the htpasswd file lists no user');
  return users;
}
