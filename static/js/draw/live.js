/* Reading while the pen moves: at most one reading every `interval` ms, never
 * more than one request in flight (the page's own included), the latest
 * drawing always read last, and a pause after the server says "too many".
 */

export class LiveReader {
  /* read(): a promise of "done", "same" (nothing new to read) or "throttled"; busy(): another request is on its way. */
  constructor({ interval, backoff, read, busy }) {
    this.interval = interval;
    this.backoff = backoff;
    this.read = read;
    this.busy = busy;
    this.enabled = true;
    this.pending = false;
    this.running = false;
    this.timer = null;
    this.lastAt = -Infinity;
    this.blockedUntil = 0;
  }

  /* The drawing changed: read it soon. */
  request() {
    if (!this.enabled) return;
    this.pending = true;
    this.pump();
  }

  cancel() {
    this.pending = false;
    if (this.timer) window.clearTimeout(this.timer);
    this.timer = null;
  }

  setEnabled(on) {
    this.enabled = on;
    if (on) this.request(); else this.cancel();
  }

  wake(delay) {
    if (this.timer) return;
    this.timer = window.setTimeout(() => { this.timer = null; this.pump(); }, delay);
  }

  pump() {
    if (!this.enabled || !this.pending || this.running || this.timer) return;
    if (this.busy()) { this.wake(60); return; }
    const wait = Math.max(this.lastAt + this.interval, this.blockedUntil) - Date.now();
    if (wait > 0) { this.wake(wait); return; }
    this.pending = false;
    this.running = true;
    this.lastAt = Date.now();
    this.read().then((outcome) => {
      this.running = false;
      if (outcome === "throttled") {
        this.blockedUntil = Date.now() + this.backoff;
        this.pending = true;
      }
      this.pump(); // the drawing may have changed while this one was read
    });
  }
}
