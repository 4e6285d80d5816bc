"""Parts of a rendered public page."""


def main_of(html: str) -> str:
    """The page's own content: its <main>, without the header (language switcher) and footer."""
    return html.split("<main", 1)[1].split("</main>", 1)[0]
