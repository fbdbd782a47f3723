// LibraryFigure: an inline picture in a section body, chosen from the image library.
// Stored as a reference, <figure data-image-id="12"></figure>; the page renders the image's
// renditions, alt text, caption and credit (newsroom/richtext.py, figures_expand).
import { Node } from "django-prose-editor/editor";
import { chooseImage, chooserUrl } from "../admin/image-chooser.js";

export const LibraryFigure = Node.create({
  name: "libraryFigure",
  group: "block",
  atom: true,
  draggable: true,
  selectable: true,

  addAttributes() {
    return {
      imageId: {
        default: null,
        parseHTML: (element) => element.getAttribute("data-image-id"),
        renderHTML: (attributes) => ({ "data-image-id": attributes.imageId }),
      },
    };
  },

  parseHTML() {
    return [{ tag: "figure[data-image-id]" }];
  },

  renderHTML({ HTMLAttributes }) {
    return ["figure", HTMLAttributes];
  },

  addNodeView() {
    return ({ node }) => {
      const dom = document.createElement("figure");
      dom.className = "library-figure";
      dom.setAttribute("data-image-id", node.attrs.imageId);
      const img = document.createElement("img");
      img.src = chooserUrl(`${node.attrs.imageId}/preview/`);
      img.alt = `Library image ${node.attrs.imageId}`;
      const label = document.createElement("figcaption");
      label.textContent = `Image ${node.attrs.imageId} from the library (its caption and credit are shown here on the page)`;
      dom.append(img, label);
      return { dom };
    };
  },

  addCommands() {
    return {
      insertLibraryFigure: (imageId) => ({ commands }) =>
        commands.insertContent({ type: this.name, attrs: { imageId: String(imageId) } }),
    };
  },

  addMenuItems({ menu, buttons }) {
    menu.defineItem({
      name: "libraryFigure",
      groups: "nodes",
      button: buttons.material("add_photo_alternate", "Image from the library"),
      active: (editor) => editor.isActive("libraryFigure"),
      command(editor) {
        chooseImage().then((image) => {
          if (image) editor.chain().focus().insertLibraryFigure(image.id).run();
        });
      },
    });
  },
});
