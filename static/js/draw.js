/* The drawing page: a canvas to draw on or to add a picture to, and the
 * prediction client. Plain JavaScript, no build step.
 *
 * The page reads digits through the site's JSON API, the same one programs use:
 *   POST /api/v1/readings/     read without storing (live mode)
 *   POST /api/v1/predictions/  read and store (Predict, Predict all digits)
 * with the session cookie and the CSRF token in the X-CSRFToken header.
 *
 * The canvas is white with black ink, exported as an opaque PNG. A picture that
 * was added and not drawn over is sent as the original file.
 *
 * A picture the engine says is no digit answers 422 (code "not_a_digit"): the
 * page says so in words and offers "Read it anyway", which sends the same
 * picture again with force=true.
 */
(function () {
  "use strict";

  var root = document.getElementById("draw-app");
  if (!root) return;

  var cfg = {
    predictUrl: root.dataset.predictUrl,
    readUrl: root.dataset.readUrl,
    detailUrl: root.dataset.detailUrl, // ".../0/": the 0 is replaced by the id
    loginUrl: root.dataset.loginUrl,
    maxBytes: parseInt(root.dataset.maxBytes, 10) || 5 * 1024 * 1024,
    // "4, maybe 9" when the runner-up is this close: recognizer.readings.CLOSE_WITHIN, via the template.
    closeWithin: parseFloat(root.dataset.closeWithin) || 0.25,
    csrf: root.dataset.csrf
  };
  var LIVE_DELAY_MS = 300; // after the last pointer move
  var LIVE_MIN_INTERVAL_MS = 340; // at most ~3 live readings a second
  var LIVE_BACKOFF_MS = 3000; // after the server says "too many requests"
  var STORE_KEY = "digits.drawing.v1." + (root.dataset.user || ""); // per person: a shared tab shows no one else's
  var STORE_IMAGE_MAX = 1500000; // bytes of a picture kept across reloads
  var ACCEPTED = ["image/png", "image/jpeg", "image/webp", "image/bmp", "image/gif"];
  var PAPER = "#ffffff";
  var INK = "#000000";

  function $(id) { return document.getElementById(id); }

  var canvas = $("canvas");
  var ctx = canvas.getContext("2d");
  var pad = $("pad");
  var overlay = $("overlay");
  var brush = $("brush");
  var brushOut = $("brush-size");
  var undoButton = $("undo");
  var clearButton = $("clear");
  var fileInput = $("file");
  var predictButton = $("predict");
  var predictAllButton = $("predict-all");
  var liveBox = $("live");
  var errorBox = $("error");
  var statusBox = $("status");
  var ui = {
    note: $("result-note"), body: $("result-body"), value: $("result-value"),
    confidence: $("result-confidence"), uncertain: $("result-uncertain"), bars: $("result-bars"),
    digits: $("result-digits"), link: $("result-link"), maybe: $("result-maybe"), forced: $("result-forced"),
    notice: $("result-notice"), refusal: $("refusal"), refusalText: $("refusal-text"), readAnyway: $("read-anyway")
  };

  var state = {
    strokes: [], // [{width, points: [[x, y], ...]}], in canvas pixels
    image: null, // {el, blob, name, url, rect: {x, y, w, h}}: the added picture
    current: null, // the stroke being drawn
    pointerId: null,
    cleared: null, // what Clear removed, so Undo can bring it back
    version: 0, // bumps on every change of the drawing
    multi: false, // live mode reads the way the last button asked: one digit or all
    refused: null // {multi, stored, version}: the refused request "Read it anyway" sends again
  };

  // Drawing --------------------------------------------------------------------------

  var renderQueued = false;

  function scheduleRender() {
    if (renderQueued) return;
    renderQueued = true;
    window.requestAnimationFrame(function () { renderQueued = false; render(); });
  }

  function render() {
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = PAPER;
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    if (state.image) {
      var r = state.image.rect;
      ctx.drawImage(state.image.el, r.x, r.y, r.w, r.h);
    }
    ctx.strokeStyle = INK;
    ctx.fillStyle = INK;
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    state.strokes.forEach(drawStroke);
    if (state.current) drawStroke(state.current);
    ctx.restore();
  }

  function drawStroke(stroke) {
    var p = stroke.points;
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
    for (var i = 1; i < p.length - 1; i++) {
      ctx.quadraticCurveTo(p[i][0], p[i][1], (p[i][0] + p[i + 1][0]) / 2, (p[i][1] + p[i + 1][1]) / 2);
    }
    ctx.lineTo(p[p.length - 1][0], p[p.length - 1][1]);
    ctx.stroke();
  }

  function isEmpty() {
    return !state.image && !state.strokes.length && !state.current;
  }

  function changed() {
    state.version += 1;
    clearBoxes();
    if (state.refused) showNote("Draw a digit, then press Predict."); // the refusal was of the drawing before
    scheduleRender();
    updateButtons();
    saveSoon();
    if (isEmpty()) {
      cancelLive();
      showNote("Draw a digit, then press Predict.");
    } else {
      scheduleLive();
    }
  }

  function updateButtons() {
    undoButton.disabled = !(state.strokes.length || state.image || state.cleared);
    clearButton.disabled = isEmpty();
  }

  function brushWidth() {
    return parseInt(brush.value, 10) || 22;
  }

  function toCanvas(event) {
    var r = canvas.getBoundingClientRect();
    return [
      Math.round((event.clientX - r.left) * canvas.width / r.width * 10) / 10,
      Math.round((event.clientY - r.top) * canvas.height / r.height * 10) / 10
    ];
  }

  canvas.addEventListener("pointerdown", function (event) {
    if (state.pointerId !== null) return; // one stroke at a time: a second finger is ignored
    if (event.pointerType === "mouse" && event.button !== 0) return;
    event.preventDefault();
    canvas.focus({ preventScroll: true });
    try { canvas.setPointerCapture(event.pointerId); } catch (e) { /* a synthetic pointer */ }
    state.pointerId = event.pointerId;
    state.current = { width: brushWidth(), points: [toCanvas(event)] };
    state.cleared = null;
    hideError();
    changed();
  });

  canvas.addEventListener("pointermove", function (event) {
    if (event.pointerId !== state.pointerId || !state.current) return;
    event.preventDefault();
    var events = event.getCoalescedEvents ? event.getCoalescedEvents() : [];
    if (!events.length) events = [event];
    var points = state.current.points;
    events.forEach(function (e) {
      var point = toCanvas(e);
      var last = points[points.length - 1];
      if (Math.abs(point[0] - last[0]) + Math.abs(point[1] - last[1]) >= 1) points.push(point);
    });
    state.version += 1;
    scheduleRender();
    scheduleLive();
  });

  function endStroke(event) {
    if (event.pointerId !== state.pointerId) return;
    if (state.current) state.strokes.push(state.current);
    state.current = null;
    state.pointerId = null;
    changed();
  }

  canvas.addEventListener("pointerup", endStroke);
  canvas.addEventListener("pointercancel", endStroke);
  canvas.addEventListener("lostpointercapture", endStroke);
  canvas.addEventListener("contextmenu", function (event) { event.preventDefault(); });

  function undo() {
    if (state.current) return;
    if (state.strokes.length) {
      state.strokes.pop();
    } else if (state.image) {
      dropImage();
    } else if (state.cleared) {
      state.strokes = state.cleared.strokes;
      state.image = state.cleared.image;
      state.cleared = null;
      setStatus("Brought back what Clear removed.");
    } else {
      return;
    }
    hideError();
    changed();
  }

  function clear() {
    if (state.current || isEmpty()) return;
    state.cleared = { strokes: state.strokes, image: state.image };
    state.strokes = [];
    state.image = null; // kept in state.cleared: its object URL stays valid for Undo
    hideError();
    showNote("Draw a digit, then press Predict.");
    setStatus("Cleared. Undo brings it back.");
    changed();
  }

  function dropImage() {
    if (state.image && state.image.url) URL.revokeObjectURL(state.image.url);
    state.image = null;
  }

  brush.addEventListener("input", function () { brushOut.textContent = brushWidth() + " px"; saveSoon(); });
  undoButton.addEventListener("click", undo);
  clearButton.addEventListener("click", clear);

  // Pictures ---------------------------------------------------------------------------

  function megabytes(bytes) {
    var mb = bytes / (1024 * 1024);
    return mb >= 10 ? mb.toFixed(0) : mb.toFixed(1).replace(/\.0$/, "");
  }

  function loadImage(blob) {
    return new Promise(function (resolve, reject) {
      var url = URL.createObjectURL(blob);
      var img = new Image();
      img.onload = function () { resolve({ el: img, url: url }); };
      img.onerror = function () { URL.revokeObjectURL(url); reject(new Error("unreadable")); };
      img.src = url;
    });
  }

  function fitRect(width, height) {
    var scale = Math.min(canvas.width / width, canvas.height / height);
    var w = width * scale;
    var h = height * scale;
    return { x: (canvas.width - w) / 2, y: (canvas.height - h) / 2, w: w, h: h };
  }

  /* state.image for a loaded picture: the file as it came, and where it sits on the canvas. */
  function addedPicture(loaded, blob, name) {
    var width = loaded.el.naturalWidth;
    var height = loaded.el.naturalHeight;
    return {
      el: loaded.el, blob: blob, name: name || "picture", url: loaded.url,
      width: width, height: height, rect: fitRect(width, height)
    };
  }

  function addImage(file) {
    hideError();
    if (!file) return Promise.resolve();
    if (file.size > cfg.maxBytes) {
      showError("This picture is " + megabytes(file.size) + " MB; the limit is " + megabytes(cfg.maxBytes) +
                " MB. Choose a smaller picture.");
      return Promise.resolve();
    }
    if (file.type && ACCEPTED.indexOf(file.type) < 0) {
      showError("This file is not an image we can read (PNG, JPEG, WebP, BMP or GIF).");
      return Promise.resolve();
    }
    return loadImage(file).then(function (loaded) {
      if (!loaded.el.naturalWidth || !loaded.el.naturalHeight) throw new Error("empty");
      if (!isEmpty()) state.cleared = { strokes: state.strokes, image: state.image };
      state.strokes = [];
      state.image = addedPicture(loaded, file, file.name);
      setStatus("Picture added. Draw over it if you like, then press Predict.");
      changed();
    }).catch(function () {
      showError("This file is not an image we can read (PNG, JPEG, WebP, BMP or GIF).");
    });
  }

  fileInput.addEventListener("change", function () {
    var file = fileInput.files && fileInput.files[0];
    addImage(file).then(function () { fileInput.value = ""; });
  });

  ["dragenter", "dragover"].forEach(function (name) {
    pad.addEventListener(name, function (event) {
      if (!event.dataTransfer || Array.prototype.indexOf.call(event.dataTransfer.types, "Files") < 0) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = "copy";
      pad.classList.add("dragging");
    });
  });
  pad.addEventListener("dragleave", function (event) {
    if (!pad.contains(event.relatedTarget)) pad.classList.remove("dragging");
  });
  pad.addEventListener("drop", function (event) {
    event.preventDefault();
    pad.classList.remove("dragging");
    var files = event.dataTransfer && event.dataTransfer.files;
    if (files && files.length) addImage(files[0]);
  });

  // What is sent -------------------------------------------------------------------------

  function canvasBlob() {
    render(); // the canvas shows the latest strokes before it is exported
    return new Promise(function (resolve) { canvas.toBlob(resolve, "image/png"); });
  }

  /* The picture to send, and how its pixels map onto the canvas (for the boxes). */
  function payload() {
    if (state.image && !state.strokes.length && !state.current) {
      var image = state.image;
      return Promise.resolve({
        blob: image.blob, filename: image.name, source: "upload",
        width: image.width, height: image.height, rect: image.rect
      });
    }
    return canvasBlob().then(function (blob) {
      return {
        blob: blob, filename: "drawing.png", source: state.image ? "upload" : "draw",
        width: canvas.width, height: canvas.height, rect: { x: 0, y: 0, w: canvas.width, h: canvas.height }
      };
    });
  }

  function csrfToken() {
    // The cookie is fresher than the page when the person logged in again in another tab.
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : cfg.csrf;
  }

  var seq = 0; // every request gets a number; an older answer never replaces a newer one
  var shownSeq = 0;
  var inFlight = 0;

  /* POST the picture; resolves to {ok, status, data, sent} or {ok: false, kind, message}. */
  function send(url, multi, force) {
    return payload().then(function (sent) {
      if (!sent.blob) return { ok: false, kind: "client", message: "The drawing could not be exported. Try again." };
      var body = new FormData();
      body.append("image", sent.blob, sent.filename);
      body.append("multi", multi ? "true" : "false");
      if (force) body.append("force", "true");
      body.append("source", sent.source);
      inFlight += 1;
      return fetch(url, {
        method: "POST", body: body, credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(), "Accept": "application/json" }
      }).then(function (response) {
        return response.text().then(function (text) {
          var data = null;
          try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
          return { ok: response.ok, status: response.status, data: data, sent: sent };
        });
      }, function () {
        return { ok: false, status: 0, kind: "network", sent: sent };
      }).then(function (result) {
        inFlight -= 1;
        return result;
      });
    });
  }

  function isRefusal(result) {
    return result.status === 422 && result.data && result.data.code === "not_a_digit";
  }

  function problem(result) {
    var detail = result.data && typeof result.data.detail === "string" ? result.data.detail : "";
    if (result.kind === "network" || result.status === 0) {
      return { text: "Could not reach the server. Check your connection and try again; your drawing is still here." };
    }
    if (result.kind === "client") return { text: result.message };
    if (result.status === 401 || result.status === 403) return { text: "Your session expired, log in again.", login: true };
    if (result.status === 413) return { text: detail || "This picture is too large. Choose a smaller picture." };
    if (result.status === 429) return { text: detail || "Too many readings at once. Wait a moment and try again." };
    if (result.status >= 500) return { text: "The server could not read the picture just now (error " + result.status + "). Try again in a moment." };
    if (result.data && result.data.image && result.data.image.length) return { text: String(result.data.image[0]) };
    return { text: detail || "The picture could not be read (error " + result.status + ")." };
  }

  // Predict ------------------------------------------------------------------------------

  var predicting = false;

  function predict(multi, force) {
    if (predicting) return Promise.resolve(); // a second press while the first is on its way stores nothing twice
    predicting = true;
    cancelLive();
    state.multi = multi;
    hideError();
    var my = ++seq;
    var button = multi ? predictAllButton : predictButton;
    button.setAttribute("aria-busy", "true");
    root.classList.add("busy");
    setStatus(multi ? "Reading all the digits..." : "Reading the digit...");
    var version = state.version;
    return send(cfg.predictUrl, multi, force).then(function (result) {
      predicting = false;
      button.removeAttribute("aria-busy");
      root.classList.toggle("busy", inFlight > 0);
      if (isRefusal(result)) {
        if (my >= shownSeq) {
          shownSeq = my;
          showRefusal(result.data.detail, { multi: multi, stored: true, version: version });
        }
        setStatus("Not saved: that doesn't look like a digit.");
        return;
      }
      if (!result.ok || !result.data) {
        var p = problem(result);
        showError(p.text, p.login);
        setStatus("");
        return;
      }
      if (my >= shownSeq) {
        shownSeq = my;
        showReading(result.data, result.sent, true);
      }
      var d = result.data;
      setStatus("Read " + (d.multi ? d.number : d.digit) + ", " + percent(d.confidence) + " sure" +
                (d.forced ? " (read anyway)" : "") + ". Saved to your History.");
      revealResult();
    }, function () {
      predicting = false;
      button.removeAttribute("aria-busy");
      showError("Something went wrong in this page. Try again; your drawing is still here.");
    });
  }

  /* On a phone the reading is below the canvas: bring it into view after Predict. */
  function revealResult() {
    var card = document.getElementById("result");
    var r = card.getBoundingClientRect();
    if (r.top > window.innerHeight - 80 && card.scrollIntoView) {
      card.scrollIntoView({ behavior: "smooth", block: "nearest" });
    }
  }

  predictButton.addEventListener("click", function () { predict(false); });
  predictAllButton.addEventListener("click", function () { predict(true); });

  // Live mode ------------------------------------------------------------------------------

  var liveTimer = null;
  var lastLiveAt = 0;
  var liveBlockedUntil = 0;
  var liveVersion = -1; // the drawing version the last live request read

  function cancelLive() {
    if (liveTimer) window.clearTimeout(liveTimer);
    liveTimer = null;
  }

  function scheduleLive(delay) {
    if (!liveBox.checked || isEmpty()) return;
    cancelLive();
    liveTimer = window.setTimeout(runLive, delay === undefined ? LIVE_DELAY_MS : delay);
  }

  function runLive() {
    liveTimer = null;
    if (!liveBox.checked || isEmpty() || state.version === liveVersion) return;
    if (inFlight) { scheduleLive(120); return; } // never two requests at once
    var now = Date.now();
    var wait = Math.max(lastLiveAt + LIVE_MIN_INTERVAL_MS, liveBlockedUntil) - now;
    if (wait > 0) { scheduleLive(wait); return; }
    lastLiveAt = now;
    var version = state.version;
    liveVersion = version;
    var my = ++seq;
    var multi = state.multi;
    send(cfg.readUrl, multi).then(function (result) {
      if (isRefusal(result)) {
        if (version === state.version && my > shownSeq) {
          shownSeq = my;
          showRefusal(result.data.detail, { multi: multi, stored: false, version: version });
          hideError();
        }
        return;
      }
      if (result.ok && result.data) {
        // A reading of an older drawing is dropped: the newer one is on its way.
        if (version === state.version && my > shownSeq) {
          shownSeq = my;
          showReading(result.data, result.sent, false);
          hideError();
        }
        return;
      }
      if (result.status === 429) { liveBlockedUntil = Date.now() + LIVE_BACKOFF_MS; liveVersion = -1; scheduleLive(); return; }
      var p = problem(result);
      if (p.login) { showError(p.text, true); return; }
      if (version === state.version && my > shownSeq) {
        shownSeq = my;
        showNote(p.text); // e.g. "No digit found": not an error while someone is still drawing
      }
    });
  }

  /* "Read it anyway": the refused request again, with force=true; a live one stays a live preview. */
  function readAnyway() {
    var refused = state.refused;
    if (!refused || refused.version !== state.version) return Promise.resolve();
    if (refused.stored) return predict(refused.multi, true);
    cancelLive();
    var my = ++seq;
    var version = state.version;
    setStatus("Reading it anyway...");
    return send(cfg.readUrl, refused.multi, true).then(function (result) {
      if (version !== state.version || my <= shownSeq) return;
      shownSeq = my;
      setStatus("");
      if (result.ok && result.data) { showReading(result.data, result.sent, false); return; }
      var p = problem(result);
      showError(p.text, p.login);
    });
  }

  ui.readAnyway.addEventListener("click", readAnyway);

  liveBox.addEventListener("change", function () {
    if (liveBox.checked) { liveVersion = -1; scheduleLive(0); } else { cancelLive(); }
    saveSoon();
  });

  // Showing a reading -------------------------------------------------------------------------

  function percent(value) {
    var p = value * 100;
    return (p >= 99.95 || p < 0.05 ? p.toFixed(0) : p.toFixed(1)) + "%";
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function showNote(text) {
    ui.note.textContent = text;
    ui.note.hidden = false;
    ui.body.hidden = true;
    hideRefusal();
    clearBoxes();
  }

  /* "That doesn't look like a digit", in words, with the button that reads it anyway. */
  function showRefusal(text, refused) {
    state.refused = refused;
    ui.note.hidden = true;
    ui.body.hidden = true;
    ui.refusalText.textContent = text || "That doesn't look like a digit.";
    ui.refusal.hidden = false;
    clearBoxes();
  }

  function hideRefusal() {
    state.refused = null;
    ui.refusal.hidden = true;
  }

  /* The second-best digit when it is within cfg.closeWithin of the best, else -1 (as recognizer.readings.runner_up). */
  function runnerUp(probabilities) {
    if (!probabilities || probabilities.length < 2) return -1;
    var order = probabilities.map(function (p, i) { return i; }).sort(function (a, b) {
      return probabilities[b] - probabilities[a];
    });
    return probabilities[order[0]] - probabilities[order[1]] <= cfg.closeWithin ? order[1] : -1;
  }

  function renderBars(list, probabilities) {
    list.textContent = "";
    var best = 0;
    probabilities.forEach(function (p, i) { if (p > probabilities[best]) best = i; });
    probabilities.forEach(function (p, i) {
      var row = el("li", i === best ? "bar-row top" : "bar-row");
      row.appendChild(el("span", "bar-label", String(i)));
      var track = el("span", "bar-track");
      var fill = el("span", "bar-fill");
      fill.style.width = Math.max(p * 100, 0.5).toFixed(2) + "%";
      track.appendChild(fill);
      row.appendChild(track);
      row.appendChild(el("span", "bar-value", percent(p)));
      list.appendChild(row);
    });
  }

  function showReading(data, sent, stored) {
    var digits = data.digits || [];
    var multi = !!data.multi;
    var uncertain = digits.some(function (d) { return d.uncertain; });
    ui.note.hidden = true;
    hideRefusal();
    ui.body.hidden = false;
    root.dataset.readingKind = stored ? "stored" : "live";
    ui.value.textContent = multi ? data.number : String(data.digit);
    ui.value.classList.toggle("number", multi && String(data.number).length > 1);
    ui.value.setAttribute("aria-label", (multi ? "Number " : "Digit ") + (multi ? data.number : data.digit));
    ui.confidence.textContent = multi
      ? digits.length + (digits.length === 1 ? " digit, " : " digits, ") + "least sure " + percent(data.confidence)
      : percent(data.confidence) + " sure";
    ui.uncertain.hidden = !uncertain;
    ui.forced.hidden = !data.forced;
    ui.notice.textContent = data.notice || "";
    ui.notice.hidden = !data.notice;
    var maybe = multi ? -1 : runnerUp(data.probabilities);
    ui.maybe.textContent = maybe >= 0 ? "maybe " + maybe : "";
    ui.maybe.hidden = maybe < 0;

    if (!multi && data.probabilities) {
      renderBars(ui.bars, data.probabilities);
      ui.bars.hidden = false;
    } else {
      ui.bars.textContent = "";
      ui.bars.hidden = true;
    }
    ui.digits.textContent = "";
    ui.digits.hidden = !multi;
    if (multi) {
      digits.forEach(function (d) {
        var item = el("li", d.uncertain ? "digit-chip uncertain" : "digit-chip");
        var close = runnerUp(d.probabilities);
        item.appendChild(el("strong", null, String(d.digit)));
        if (close >= 0) item.appendChild(el("span", "chip-maybe", ", maybe " + close));
        item.appendChild(el("span", null, " " + percent(d.confidence) + (d.uncertain ? " (not sure)" : "")));
        ui.digits.appendChild(item);
      });
      drawBoxes(digits, sent, data);
    } else {
      clearBoxes();
    }

    ui.link.textContent = "";
    if (stored && data.id !== undefined) {
      var a = el("a", null, "See it in your History");
      a.href = cfg.detailUrl.replace(/0\/$/, data.id + "/");
      a.id = "result-detail-link";
      ui.link.appendChild(document.createTextNode("Saved. "));
      ui.link.appendChild(a);
      ui.link.appendChild(document.createTextNode(" to correct it if it is wrong."));
    } else {
      ui.link.appendChild(document.createTextNode("Live preview, not saved: press Predict to keep it."));
    }
    ui.link.hidden = false;
  }

  function clearBoxes() {
    overlay.textContent = "";
  }

  /* Boxes arrive in the sent picture's pixels: map them onto the canvas, then to % of it.
   * Digits get a box each; lines a box with their number below when there are
   * several (one line is the number already shown); ignored marks a dashed grey
   * box labelled "ignored". */
  function drawBoxes(digits, sent, data) {
    clearBoxes();
    var width = data.width || sent.width;
    var height = data.height || sent.height;
    var r = sent.rect;

    function place(className, box) {
      var x = r.x + box[0] * r.w / width;
      var y = r.y + box[1] * r.h / height;
      var node = el("div", className);
      node.style.left = (100 * x / canvas.width) + "%";
      node.style.top = (100 * y / canvas.height) + "%";
      node.style.width = (100 * box[2] * r.w / width / canvas.width) + "%";
      node.style.height = (100 * box[3] * r.h / height / canvas.height) + "%";
      overlay.appendChild(node);
      return { node: node, atTop: y < 0.08 * canvas.height };
    }

    var lines = data.lines || [];
    if (lines.length > 1) {
      lines.forEach(function (line) {
        if (line.box) place("line-box", line.box).node.appendChild(el("span", "line-label", line.number));
      });
    }
    digits.forEach(function (d) {
      if (!d.box) return;
      var box = place(d.uncertain ? "box uncertain" : "box", d.box);
      // A box at the top edge gets its label inside, where it stays visible.
      box.node.appendChild(el("span", box.atTop ? "box-label inside" : "box-label", String(d.digit)));
    });
    (data.ignored || []).forEach(function (m) {
      if (m.box) place("ignored-box", m.box).node.appendChild(el("span", "ignored-label", "ignored"));
    });
  }

  // Messages ---------------------------------------------------------------------------------

  function showError(text, login) {
    errorBox.textContent = "";
    errorBox.appendChild(document.createTextNode(text + " "));
    if (login) {
      save(); // the drawing comes back after logging in
      var a = el("a", null, "Log in again");
      a.href = cfg.loginUrl;
      errorBox.appendChild(a);
      errorBox.appendChild(document.createTextNode(" (your drawing is kept)."));
    }
    errorBox.hidden = false;
  }

  function hideError() {
    errorBox.hidden = true;
    errorBox.textContent = "";
  }

  function setStatus(text) {
    statusBox.textContent = text;
  }

  // Keyboard --------------------------------------------------------------------------------

  document.addEventListener("keydown", function (event) {
    var t = event.target;
    var tag = t && t.tagName;
    var typing = tag === "TEXTAREA" || tag === "SELECT" || (t && t.isContentEditable) ||
      (tag === "INPUT" && ["range", "checkbox", "file", "button"].indexOf(t.type) < 0);
    if (typing || event.altKey) return;
    var key = event.key;
    if ((event.ctrlKey || event.metaKey) && !event.shiftKey && (key === "z" || key === "Z")) {
      event.preventDefault();
      undo();
    } else if (key === "Escape" && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      clear();
    } else if (key === "Enter" && !event.ctrlKey && !event.metaKey && !event.shiftKey) {
      if (tag === "BUTTON" || tag === "A" || (tag === "INPUT" && t.type === "file") || (tag === "LABEL")) return;
      event.preventDefault();
      predict(false);
    }
  });

  // Kept across reloads and logging in again (this tab only) --------------------------------

  var saveTimer = null;

  function saveSoon() {
    if (saveTimer) window.clearTimeout(saveTimer);
    saveTimer = window.setTimeout(save, 400);
  }

  function save() {
    saveTimer = null;
    var data = { strokes: state.strokes, brush: brushWidth(), live: liveBox.checked, image: null };
    var image = state.image;
    var write = function () {
      try { window.sessionStorage.setItem(STORE_KEY, JSON.stringify(data)); } catch (e) {
        data.image = null; // over the quota: keep the strokes at least
        try { window.sessionStorage.setItem(STORE_KEY, JSON.stringify(data)); } catch (e2) { /* storage off */ }
      }
    };
    if (image && image.blob.size <= STORE_IMAGE_MAX) {
      if (image.dataUrl) {
        data.image = { dataUrl: image.dataUrl, name: image.name };
        write();
        return;
      }
      var reader = new FileReader();
      reader.onload = function () {
        image.dataUrl = reader.result;
        if (state.image === image) data.image = { dataUrl: reader.result, name: image.name };
        write();
      };
      reader.onerror = write;
      reader.readAsDataURL(image.blob);
      return;
    }
    write();
  }

  function restore() {
    var data = null;
    try { data = JSON.parse(window.sessionStorage.getItem(STORE_KEY) || "null"); } catch (e) { data = null; }
    if (!data) return;
    if (data.brush) { brush.value = data.brush; brushOut.textContent = brushWidth() + " px"; }
    if (data.live === false) liveBox.checked = false;
    var strokes = Array.isArray(data.strokes) ? data.strokes.filter(function (s) {
      return s && Array.isArray(s.points) && s.points.length && typeof s.width === "number";
    }) : [];
    var done = function () {
      state.strokes = strokes;
      state.version += 1;
      scheduleRender();
      updateButtons();
      if (!isEmpty()) setStatus("Your drawing from before is back. Clear starts afresh.");
    };
    if (data.image && data.image.dataUrl) {
      fetch(data.image.dataUrl).then(function (r) { return r.blob(); }).then(function (blob) {
        return loadImage(blob).then(function (loaded) {
          state.image = addedPicture(loaded, blob, data.image.name);
          state.image.dataUrl = data.image.dataUrl; // no second FileReader pass to save it again
        });
      }).catch(function () { /* the picture did not survive: keep the strokes */ }).then(done);
    } else {
      done();
    }
  }

  render();
  updateButtons();
  restore();
})();
