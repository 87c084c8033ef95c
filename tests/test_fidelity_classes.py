"""Classes of unfaithful answers found by the third audit, each kept fixed by its mechanism:
no order the document does not state, synonyms of the document's own words, fellowships it
does not list, the career a line says does a thing, the line a question's keyword is on, and
absence notes that name only what is asked."""

from __future__ import annotations

import pytest

from advisor import Advisor


@pytest.fixture(scope="module")
def adv() -> Advisor:
    return Advisor()


def ask(adv: Advisor, question: str) -> str:
    return adv.session().ask(question).text


@pytest.mark.parametrize("question", [
    "What is body imaging?", "What is nuclear medicine fellowship about?",
    "How long does it take to become an interventional radiologist?",
])
def test_a_fellowship_path_draws_no_step_between_residency_and_the_fellowship(
        adv: Advisor, question: str) -> None:
    # The document states only that fellowships come after residency: the preliminary year
    # and the ABR examinations are never shown as coming between them.
    text = ask(adv, question)
    assert "; residency → " in text
    assert "ABR certification + residency" not in text
    assert "residency 4–5 years → " not in text


@pytest.mark.parametrize(("question", "opening"), [
    ("Does thoracic radiology include heart imaging?", "Yes."),
    ("does thoracic radiology cover the heart?", "Yes."),
    ("Does thoracic radiology include cardiac imaging?", "Yes."),
    ("Does breast imaging include MRI?", "Yes."),
    ("Does breast imaging include ultrasound?", "Yes."),
])
def test_a_declared_synonym_of_a_line_word_counts_as_said(adv: Advisor, question: str,
                                                          opening: str) -> None:
    assert ask(adv, question).startswith(opening)


def test_a_related_term_is_still_absent(adv: Advisor) -> None:
    # ('lung' is related to thoracic radiology, not a word of its line)
    text = ask(adv, "Does thoracic radiology include lung imaging?")
    assert not text.startswith("Yes")
    assert "does not mention lung" in text


@pytest.mark.parametrize(("question", "term"), [
    ("Is there a telemedicine fellowship?", "telemedicine"),
    ("Telemedicine radiologists need to complete a 2-year telemedicine fellowship, right?",
     "telemedicine"),
    ("Is there an emergency radiology fellowship?", "emergency radiology"),
    ("Is there an AI fellowship?", "ai"),
])
def test_a_fellowship_the_document_does_not_list_is_refuted_first(adv: Advisor, question: str,
                                                                 term: str) -> None:
    text = ask(adv, question)
    assert text.startswith(f"The document lists no {term} fellowship")
    assert "Neuroradiology" in text and "Breast Imaging" in text


@pytest.mark.parametrize("question", [
    "how long is the IR fellowship", "what about a chest fellowship?",
    "nuke med fellowship - what is it?", "peds rads fellowship - what age range",
    "breast mri — is that a radiologist fellowship?", "which subspecialty fellowship covers kids",
    "I'm an R3 and stroke codes + spine MRs are my jam. best fellowship match?",
    "wich fellowship does mamograms",
])
def test_a_listed_fellowship_or_a_plain_word_is_never_refuted(adv: Advisor,
                                                               question: str) -> None:
    assert "lists no" not in ask(adv, question)


def test_nuke_med_fellowship_is_the_nuclear_medicine_fellowship(adv: Advisor) -> None:
    assert "radiopharmaceuticals" in ask(adv, "nuke med fellowship - what is it?")


@pytest.mark.parametrize(("question", "opening"), [
    ("Do technicians interpret images?", "The document does not say so of them; it says: "),
    ("Radiology technicians interpret the scans they take, right?", "No: the document says: "),
])
def test_a_doing_the_line_gives_another_career_is_not_said_of_them(adv: Advisor, question: str,
                                                                   opening: str) -> None:
    # a plain question gets what the line says of whom; a claim tagged for agreement that the
    # line contradicts is answered no
    text = ask(adv, question)
    assert text.startswith(opening + "Medical imaging technicians operate"), text


def test_a_doing_of_the_career_itself_is_no_swap(adv: Advisor) -> None:
    assert not ask(adv, "Can a radiologic technologist move into MRI or mammography?"
                   ).startswith("No")
    assert ask(adv, "Do radiologists interpret images?").startswith("Yes")


@pytest.mark.parametrize("question", [
    "Can a rad tech become an MRI tech?", "can i be a CT tech",
    "How do I become a mammography tech?",
])
def test_the_line_a_keyword_of_the_question_is_on_is_given(adv: Advisor, question: str) -> None:
    assert "may specialize in CT, MRI, mammography, or other modalities" in ask(adv, question)


