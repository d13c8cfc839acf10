/* The top menu folds behind a "Menu" button on narrow screens (a phone), so the
 * drawing page's canvas and reading share the first screen. Without this script
 * the menu simply stays open. */
(() => {
  const bar = document.querySelector(".topbar");
  const toggle = document.getElementById("menu-toggle");
  if (!bar || !toggle) return;
  bar.classList.add("foldable");
  toggle.hidden = false;
  toggle.addEventListener("click", () => {
    const open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", String(open));
    bar.classList.toggle("open", open);
  });
})();
