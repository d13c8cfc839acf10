/* The drawing kept across reloads and logging in (this tab only, sessionStorage).
 *
 * Each person's drawing has its own key, so a shared tab shows no one else's.
 * A visitor's drawing (the key without a user) is handed over to the person
 * who logs in from it, and saved for them when they asked to save it.
 */

const PREFIX = "digits.drawing.v1.";
const IMAGE_MAX = 1500000; // bytes of a picture kept across reloads

function write(key, data) {
  try { window.sessionStorage.setItem(key, JSON.stringify(data)); } catch (e) {
    data.image = null; // over the quota: keep the strokes at least
    try { window.sessionStorage.setItem(key, JSON.stringify(data)); } catch (e2) { /* storage off */ }
  }
}

function readKey(key) {
  try { return JSON.parse(window.sessionStorage.getItem(key) || "null"); } catch (e) { return null; }
}

function dataUrlOf(image) {
  if (image.dataUrl) return Promise.resolve(image.dataUrl);
  return new Promise((resolve) => {
    const reader = new FileReader();
    reader.onload = () => { image.dataUrl = reader.result; resolve(reader.result); };
    reader.onerror = () => resolve(null);
    reader.readAsDataURL(image.blob);
  });
}

export class Keeper {
  /* snapshot(): {strokes, image, settings} of the page now. */
  constructor(user, snapshot) {
    this.user = user;
    this.key = PREFIX + (user || "");
    this.snapshot = snapshot;
    this.timer = null;
  }

  saveSoon() {
    if (this.timer) window.clearTimeout(this.timer);
    this.timer = window.setTimeout(() => this.save(), 400);
  }

  /* Resolves once written; saveAfterLogin marks a visitor's drawing to be saved after logging in. */
  save({ saveAfterLogin = false } = {}) {
    if (this.timer) window.clearTimeout(this.timer);
    this.timer = null;
    const { strokes, image, settings } = this.snapshot();
    const data = { strokes, settings, image: null, saveAfterLogin };
    const key = saveAfterLogin ? PREFIX : this.key; // a session that expired comes back as a visitor's
    if (!image || image.blob.size > IMAGE_MAX) { write(key, data); return Promise.resolve(); }
    return dataUrlOf(image).then((url) => {
      if (url) data.image = { dataUrl: url, name: image.name };
      write(key, data);
    });
  }

  /* What this tab kept for this person: their own, or a visitor's drawing they logged in from. */
  load() {
    let data = readKey(this.key);
    if (this.user) {
      const visitors = readKey(PREFIX);
      if (visitors) {
        try { window.sessionStorage.removeItem(PREFIX); } catch (e) { /* storage off */ }
        if (visitors.saveAfterLogin || !data || !(data.strokes || []).length) data = visitors;
      }
    }
    return data;
  }
}
