"""Word documents for the outbox kinds (broadcast scripts, newspaper manuscripts): python-docx's
default template trimmed to what they use, a new document set in 宋体, pictures Word can show.

Every use of python-docx is here or goes through here (``Pt``, ``Cm`` and ``CENTER`` for the
adapters' layouts): it costs about 90 ms to import, so the adapters import this module only when
they write a .docx file.
"""

import functools
import io
import zipfile

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.image.image import Image as DocxImage
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from lxml import etree

__all__ = [
    "CENTER",
    "JUSTIFY",
    "RIGHT",
    "Cm",
    "Pt",
    "RGBColor",
    "bottom_rule",
    "document_bytes",
    "new_document",
    "page_number_footer",
    "picture_stream",
    "set_font",
]

CENTER = WD_ALIGN_PARAGRAPH.CENTER
RIGHT = WD_ALIGN_PARAGRAPH.RIGHT
JUSTIFY = WD_ALIGN_PARAGRAPH.JUSTIFY

# python-docx's default template carries 800 KB of styles (two copies) that every document would
# parse and compress again; the scripts and manuscripts use the Normal style only.
_TEMPLATE_DROP = {
    "word/stylesWithEffects.xml",
    "customXml/item1.xml",
    "customXml/_rels/item1.xml.rels",
    "customXml/itemProps1.xml",
    "docProps/thumbnail.jpeg",
}
_KEPT_STYLES = {"Normal", "DefaultParagraphFont", "TableNormal", "NoList"}


@functools.lru_cache(maxsize=1)
def _template():
    """python-docx's default template without the parts our documents never use."""
    source = io.BytesIO()
    Document().save(source)
    result = io.BytesIO()
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(result, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            if item.filename in _TEMPLATE_DROP:
                continue
            data = zin.read(item.filename)
            if item.filename.endswith(".rels") or item.filename == "[Content_Types].xml":
                root = etree.fromstring(data)
                for child in list(root):
                    target = child.get("Target", "") or child.get("PartName", "")
                    if any(target.endswith(dropped.split("/")[-1]) for dropped in _TEMPLATE_DROP):
                        root.remove(child)
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            elif item.filename == "word/styles.xml":
                root = etree.fromstring(data)
                ns = root.nsmap["w"]
                for child in list(root):
                    tag = etree.QName(child).localname
                    style_id = child.get(f"{{{ns}}}styleId")
                    if tag == "latentStyles" or (tag == "style" and style_id not in _KEPT_STYLES):
                        root.remove(child)
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            zout.writestr(item, data)
    return result.getvalue()


def new_document(title):
    """A document from the trimmed template, in 宋体, with ``title`` and 镜鉴 as its author."""
    document = Document(io.BytesIO(_template()))
    style = document.styles["Normal"]
    style.font.name = "宋体"
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    document.core_properties.title = title
    document.core_properties.author = "镜鉴"
    return document


def set_font(run, name, size=None, bold=False, color=None):
    """Set ``run`` in the font ``name`` for Chinese and Latin text alike (Word reads the East
    Asian font from its own attribute), at ``size`` points, optionally bold or coloured."""
    run.font.name = name
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)
    if size is not None:
        run.font.size = Pt(size)
    run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color


def bottom_rule(paragraph, color="FF0000", size=12):
    """A rule under ``paragraph`` (its bottom border), in ``color`` (hex), ``size`` eighths of a
    point thick: the red line under an official document's header."""
    properties = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", str(size)), ("space", "4"), ("color", color)):
        bottom.set(qn(f"w:{key}"), value)
    borders.append(bottom)
    properties.append(borders)


def page_number_footer(section, font, size):
    """Centre the page number in ``section``'s footer as “— 1 —”, in ``font`` at ``size``
    points (a PAGE field, which Word fills in)."""
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = CENTER
    for text in ("— ", None, " —"):
        run = paragraph.add_run(text or "1")
        set_font(run, font, size)
        if text is None:
            field = OxmlElement("w:fldSimple")
            field.set(qn("w:instr"), "PAGE")
            run._r.addnext(field)
            field.append(run._r)


def document_bytes(document):
    """The .docx file of ``document``."""
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def picture_stream(image):
    """The original file when Word can show it, else a JPEG rendition."""
    with image.file.open("rb") as handle:
        data = handle.read()
    try:
        DocxImage.from_blob(data)
    except Exception:  # WebP, AVIF, SVG: Word needs a common format
        rendition = image.get_rendition("max-2000x2000|format-jpeg")
        with rendition.file.open("rb") as handle:
            data = handle.read()
    return io.BytesIO(data)
