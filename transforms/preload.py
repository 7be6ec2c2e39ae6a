"""Preload: build the stages' models and lookup tables ahead of the first batch."""
from transforms import gazetteer, language, tag


def preload() -> None:
    """Load the NER model, the language detector and the gazetteer (each is built once per process)."""
    tag.load_model()
    language.detector()
    gazetteer.countries()
