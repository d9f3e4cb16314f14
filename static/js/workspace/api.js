// fetch with the CSRF token and JSON; network failures and server errors are told apart, so
// the caller can keep work that could not reach the server. A server that does not answer within
// `timeout` ms (hung, not offline) counts as unreachable too: the save stays pending and is
// retried, instead of "Saving…" forever.

export class NetworkError extends Error {
  constructor(message, { timedOut = false } = {}) {
    super(message);
    this.timedOut = timedOut;
  }
}

export class ApiError extends Error {
  constructor(status, data) {
    super((data && data.detail) || `The server answered ${status}.`);
    this.status = status;
    this.data = data;
  }
}

function csrfToken() {
  const input = document.querySelector("input[name=csrfmiddlewaretoken]");
  if (input) return input.value;
  const m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return m ? decodeURIComponent(m[1]) : "";
}

// onStatus(status) is told the answer's status (a create answers 201, or 200 for a retry of a
// save already stored under its client_id).
export async function send(method, url, body = undefined, { version, onStatus, timeout = 0 } = {}) {
  const headers = { Accept: "application/json", "X-CSRFToken": csrfToken() };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (version !== undefined) headers["If-Match"] = `"${version}"`;
  let response;
  const abort = new AbortController();
  let timedOut = false;
  const timer = timeout ? setTimeout(() => { timedOut = true; abort.abort(); }, timeout) : null;
  try {
    response = await fetch(url, {
      method, headers, credentials: "same-origin", signal: abort.signal,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    throw new NetworkError(timedOut ? `no answer within ${timeout / 1000} s` : String(err), { timedOut });
  } finally {
    clearTimeout(timer);
  }
  if (response.status >= 500 || response.status === 0) throw new NetworkError(`server error ${response.status}`);
  if (onStatus) onStatus(response.status);
  if (response.status === 204) return null;
  let data = null;
  try { data = await response.json(); } catch { data = null; }
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}