@pytest.mark.parametrize(("question", "never"), [
    ("so after med school how many more yrs till I'm an actual radiologist?", "actual"),
    ("Do radiologists get paid well compared with other kinds of doctors?", "compared"),
    ("I want to be the one running PET and SPECT scans. which tech job is that?", "running"),
    ("what boards do I need to pass", "boards"),
    ("IR fellowhsip lenght?", "lenght"),
    ("can a rad tech move into CT", "move"),
    ("Do technical positions in radiology offer room to advance?", "room"),
])
def test_an_absence_note_never_names_a_word_that_is_not_the_point(adv: Advisor, question: str,
                                                                  never: str) -> None:
    assert f"does not mention {never}" not in ask(adv, question)


@pytest.mark.parametrize(("question", "absent"), [
    ("Does medical device sales involve travel?", "travel"),
    ("Do sonographers use radiation?", "radiation"),
    ("Where can I study radiology in Canada?", "canada"),
])
def test_an_absence_note_still_names_the_point_the_document_lacks(adv: Advisor, question: str,
                                                                  absent: str) -> None:
    assert f"does not mention {absent}" in ask(adv, question)


@pytest.mark.parametrize("question", [
    "What comes after residency?",
    "My niece is finishing her radiology residency. What could she do next?",
])
def test_what_comes_after_residency_names_the_fellowships(adv: Advisor, question: str) -> None:
    text = ask(adv, question)
    assert text.startswith("The document says: After residency, radiologists may pursue")
    assert "Neuroradiology" in text and "Breast Imaging" in text


def test_a_fellowship_named_in_an_order_question_is_not_listed_with_the_others(
        adv: Advisor) -> None:
    assert "Neuroradiology" not in ask(adv, "is the IR fellowship before or after residency?")


def test_every_credential_the_question_names_is_answered(adv: Advisor) -> None:
    text = ask(adv, "Match ABR, ARRT and ARDMS to their careers")
    assert "American Board of Radiology" in text
    assert "Radiologic technologists pass a certification exam (ARRT)" in text
    assert "Sonographers get certification through ARDMS" in text


def test_a_skill_the_question_names_is_given_with_its_line(adv: Advisor) -> None:
    text = ask(adv, "Do radiologists need lifelong learning?")
    assert "Commitment to lifelong learning as technology evolves" in text
    assert "successful careers in radiology require" in text


@pytest.mark.parametrize("question", [
    "Do I need a fellowship to read mammograms?", "do sonographers need a degree?",
])
def test_a_need_the_lines_do_not_settle_is_never_a_yes(adv: Advisor, question: str) -> None:
    assert ask(adv, question).startswith("The document does not say that in those words")


def test_a_point_said_of_a_path_for_the_career_asked_is_not_unsaid(adv: Advisor) -> None:
    # (AI specialists are listed under 'Emerging Career Paths for Radiologists')
    text = ask(adv, "is validating AI tools for clinical use an actual career path for a "
                    "radiologist?")
    assert not text.startswith("The document does not say so")
    assert "validate AI tools for clinical use" in text


@pytest.mark.parametrize("question", [
    "Radiologists make about $100,000 a year on average, right?",
    "is a sonographer paid $70,000?", "do rad techs earn 60k?",
])
def test_a_sum_of_money_asked_about_gets_the_pay_lines(adv: Advisor, question: str) -> None:
    text = ask(adv, question)
    assert "The document does not give salary figures" in text
    assert "does not mention average" not in text


@pytest.mark.parametrize("question", [
    "Is AI going to replace radiologists?", "will AI replace radiologists",
])
def test_a_point_the_source_never_covers_is_said_silent_first(adv: Advisor,
                                                              question: str) -> None:
    assert ask(adv, question).startswith(
        "The source document does not say whether AI will replace a radiologist.")


@pytest.mark.parametrize("question", [
    "is AI gonna take radiologist jobs fr", "is AI taking radiologist jobs",
    "will there be jobs for sonographers soon?",
])
def test_a_prediction_is_never_opened_with_a_yes(adv: Advisor, question: str) -> None:
    # The document states the present; a yes to what will happen would be a verdict it
    # never gives, whatever lines the answer quotes.
    text = ask(adv, question)
    assert not text.startswith(("Yes", "No."))
    assert "strong job security" in text or "does not say" in text


@pytest.mark.parametrize("question", [
    "does a rad tech need a bachelor's degree",       # 'associate or bachelor's degree'
    "is there a two year fellowship in neuroradiology",  # no length stated for it
])
def test_a_yes_never_says_more_than_the_lines(adv: Advisor, question: str) -> None:
    assert ask(adv, question).startswith("The document does not say that in those words")


@pytest.mark.parametrize("question", [
    "does IR take 2 years?", "does med school take 4 years?", "is there a fellowship in "
    "neuroradiology", "does thoracic radiology include cardiac imaging?",
])
def test_a_yes_the_lines_state_stays(adv: Advisor, question: str) -> None:
    assert ask(adv, question).startswith("Yes.")


