import re

from drugdata.clean import clean_blocks, layout
from drugdata.models import Block

NAMES = re.compile(r"\b(baclofen|lioresal)\b", re.IGNORECASE)


def _texts(blocks):
    return [b.text for b in clean_blocks(blocks, NAMES)]


def test_drops_chrome_and_keeps_content():
    blocks = [
        Block("para", "Health Site"),
        Block("para", "Quick Start To Better Sleep"),
        Block("heading", "Baclofen uses and dosage"),
        Block("para", "Baclofen is used to treat spasticity."),
        Block("para", "Lioresal, Buy Lioresal online for cheap price - SOME-STORE"),
        Block("para", "Scroll to top"),
        Block("para", "Leave A Comment"),
        Block("para", "Disclaimer: this page is for educational purposes only."),
        Block("para", "Jane Roe is a registered nurse with years of experience in writing."),
        Block("item", "Drowsiness"),
    ]
    assert _texts(blocks) == ["Baclofen uses and dosage", "Baclofen is used to treat spasticity.", "Drowsiness"]


def test_heading_of_removed_promotion_goes_too():
    blocks = [
        Block("para", "Baclofen relaxes muscles."),
        Block("heading", "How to obtain the latest progress of all drugs?"),
        Block("para", "In the Pharma database you can stay updated on research. Use the Set Alert function."),
    ]
    assert _texts(blocks) == ["Baclofen relaxes muscles."]


def test_link_lists_newsletters_and_share_bars_go_but_content_stays():
    blocks = [
        Block("para", "Baclofen relaxes muscles."),
        Block("para", "Subscribe to the Weekly Dose — no spam, unsubscribe any time."),
        Block("para", "Share: Facebook · X · Email"),
        Block("para", "[Sign up]"),
        Block("para", "Author: Jane Roe, PharmD — clinical pharmacist."),
        Block("para", "Following spasticity programs? Book a walkthrough of our tracker."),
        Block("heading", "Related on the site"),
        Block("item", "Tizanidine vs baclofen: which fits?"),
        Block("item", "Living with spasticity"),
        Block("heading", "Side effects"),
        Block("item", "Drowsiness"),
        Block("para", "The information on this page is not a substitute for a consultation with your doctor."),
    ]
    assert _texts(blocks) == ["Baclofen relaxes muscles.", "Side effects", "Drowsiness"]


def test_a_related_list_ends_at_the_first_sentence():
    blocks = [Block("para", "Baclofen relaxes muscles."), Block("heading", "Keep reading"),
              Block("item", "Baclofen guide"), Block("para", "Baclofen can cause drowsiness.")]
    assert _texts(blocks) == ["Baclofen relaxes muscles.", "Baclofen can cause drowsiness."]


def test_repeated_title_dropped_but_repeated_list_items_kept():
    blocks = [Block("heading", "Baclofen guide"), Block("item", "Seizures"), Block("para", "Baclofen text."),
              Block("item", "Seizures"), Block("heading", "Baclofen guide")]
    assert _texts(blocks) == ["Baclofen guide", "Seizures", "Baclofen text.", "Seizures"]


def test_bio_mentioning_the_drug_is_content():
    block = Block("para", "Baclofen is a drug a pharmacist may explain; it was first synthesized in 1962.")
    assert _texts([block]) == [block.text]


def test_layout_spans_point_into_clean_text():
    text, lines = layout([Block("heading", "Side effects"), Block("item", "Drowsiness")])
    assert text == "Side effects\nDrowsiness"
    assert [text[line.start:line.end] for line in lines] == ["Side effects", "Drowsiness"]
