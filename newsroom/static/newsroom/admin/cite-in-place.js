// "Cite" on a new coverage article, in place: a new citation row is added to the form's citations, filled
// with the article (outlet, address, the article itself, its headline as the claim to rewrite), and focused.
// Nothing reloads and nothing typed is touched; saving the story keeps the citation. Without this script the
// button submits the form, which saves what was typed and then cites the article.
document.addEventListener("DOMContentLoaded", () => {
  const group = document.getElementById("citations-group");
  const addLink = () => group?.querySelector(".add-row a");
  if (!group) return;

  const rowFor = (url) => [...group.querySelectorAll("input[name$='-url']")]
    .filter((input) => !input.name.includes("__prefix__") && input.value.trim() === url)
    .map((input) => input.closest(".inline-related"))[0];

  const choose = (select, id, label) => {
    if (!select) return;
    if (![...select.options].some((option) => option.value === String(id))) select.add(new Option(label, id));
    select.value = String(id);
    const $ = window.django?.jQuery;  // the admin's autocomplete (select2) listens to jQuery's change
    if ($) $(select).trigger("change");
    else select.dispatchEvent(new Event("change", { bubbles: true }));
  };

  document.querySelectorAll("button[data-cite-url]").forEach((button) => {
    button.addEventListener("click", (event) => {
      const link = addLink();
      if (!link) return;  // no permission to add a row: let the form post (the server says why)
      event.preventDefault();
      const { citeOutlet, citeOutletName, citeUrl, citeTitle } = button.dataset;
      const status = button.nextElementSibling?.classList.contains("cite-status")
        ? button.nextElementSibling : button.insertAdjacentElement("afterend", document.createElement("span"));
      status.className = "cite-status";
      status.setAttribute("role", "status");
      const existing = rowFor(citeUrl);
      if (existing) {
        status.textContent = " Already among the citations.";
        existing.scrollIntoView({ block: "center" });
        existing.querySelector("textarea[name$='-claim']")?.focus();
        return;
      }
      link.click();  // Django's inlines add the row (and start its autocompletes) at once
      const rows = [...group.querySelectorAll(".inline-related:not(.empty-form)")];
      const row = rows[rows.length - 1];
      const field = (name) => row.querySelector(`[name$='-${name}']`);
      choose(field("outlet"), citeOutlet, citeOutletName);
      choose(field("source_article"), button.value, citeTitle);
      field("url").value = citeUrl;
      const claim = field("claim");
      claim.value = citeTitle;
      claim.dispatchEvent(new Event("input", { bubbles: true }));
      status.textContent = " Added to the citations below: rewrite its claim, then save.";
      row.scrollIntoView({ block: "center" });
      claim.focus();
      claim.select();
    });
  });
});