@pytest.mark.parametrize(("question", "silent"), [
    ("what are the union dues for rad techs", "anything about unions"),
    ("IMG here, how do I get a J-1 waiver for a rads job?", "visa waivers"),
    ("My son got a 503 on the MCAT. What score does he need to get into medical school?",
     "the MCAT"),
])
def test_a_logistics_point_the_source_never_covers_is_declined(adv: Advisor, question: str,
                                                              silent: str) -> None:
    reply = adv.session().ask(question)
    assert "does not say" in reply.text and silent in reply.text
    assert reply.fallback


def test_an_undergraduate_question_is_said_silent_not_answered_with_a_career(
        adv: Advisor) -> None:
    text = ask(adv, "What should I study in undergrad to become a sonographer?")
    assert text.startswith("The source document does not say which undergraduate study")
    assert "Research Scientist" not in ask(
        adv, "What undergraduate major should I pick if I want to become a radiologist?")


def test_a_fellowship_asked_right_after_medical_school_gets_the_order_stated(
        adv: Advisor) -> None:
    text = ask(adv, "So right after med school I go straight into a 4-5 year interventional "
                    "radiology fellowship?")
    assert text.startswith("The document says: After residency, radiologists may pursue")
    assert "2 years, not 4–5 years" in text


@pytest.mark.parametrize(("question", "what"), [
    ("AI specialists in radiology mainly operate the CT scanners, right?",
     "AI and machine learning specialists develop algorithms"),
    ("Radiology technicians diagnose patients from the scans they take, right?",
     "capture images that radiologists interpret"),
])
def test_a_silent_modality_answer_says_what_the_career_does(adv: Advisor, question: str,
                                                            what: str) -> None:
    text = ask(adv, question)
    assert text.startswith("The source document does not say which imaging modalities")
    assert what in text
    assert "an ai and" not in text  # (an acronym keeps its case inside a sentence)


def test_a_career_listed_as_a_path_for_another_is_never_called_separate(adv: Advisor) -> None:
    text = ask(adv, "Do you need to be a radiologist to be an AI specialist in radiology?")
    assert "under Emerging Career Paths for Radiologists" in text
    assert "Radiologist as a separate career" not in text


@pytest.mark.parametrize("question", [
    "is arrt for rad techs or sonos",
    "ARRT rad tech here, want to switch over to sono. same registry or different?",
])
def test_a_credential_asked_of_two_careers_gives_each_ones(adv: Advisor, question: str) -> None:
    text = ask(adv, question)
    assert "ARRT" in text and "ARDMS" in text
    assert not text.startswith("Yes")


def test_a_credential_asked_of_one_career_still_says_whose_it_is(adv: Advisor) -> None:
    assert ask(adv, "does a nuclear medicine technologist need ARRT?").startswith(
        "The document does not name ARRT certification for Nuclear Medicine Technologist")


def test_a_follow_up_keeps_the_career_its_pronoun_stands_for(adv: Advisor) -> None:
    # 'do they handle radioactive materials?' after rad techs once answered 'Yes' about the
    # nuclear medicine technologists, whose line it is.
    session = adv.session()
    session.ask("tell me about radiologic technologists")
    text = session.ask("do they handle radioactive materials?").text
    assert text.startswith("The document does not say so. Radiologic technologists")
    assert "mentions radioactive materials for Nuclear Medicine Technologist" in text


def test_which_careers_need_certification_names_each_credential(adv: Advisor) -> None:
    text = ask(adv, "which radiology careers need certification, and which certifications?")
    assert "ABR" in text and "ARRT" in text and "ARDMS" in text
    assert "does not say anything about that" not in text


def test_non_doctors_are_the_careers_outside_the_physicians(adv: Advisor) -> None:
    text = ask(adv, "is radiology only for doctors or can non-doctors work in it too?")
    assert text.startswith("Careers outside physician careers")
    assert "Sonographer" in text and "does not mention non" not in text


@pytest.mark.parametrize("question", [
    "is informatics specialist a clinical role?",
    "is radiology a good fit for someone into technology?",
])
def test_a_judgement_or_a_kind_of_role_the_lines_do_not_give_is_no_yes(adv: Advisor,
                                                                       question: str) -> None:
    assert not ask(adv, question).startswith("Yes")


def test_a_role_filed_under_a_category_of_that_name_is_still_yes(adv: Advisor) -> None:
    assert ask(adv, "Is the research scientist an academic career?").startswith("Yes")


def test_two_names_asked_to_be_one_thing_without_a_yes_no_opener(adv: Advisor) -> None:
    assert ask(adv, "ultrasond tech vs sonogrpher same thing??").startswith(
        "Yes: the document uses both names for the same thing (Sonographer)")


def test_a_point_never_covered_said_first_is_a_fallback(adv: Advisor) -> None:
    reply = adv.session().ask("will AI replace radiologists")
    assert reply.text.startswith("The source document does not say whether AI will replace")
    assert reply.fallback


@pytest.mark.parametrize("question", ["MRI safety pregnancy", "is an MRI safe during pregnancy"])
def test_scan_safety_in_pregnancy_is_medical_advice(adv: Advisor, question: str) -> None:
    reply = adv.session().ask(question)
    assert reply.fallback and "medical advice" in reply.text


