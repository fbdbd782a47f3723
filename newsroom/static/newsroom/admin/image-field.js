// An image field (images/widgets.py): "Choose from the library…" opens the chooser dialog and
// puts the chosen image's id in the hidden input, with its thumbnail and title; "Clear" empties it.
import { chooseImage } from "./image-chooser.js";

function wire(field) {
  if (field.dataset.wired) return;
  field.dataset.wired = "1";
  const input = field.querySelector("input[type=hidden]");
  const thumb = field.querySelector(".image-field-thumb");
  const label = field.querySelector(".image-field-label");
  const clear = field.querySelector("[data-image-clear]");

  function show(image) {
    input.value = image ? image.id : "";
    thumb.hidden = !image;
    if (image) thumb.src = image.thumb;
    label.textContent = image ? image.title : "No image chosen.";
    if (image && image.missing.length) {
      const missing = document.createElement("span");
      missing.className = "image-chooser-missing";
      missing.textContent = ` No ${image.missing.join(", no ")}`;
      label.append(missing);
    }
    clear.hidden = !image;
    input.dispatchEvent(new Event("change", { bubbles: true }));
  }

  field.querySelector("[data-image-choose]").addEventListener("click", async () => {
    const image = await chooseImage();
    if (image) show(image);
  });
  clear.addEventListener("click", () => show(null));
}

document.querySelectorAll("[data-image-field]").forEach(wire);
document.addEventListener("formset:added", (event) => event.target.querySelectorAll("[data-image-field]").forEach(wire));
