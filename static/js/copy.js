/* "Copy" buttons: <button data-copy="FIELD-ID" data-copy-status="STATUS-ID" hidden>.
 *
 * The button stays hidden without JavaScript (the field can still be selected by hand).
 * With the Clipboard API (secure pages, most browsers) the text is copied; where it is
 * missing or refused (plain http, older browsers), the text is selected instead, so that
 * Ctrl+C or Cmd+C copies it, and the older copy command is tried on the selection.
 * No framework, nothing fetched.
 */
(function () {
  "use strict";

  function setUp(button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    var status = document.getElementById(button.getAttribute("data-copy-status"));
    if (!field) return;

    function say(text) {
      if (status) status.textContent = text;
    }

    function selectText() {
      field.focus();
      field.select();
      field.setSelectionRange(0, field.value.length); // iOS selects nothing with select() alone
      var copied = false;
      try {
        copied = !!(document.execCommand && document.execCommand("copy"));
      } catch (err) {
        copied = false;
      }
      say(copied ? "Copied." : "Selected: press Ctrl+C (Cmd+C on a Mac) to copy.");
    }

    button.addEventListener("click", function () {
      var clipboard = navigator.clipboard;
      if (clipboard && typeof clipboard.writeText === "function") {
        clipboard.writeText(field.value).then(function () { say("Copied."); }, selectText);
      } else {
        selectText();
      }
    });
    button.hidden = false;
  }

  Array.prototype.forEach.call(document.querySelectorAll("button[data-copy]"), setUp);
})();
