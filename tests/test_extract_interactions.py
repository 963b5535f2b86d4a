from drugdata.extract.interactions import extract_interactions, recommendation_of, severity_of

PAGE = """Baclofen

What other drugs interact with baclofen?

  • CNS depressants: increased sedation when combined with alcohol, benzodiazepines, or opioids.
  • Parkinson's disease drugs
Avoid alcohol while taking baclofen, since it can cause extra sleepiness and coma.
Grapefruit juice is not known to interact with baclofen.
"""


def test_agents_split_out_of_lists_with_types(document):
    rows = extract_interactions(document(PAGE), "baclofen")
    agents = {r["agent_name"]: r for r in rows}
    assert agents["alcohol"]["agent_type"] == "substance"
    assert agents["benzodiazepines"]["agent_type"] == "drug_class"
    assert agents["opioids"]["agent_id"].startswith("ATC:")
    assert agents["cns depressants"]["effect"].lower().startswith("increased sedation")
    assert agents["antiparkinson drugs"]["agent"] == "Parkinson's disease drugs"  # named by the class vocabulary
    assert "baclofen" not in agents  # the page's own drug is not an interaction


def test_advice_and_severity(document):
    rows = [r for r in extract_interactions(document(PAGE), "baclofen") if r["evidence"].startswith("Avoid")]
    assert rows and all(r["recommendation"] == "avoid" and r["severity"] == "major" for r in rows)
    assert recommendation_of("monitor INR closely") == "monitor"
    assert severity_of("may slightly lower levels", None) == "minor"


def test_negated_interaction_is_dropped(document):
    rows = extract_interactions(document(PAGE), "baclofen")
    assert not any(r["agent_name"] == "grapefruit juice" for r in rows)


def test_agent_role_says_who_acts_on_whom(document):
    page = """Baclofen guide

Baclofen is a muscle relaxant; this page is about baclofen.

Drug interactions

Baclofen can increase serum digoxin levels when the two are taken together.
Cimetidine increases the plasma concentrations of baclofen.
Taking baclofen with alcohol adds to drowsiness.
The pharmacokinetics of baclofen are not affected by furosemide or atenolol.
Baclofen has been safely administered with lisinopril.
"""
    rows = {r["agent_name"]: r for r in extract_interactions(document(page), "baclofen")}
    assert rows["digoxin"]["agent_role"] == "object"
    assert rows["cimetidine"]["agent_role"] == "precipitant"
    assert rows["alcohol"]["agent_role"] is None
    assert not set(rows) & {"furosemide", "atenolol", "lisinopril"}


def test_effects_named_by_class_adjectives_studies_without_interaction_and_one_role_per_sentence(document):
    page = """Baclofen guide

Baclofen is a muscle relaxant; this page is about baclofen.

Drug interactions

NSAIDs may reduce the diuretic, natriuretic and antihypertensive effects of baclofen.
Baclofen has been used concomitantly with furosemide and atenolol without evidence of clinically significant adverse interactions.
Administration of baclofen with digoxin increased digoxin levels.
"""
    rows = {r["agent_name"]: r for r in extract_interactions(document(page), "baclofen")}
    assert "nsaids" in rows and not {"diuretics", "antihypertensives"} & set(rows)  # adjectives before 'effects'
    assert not {"furosemide", "atenolol"} & set(rows)
    assert rows["digoxin"]["agent_role"] == "object"  # both mentions: the drug raises its levels


def test_examples_of_a_class_say_which_class_they_illustrate(document):
    page = """Baclofen guide

Baclofen is a muscle relaxant; this page is about baclofen.

Drug interactions

Avoid concomitant use of baclofen with CNS depressants (e.g., opioids, benzodiazepines).
Use caution with CNS depressants, such as opioids and benzodiazepines, taken with baclofen.
If baclofen and opioids, such as metoprolol are coadministered, monitor for sedation with benzodiazepines.
"""
    rows = extract_interactions(document(page), "baclofen")
    first, second, third = ([r for r in rows if r["evidence"].startswith(lead)] for lead in ("Avoid", "Use", "If"))
    assert {(r["agent"], r["example_of"]) for r in first} == {
        ("CNS depressants", None), ("opioids", "CNS depressants"), ("benzodiazepines", "CNS depressants")}
    assert {(r["agent"], r["example_of"]) for r in second} == {
        ("CNS depressants", None), ("opioids", "CNS depressants"), ("benzodiazepines", "CNS depressants")}
    # outside parentheses the examples are the enumeration right after the cue, not the rest of the clause
    assert all(r["example_of"] is None for r in third if r["agent"] == "benzodiazepines")
