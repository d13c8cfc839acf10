/* Showing a reading: the digit or number, how sure, the bars, each digit's chip
 * with the 28x28 picture the model saw, the boxes on the canvas, the one-line
 * answer beside the canvas and the canvas's own text alternative.
 *
 * Rules come from the server (config, from recognizer.presentation.script_rules),
 * as the pages apply them: when a runner-up is close enough to say "4, maybe 9"
 * (closeWithin), when a box label goes inside its box (labelInsideBelow), how
 * many places a percentage has (percentDecimals) and the narrowest bar
 * (barMinPercent).
 */

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

const $ = (id) => document.getElementById(id);

export class ReadingView {
  constructor(root, config) {
    this.root = root;
    this.config = config;
    this.canvas = $("canvas");
    this.overlay = $("overlay");
    this.answer = $("answer-line");
    this.ui = {
      kind: $("result-kind"), note: $("result-note"), body: $("result-body"), value: $("result-value"),
      confidence: $("result-confidence"), uncertain: $("result-uncertain"), bars: $("result-bars"),
      digits: $("result-digits"), link: $("result-link"), maybe: $("result-maybe"), forced: $("result-forced"),
      notice: $("result-notice"), refusal: $("refusal"), refusalText: $("refusal-text"),
      seen: $("result-seen"), seenImg: $("result-seen-img"),
    };
  }

  /* "97.3%", as recognizer.presentation.percent: whole when one place would read 0.0% or 100.0%. */
  percent(value) {
    const p = value * 100;
    const places = this.config.percentDecimals;
    const halfAPlace = 0.5 / 10 ** places;
    return (p >= 100 - halfAPlace || p < halfAPlace ? p.toFixed(0) : p.toFixed(places)) + "%";
  }

  /* "Read 372: 3 digits, least sure 91%": the reading in words, for the status line and announcements. */
  describe(data) {
    const digits = data.digits || [];
    if (!data.multi) {
      return `Read ${data.digit}, ${this.percent(data.confidence)} sure${data.uncertain ? " (not sure)" : ""}` +
             `${data.forced ? ", read anyway" : ""}.`;
    }
    const count = digits.length === 1 ? "1 digit" : `${digits.length} digits`;
    return `Read ${data.number}: ${count}, least sure ${this.percent(data.confidence)}` +
           `${data.uncertain ? " (not sure)" : ""}.`;
  }

  setKind(kind) {
    // "live" (a preview while drawing), "read" (Read), "stored" (saved), "none"
    this.root.dataset.readingKind = kind;
    const label = { live: "Live preview", read: "Not saved", stored: "Saved" }[kind];
    this.ui.kind.textContent = label || "";
    this.ui.kind.hidden = !label;
  }

  setAnswer(text, alt) {
    this.answer.textContent = text;
    this.canvas.setAttribute("aria-label", `Drawing area for digits: ${alt || text}`);
  }

  note(text, kind = "none") {
    const { ui } = this;
    ui.note.textContent = text;
    ui.note.hidden = false;
    ui.body.hidden = true;
    ui.refusal.hidden = true;
    this.setKind(kind);
    this.clearBoxes();
    this.setAnswer(text);
  }

  empty() {
    this.note("Draw a digit or a number: it is read as you draw.");
    this.setAnswer("", "empty");
  }

  /* "That doesn't look like a digit", in words; the page adds "Read it anyway". */
  refusal(text, kind) {
    const { ui } = this;
    ui.note.hidden = true;
    ui.body.hidden = true;
    ui.refusalText.textContent = text || "That doesn't look like a digit.";
    ui.refusal.hidden = false;
    this.setKind(kind);
    this.clearBoxes();
    this.setAnswer("Not a digit", "that doesn't look like a digit");
  }

  /* The second-best digit when it is within closeWithin of the best, else -1 (as recognizer.readings.runner_up). */
  runnerUp(probabilities) {
    if (!probabilities || probabilities.length < 2) return -1;
    const order = probabilities.map((p, i) => i).sort((a, b) => probabilities[b] - probabilities[a]);
    return probabilities[order[0]] - probabilities[order[1]] <= this.config.closeWithin ? order[1] : -1;
  }

  renderBars(probabilities) {
    const list = this.ui.bars;
    list.textContent = "";
    let best = 0;
    probabilities.forEach((p, i) => { if (p > probabilities[best]) best = i; });
    probabilities.forEach((p, i) => {
      const row = el("li", i === best ? "bar-row top" : "bar-row");
      row.appendChild(el("span", "bar-label", String(i)));
      const track = el("span", "bar-track");
      const fill = el("span", "bar-fill");
      fill.style.width = `${Math.max(p * 100, this.config.barMinPercent)}%`;
      track.appendChild(fill);
      row.appendChild(track);
      row.appendChild(el("span", "bar-value", this.percent(p)));
      list.appendChild(row);
    });
  }

