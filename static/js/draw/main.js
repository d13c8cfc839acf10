/* The drawing page: wires the canvas (pad.js), pictures (pictures.js), requests
 * (client.js), reading while drawing (live.js), the reading's display
 * (display.js) and the tab's memory of the drawing (keep.js).
 *
 * One action reads whatever is on the canvas: multi="auto" lets the engine
 * decide between one digit and a whole number. Reading stores nothing and is
 * open to visitors; "Save to History" (signed in) is the separate act that
 * stores. A picture the engine says is no digit answers 422 (not_a_digit):
 * the page says so in words and offers "Read it anyway" (force=true).
 */
import { Client, isRefusal, problem } from "./client.js";
import { ReadingView } from "./display.js";
import { Keeper } from "./keep.js";
import { LiveReader } from "./live.js";
import { Pad } from "./pad.js";
import { loadImage, openPicture } from "./pictures.js";

const LIVE_INTERVAL_MS = 200; // a reading at most every 200 ms while the pen moves
const LIVE_BACKOFF_MS = 3000; // after the server says "too many requests"

const root = document.getElementById("draw-app");
const config = JSON.parse(document.getElementById("draw-config").textContent);
const $ = (id) => document.getElementById(id);
const brush = $("brush");
const brushOut = $("brush-size");
const liveBox = $("live");
const announceBox = $("announce");
const readButton = $("read");
const saveButton = $("save"); // signed in only
const undoButton = $("undo");
const clearButton = $("clear");
const fileInput = $("file");
const errorBox = $("error");
const statusBox = $("status");
const announcer = $("announce-live");

const view = new ReadingView(root, config);
const client = new Client(config.csrf);
let shownSeq = 0; // the newest request whose answer is on the page
let shown = null; // {version, kind, data}: the answer on the page (data null for a refusal), of which drawing
let refused = null; // {kind, version}: the refused request "Read it anyway" sends again
let acting = false; // Read or Save on its way: a second press sends nothing twice

const pad = new Pad($("canvas"), {
  brushWidth: () => parseInt(brush.value, 10) || 22,
  onChange(kind) {
    updateButtons();
    keeper.saveSoon();
    if (kind === "edit") hideError();
    if (pad.isEmpty()) {
      live.cancel();
      refused = null;
      shown = null;
      view.empty();
      return;
    }
    view.clearBoxes(); // they were of the drawing before
    live.request();
  },
});

const live = new LiveReader({
  interval: LIVE_INTERVAL_MS, backoff: LIVE_BACKOFF_MS, busy: () => acting || client.inFlight > 0, read: readLive,
});

const keeper = new Keeper(config.user, () => ({
  strokes: pad.strokes, image: pad.image,
  settings: { brush: brush.value, live: liveBox.checked, announce: announceBox.checked },
}));

// Messages --------------------------------------------------------------------------------

function setStatus(text) { statusBox.textContent = text; }

function showError(text, login) {
  errorBox.textContent = `${text} `;
  if (login) {
    keeper.save({ saveAfterLogin: true }); // the drawing comes back, and is saved, after logging in
    const a = document.createElement("a");
    a.href = config.loginUrl;
    a.textContent = "Log in again";
    errorBox.appendChild(a);
    errorBox.appendChild(document.createTextNode(" (your drawing is kept, and saved once you are back)."));
  }
  errorBox.hidden = false;
}

function hideError() {
  errorBox.hidden = true;
  errorBox.textContent = "";
}

function updateButtons() {
  undoButton.disabled = !pad.canUndo();
  clearButton.disabled = pad.isEmpty();
}

function announce(text) {
  if (!announceBox.checked) return;
  announcer.textContent = text;
}

// Answers -----------------------------------------------------------------------------------

/* The seen pictures of the reading on the page, for a saved answer of the same drawing (the
 * stored reading does not carry them). */
function withSeen(data, version) {
  if (!shown || shown.version !== version || !shown.data || !shown.data.digits) return data;
  const before = shown.data.digits;
  if (before.length !== (data.digits || []).length) return data;
  return { ...data, digits: data.digits.map((d, i) => ({ seen: before[i].seen, ...d })) };
}