@pytest.mark.parametrize("question", ["is a fellowship required after residency?",
                                      "must radiologists do a fellowship?"])
def test_a_need_asked_of_what_the_document_says_one_may_do_is_no_yes(adv: Advisor,
                                                                    question: str) -> None:
    text = ask(adv, question)
    assert not text.startswith("Yes"), text


@pytest.mark.parametrize(("question", "quote"), [
    ("is there an increasing need for subspecialized expertise?",
     "increasing need for subspecialized expertise"),
    ("is there growing demand for imaging services?", "Growing demand for imaging services"),
])
def test_a_yes_no_question_a_line_states_is_confirmed(adv: Advisor, question: str,
                                                      quote: str) -> None:
    reply = adv.session().ask(question)
    assert reply.text.startswith("Yes") and quote in reply.text and not reply.fallback


def test_a_dealing_with_people_no_line_describes_is_no_yes(adv: Advisor) -> None:
    assert not ask(adv, "do radiologists see patients?").startswith("Yes")


@pytest.mark.parametrize(("question", "listed"), [
    ("is the QA specialist a technical role or an industry role?",
     "The document lists Quality Assurance Specialist under Technical and Allied Health"),
    ("is a radiologist a real doctor or more like a technician?",
     "The document lists Radiologist under Physician"),
])
def test_an_either_or_question_gets_which_never_a_yes_or_no(adv: Advisor, question: str,
                                                           listed: str) -> None:
    """'Is X A or B?' asks which: a leading 'No:' would read as denying A."""
    text = ask(adv, question)
    assert text.startswith(listed), text


def test_every_career_is_listed_under_its_narrowest_heading(adv: Advisor) -> None:
    text = ask(adv, "what career options are there in radiology overall")
    line = next(x for x in text.split("\n") if x.startswith("• Academic and Research"))
    assert "Academic Radiologist" in line and "Research Scientist" in line, text
    physician = next(x for x in text.split("\n") if x.startswith("• Physician"))
    assert "Academic Radiologist" not in physician and "Telemedicine" not in physician


@pytest.mark.parametrize("question", ["do rad techs operate the imaging equipment?",
                                      "do sonographers operate the equipment?"])
def test_a_line_said_of_a_careers_heading_is_said_of_its_careers(adv: Advisor,
                                                                 question: str) -> None:
    """'Medical imaging technicians operate the equipment' is said of the heading the
    technologists are listed under: a yes, with the line and whose it is (it was 'the
    document does not say so')."""
    text = ask(adv, question)
    assert text.startswith("Yes: the document says it of Technical and Allied Health"), text


@pytest.mark.parametrize(("question", "opens"), [
    ("do sonographers need ARRT?", "The document does not name ARRT"),
    ("sonographers need ARRT, right?", "No."),
])
def test_a_credential_named_for_another_career_is_no_plain_no(adv: Advisor, question: str,
                                                              opens: str) -> None:
    """The document names ARDMS for sonographers and never says they do not need ARRT: a
    plain question gets what it names; a claim tagged for agreement is answered no."""
    assert ask(adv, question).startswith(opens)


@pytest.mark.parametrize("question", [
    "True or false: nuclear medicine is one of the radiology fellowships",
    "radiologic technologists can specialize in mammography, right?",
])
def test_a_claim_tagged_for_agreement_that_a_line_states_is_confirmed(adv: Advisor,
                                                                      question: str) -> None:
    """The tag ('right?', 'true or false') is no word that makes a yes unsure."""
    assert ask(adv, question).startswith("Yes.")


def test_the_most_of_an_unranked_list_is_the_list_said_unranked(adv: Advisor) -> None:
    """'Which one is the most important?' after the skills: the document ranks none, so the
    answer says so and gives them all (it once named the first as if it were the answer)."""
    session = adv.session()
    session.ask("what skills do i need for radiology")
    text = session.ask("which one is the most important?").text
    assert text.startswith("The document does not rank them"), text
    assert "Attention to detail" in text and "lifelong learning" in text


# -- the seventh session's audit (F) ------------------------------------------------------------
@pytest.mark.parametrize(("question", "term", "closest"), [
    ("can i do a fellowship in cardiac imaging specifically", "cardiac imaging",
     "Thoracic Radiology"),
    ("what does the cardiac radiology fellowship involve?", "cardiac", "Thoracic Radiology"),
    ("is there a cardiac radiology fellowship?", "cardiac", "Thoracic Radiology"),
    ("is there a mammography fellowship?", "mammography", "Breast Imaging"),
])
def test_a_fellowship_named_by_words_of_a_line_is_none_the_document_lists_as_such(
        adv: Advisor, question: str, term: str, closest: str) -> None:
    # 'Cardiac imaging' is a part of thoracic radiology's line, no fellowship's name: no
    # 'Yes', and the one the document does list is named as the closest.
    text = ask(adv, question)
    assert text.startswith(f"The document names no fellowship for {term} alone; the closest "
                           f"it lists is {closest}.")
    assert not text.startswith("Yes")


