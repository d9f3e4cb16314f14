"""DRF's browsable API under the site's Content-Security-Policy."""

from typing import Any

from rest_framework import renderers


class BrowsableAPIRenderer(renderers.BrowsableAPIRenderer):
    """DRF's browsable API without the inline <style> of Pygments colours that DRF adds when
    Pygments is installed (its `code_style`): the policy refuses inline styles, and nothing on
    these pages uses those colours (prettify.js colours the answer)."""

    def get_context(self, data: Any, accepted_media_type: str, renderer_context: dict) -> dict:
        context = super().get_context(data, accepted_media_type, renderer_context)
        context["code_style"] = None
        return context