function keepLink(kind, data) {
  if (kind === "stored") {
    const a = document.createElement("a");
    a.href = config.detailUrl.replace(/0\/$/, `${data.id}/`);
    a.id = "result-detail-link";
    a.textContent = "See it in your History";
    view.link(["Saved. ", a, " to correct it if it is wrong."]);
  } else if (config.signedIn) {
    view.link([kind === "live" ? "Live preview, not saved. " : "Not saved. ",
               "Save to History keeps it."]);
  } else {
    const a = document.createElement("a");
    a.href = config.loginUrl;
    a.className = "keep-login";
    a.textContent = "Log in or sign up";
    view.link([kind === "live" ? "Live preview, nothing stored. " : "Nothing stored. ", a, " to keep your readings."]);
  }
}

/* Shows an answer if it is the newest; returns the outcome for the caller. */
/* Shows an answer unless a newer one is on the page; returns the outcome for the caller.
 * Read and Save are the person's own acts: their answer is always shown. A live answer is
 * dropped when it is older than the one shown, of a drawing since changed, or when an act
 * is on its way or has answered for the same drawing. */
function answer(result, kind) {
  const version = result.sent.version;
  if (kind === "live") {
    if (acting || result.seq < shownSeq || version !== pad.version) return "stale";
    if (shown && shown.kind !== "live" && shown.version === version) return "stale";
  }
  if (isRefusal(result)) {
    shownSeq = Math.max(shownSeq, result.seq);
    shown = { version, kind, data: null };
    refused = { kind, version };
    view.refusal(result.data.detail, kind);
    hideError();
    return "refused";
  }
  if (result.ok && result.data) {
    shownSeq = Math.max(shownSeq, result.seq);
    refused = null;
    const data = kind === "stored" ? withSeen(result.data, version) : result.data;
    shown = { version, kind, data };
    view.reading(data, result.sent, kind);
    keepLink(kind, data);
    hideError();
    return "read";
  }
  return "problem";
}

function readLive() {
  if (pad.isEmpty() || (shown && shown.version === pad.version)) return Promise.resolve("same");
  return pad.payload()
    .then((sent) => client.send(config.readUrl, sent, { multi: "auto", seen: true }))
    .then((result) => {
      const outcome = answer(result, "live");
      if (outcome === "read" && !pad.drawing) announce(view.describe(result.data));
      if (outcome === "refused" && !pad.drawing) announce("That doesn't look like a digit.");
      if (outcome !== "problem") return "done";
      if (result.status === 429) return "throttled";
      const p = problem(result);
      if (p.login) showError(p.text, true);
      else if (result.sent.version === pad.version) view.note(p.text, "live"); // e.g. "No digit found" while drawing
      return "done";
    });
}

/* Read (stores nothing) or Save (stores): the canvas as it is now, with force past a refusal. */
function act(kind, force = false) {
  if (acting) return Promise.resolve();
  acting = true;
  live.cancel();
  hideError();
  const button = kind === "stored" ? saveButton : readButton;
  button.setAttribute("aria-busy", "true");
  setStatus(kind === "stored" ? "Saving..." : "Reading...");
  const url = kind === "stored" ? config.saveUrl : config.readUrl;
  const options = kind === "stored" ? { multi: "auto" } : { multi: "auto", seen: true };
  if (force) options.force = true;
  return pad.payload().then((sent) => client.send(url, sent, options)).then((result) => {
    acting = false;
    button.removeAttribute("aria-busy");
    const outcome = answer(result, kind);
    if (outcome === "refused") {
      setStatus(kind === "stored" ? "Not saved: that doesn't look like a digit." : "That doesn't look like a digit.");
    } else if (outcome === "read") {
      setStatus(view.describe(result.data) + (kind === "stored" ? " Saved to your History." : ""));
    } else if (outcome === "problem") {
      const p = problem(result);
      showError(p.text, p.login);
      setStatus("");
    }
    live.pump();
  }, () => {
    acting = false;
    button.removeAttribute("aria-busy");
    showError("Something went wrong in this page. Try again; your drawing is still here.");
  });
}

function readAnyway() {
  if (!refused || refused.version !== pad.version) return;
  act(refused.kind === "stored" ? "stored" : "read", true);
}

// Pictures ------------------------------------------------------------------------------------

function addPicture(file) {
  hideError();
  if (!file) return Promise.resolve();
  return openPicture(file, config).then((picture) => {
    pad.setImage(picture);
    pad.canvas.focus({ preventScroll: true }); // the picture is on the canvas: so is the focus
    setStatus("Picture added. Draw over it if you like; it is read now.");
  }, (error) => showError(error.message));
}

fileInput.addEventListener("change", () => {
  const file = fileInput.files && fileInput.files[0];
  addPicture(file).then(() => { fileInput.value = ""; });
});