@pytest.mark.parametrize("question", ["nuclear medicine fellowship", "is there an IR fellowship?",
                                      "how long is the neuroradiology fellowship?"])
def test_a_fellowship_named_by_its_own_name_gets_no_such_note(adv: Advisor,
                                                             question: str) -> None:
    assert "names no fellowship" not in ask(adv, question)


def test_a_fellowship_of_a_field_the_document_never_names_is_said_unlisted_not_declined(
        adv: Advisor) -> None:
    reply = adv.session().ask("how long is the dermatology radiology fellowship")
    assert reply.text.startswith("The document lists no dermatology radiology fellowship; "
                                 "the fellowships it lists are in Interventional Radiology")
    assert "outside what I know" not in reply.text
    assert reply.fallback and reply.sources


def test_a_comparison_names_no_specialisation_the_document_does_not_state(
        adv: Advisor) -> None:
    # The nuclear medicine technologist 'performs PET and SPECT imaging procedures': no
    # specialisation; the sonographer's line says it specializes.
    text = ask(adv, "what's the difference between a nuclear medicine technologist and a "
                    "sonographer")
    row = next(x for x in text.splitlines() if x.startswith("• Specializes in"))
    assert "Nuclear Medicine Technologist: not stated" in row
    assert "PET and SPECT" not in row
    assert "Sonographer: specialize in cardiac, vascular, obstetric, or abdominal ultrasound" in row


def test_an_opener_quoting_the_answer_does_not_say_it_twice(adv: Advisor) -> None:
    text = ask(adv, "do I have to do a fellowship?")
    assert text.count("After residency, radiologists may pursue fellowships in subspecialties") \
        == 1
    assert text.startswith("The document does not list fellowship among the steps for "
                           "Radiologist; it says: After residency")


@pytest.mark.parametrize(("question", "opens"), [
    ("is a radiologic technologist a doctor?", "No: the document lists Radiologic Technologist "
     "under Technical and Allied Health Careers, not under Physician Training Pathway."),
    ("is a radiologist a doctor?", "Yes: the document lists Radiologist under Physician Training "
     "Pathway."),
    # listed under paths *for radiologists*: where it is listed, never a no
    ("is the AI specialist a doctor?", "The document lists AI and Machine Learning Specialist "
     "under Emerging Career Paths for Radiologists."),
])
def test_whether_a_career_is_a_doctor_is_where_the_document_lists_it(
        adv: Advisor, question: str, opens: str) -> None:
    assert ask(adv, question).startswith(opens)


@pytest.mark.parametrize("question", [
    "do rad techs interpret images?",
    "do nuclear medicine technologists interpret the scans and give diagnoses?",
    "do sonographers interpret the images?",
])
def test_a_doing_the_line_of_a_careers_heading_gives_another_career_is_not_said_of_it(
        adv: Advisor, question: str) -> None:
    # The technicians' line says who interprets: said of the careers under that heading too.
    assert ask(adv, question).startswith(
        "The document does not say so of them; it says: Medical imaging technicians operate "
        "the equipment and capture images that radiologists interpret.")


def test_another_node_the_question_names_is_quoted_never_called_a_listed_career(
        adv: Advisor) -> None:
    # The document names no 'Diagnostic Radiologist' career: it says what diagnostic
    # radiology focuses on.
    text = ask(adv, "is interventional radiology a separate residency from diagnostic "
                    "radiology per the document?")
    assert "The document also says: Diagnostic radiology focuses on detecting disease." in text
    assert "as a separate career" not in text


def test_a_need_question_gets_no_yes_for_what_a_requirement_is_for(adv: Advisor) -> None:
    # 'Continuing education is required for license maintenance': the license is what it is
    # for, not a thing the line says is required.
    text = ask(adv, "do rad techs need a license?")
    assert not text.startswith("Yes")
    assert "continuing education is required for license maintenance" in text
    assert ask(adv, "do rad techs need continuing education?").startswith("Yes")


def test_a_category_word_inside_the_careers_own_name_names_no_category(adv: Advisor) -> None:
    # the 'techs' of 'rad techs' is no question where they are listed
    assert "under Technical and Allied Health Careers" not in ask(adv, "do rad techs need ARRT?")


def test_a_sum_of_money_asks_about_pay(adv: Advisor) -> None:
    text = ask(adv, "do radiologists make 500k")
    assert "Physician radiologists rank among the highest compensated specialists" in text
    assert "The document does not give salary figures" in text


@pytest.mark.parametrize(("question", "opens"), [
    ("is ARRT optional for rad techs?", "The document does not say it is optional; what it "
     "says:"),
    ("is continuing ed optional for rad techs?", "No: the document says: For radiologic "
     "technologists, continuing education is required for license maintenance."),
    ("are fellowships optional?", "After residency, radiologists may pursue fellowships"),
])
def test_whether_something_is_optional_never_gets_a_yes(adv: Advisor, question: str,
                                                        opens: str) -> None:
    text = ask(adv, question)
    assert text.startswith(opens)
    assert not text.startswith("Yes")


