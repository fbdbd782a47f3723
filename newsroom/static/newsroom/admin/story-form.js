// The story form: a running word count and reading time, and a prompt before leaving with unsaved edits
// (closing the tab, following a link, or a workflow button outside the form).
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("story_form");
  if (!form) return;

  const stats = document.createElement("p");
  stats.className = "story-stats";
  stats.setAttribute("aria-live", "polite");
  form.prepend(stats);
  const words = (html) => {
    const text = new DOMParser().parseFromString(html || "", "text/html").body.textContent || "";
    return (text.match(/[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu) || []).length;
  };
  const count = () => {
    let total = words(form.elements.headline?.value) + words(form.elements.summary?.value);
    form.querySelectorAll("textarea[name$='-body']").forEach((area) => {
      if (!area.name.includes("__prefix__")) total += words(area.value);
    });
    const minutes = Math.max(1, Math.round(total / 200));
    stats.textContent = `${total} words · about ${minutes} min to read`;
  };
  count();

  // Unsaved edits: the form's values now against the values before the first touch (the rich-text editors
  // normalise their text when they start, so the baseline is taken once they have, not at page load).
  const values = () => new URLSearchParams(new FormData(form)).toString();
  let baseline = null;
  const keepBaseline = () => { if (baseline === null) baseline = values(); };
  form.addEventListener("focusin", keepBaseline, { capture: true });
  form.addEventListener("pointerdown", keepBaseline, { capture: true });
  window.addEventListener("load", () => setTimeout(keepBaseline, 800));
  form.addEventListener("input", count);
  form.addEventListener("change", count);
  let leaving = false;
  form.addEventListener("submit", () => { leaving = true; });
  window.addEventListener("beforeunload", (event) => {
    if (leaving || baseline === null || values() === baseline) return;
    event.preventDefault();
    event.returnValue = "";
  });
});
