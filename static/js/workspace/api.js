// fetch with the CSRF token and JSON; network failures and server errors are told apart, so
// the caller can keep work that could not reach the server.

export class NetworkError extends Error {}

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
export async function send(method, url, body = undefined, { version, onStatus } = {}) {
  const headers = { Accept: "application/json", "X-CSRFToken": csrfToken() };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (version !== undefined) headers["If-Match"] = `"${version}"`;
  let response;
  try {
    response = await fetch(url, {
      method, headers, credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    throw new NetworkError(String(err));
  }
  if (response.status >= 500 || response.status === 0) throw new NetworkError(`server error ${response.status}`);
  if (onStatus) onStatus(response.status);
  if (response.status === 204) return null;
  let data = null;
  try { data = await response.json(); } catch { data = null; }
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}
