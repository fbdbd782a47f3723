// The focal point, set by clicking the picture on an image's page: crops keep that point in view.
// It fills the "focal point" fields (still editable by hand) and marks the spot.
// Loaded in the page's head (the admin's form media): wait for the form.
document.addEventListener("DOMContentLoaded", () => {
  const preview = document.querySelector(".image-preview");
  const across = document.getElementById("id_focal_x");
  const down = document.getElementById("id_focal_y");
  if (!preview || !across || !down) return;

  const marker = document.createElement("span");
  marker.className = "image-focus-marker";
  preview.append(marker);

  const place = () => {
    marker.style.left = `${Number(across.value) * 100}%`;
    marker.style.top = `${Number(down.value) * 100}%`;
  };
  preview.addEventListener("click", (event) => {
    const box = preview.querySelector("img").getBoundingClientRect();
    const clamp = (value) => Math.min(1, Math.max(0, value)).toFixed(3);
    across.value = clamp((event.clientX - box.left) / box.width);
    down.value = clamp((event.clientY - box.top) / box.height);
    place();
  });
  across.addEventListener("input", place);
  down.addEventListener("input", place);
  place();
});