  /* data: the API's reading; sent: what was posted (for the boxes); kind: live, read or stored. */
  reading(data, sent, kind) {
    const { ui } = this;
    const digits = data.digits || [];
    const multi = Boolean(data.multi);
    ui.note.hidden = true;
    ui.refusal.hidden = true;
    ui.body.hidden = false;
    this.setKind(kind);
    const value = multi ? data.number : String(data.digit);
    ui.value.textContent = value;
    ui.value.classList.toggle("number", multi && String(data.number).length > 1);
    ui.value.setAttribute("aria-label", (multi ? "Number " : "Digit ") + value);
    ui.confidence.textContent = multi
      ? `${digits.length} ${digits.length === 1 ? "digit" : "digits"}, least sure ${this.percent(data.confidence)}`
      : `${this.percent(data.confidence)} sure`;
    ui.uncertain.hidden = !data.uncertain;
    ui.forced.hidden = !data.forced;
    ui.notice.textContent = data.notice || "";
    ui.notice.hidden = !data.notice;
    const maybe = multi ? -1 : this.runnerUp(data.probabilities);
    ui.maybe.textContent = maybe >= 0 ? `maybe ${maybe}` : "";
    ui.maybe.hidden = maybe < 0;

    const seen = !multi && digits[0] && digits[0].seen;
    ui.seen.hidden = !seen;
    if (seen) {
      ui.seenImg.src = seen;
      ui.seenImg.alt = `The 28 by 28 picture the model read as ${data.digit}`;
    }
    if (!multi && data.probabilities) {
      this.renderBars(data.probabilities);
      ui.bars.hidden = false;
    } else {
      ui.bars.textContent = "";
      ui.bars.hidden = true;
    }
    ui.digits.textContent = "";
    ui.digits.hidden = !multi;
    if (multi) {
      digits.forEach((d) => ui.digits.appendChild(this.chip(d)));
      this.drawBoxes(digits, sent, data);
    } else {
      this.clearBoxes();
    }
    const sure = multi ? `least sure ${this.percent(data.confidence)}` : `${this.percent(data.confidence)} sure`;
    const maybeText = maybe >= 0 ? `, maybe ${maybe}` : "";
    this.setAnswer(`${value}${maybeText} · ${sure}${data.uncertain ? " · not sure" : ""}`, this.describe(data));
  }

  chip(d) {
    const item = el("li", d.uncertain ? "digit-chip uncertain" : "digit-chip");
    if (d.seen) {
      const img = el("img", "chip-seen");
      img.src = d.seen;
      img.width = 28;
      img.height = 28;
      img.alt = `what the model saw, read as ${d.digit}`;
      item.appendChild(img);
    }
    item.appendChild(el("strong", null, String(d.digit)));
    const close = this.runnerUp(d.probabilities);
    if (close >= 0) item.appendChild(el("span", "chip-maybe", `, maybe ${close}`));
    item.appendChild(el("span", null, ` ${this.percent(d.confidence)}${d.uncertain ? " (not sure)" : ""}`));
    return item;
  }

  /* Below the reading: what happened to it (saved, or how to keep it). */
  link(nodes) {
    const { link } = this.ui;
    link.textContent = "";
    nodes.forEach((n) => link.appendChild(typeof n === "string" ? document.createTextNode(n) : n));
    link.hidden = !nodes.length;
  }

  clearBoxes() {
    this.overlay.textContent = "";
  }

  /* Boxes arrive in the sent picture's pixels: map them onto the canvas, then to % of it.
   * Digits get a box each; lines a box with their number below when there are
   * several (one line is the number already shown); ignored marks a dashed grey
   * box labelled "ignored". */
  drawBoxes(digits, sent, data) {
    this.clearBoxes();
    const canvas = this.canvas;
    const width = data.width || sent.width;
    const height = data.height || sent.height;
    const r = sent.rect;
    const place = (className, box) => {
      const x = r.x + box[0] * r.w / width;
      const y = r.y + box[1] * r.h / height;
      const node = el("div", className);
      node.style.left = `${100 * x / canvas.width}%`;
      node.style.top = `${100 * y / canvas.height}%`;
      node.style.width = `${100 * box[2] * r.w / width / canvas.width}%`;
      node.style.height = `${100 * box[3] * r.h / height / canvas.height}%`;
      this.overlay.appendChild(node);
      return { node, atTop: y < this.config.labelInsideBelow * canvas.height };
    };
    const lines = data.lines || [];
    if (lines.length > 1) {
      lines.forEach((line) => {
        if (line.box) place("line-box", line.box).node.appendChild(el("span", "line-label", line.number));
      });
    }
    digits.forEach((d) => {
      if (!d.box) return;
      const box = place(d.uncertain ? "box uncertain" : "box", d.box);
      // A box at the top edge gets its label inside, where it stays visible.
      box.node.appendChild(el("span", box.atTop ? "box-label inside" : "box-label", String(d.digit)));
    });
    (data.ignored || []).forEach((m) => {
      if (m.box) place("ignored-box", m.box).node.appendChild(el("span", "ignored-label", "ignored"));
    });
  }
}
