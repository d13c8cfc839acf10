// Puts each label over its box: the places come in data-left and data-top (percentages of the
// picture), set here through the CSSOM because the Content-Security-Policy refuses style
// attributes in the HTML (style-src 'self'), not the styles a script of the site's own sets.
// Used by a stored reading's page and by the admin's review of it.
"use strict";

(() => {
  const PERCENT = /^-?\d+(\.\d+)?%$/;

  const place = () => {
    for (const label of document.querySelectorAll("[data-left][data-top]")) {
      const { left, top } = label.dataset;
      if (PERCENT.test(left) && PERCENT.test(top)) {
        label.style.left = left;
        label.style.top = top;
        label.classList.add("placed");
      }
    }
  };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", place);
  } else {
    place();
  }
})();
