// Drag-to-reorder for admin inlines marked with the "sortable-inline" class.
// Each row gets a drag handle and up/down buttons (for keyboards); the rows'
// "position" inputs are renumbered in page order, so the order is saved with
// the form. Without JavaScript the position fields still work by hand.
(function () {
  "use strict";

  function rows(group) {
    return Array.from(group.querySelectorAll(".inline-related:not(.empty-form), tr.form-row:not(.empty-form)"))
      .filter(function (row) { return row.querySelector('input[name$="-position"]'); });
  }

  function renumber(group) {
    rows(group).forEach(function (row, index) {
      row.querySelector('input[name$="-position"]').value = index;
    });
  }

  function move(row, delta) {
    var group = row.closest(".sortable-inline");
    var list = rows(group);
    var target = list[list.indexOf(row) + delta];
    if (!target) return;
    if (delta < 0) target.parentNode.insertBefore(row, target);
    else target.parentNode.insertBefore(row, target.nextSibling);
    renumber(group);
  }

  function button(text, label, onClick) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "sortable-move";
    b.textContent = text;
    b.setAttribute("aria-label", label);
    b.addEventListener("click", onClick);
    return b;
  }

  function enhance(row) {
    if (row.dataset.sortable) return;
    row.dataset.sortable = "1";
    var input = row.querySelector('input[name$="-position"]');
    input.readOnly = true;
    var handle = document.createElement("span");
    handle.className = "sortable-handle";
    handle.textContent = "↕ drag";
    handle.title = "Drag to reorder";
    handle.draggable = true;
    handle.addEventListener("dragstart", function (event) {
      row.classList.add("sortable-dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", "");
      if (event.dataTransfer.setDragImage) event.dataTransfer.setDragImage(row, 10, 10);
    });
    handle.addEventListener("dragend", function () {
      row.classList.remove("sortable-dragging");
      renumber(row.closest(".sortable-inline"));
    });
    row.addEventListener("dragover", function (event) {
      var group = row.closest(".sortable-inline");
      var dragging = group.querySelector(".sortable-dragging");
      if (!dragging || dragging === row) return;
      event.preventDefault();
      event.stopPropagation();  // keep rich-text editors inside the row from taking the drop
      var box = row.getBoundingClientRect();
      var after = event.clientY > box.top + box.height / 2;
      row.parentNode.insertBefore(dragging, after ? row.nextSibling : row);
    }, true);
    row.addEventListener("drop", function (event) {
      if (row.closest(".sortable-inline").querySelector(".sortable-dragging")) {
        event.preventDefault();
        event.stopPropagation();
      }
    }, true);
    var controls = document.createElement("span");
    controls.className = "sortable-controls";
    input.parentNode.insertBefore(controls, input);
    controls.appendChild(handle);
    controls.appendChild(input);
    controls.appendChild(button("↑", "Move up", function () { move(row, -1); }));
    controls.appendChild(button("↓", "Move down", function () { move(row, 1); }));
  }

  function init() {
    document.querySelectorAll(".sortable-inline").forEach(function (group) {
      rows(group).forEach(enhance);
      renumber(group);
      var form = group.closest("form");
      if (form) form.addEventListener("submit", function () { renumber(group); });
    });
  }

  document.addEventListener("formset:added", function (event) {
    var row = event.target;
    var group = row.closest(".sortable-inline");
    if (group && row.querySelector('input[name$="-position"]')) {
      enhance(row);
      renumber(group);
    }
  });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
