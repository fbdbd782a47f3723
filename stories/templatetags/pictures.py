"""``{% picture image "1x1" %}``: a library image as a responsive ``<picture>`` (WebP with a JPEG fallback),
for topic and question cards, outlet logos and the tops of their pages. Renditions come from the image's
prefetched ``renditions`` (``stories.selectors.with_picture``); width and height reserve its space."""

from django import template
from django.utils.html import format_html

from stories.selectors import ShownImage

register = template.Library()


@register.simple_tag
def picture(image, shape: str = "1x1", sizes: str = "4.5rem", css_class: str = "card-image", loading: str = "lazy"):
    if image is None:
        return ""
    shown = ShownImage(image=image, caption="", renditions=list(image.renditions.all()), shape=shape)
    fallback = shown.fallback
    src, width, height = (fallback.file.url, fallback.width, fallback.height) if fallback else (
        image.file.url, image.width, image.height
    )  # fmt: skip
    webp, jpeg = shown.webp_srcset, shown.jpeg_srcset
    return format_html(
        '<picture class="{}">{}<img src="{}"{} width="{}" height="{}" alt="{}" loading="{}" decoding="async"></picture>',
        css_class,
        format_html('<source type="image/webp" srcset="{}" sizes="{}">', webp, sizes) if webp else "",
        src,
        format_html(' srcset="{}" sizes="{}"', jpeg, sizes) if jpeg else "",
        width,
        height,
        shown.alt,
        loading,
    )
