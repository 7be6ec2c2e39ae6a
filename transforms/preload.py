"""Preload: build the stages' models and lookup tables ahead of the first batch."""
import simplemma

from newsetl.transforms import gazetteer, language, tag


def preload() -> None:
    """Load the NER model, the language detector, the gazetteer and simplemma's German lexicon (once per process)."""
    tag.load_model()
    language.detector()
    gazetteer.countries()
    # simplemma reads its German dictionary on first use, about a second.
    simplemma.is_known("Haus", lang="de")