const padBox = $("pad");
["dragenter", "dragover"].forEach((name) => {
  padBox.addEventListener(name, (event) => {
    if (!event.dataTransfer || Array.prototype.indexOf.call(event.dataTransfer.types, "Files") < 0) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "copy";
    padBox.classList.add("dragging");
  });
});
padBox.addEventListener("dragleave", (event) => {
  if (!padBox.contains(event.relatedTarget)) padBox.classList.remove("dragging");
});
padBox.addEventListener("drop", (event) => {
  event.preventDefault();
  padBox.classList.remove("dragging");
  const files = event.dataTransfer && event.dataTransfer.files;
  if (files && files.length) addPicture(files[0]);
});

// Controls ------------------------------------------------------------------------------------

function undo() {
  const said = pad.undo();
  if (said) setStatus(said);
}

function clear() {
  if (pad.clear()) setStatus("Cleared. Undo brings it back.");
}

readButton.addEventListener("click", () => act("read"));
if (saveButton) saveButton.addEventListener("click", () => act("stored"));
$("read-anyway").addEventListener("click", readAnyway);
undoButton.addEventListener("click", undo);
clearButton.addEventListener("click", clear);
brush.addEventListener("input", () => { brushOut.textContent = `${pad.brushWidth()} px`; keeper.saveSoon(); });
liveBox.addEventListener("change", () => { live.setEnabled(liveBox.checked); keeper.saveSoon(); });
announceBox.addEventListener("change", () => { if (!announceBox.checked) announcer.textContent = ""; keeper.saveSoon(); });

// A visitor who goes to log in or sign up keeps the drawing; "Log in to save" saves it once back.
const saveLogin = $("save-login");
if (saveLogin) {
  saveLogin.addEventListener("click", (event) => {
    if (pad.isEmpty()) return;
    event.preventDefault();
    keeper.save({ saveAfterLogin: true }).then(() => { window.location.href = saveLogin.href; });
  });
}
document.addEventListener("click", (event) => {
  const link = event.target.closest && event.target.closest("a.keep-login, #signup-to-save");
  if (link && !pad.isEmpty()) keeper.save({ saveAfterLogin: true });
});

document.addEventListener("keydown", (event) => {
  const t = event.target;
  const tag = t && t.tagName;
  const typing = tag === "TEXTAREA" || tag === "SELECT" || (t && t.isContentEditable) ||
    (tag === "INPUT" && ["range", "checkbox", "file", "button"].indexOf(t.type) < 0);
  if (typing || event.altKey) return;
  const key = event.key;
  const mod = event.ctrlKey || event.metaKey;
  if (mod && !event.shiftKey && (key === "z" || key === "Z")) {
    event.preventDefault();
    undo();
  } else if (mod && !event.shiftKey && (key === "s" || key === "S") && saveButton) {
    event.preventDefault();
    act("stored");
  } else if (key === "Escape" && !mod) {
    event.preventDefault();
    clear();
  } else if (key === "Enter" && !mod && !event.shiftKey) {
    if (tag === "BUTTON" || tag === "A" || tag === "LABEL" || (tag === "INPUT" && t.type === "file")) return;
    event.preventDefault();
    act("read");
  }
});

// What the tab kept -------------------------------------------------------------------------

function restore() {
  const data = keeper.load();
  if (!data) return;
  const settings = data.settings || {};
  if (settings.brush) { brush.value = settings.brush; brushOut.textContent = `${pad.brushWidth()} px`; }
  if (settings.live === false) { liveBox.checked = false; live.setEnabled(false); }
  if (settings.announce === false) announceBox.checked = false;
  const strokes = Array.isArray(data.strokes) ? data.strokes.filter((s) =>
    s && Array.isArray(s.points) && s.points.length && typeof s.width === "number") : [];
  const picture = data.image && data.image.dataUrl
    ? fetch(data.image.dataUrl).then((r) => r.blob()).then((blob) => loadImage(blob).then((loaded) => ({
      el: loaded.el, url: loaded.url, blob, name: data.image.name, dataUrl: data.image.dataUrl,
      width: loaded.el.naturalWidth, height: loaded.el.naturalHeight,
    }))).catch(() => null) // the picture did not survive: keep the strokes
    : Promise.resolve(null);
  picture.then((image) => {
    if (!strokes.length && !image) return;
    pad.restore(strokes, image);
    setStatus("Your drawing from before is back. Clear starts afresh.");
    if (data.saveAfterLogin && config.signedIn) act("stored");
  });
}

updateButtons();
view.empty();
restore();
