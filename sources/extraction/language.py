"""The language of a text whose document declares none: pasted text, text files, PDFs, many
newsletters and pages without a `lang`. A PI assigns sources to coders who read their language.

py3langid (the identifier trafilatura itself uses: 97 languages, ISO 639-1 codes) decides from
the text's first SAMPLE characters. Its model is loaded on first use, in the process that
ingests (the Celery worker): ~1 s and ~90 MB, never in a web process.
"""

import functools

MIN_PROBABILITY = 0.5  # below it the text is too short or too mixed to say: no language
SAMPLE = 3_000  # characters: ~2 ms; 20,000 took ~5 ms and decided the same


@functools.cache
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def identify_language(text: str) -> str | None:
    """The text's language ('en', 'ru', 'zh', 'fa', 'ko', ...), or None when unsure."""
    language, probability = _identifier().classify(text[:SAMPLE])
    return str(language) if probability >= MIN_PROBABILITY else None
