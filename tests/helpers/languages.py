"""Fetching a page as a reader of one language sees it."""

from django.urls import reverse
from django.utils import translation


def get_in_language(client, language: str, view_name: str, **kwargs):
    """GET a page with `language` active: its address reversed in that language (a language
    prefix, where the URLs have one) and the browser asking for it, too."""
    with translation.override(language):
        url = reverse(view_name, kwargs=kwargs or None)
        return client.get(url, headers={"accept-language": language})