def test_careers_weighed_by_a_doing_are_weighed_by_whom_the_lines_give_it(
        adv: Advisor) -> None:
    # 'technicians ... capture images that radiologists interpret' gives the technologist no
    # interpreting; the physicians' heading does give it to the radiologist.
    text = ask(adv, "Diagnostic radiologist vs rad tech: which one actually interprets the "
                    "images?")
    assert text.startswith("Of these, the document says “interprets” of Diagnostic "
                           "Radiologist only:")


@pytest.mark.parametrize(("question", "opens"), [
    ("Is a sonographer the same as an ultrasound technician?", "Yes: the document uses both "
     "names for the same thing (Sonographer)."),
    ("are sonographers and ultrasound techs two different jobs?", "No: the document uses both "
     "names for the same thing (Sonographer)."),
])
def test_two_names_the_document_uses_for_one_thing_are_said_one(adv: Advisor, question: str,
                                                               opens: str) -> None:
    assert ask(adv, question).startswith(opens)


def test_a_name_the_document_never_uses_is_never_said_to_be_its_name(adv: Advisor) -> None:
    # 'radiology technician' is an alias of the graph's, not a name the document uses
    text = ask(adv, "is radiologic technologist the same thing as a radiology technician?")
    assert "uses both names" not in text


def test_a_yes_no_question_about_the_document_asks_no_doctor(adv: Advisor) -> None:
    # 'does the doc say ...?': no 'is X a doctor?' answer
    assert "under Physician Training Pathway" not in ask(
        adv, "does the doc say CT involves radiation?")


@pytest.mark.parametrize(("question", "said"), [
    ("I thought sonographers needed ARRT?", "The document does not name ARRT certification for "
     "Sonographer"),
    ("i thought residency was 7 years?", "takes 4–5 years, not 7 years"),
])
def test_what_one_thought_is_checked_as_a_claim(adv: Advisor, question: str, said: str) -> None:
    text = ask(adv, question)
    assert text.startswith("No.") and said in text


def test_pay_compared_without_a_comparative_word_is_said_unweighed(adv: Advisor) -> None:
    text = ask(adv, "how much does an interventional radiologist make compared to a "
                    "diagnostic one")
    assert text.startswith("The document does not say which of Interventional Radiology and "
                           "Diagnostic Radiologist pays more")


def test_a_yes_no_question_a_line_of_the_node_states_is_confirmed_with_it(
        adv: Advisor) -> None:
    # the technical positions' pay line says it, though the answer lists the careers
    text = ask(adv, "do technical jobs in radiology have opportunities for specialization?")
    assert text.startswith("Yes: the document says: Technical positions offer good salaries "
                           "with opportunities for specialization.")


def test_whether_a_career_is_of_a_kind_names_its_narrowest_heading(adv: Advisor) -> None:
    # audit G: no answer at all, 'radiologist' of its own name read as another career
    assert ask(adv, "is telemedicine radiologist a technician job?").startswith(
        "No: the document lists Telemedicine Radiologist under Emerging Career Paths for "
        "Radiologists, not under Technical and Allied Health Careers.")


def test_a_thing_claimed_to_be_needed_that_a_line_says_one_may_do_is_said_no(
        adv: Advisor) -> None:
    text = ask(adv, "my friend said the radiology residency is 4-5 years plus a mandatory 2 "
                    "year fellowship, is that right?")  # audit G
    assert text.startswith("No: the document says: After residency, radiologists may pursue "
                           "fellowships in subspecialties.")
    assert not ask(adv, "do I need a fellowship to read mammograms?").startswith("No")


def test_a_headings_specialisation_line_fills_its_specializes_row(adv: Advisor) -> None:
    # audit H: 'Technical and allied health careers: not stated', though its pay line says
    # they offer opportunities for specialization
    text = ask(adv, "what do technicians do vs radiologists")
    row = next(x for x in text.splitlines() if x.startswith("• Specializes in"))
    assert "Technical and allied health careers: technical positions offer good salaries with " \
        "opportunities for specialization" in row
    assert "not stated" not in row


def test_a_claim_that_tech_jobs_are_declining_gets_the_outlook(adv: Advisor) -> None:
    text = ask(adv, "the guide says tech jobs are declining, right?")  # audit H: a list
    assert "Growing demand for imaging services drives job growth" in text


# -- audit I (2026-12-07, 325 answers on ddbc11e): its wrong and invented answers -------------
def test_a_career_the_document_heads_under_radiologist_is_never_said_to_be_no_doctor(
        adv: Advisor) -> None:
    # 'No: ... not under Physician careers': Research Scientist sits under Radiologist ›
    # Physician Training Pathway, and the document names no heading 'Physician careers'
    text = ask(adv, "is a research scientist a doctor")
    assert not text.startswith("No"), text
    assert "PhD or MD/PhD" in text
    assert ask(adv, "is a rad tech a doctor?").startswith(
        "No: the document lists Radiologic Technologist under Technical and Allied Health "
        "Careers, not under Physician Training Pathway.")
    assert "(radiologists)" not in ask(adv, "list every career in radiology")


