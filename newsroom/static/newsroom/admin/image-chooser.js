// The image chooser: a dialog over the admin page listing library images (searchable, with
// thumbnails and what each still lacks). Used by the image fields (image-field.js) and by the
// editor's "Image from the library" button (../editor/library-figure.js).

function adminRoot() {
  const home = document.querySelector("#site-name a");
  return home ? home.getAttribute("href") : "/admin/";
}

export function chooserUrl(path = "") {
  return `${adminRoot()}images/image/${path}`;
}

function element(tag, attributes = {}, children = []) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "text") node.textContent = value;
    else node.setAttribute(name, value);
  }
  node.append(...children);
  return node;
}

// Resolves with {id, title, thumb, alt, missing} or null when the writer cancels.
export function chooseImage() {
  return new Promise((resolve) => {
    const search = element("input", { type: "search", placeholder: "Search title, alt text, caption, credit", "aria-label": "Search images" });
    const grid = element("ul", { class: "image-chooser-grid", "aria-live": "polite" });
    const status = element("p", { class: "image-chooser-status" });
    const cancel = element("button", { type: "button", class: "button", text: "Cancel" });
    const upload = element("a", { href: chooserUrl("upload/"), target: "_blank", rel: "noopener", text: "Upload new images (new tab)" });
    const dialog = element("dialog", { class: "image-chooser", "aria-labelledby": "image-chooser-title" }, [
      element("h2", { id: "image-chooser-title", text: "Choose an image" }),
      element("div", { class: "image-chooser-bar" }, [search, upload]),
      status,
      grid,
      element("div", { class: "image-chooser-buttons" }, [cancel]),
    ]);
    let chosen = null;
    let timer = null;

    async function load() {
      status.textContent = "Loading…";
      try {
        const response = await fetch(`${chooserUrl("choose/")}?q=${encodeURIComponent(search.value.trim())}`, {
          headers: { Accept: "application/json" }, credentials: "same-origin",
        });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        const { results, more } = await response.json();
        grid.replaceChildren(...results.map((image) => {
          const pick = element("button", { type: "button", class: "image-chooser-pick", "data-image-id": image.id }, [
            element("img", { src: image.thumb, alt: "", width: "120", height: "120", loading: "lazy" }),
            element("span", { class: "image-chooser-title", text: image.title }),
            ...(image.missing.length ? [element("span", { class: "image-chooser-missing", text: `No ${image.missing.join(", no ")}` })] : []),
          ]);
          pick.addEventListener("click", () => { chosen = image; dialog.close(); });
          return element("li", {}, [pick]);
        }));
        status.textContent = results.length ? (more ? `The ${results.length} newest matches; search to narrow.` : "") : "No image matches.";
      } catch (error) {
        status.textContent = `The library could not be loaded (${error.message}). Close this and try again.`;
      }
    }

    search.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(load, 250); });
    search.addEventListener("keydown", (event) => { if (event.key === "Enter") event.preventDefault(); });
    cancel.addEventListener("click", () => dialog.close());
    dialog.addEventListener("close", () => { dialog.remove(); resolve(chosen); });
    document.body.append(dialog);
    dialog.showModal();
    search.focus();
    load();
  });
}
