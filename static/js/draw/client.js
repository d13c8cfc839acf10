/* Requests to the site's JSON API, the same one programs use:
 *   POST /api/v1/readings/     read without storing (live reading, Read; open to visitors)
 *   POST /api/v1/predictions/  read and store (Save to History)
 * with the session cookie and the CSRF token in the X-CSRFToken header.
 */

export class Client {
  constructor(csrf) {
    this.csrf = csrf;
    this.inFlight = 0;
    this.seq = 0; // every request gets a number; an older answer never replaces a newer one
  }

  csrfToken() {
    // The cookie is fresher than the page when the person logged in again in another tab.
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : this.csrf;
  }

  /* POST a payload (Pad.payload); resolves to {ok, status, data, sent, seq}, never rejects. */
  send(url, sent, options) {
    const seq = ++this.seq;
    if (!sent.blob) {
      return Promise.resolve({ ok: false, status: 0, kind: "client", sent, seq,
                               message: "The drawing could not be exported. Try again." });
    }
    const body = new FormData();
    body.append("image", sent.blob, sent.filename);
    body.append("source", sent.source);
    Object.keys(options).forEach((name) => body.append(name, String(options[name])));
    this.inFlight += 1;
    return fetch(url, {
      method: "POST", body, credentials: "same-origin",
      headers: { "X-CSRFToken": this.csrfToken(), "Accept": "application/json" },
    }).then((response) => response.text().then((text) => {
      let data = null;
      try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
      return { ok: response.ok, status: response.status, data, sent, seq };
    }), () => ({ ok: false, status: 0, kind: "network", sent, seq })).then((result) => {
      this.inFlight -= 1;
      return result;
    });
  }
}

export function isRefusal(result) {
  return result.status === 422 && Boolean(result.data) && result.data.code === "not_a_digit";
}

/* What went wrong, in a sentence; login: true when logging in again would help. */
export function problem(result) {
  const detail = result.data && typeof result.data.detail === "string" ? result.data.detail : "";
  if (result.kind === "client") return { text: result.message };
  if (result.kind === "network" || result.status === 0) {
    return { text: "Could not reach the server. Check your connection and try again; your drawing is still here." };
  }
  if (result.status === 401 || result.status === 403) return { text: "Your session expired, log in again.", login: true };
  if (result.status === 413) return { text: detail || "This picture is too large. Choose a smaller picture." };
  if (result.status === 429) return { text: detail || "Too many readings at once. Wait a moment and try again." };
  if (result.status >= 500) {
    return { text: detail || `The server could not read the picture just now (error ${result.status}). Try again in a moment.` };
  }
  if (result.data && result.data.image && result.data.image.length) return { text: String(result.data.image[0]) };
  return { text: detail || `The picture could not be read (error ${result.status}).` };
}
