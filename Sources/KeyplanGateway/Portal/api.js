// The portal's only way to the server: JSON over POST, same origin, with the session cookie the
// server set (HttpOnly: this code never sees it). Every POST names `X-Keyplan-CSRF`, a header a
// cross-site form cannot send, so the server can refuse cookie-carrying calls without it.

/** A refusal or failure, with the server's message (written for people: show it). */
export class ApiError extends Error {
  constructor(status, code, message, details = []) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }

  /** The record as it is now, carried by an `aborted` answer to a stale change (co-editing rule). */
  get current() {
    return this.details.find((detail) => detail.type === 'keyplan.CurrentRecord')?.debug ?? null;
  }
}

// Connect's codes for an answer that carries no JSON error (a proxy's page, say).
const codeOfStatus = { 400: 'invalid_argument', 401: 'unauthenticated', 403: 'permission_denied', 404: 'not_found', 409: 'aborted', 429: 'resource_exhausted', 503: 'unavailable', 504: 'deadline_exceeded' };

let unauthenticatedHandler = null;
/** Called when a call finds the session gone (expired, revoked, signed out elsewhere). */
export function onUnauthenticated(handler) {
  unauthenticatedHandler = handler;
}

export const baseHeaders = { 'X-Keyplan-CSRF': '1' };

async function post(path, body) {
  let response;
  try {
    response = await fetch(path, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { ...baseHeaders, 'Content-Type': 'application/json' },
      body: JSON.stringify(body ?? {}),
    });
  } catch {
    throw new ApiError(0, 'unavailable', 'The server cannot be reached. Check your connection and try again.');
  }
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : {};
  } catch {
    json = null;
  }
  if (response.ok && json !== null) return json;
  const error = errorFrom(response.status, json);
  if (error.code === 'unauthenticated' && unauthenticatedHandler) unauthenticatedHandler(error);
  throw error;
}

/** The error of a non-200 answer (or of an end-of-stream message). */
export function errorFrom(status, json) {
  const code = json?.code ?? codeOfStatus[status] ?? 'unknown';
  const message = json?.message || `The server answered with an error (${status || code}). Try again in a moment.`;
  return new ApiError(status, code, message, Array.isArray(json?.details) ? json.details : []);
}

/** A unary call, e.g. `rpc('keyplan.Goals/List', { accountID })`. */
export const rpc = (method, request = {}) => post(`/${method}`, request);

/** Sign-in and invitations: the server answers the Identity and sets the session cookie. */
export const session = {
  signIn: (tenantSlug, email, password) => post('/portal/sign-in', { tenantSlug, email, password }),
  acceptInvitation: (token, password, displayName) => post('/portal/accept-invitation', { token, password, displayName }),
  signOut: () => post('/portal/sign-out', {}),
  /** The signed-in identity, or null when there is no (valid) session. */
  async whoAmI() {
    try {
      return await rpc('keyplan.Auth/WhoAmI', {});
    } catch (error) {
      if (error.code === 'unauthenticated') return null;
      throw error;
    }
  },
};
