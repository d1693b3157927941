// The postback listener panel's pure parts: the port check, the tracker URL, and the "add postback source"
// draft (checked on the client first; a server `invalid_input` message is routed to the field it names).
import type { Dialect, PostbackSecretsInput, PostbackSourceConfig } from './bindings';

export const DIALECTS: readonly Dialect[] = ['everflow', 'voluum', 'keitaro', 'affise', 'binom', 'prosper202'];

export type PostbackField =
  | 'name'
  | 'dialect'
  | 'allow_ips'
  | 'default_currency'
  | 'token'
  | 'hmac_current'
  | 'hmac_previous';

export const POSTBACK_FIELD_LABELS: Record<PostbackField, string> = {
  name: 'Name',
  dialect: 'Dialect',
  allow_ips: 'Allowed IPs',
  default_currency: 'Currency',
  token: 'Token',
  hmac_current: 'HMAC secret',
  hmac_previous: 'Previous secret',
};

export type PostbackFieldErrors = Partial<Record<PostbackField, string>>;

export interface PostbackDraft {
  name: string;
  dialect: Dialect;
  /** One IP or CIDR per line. */
  allow_ips: string;
  allow_any_ip: boolean;
  hmac_required: boolean;
  default_currency: string;
  token: string;
  hmac_current: string;
  hmac_previous: string;
  clear_previous: boolean;
}

export function newPostbackDraft(): PostbackDraft {
  return {
    name: '',
    dialect: 'everflow',
    allow_ips: '',
    allow_any_ip: false,
    hmac_required: false,
    default_currency: 'USD',
    token: '',
    hmac_current: '',
    hmac_previous: '',
    clear_previous: false,
  };
}

export const SOURCE_NAME_RE = /^[A-Za-z0-9._-]+$/;

export function ipLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

/** True when the source would refuse every request: no allowed IP and not opened to everyone. */
export function deniesAll(config: Pick<PostbackSourceConfig, 'allow_ips' | 'allow_any_ip'>): boolean {
  return config.allow_ips.length === 0 && !config.allow_any_ip;
}

export type PostbackCheck =
  | { ok: true; config: PostbackSourceConfig; secrets: PostbackSecretsInput }
  | { ok: false; errors: PostbackFieldErrors };

/** `program` is kept from the stored source of that name, or "" (the workspace's program). */
export function checkPostbackDraft(draft: PostbackDraft, program: string): PostbackCheck {
  const errors: PostbackFieldErrors = {};
  const name = draft.name.trim();
  if (name === '') errors.name = 'Required.';
  else if (!SOURCE_NAME_RE.test(name)) errors.name = 'Use letters, digits, -, _ or . only.';
  if (!DIALECTS.includes(draft.dialect)) errors.dialect = 'Choose a dialect.';
  const currency = draft.default_currency.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency)) errors.default_currency = 'A three-letter ISO 4217 code, e.g. EUR.';
  const ips = ipLines(draft.allow_ips);
  const bad = ips.find((ip) => /\s/.test(ip));
  if (bad) errors.allow_ips = `'${bad}' is not an IP or CIDR; put one per line.`;
  if (Object.keys(errors).length > 0) return { ok: false, errors };

  const secrets: PostbackSecretsInput = { clear_previous: draft.clear_previous };
  if (draft.token !== '') secrets.token = draft.token;
  if (draft.hmac_current !== '') secrets.hmac_current = draft.hmac_current;
  if (draft.hmac_previous !== '') secrets.hmac_previous = draft.hmac_previous;
  return {
    ok: true,
    config: {
      name,
      program,
      dialect: draft.dialect,
      allow_ips: ips,
      allow_any_ip: draft.allow_any_ip,
      hmac_required: draft.hmac_required,
      default_currency: currency,
    },
    secrets,
  };
}

const MESSAGE_KEYS: [string, PostbackField][] = [
  ...(Object.entries(POSTBACK_FIELD_LABELS) as [PostbackField, string][]).map(
    ([field, label]) => [label, field] as [string, PostbackField],
  ),
  ...(Object.keys(POSTBACK_FIELD_LABELS) as PostbackField[]).map((f) => [f, f] as [string, PostbackField]),
  ['Allow IPs', 'allow_ips'],
  ['Default currency', 'default_currency'],
  ['HMAC previous secret', 'hmac_previous'],
  ['Previous HMAC secret', 'hmac_previous'],
].sort((a, b) => b[0].length - a[0].length) as [string, PostbackField][];

/** "Allowed IPs: bad CIDR" → the field and the reason; null when the message names no field. */
export function postbackFieldOfMessage(message: string): { field: PostbackField; reason: string } | null {
  const lower = message.toLowerCase();
  for (const [key, field] of MESSAGE_KEYS) {
    const prefix = `${key.toLowerCase()}:`;
    if (lower.startsWith(prefix)) return { field, reason: message.slice(prefix.length).trim() };
  }
  return null;
}

/** "" and 0 mean any free port; otherwise an integer 1–65535. Returns the port or an error message. */
export function parsePort(text: string): { ok: true; port: number } | { ok: false; error: string } {
  const t = text.trim();
  if (t === '') return { ok: true, port: 0 };
  if (!/^\d+$/.test(t)) return { ok: false, error: 'A port number, 1–65535 (0 = any free port).' };
  const port = Number(t);
  if (port > 65535) return { ok: false, error: 'A port number, 1–65535 (0 = any free port).' };
  return { ok: true, port };
}

export function postbackUrl(address: string, source: string): string {
  return `http://${address}/postback/${source}`;
}

/** The browser pixel of a source: the same parameters as its postbacks, the token in the query (never shown). */
export function pixelUrl(address: string, source: string): string {
  return `http://${address}/pixel/${source}.gif?token=<token>`;
}