@pytest.mark.parametrize("question", [
    "do radiologists get paid during residency", "do residents get a salary"])
def test_pay_of_residents_is_no_yes_from_other_lines(adv: Advisor, question: str) -> None:
    # audit I: 'Yes: the document says: diagnostic_radiology_residency.' (an id, and a yes the
    # document never states), 'Yes.' confirmed by 'mentor residents and fellows'
    text = ask(adv, question)
    assert not text.startswith("Yes"), text
    assert "_" not in text
    assert "highest compensated" in text


def test_a_claim_tagged_right_is_no_statement_about_oneself(adv: Advisor) -> None:
    s = adv.session()
    reply = s.ask("the preliminary year is always in radiology right")  # audit I
    assert reply.intent != "about_me"
    assert "noted" not in reply.text and "surgery, internal medicine" in reply.text
    assert s.ask("which career fits me?").text.startswith("Where are you now?")  # (no stage
    # taken from the claim)


def test_what_two_careers_need_is_no_question_of_where_one_is_listed(adv: Advisor) -> None:
    text = ask(adv, "do both radiologists and techs need continuing education")  # audit I
    assert not text.startswith("No"), text
    assert "not under" not in text


def test_a_comparison_asked_without_a_verb_takes_no_liking_from_it(adv: Advisor) -> None:
    # audit I: 'Informatics Specialist fits what you said best (you're drawn to technology ...)'
    # in a new conversation: 'difference between ...' asks, it tells nothing of the person
    text = ask(adv, "difference between QA specialist and informatics specialist")
    assert "fits what you said" not in text and "you're drawn" not in text
    assert "Quality Assurance Specialist vs Informatics Specialist" in text


def test_a_fellowship_path_says_the_order_the_document_states(adv: Advisor) -> None:
    # audit I: 'lists these steps without saying in which order', though 'After residency'
    text = ask(adv, "can you do IR straight out of med school without diagnostic residency")
    assert "After residency, radiologists may pursue fellowships" in text
    assert "without saying in which order" not in text


@pytest.mark.parametrize("question", [
    "what kind of internship year do radiologists do?",
    "my teacher said radiologists do an internship year first. what kind of internship is it",
    "what's a transitional year in radiology training",
    "List the options for the preliminary year before radiology residency.",
    "I read somewhere you go straight from med school into radiology residency with no intern "
    "year in between. True?",
    "My daughter is applying for radiology residency and she keeps mentioning a 'prelim year'. "
    "What is that and what does she do in it?"])
def test_the_step_a_which_word_asks_of_is_what_is_described(adv: Advisor, question: str) -> None:
    # the preliminary year's options, not (only) the radiologist's path that names the step,
    # nor only that the document states no order
    assert "surgery, internal medicine" in ask(adv, question)


@pytest.mark.parametrize(("question", "flagged"), [
    ("is a radiation therapist the same as a rad tech?", True),
    ("in case I don't like radiology at all, could I become a veterinarian instead?", True),
    ("dental hygienist or sonographer, which pays more?", True),
    ("vascular ultrasound, is that done by a sonographer or is that a vascular surgeon job", False),
    ("Our grandson picked 'IR' for his fellowship. Does that mean he'll be operating on people "
     "like a surgeon?", False),
    ("I'm a dental assistant, could i become a rad tech?", False),  # (their own job)
])
def test_another_profession_asked_about_is_flagged_as_not_covered(
        adv: Advisor, question: str, flagged: bool) -> None:
    # the closest facts are given either way; asked about another profession (not a wrong guess
    # after the field's own words, nor a likening), the reply says the point is not covered
    assert adv.session().ask(question).fallback is flagged


@pytest.mark.parametrize(("question", "opens"), [
    ("do all radiologists do a fellowship", "The document does not list fellowship among the "
     "steps for Radiologist; it says: After residency, radiologists may pursue fellowships"),
    ("radiologists don't need a fellowship, right?", "The document does not list fellowship "
     "among the steps for Radiologist"),
    ("you don't need a residency to be a radiologist, right?", "No: the document lists the "
     "diagnostic radiology residency among the steps for Radiologist."),
    ("do radiologists need a residency?", "Yes: the document lists the diagnostic radiology "
     "residency among the steps for Radiologist."),
])
def test_whether_every_path_holds_a_step_is_whether_the_document_lists_it(
        adv: Advisor, question: str, opens: str) -> None:
    # audit I: 'do all radiologists do a fellowship' got the path without the line that
    # answers (fellowships are optional); a denied claim of a listed step is a 'No'
    assert ask(adv, question).startswith(opens)


