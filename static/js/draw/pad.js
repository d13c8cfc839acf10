/* The canvas: strokes drawn with a pointer, a picture added under them, undo and clear.
 *
 * The canvas is white with black ink and is exported as an opaque PNG; a picture
 * that was added and not drawn over is sent as the original file. Every change
 * bumps `version`, so an answer about an older drawing can be told apart.
 */

const PAPER = "#ffffff";
const INK = "#000000";

export class Pad {
  /* onChange(kind): "move" while a stroke grows, "edit" for anything else. */
  constructor(canvas, { brushWidth, onChange }) {
    this.canvas = canvas;
    this.ctx = canvas.getContext("2d");
    this.brushWidth = brushWidth;
    this.onChange = onChange;
    this.strokes = []; // [{width, points: [[x, y], ...]}], in canvas pixels
    this.image = null; // {el, blob, name, url, width, height, rect}: the added picture
    this.current = null; // the stroke being drawn
    this.pointerId = null;
    this.cleared = null; // what Clear removed, so Undo can bring it back
    this.version = 0;
    this.renderQueued = false;
    this.listen();
    this.render();
  }

  get drawing() { return this.current !== null; }

  isEmpty() { return !this.image && !this.strokes.length && !this.current; }

  canUndo() { return Boolean(this.strokes.length || this.image || this.cleared); }

  changed(kind) {
    this.version += 1;
    this.scheduleRender();
    this.onChange(kind);
  }

  scheduleRender() {
    if (this.renderQueued) return;
    this.renderQueued = true;
    window.requestAnimationFrame(() => { this.renderQueued = false; this.render(); });
  }

  render() {
    const { ctx, canvas } = this;
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = PAPER;
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    if (this.image) {
      const r = this.image.rect;
      ctx.drawImage(this.image.el, r.x, r.y, r.w, r.h);
    }
    ctx.strokeStyle = INK;
    ctx.fillStyle = INK;
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    this.strokes.forEach((s) => this.drawStroke(s));
    if (this.current) this.drawStroke(this.current);
    ctx.restore();
  }

  drawStroke(stroke) {
    const { ctx } = this;
    const p = stroke.points;
    if (!p.length) return;
    if (p.length === 1) { // a tap: a dot as wide as the brush
      ctx.beginPath();
      ctx.arc(p[0][0], p[0][1], stroke.width / 2, 0, 2 * Math.PI);
      ctx.fill();
      return;
    }
    ctx.lineWidth = stroke.width;
    ctx.beginPath();
    ctx.moveTo(p[0][0], p[0][1]);
    // Quadratic smoothing: a curve through the midpoints, each point a control point.
    for (let i = 1; i < p.length - 1; i++) {
      ctx.quadraticCurveTo(p[i][0], p[i][1], (p[i][0] + p[i + 1][0]) / 2, (p[i][1] + p[i + 1][1]) / 2);
    }
    ctx.lineTo(p[p.length - 1][0], p[p.length - 1][1]);
    ctx.stroke();
  }

  toCanvas(event) {
    const r = this.canvas.getBoundingClientRect();
    return [
      Math.round((event.clientX - r.left) * this.canvas.width / r.width * 10) / 10,
      Math.round((event.clientY - r.top) * this.canvas.height / r.height * 10) / 10,
    ];
  }

  listen() {
    const canvas = this.canvas;
    canvas.addEventListener("pointerdown", (event) => {
      if (this.pointerId !== null) return; // one stroke at a time: a second finger is ignored
      if (event.pointerType === "mouse" && event.button !== 0) return;
      event.preventDefault();
      canvas.focus({ preventScroll: true });
      try { canvas.setPointerCapture(event.pointerId); } catch (e) { /* a synthetic pointer */ }
      this.pointerId = event.pointerId;
      this.current = { width: this.brushWidth(), points: [this.toCanvas(event)] };
      this.cleared = null;
      this.changed("edit");
    });
    canvas.addEventListener("pointermove", (event) => {
      if (event.pointerId !== this.pointerId || !this.current) return;
      event.preventDefault();
      let events = event.getCoalescedEvents ? event.getCoalescedEvents() : [];
      if (!events.length) events = [event];
      const points = this.current.points;
      events.forEach((e) => {
        const point = this.toCanvas(e);
        const last = points[points.length - 1];
        if (Math.abs(point[0] - last[0]) + Math.abs(point[1] - last[1]) >= 1) points.push(point);
      });
      this.changed("move");
    });
    const end = (event) => {
      if (event.pointerId !== this.pointerId) return;
      if (this.current) this.strokes.push(this.current);
      this.current = null;
      this.pointerId = null;
      this.changed("edit");
    };
    canvas.addEventListener("pointerup", end);
    canvas.addEventListener("pointercancel", end);
    canvas.addEventListener("lostpointercapture", end);
    canvas.addEventListener("contextmenu", (event) => event.preventDefault());
  }

  /* The last stroke, then the added picture, then what Clear removed. Says what it did, or "". */
  undo() {
    if (this.current) return "";
    let said = "Undone.";
    if (this.strokes.length) {
      this.strokes.pop();
    } else if (this.image) {
      this.dropImage();
    } else if (this.cleared) {
      this.strokes = this.cleared.strokes;
      this.image = this.cleared.image;
      this.cleared = null;
      said = "Brought back what Clear removed.";
    } else {
      return "";
    }
    this.changed("edit");
    return said;
  }

  clear() {
    if (this.current || this.isEmpty()) return false;
    this.cleared = { strokes: this.strokes, image: this.image };
    this.strokes = [];
    this.image = null; // kept in this.cleared: its object URL stays valid for Undo
    this.changed("edit");
    return true;
  }

  dropImage() {
    if (this.image && this.image.url) URL.revokeObjectURL(this.image.url);
    this.image = null;
  }

  /* A loaded picture under the drawing, fitted into the canvas; what was there can be undone. */
  setImage(picture) {
    if (!this.isEmpty()) this.cleared = { strokes: this.strokes, image: this.image };
    this.strokes = [];
    this.image = { ...picture, rect: this.fitRect(picture.width, picture.height) };
    this.changed("edit");
  }

  /* What the tab kept (keep.js): strokes and perhaps a picture. */
  restore(strokes, picture) {
    this.strokes = strokes;
    if (picture) this.image = { ...picture, rect: this.fitRect(picture.width, picture.height) };
    this.changed("edit");
  }

  fitRect(width, height) {
    const scale = Math.min(this.canvas.width / width, this.canvas.height / height);
    const w = width * scale;
    const h = height * scale;
    return { x: (this.canvas.width - w) / 2, y: (this.canvas.height - h) / 2, w, h };
  }

  /* The picture to send, and how its pixels map onto the canvas (for the boxes). */
  payload() {
    const version = this.version;
    if (this.image && !this.strokes.length && !this.current) {
      const { blob, name, width, height, rect } = this.image;
      return Promise.resolve({ blob, filename: name, source: "upload", width, height, rect, version });
    }
    this.render(); // the canvas shows the latest strokes before it is exported
    const { width, height } = this.canvas;
    return new Promise((resolve) => this.canvas.toBlob(resolve, "image/png")).then((blob) => ({
      blob, filename: "drawing.png", source: this.image ? "upload" : "draw",
      width, height, rect: { x: 0, y: 0, w: width, h: height }, version,
    }));
  }
}
