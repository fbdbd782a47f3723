// The section editors, by their textarea, as they start ("Use theirs" after a conflict sets their text).
const proseEditors = new Map();
document.addEventListener("prose-editor:ready", (event) => proseEditors.set(event.detail.textarea, event.detail.editor));

// The story form: a running word count and reading time, and a prompt before leaving with unsaved edits
// (closing the tab, following a link, or a workflow button outside the form).
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("story_form");
  if (!form) return;

  // The form's parts in a bar that stays at the top: one click to sections, citations, topics, search and
  // social, the workflow or the history, instead of scrolling a long page.
  const parts = [];
  const panel = document.querySelector(".workflow-panel");
  if (panel) parts.push([panel, "Workflow"]);
  const first = form.querySelector("fieldset.module");
  if (first && !first.querySelector(":scope > h2")) parts.push([first, "Story"]);
  form.querySelectorAll("fieldset.module > h2, .inline-group > fieldset > h2, .inline-group h2").forEach((heading) => {
    const box = heading.closest(".inline-group") || heading.closest("fieldset");
    if (box && !parts.some(([el]) => el === box)) parts.push([box, heading.textContent.trim()]);
  });
  const history = document.querySelector(".story-history");
  if (history) parts.push([history, "History"]);
  if (parts.length > 2) {
    const nav = document.createElement("nav");
    nav.className = "story-parts";
    nav.setAttribute("aria-label", "Parts of this story");
    parts.forEach(([el, label], index) => {
      if (!el.id) el.id = `story-part-${index}`;
      const link = document.createElement("a");
      link.href = `#${el.id}`;
      link.textContent = label.replace(/\s+/g, " ").slice(0, 40);
      nav.append(link);
    });
    (panel || form).before(nav);
  }

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
    stats.textContent = `${total} words · about ${minutes} min to read${stats.dataset.autosaved ? ` · ${stats.dataset.autosaved}` : ""}`;
  };
  count();

  // Search and social: character counts against what search engines show, and the previews kept current.
  const limits = { seo_title: 60, seo_description: 155 };
  for (const [name, limit] of Object.entries(limits)) {
    const input = form.elements[name];
    if (!input) continue;
    const counter = document.createElement("span");
    counter.className = "char-count";
    counter.setAttribute("aria-live", "polite");
    input.after(counter);
    const show = () => {
      counter.textContent = `${input.value.length} / ${limit}`;
      counter.classList.toggle("over", input.value.length > limit);
    };
    input.addEventListener("input", show);
    show();
  }
  const previewText = () => {
    const title = form.elements.seo_title?.value || form.elements.headline?.value || "Headline";
    const description = form.elements.seo_description?.value || form.elements.summary?.value || "";
    form.querySelectorAll(".sp-title, .sc-title").forEach((node) => { node.textContent = title; });
    form.querySelectorAll(".sp-desc, .sc-desc").forEach((node) => { node.textContent = description; });
    const slug = form.elements.slug?.value;
    const url = form.querySelector(".sp-url");
    if (url && slug) url.textContent = url.textContent.replace(/story\/[^/]*\/$/, `story/${slug}/`);
    const thumbs = ["social_image", "lead_image"].map((name) => form.elements[name])
      .filter((input) => input && input.value)
      .map((input) => input.closest("[data-image-field]")?.querySelector(".image-field-thumb")?.src);
    const image = form.querySelector(".sc-image");
    if (image) image.style.backgroundImage = thumbs[0] ? `url("${thumbs[0]}")` : "";
  };
  form.addEventListener("input", previewText);
  form.addEventListener("change", previewText);
  previewText();

  // After a conflict: "Use theirs" puts the saved version of a field back into the form (then save).
  document.querySelectorAll("[data-take-theirs]").forEach((button) => {
    button.addEventListener("click", () => {
      const input = document.getElementById(button.dataset.takeTheirs);
      if (!input) return;
      proseEditors.get(input)?.commands.setContent(button.dataset.value);  // a section's text: its editor shows it
      input.value = button.dataset.value;
      input.dispatchEvent(new Event("input", { bubbles: true }));
      button.textContent = "Theirs taken";
      button.disabled = true;
    });
  });

  // Unsaved edits: the form's values now against the values before the first touch (the rich-text editors
  // normalise their text when they start, so the baseline is taken once they have, not at page load).
  const values = () => new URLSearchParams(new FormData(form)).toString();
  // A form restored from an autosave is unsaved from the start.
  let baseline = document.getElementById("autosave-config")?.dataset.restored ? "" : null;
  const keepBaseline = () => { if (baseline === null) baseline = values(); };
  form.addEventListener("focusin", keepBaseline, { capture: true });
  form.addEventListener("pointerdown", keepBaseline, { capture: true });
  window.addEventListener("load", () => setTimeout(keepBaseline, 800));
  form.addEventListener("input", count);
  form.addEventListener("change", count);
  // Autosave: every few seconds, what is typed goes to this user's autosave of the story (never the story
  // itself); after a crash or a closed tab the form offers it back.
  const autosaveUrl = document.getElementById("autosave-config")?.dataset.url;
  const csrf = form.querySelector("input[name=csrfmiddlewaretoken]")?.value;
  let lastKept = null;
  const autosave = async () => {
    if (!autosaveUrl || baseline === null || leaving) return;  // a submitted form is being saved: keep nothing
    const now = values();
    if (now === baseline || now === lastKept) return;
    const fields = [...new FormData(form)].filter(([, value]) => typeof value === "string");
    try {
      const response = await fetch(autosaveUrl, {
        method: "POST", credentials: "same-origin", keepalive: true,
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
        body: JSON.stringify({ fields }),
      });
      if (response.ok) {
        lastKept = now;
        const { saved_at: at } = await response.json();
        stats.dataset.autosaved = `kept automatically at ${at}`;
        count();
      }
    } catch { /* offline: the next round tries again */ }
  };
  setInterval(autosave, 5000);
  document.addEventListener("visibilitychange", () => { if (document.visibilityState === "hidden") autosave(); });
  // Presence: a heartbeat says this page is open; the answer says who else has the story open and who
  // holds the soft lock (a save by anyone else is refused while the holder's page is open).
  const config = document.getElementById("autosave-config")?.dataset || {};
  const banner = document.getElementById("presence");
  const beat = async () => {
    if (!config.presenceUrl || !banner) return;
    try {
      const response = await fetch(config.presenceUrl, {
        method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": csrf },
      });
      if (!response.ok) return;
      const { others, lock } = await response.json();
      banner.querySelector(".presence-others").textContent = others.length
        ? `Also open by ${others.map((o) => `${o.name} (since ${o.since})`).join(", ")}.` : "";
      const locked = !lock.mine && lock.holder;
      const text = banner.querySelector(".presence-lock");
      text.hidden = !locked;
      if (locked) text.firstElementChild.textContent = `${lock.holder} is editing this story and holds the lock:`;
      banner.querySelector(".presence-take").hidden = !locked;
      banner.classList.toggle("workflow-flag", Boolean(locked));
      banner.classList.toggle("locked", Boolean(locked));
    } catch { /* offline: the next beat tries again */ }
  };
  if (config.presenceUrl) setInterval(beat, Number(config.beat || 15) * 1000);
  let leaving = false;
  form.addEventListener("submit", () => { leaving = true; });
  window.addEventListener("beforeunload", (event) => {
    if (leaving || baseline === null || values() === baseline) return;
    event.preventDefault();
    event.returnValue = "";
  });
});