def test_a_wrong_length_told_at_the_start_of_an_interview_is_corrected(adv: Advisor) -> None:
    # audit I: 'after my 3 year residency ...' started the interview without a word on the length
    text = ask(adv, "after my 3 year residency in radiology what fellowship should i do")
    assert text.startswith("The document says Diagnostic radiology residency takes 4–5 years, "
                           "not 3 years.")
    s = adv.session()  # a limit of the person's own is no claim about a step
    s.ask("help me choose a career")
    s.ask("my daughter")
    reply = s.ask("She wants to start working within two or three years. Med school is off the "
                  "table for her.")
    assert "The document says" not in reply.text


def test_a_length_is_read_with_the_step_it_is_said_of(adv: Advisor) -> None:
    # 'residency is like 7 years after med school': the residency's length (linking words
    # count for nothing; med school is what it comes after), said first, no order note
    assert ask(adv, "radiology residency is like 7 years after med school right?").startswith(
        "No. The document says Diagnostic radiology residency takes 4–5 years, not 7 years.")
    # a person's own wish named far from a step is no claim about the step
    text = ask(adv, "Just out of high school, want to get into MRI school, want a 2 year-ish "
                    "degree and be working fast, dont want anything radioactive or med school. "
                    "what career?")
    assert "not 2 years" not in text


def test_a_remark_beside_a_question_adds_no_not_understood(adv: Advisor) -> None:
    text = ask(adv, "heard IR is a 3 yr fellowhsip after residncy?? thats what my PD said")
    assert text.endswith("The document says Interventional Radiology takes 2 years, not 3 "
                         "years."), text
    assert "understand" not in ask(adv, "what does PACS stand for? I keep hearing it")


def test_a_line_of_a_heading_is_said_of_the_heading(adv: Advisor) -> None:
    # audit J: 'Quality Assurance Specialist: medical imaging technicians operate the equipment'
    text = ask(adv, "quality assurance specialists operate the scanners right?")
    assert "Quality Assurance Specialist: medical imaging technicians" not in text
    assert "Of all Technical and Allied Health Careers, the document says: Medical imaging " \
        "technicians operate the equipment" in text


def test_a_heading_s_name_states_no_need(adv: Advisor) -> None:
    # audit J: 'do AI specialists need to be radiologists' -> 'Yes.' from the heading
    # 'Emerging Career Paths for Radiologists'
    assert not ask(adv, "do AI specialists need to be radiologists").startswith("Yes")


@pytest.mark.parametrize(("question", "total"), [
    ("how many years in total for med school and residency?", "add up to 8–9 years"),
    ("Total years for interventional radiology: med school + residency + IR fellowship = ? "
     "Show me the sum.", "add up to 10–11 years"),
])
def test_a_total_asked_of_steps_in_no_stated_order_is_their_labelled_sum(
        adv: Advisor, question: str, total: str) -> None:
    # audit J: the parts were given, never the sum asked for
    text = ask(adv, question)
    assert total in text and "worked out here, not stated by the document" in text
    assert "does not mention sum" not in text


def test_what_comes_once_a_step_is_finished_is_what_comes_after_it(adv: Advisor) -> None:
    for question in ("and what do I do once residency is finished?",
                     "what happens when residency is over?"):
        assert ask(adv, question).startswith(
            "The document says: After residency, radiologists may pursue fellowships")


@pytest.mark.parametrize(("question", "opens"), [
    ("so are sonographers doctors or technical staff?",
     "The document lists Sonographer under Technical and Allied Health Careers."),
    ("ok but is the IR fellowship 3 years?",
     "No. The document says Interventional Radiology takes 2 years, not 3 years."),
])
def test_a_yes_no_question_is_read_after_the_words_that_open_it(
        adv: Advisor, question: str, opens: str) -> None:
    assert ask(adv, question).startswith(opens)


# -- audit K (2026-12-07, 337 answers on 9e5ca67): its wrong and invented answers -------------
@pytest.mark.parametrize(("question", "opens"), [
    ("does the IR fellowship come before residency", "No: the document says: After residency"),
    ("fellowships come before residency right?", "No: the document says: After residency"),
    ("does the fellowship come after residency?", "Yes: the document says: After residency"),
])
def test_an_order_asked_is_the_order_the_document_states(adv: Advisor, question: str,
                                                          opens: str) -> None:
    assert ask(adv, question).startswith(opens)
    # (not 'mandatory after residency': no yes from the order line)
    assert not ask(adv, "Are fellowships mandatory after residency?").startswith("Yes")


def test_always_of_what_a_step_is_is_no_question_of_every_path(adv: Advisor) -> None:
    text = ask(adv, "i heard the preliminary year is always surgery?")
    assert not text.startswith("Yes"), text
    assert "surgery, internal medicine, or a transitional year" in text


def test_what_else_a_career_may_do_is_no_answer_to_what_it_needs(adv: Advisor) -> None:
    # 'No: ... Sonographers ... can specialize ...' to a need of a bachelor's degree
    assert not ask(adv, "sonographers need a bachelors degree right?").startswith("No")
