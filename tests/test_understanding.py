"""Questions answered through the semantic index (issue 11, items 1, 3 and 4): a career asked
for by what it does, and a direct question that describes what the person wants."""

from __future__ import annotations

import pytest

from advisor import Advisor
from knowledge import CAREER_TYPES


@pytest.fixture(scope="module")
def advisor() -> Advisor:
    return Advisor()


@pytest.mark.parametrize(("question", "career"), [
    ("Who interprets medical images?", "Radiologist"),
    ("who actually runs the PET scanner, is it just a regular rad tech?",
     "Nuclear Medicine Technologist"),
    ("who checks that the x-ray machines follow all the rules?", "Quality Assurance Specialist"),
    ("who's in charge of the image archive?", "Informatics Specialist"),
])
def test_a_career_asked_for_by_what_it_does(advisor: Advisor, question: str,
                                            career: str) -> None:
    reply = advisor.ask(question)
    assert not reply.fallback
    assert career in reply.text.split("\n")[0], reply.text


@pytest.mark.parametrize(("question", "answer"), [
    ("which fellowship would I do if I want to image children?", "Pediatric Radiology"),
    ("if I wanted to read mammograms for a living, which fellowship?", "Breast Imaging"),
    ("I want to help small towns with no radiologist, what's my option?",
     "Telemedicine Radiologist"),
    ("sports injuries, bones and joints are what I geek out on, which fellowship?",
     "Musculoskeletal Radiology"),
])
def test_a_direct_question_gets_the_answer_then_the_chooser_is_offered(
        advisor: Advisor, question: str, answer: str) -> None:
    reply = advisor.ask(question)
    assert reply.kind == "answer" and answer in reply.text.split("\n")[0], reply.text
    assert "help me choose" in reply.text


def test_asking_for_the_chooser_still_starts_it(advisor: Advisor) -> None:
    reply = advisor.ask("help me choose a fellowship")
    assert reply.kind == "question"


def test_what_is_ruled_out_is_not_the_description(advisor: Advisor) -> None:
    reply = advisor.ask("I love sports injuries, knees and shoulders. Brains and kids don't do "
                        "much for me. Which fellowship fits?")
    # described (first line) or ranked (first listed): the career the liking points at
    assert "Musculoskeletal Radiology" in reply.text.split("\n")[0] or \
        reply.listed[:1] == ("musculoskeletal_radiology",)


@pytest.mark.parametrize("question", [
    "how much is tuition for rad tech school",
    "Which community college in Texas has the cheapest sonography program?",
    "I trained as a radiologist in India. Can I get an H-1B visa to practise in the US?",
    "pharmacist salary",
    "radiation therapist salary?",
    "is mri safe if i have a pacemaker",
    "whats a radiologist assistant (RA) and how many years is the RA program",
    "i love animals and imaging, how do i become a veterinary radiologist",
    "got BI-RADS 4 on my mammogram. is that bad",
    "What's the usual dose of IV contrast for a CT abdomen in a 70 kg adult?",
    # another profession set against one of the field: the document compares nothing
    "Had an MRI yesterday. How long does it usually take for the results to come back to "
    "my doctor?",
    "surgical tech vs rad tech which is easier to get into",
    "is paramedic school faster than rad tech school",
    "what universities have the best imaging sciences PhD",  # audit G
])
def test_near_scope_logistics_and_clinical_questions_are_declined(advisor: Advisor,
                                                                   question: str) -> None:
    reply = advisor.ask(question)
    assert reply.fallback, reply.text


@pytest.mark.parametrize("question", [
    "what are the best rad tech programs near me? looking at a few",
    "which is the most reputable sonography school",
    "what's the pass rate for the ARDMS exam",
    "can I use financial aid for nuc med school",
    "is there an online program for rad tech",
    "how do I get my radiology degree recognized in Canada, do I need a license in each province",
])
def test_a_choice_of_school_or_an_exam_statistic_is_declined(advisor: Advisor,
                                                             question: str) -> None:
    """The logistics the document never covers, in words no phrase of the data lists as such:
    a choice word a few words before an institution, exam statistics, funding, licensing."""
    reply = advisor.ask(question)
    assert reply.fallback and "does not cover" in reply.text, reply.text


@pytest.mark.parametrize("question", [
    "eGFR is 28, can we still give gad for the liver MR?",
    "patient got hives after iodinated contrast, premedicate with steroids next time?",
    "what kVp should I use for a portable abdomen",
    "my son has a fever, should I give him ibuprofen before his MRI?",
])
def test_a_question_about_caring_for_a_patient_is_declined(advisor: Advisor,
                                                           question: str) -> None:
    reply = advisor.ask(question)
    assert reply.fallback and reply.intent == "medical_advice", reply.text


@pytest.mark.parametrize("question", [
    "which fellowship is for people who like kidneys and liver imaging?",
    "do rad techs give IV contrast?",
    "which kind of radiologist reads chest CTs for lung nodules?",
])
def test_anatomy_or_a_named_career_keeps_a_question_about_careers(advisor: Advisor,
                                                                  question: str) -> None:
    assert advisor.ask(question).intent != "medical_advice"


@pytest.mark.parametrize(("question", "says"), [
    ("do sonographers work nights?", "whether a sonographer works nights"),
    ("how much does radiology residency cost?", "what diagnostic radiology residency costs"),
    ("can nuclear medicine techs work abroad?", "working abroad"),
    ("How long is the preliminary year?", "how long the preliminary year takes"),
])
def test_a_point_the_document_never_covers_is_said_and_flagged(advisor: Advisor, question: str,
                                                              says: str) -> None:
    """The answer says plainly what is not covered, then what the document does say, and is
    flagged as a fallback: the point asked is outside the knowledge."""
    reply = advisor.session().ask(question)
    assert says in reply.text and reply.fallback, reply.text


def test_a_word_of_the_story_is_not_the_point_asked(advisor: Advisor) -> None:
    reply = advisor.session().ask("I've worked nights as a CT tech for years. What do sonographers "
                                  "specialize in?")
    assert "nights" not in reply.text.split("\n")[0] and not reply.fallback, reply.text
    assert "obstetric" in reply.text


@pytest.mark.parametrize(("question", "word"), [
    ("can DOs become radiologists?", "dos"),
    ("do i need MCAT for rads", "mcat"),
])
def test_the_point_the_document_never_covers_is_named(advisor: Advisor, question: str,
                                                      word: str) -> None:
    text = advisor.ask(question).text
    first = text.split("\n")[0]
    assert any(s in first for s in ("does not mention", "says nothing about", "does not say")), text
    assert word in text.lower()


@pytest.mark.parametrize(("question", "wanted"), [
    ("med school how long, residency how long, and what exams at the end?",
     ["4 years", "4–5 years", "ABR"]),
    ("which fellowship is for kids and which for mammograms", ["Pediatric", "Breast"]),
    ("what do neuroradiologists look at, and what do MSK radiologists look at?",
     ["brain", "bones"]),
])
def test_every_question_of_a_message_gets_its_answer(advisor: Advisor, question: str,
                                                     wanted: list[str]) -> None:
    text = advisor.ask(question).text
    for part in wanted:
        assert part in text, (part, text)


@pytest.mark.parametrize("question", [
    "are lead aprons enough? how much radiation does a rad tech get per year",
    "what does a nurse practitioner in interventional radiology do, and what's the pay",
])
def test_a_message_with_a_declined_question_is_flagged(advisor: Advisor, question: str) -> None:
    # One of its questions asks what the source never covers: the whole is a fallback,
    # whatever the other part found to say.
    reply = advisor.ask(question)
    assert reply.fallback
    assert "outside what I know" in reply.text


def test_a_part_that_points_back_is_no_declined_question(advisor: Advisor) -> None:
    reply = advisor.ask("What fellowships can a radiologist do after residency? Can you list "
                        "them all, my son has to pick soon.")
    assert not reply.fallback
    assert "Neuroradiology" in reply.text


@pytest.mark.parametrize("question", [
    "i dont want to go to med school, what radiology jobs can i do",
    "I do not really want to spend years in medical school, which radiology jobs are there?",
])
def test_a_far_negation_over_bridging_words_rules_the_step_out(advisor: Advisor,
                                                                question: str) -> None:
    text = advisor.ask(question).text
    assert text.startswith("Careers that do not need medical school"), text
    assert "Sonographer" in text


@pytest.mark.parametrize(("question", "wanted"), [
    ("what are the radiology fellowships", ["Neuroradiology", "Pediatric Radiology"]),
    ("what r the fellowships", ["Breast Imaging", "Body Imaging"]),
    ("what comes after med school", ["no stated order", "residency 4–5 years",
                                     "preliminary year"]),
    ("I'm thinking of med school for radiology. How many years is it after college?",
     ["residency 4–5 years"]),
    ("yo how long is med school + residency for radiology fr", ["4 years", "4–5 years"]),
    ("how long are med school plus residency", ["4 years", "4–5 years"]),
])
def test_the_basic_questions_of_the_pathway_get_the_whole_answer(
        advisor: Advisor, question: str, wanted: list[str]) -> None:
    text = advisor.ask(question).text
    for part in wanted:
        assert part in text, (part, text)


def test_a_kind_named_in_the_singular_is_still_described(advisor: Advisor) -> None:
    text = advisor.ask("what is a fellowship").text
    assert text.startswith("After residency, radiologists may pursue fellowships")
    assert "Neuroradiology" not in text


@pytest.mark.parametrize(("question", "said"), [
    ("I'm 52 and I've been a pharmacy tech for years. Am I too old to start a sonography "
     "program?", "whether age matters"),
    ("I'm a paramedic. Do my paramedic credits transfer to a rad tech program, or do I start "
     "from scratch?", "credits transfer"),
    ("how much is rad tech school tho. like tuition", "tuition"),
    ("is an mri bad for u if u have braces lol asking for a friend", "medical advice"),
])
def test_a_point_the_source_never_covers_is_flagged_in_any_wording(
        advisor: Advisor, question: str, said: str) -> None:
    reply = advisor.ask(question)
    assert reply.fallback
    assert said in reply.text


def test_an_age_in_a_story_is_no_question_about_age(advisor: Advisor) -> None:
    reply = advisor.ask("my 17 year old wants to be a sonographer how long is the training")
    # (the length asked is one the document never gives: said, and flagged for that)
    assert "age" not in reply.text and "does not say how long" in reply.text, reply.text


def test_a_story_then_is_there_anything_for_me_ranks_from_the_story(advisor: Advisor) -> None:
    text = advisor.ask("I'm a radiologist, 8 years in a busy hospital group. I've got two "
                       "small kids and I'd love to work from home. Is there anything for me?").text
    assert text.startswith("Here is how the careers fit")
    assert text.index("Telemedicine Radiologist") < text.index("Pediatric")


def test_a_story_naming_another_career_keeps_that_role_as_the_topic(advisor: Advisor) -> None:
    text = advisor.ask("I'm a sales rep for enterprise software and I'm thinking about imaging "
                       "device sales. What does that role look like?").text
    assert "relationship building" in text
    assert "fit" not in text


@pytest.mark.parametrize(("story", "absent"), [
    ("I'm a med student and I want to be a radiologist. My mom's breast cancer was caught "
     "early on a screening mammogram. Which fellowship is about that?", "medical advice"),
    ("I was a D1 athlete, super competitive, and I love people. A recruiter pitched me imaging "
     "equipment sales. What does that job actually involve?", "how competitive"),
    ("EMT-B for five years. I want steadier hours. Is there a path into imaging without med "
     "school?", "not 5 years"),
])
def test_words_of_the_story_are_not_what_is_asked(advisor: Advisor, story: str,
                                                  absent: str) -> None:
    reply = advisor.ask(story)
    assert absent not in reply.text
    assert not reply.fallback


def test_a_path_without_a_step_lists_the_careers_that_do_not_need_it(advisor: Advisor) -> None:
    text = advisor.ask("Is there a path into imaging without med school?").text
    assert text.startswith("Careers that do not need medical school")


@pytest.mark.parametrize(("turns", "wanted"), [
    (["how long is med school?", "then what"], "residency 4–5 years"),
    (["tell me about QA specialists", "do they write policies too?"], "protocols"),
    (["tell me about QA specialists", "what would I actually be checking?"], "Quality"),
])
def test_a_follow_up_in_everyday_words_stays_on_the_topic(advisor: Advisor, turns: list[str],
                                                          wanted: str) -> None:
    session = advisor.session()
    for turn in turns[:-1]:
        session.ask(turn)
    reply = session.ask(turns[-1])
    assert wanted in reply.text and not reply.fallback, reply.text


def test_a_conditional_move_does_not_ask_for_a_specialisation(advisor: Advisor) -> None:
    text = advisor.ask("If I move into radiology, which of my skills carry over?").text
    assert "Successful careers in radiology require" in text


@pytest.mark.parametrize(("question", "wanted"), [
    ("I'm a radiology resident and my mom is a breast cancer survivor. I'd love to spend my "
     "career on mammograms and screening. Which fellowship would that be?", "Breast"),
    ("I'm an electrician, 20 years. I like making sure machines work right and everything's "
     "up to code and passes inspection. My back's done with the physical stuff. Is there "
     "something in radiology that fits?", "Quality"),
    ("MS3 here, I've basically decided on radiology. Can you list every fellowship I could do "
     "after residency?", "Neuroradiology"),
    ("ok what would it take to be a rad tech specifically?", "ARRT"),
])
def test_what_the_question_asks_wins_over_words_of_the_story(advisor: Advisor, question: str,
                                                             wanted: str) -> None:
    reply = advisor.ask(question)
    assert wanted in reply.text and not reply.fallback, reply.text


@pytest.mark.parametrize("question", [
    "I'm 52 and have worked retail my whole life. Am I too old to switch into sonography?",
    "I'm a high school senior with a 3.2 GPA. Are my grades good enough to get into a rad "
    "tech program?",
])
def test_a_point_never_covered_is_said_whatever_the_reading(advisor: Advisor,
                                                            question: str) -> None:
    reply = advisor.ask(question)
    assert reply.fallback and "does not say" in reply.text


@pytest.mark.parametrize("first", ["I'm a rad tech right now.", "I passed my ARRT!!"])
def test_a_modality_asked_after_a_career_is_that_careers(advisor: Advisor, first: str) -> None:
    session = advisor.session()
    session.ask(first)
    text = session.ask("could I move into MRI at some point").text
    assert text.startswith("Yes. Radiologic Technologists may specialize in"), text


@pytest.mark.parametrize(("turns", "said"), [
    (["what does a sonographer do", "how many months is a sonography program usually"],
     "does not say how long"),
    (["what does pediatric radiology cover", "how many years is that fellowship"],
     "does not say how long the pediatric fellowship takes"),
    (["what is the average salary of a radiologist"], "average salary"),
])
def test_a_figure_the_document_never_gives_is_flagged(advisor: Advisor, turns: list[str],
                                                      said: str) -> None:
    session = advisor.session()
    for turn in turns[:-1]:
        session.ask(turn)
    reply = session.ask(turns[-1])
    assert said in reply.text and reply.fallback, reply.text


def test_pay_in_general_words_is_answered_not_flagged(advisor: Advisor) -> None:
    reply = advisor.ask("do radiologists make good money")
    assert "highest compensated" in reply.text and not reply.fallback


@pytest.mark.parametrize("question", [
    "do radiologists make a lot fr or is that cap", "do rads make good $$",
    "do radiologist make good mony",
])
def test_pay_in_slang_gets_the_pay_lines(advisor: Advisor, question: str) -> None:
    assert "highest compensated" in advisor.ask(question).text


def test_the_pay_of_each_career_named(advisor: Advisor) -> None:
    text = advisor.ask("how much do radiologists and sonographers make?").text
    assert "highest compensated" in text and "good salaries" in text
    assert text.count("does not give salary figures") == 1


def test_terrified_of_radiation_counts_against_it(advisor: Advisor) -> None:
    text = advisor.ask("My daughter is terrified of radiation, loves chatting with patients, and "
                       "dreams of doing baby scans. She doesn't want med school. What job fits "
                       "her best?").text
    assert text.index("Sonographer") < text.find("Nuclear Medicine Technologist") or \
        "Nuclear Medicine Technologist —" not in text
    assert "comfortable handling radioactive" not in text


def test_a_negation_binds_to_the_first_name_after_it(advisor: Advisor) -> None:
    text = advisor.ask("which jobs without med school use pet scans").text
    assert "Nuclear Medicine Technologist" in text
    assert "Sonographer" not in text and "Research Scientist" not in text


def test_a_negation_covers_names_joined_to_the_first(advisor: Advisor) -> None:
    p = advisor._engine.understander.parse("I want a job with no CT or MRI")
    assert [m.negated for m in p.mentions if m.text in {"ct", "mri"}] == [True, True]


@pytest.mark.parametrize(("question", "wanted"), [
    ("bro is radiology boring", "does not say whether working in radiology is boring"),
    ("ngl is sonography hard", "does not say how hard being a sonographer is"),
    ("how many months is a sonography program usually", "does not say how long"),
])
def test_slang_openers_and_other_units_keep_the_question(advisor: Advisor, question: str,
                                                         wanted: str) -> None:
    reply = advisor.ask(question)
    assert wanted in reply.text and reply.fallback, reply.text


def test_a_length_asked_as_how_many_years_is_no_count(advisor: Advisor) -> None:
    assert "does not give a number" not in advisor.ask("how many yrs of school for sono").text


@pytest.mark.parametrize("question", [
    "hey so im 33 w/ 2 kids, work at walmart, wanna get into xray. what degree do i need?",
    "I have two kids and a mortgage. What degree does a rad tech need?",
])
def test_the_persons_own_children_are_no_topic(advisor: Advisor, question: str) -> None:
    text = advisor.ask(question).text
    assert "Pediatric Radiology is" not in text and "associate or bachelor" in text.lower()


def test_kids_as_what_the_work_is_about_still_name_pediatrics(advisor: Advisor) -> None:
    assert "Pediatric Radiology" in advisor.ask("I love working with kids, which fellowship?").text


@pytest.mark.parametrize("question", [
    "who connects the doctors and the IT ppl in radiology",
    "Which radiology job is for IT people?",
])
def test_it_in_capitals_is_information_technology(advisor: Advisor, question: str) -> None:
    assert "Informatics" in advisor.ask(question).text


def test_the_fastest_way_without_a_step_lists_the_careers_without_it(advisor: Advisor) -> None:
    text = advisor.ask("whats the fastest way into radiology if i dont wanna do med school fr").text
    assert text.startswith("Careers that do not need medical school")


def test_the_persons_own_career_is_not_what_a_nameless_question_asks(advisor: Advisor) -> None:
    text = advisor.ask("I'm a radiologist, 15 years in, thinking about leaving clinical work for "
                       "industry. What options are there outside the hospital?").text
    assert "Medical Device Sales" in text and "Informatics Specialist" in text
    assert "Neuroradiology" not in text


@pytest.mark.parametrize("follow_up", ["which one 2 years", "which of those takes two years?"])
def test_which_kind_has_a_length_while_the_kinds_are_discussed(advisor: Advisor,
                                                               follow_up: str) -> None:
    session = advisor.session()
    session.ask("what fellowships are there")
    text = session.ask(follow_up).text
    assert "IR fellowship 2 years" in text or "Interventional Radiology" in text, text
    assert "rules of each state" not in session.ask("which of those has a stated length?").text


def test_a_number_before_a_category_is_no_other_fields_qualifier(advisor: Advisor) -> None:
    reply = advisor.ask("Please summarise the two industry careers in your source, with one or "
                        "two duties each, for a slide.")
    assert "Medical Device Sales" in reply.text and "Informatics Specialist" in reply.text
    assert not reply.fallback and "does not mention summarise" not in reply.text


def test_a_relayed_question_is_answered_not_the_relaying(advisor: Advisor) -> None:
    text = advisor.ask("A student asked me whether ARRT applies to sonographers; what should I "
                       "tell her?").text
    assert text.startswith("The document does not name ARRT certification for Sonographer")
    assert "ARDMS" in text


def test_a_terse_career_and_step_query_describes_the_step(advisor: Advisor) -> None:
    assert advisor.ask("rad tech continuing ed").text.startswith(
        "For radiologic technologists, continuing education is required")
    assert "Breast Imaging" in advisor.ask("mamography fellowship").text


def test_the_length_of_each_step_or_fellowship_named(advisor: Advisor) -> None:
    text = advisor.ask("IR fellowship length and DR residency length").text
    assert "2 years" in text and "4–5 years" in text


def test_a_real_word_is_not_read_as_another_ending_that_asks_something_else(
        advisor: Advisor) -> None:
    # 'stated' was read as 'states' (the rules of particular states)
    session = advisor.session()
    session.ask("what fellowships are there")
    text = session.ask("Which of those has a stated length of two years?").text
    assert "rules of" not in text and "2 years" in text
    assert "rules of each state" in advisor.ask("for teleread do I need licenses in every "
                                                "state I read for?").text


def test_a_bare_name_asks_what_was_just_asked_of_it(advisor: Advisor) -> None:
    session = advisor.session()
    session.ask("radiologist salary")
    assert "good salaries" in session.ask("rad techs?").text
    assert advisor.ask("rad techs?").text.startswith("Radiologic technologists complete")


def test_two_aspects_in_one_clause_get_both_answers(advisor: Advisor) -> None:
    text = advisor.ask("radiologist pay and outlook").text
    assert "highest compensated" in text and "Growing demand" in text


def test_a_question_about_the_field_does_not_keep_the_old_topic(advisor: Advisor) -> None:
    s = advisor.session()
    s.ask("tell me about nuclear medicine technologists")
    text = s.ask("is radiology a good career?").text
    assert "Nuclear Medicine Technologist" not in text and "job security" in text


def test_what_the_field_offers_is_its_overview(advisor: Advisor) -> None:
    reply = advisor.ask("What does the field of radiology offer?")
    assert not reply.fallback and "diverse career opportunities" in reply.text


def test_is_that_a_fellowship_says_what_kind_of_step_it_is(advisor: Advisor) -> None:
    s = advisor.session()
    s.ask("what does a neuroradiologist do?")
    assert "fellowship" in s.ask("is that a fellowship or a residency?").text


def test_which_fellowship_after_saying_what_one_loves_ranks_by_it(advisor: Advisor) -> None:
    s = advisor.session()
    s.ask("I love working with kids and babies")
    reply = s.ask("which fellowship then?")
    assert reply.kind == "recommendation" and "1. Pediatric Radiology" in reply.text


@pytest.mark.parametrize(("message", "wanted", "unwanted"), [
    ("My brother is a sonographer and loves it. I'm in med school now. How long is the "
     "interventional radiology fellowship?", "2 years", "Sonographer"),
    ("I worked as a nurse for ten years and my back hurts from lifting patients. My friend "
     "says sonographers earn well. What certification does a radiologic technologist need?",
     "ARRT", "medical advice"),
    ("Our daughter just finished her associate degree in radiologic technology last spring. "
     "She is thinking about the future. What does a PACS administrator do?",
     "Picture Archiving", "daughter"),
])
def test_a_story_then_a_question_answers_the_question(advisor: Advisor, message: str,
                                                      wanted: str, unwanted: str) -> None:
    """The sentences before the question tell who is asking; they are not what is asked
    (their careers, complaints and words never hijack the answer)."""
    reply = advisor.ask(message)
    assert wanted in reply.text, reply.text
    assert unwanted not in reply.text, reply.text
    assert not reply.fallback


@pytest.mark.parametrize(("message", "wanted"), [
    ("My son is considering becoming a nuclear medicine technologist. What does that job "
     "involve?", "radioactive"),
    ("I'm a nursing student thinking of switching to rad tech. What kind of degree would I "
     "need?", "associate"),
])
def test_a_question_that_leans_on_the_story_reads_it(advisor: Advisor, message: str,
                                                     wanted: str) -> None:
    """'That job', or a question that names nothing, is about what the story named."""
    reply = advisor.ask(message)
    assert wanted in reply.text.lower(), reply.text


@pytest.mark.parametrize(("turns", "wanted"), [
    (["what is a telemedicine radiologist", "is it only for big cities?"], "rural"),
    (["what exam does a radiologic technologist pass?", "and is that it or does it need renewing"],
     "continuing education"),
    (["what's an informatics specialist in radiology", "who do they work with"], "IT teams"),
    (["what does a quality assurance specialist do?", "is that basically checking the machines?"],
     "regulatory standards"),
])
def test_a_follow_up_gets_the_topics_fact_it_asks_about(advisor: Advisor, turns: list[str],
                                                         wanted: str) -> None:
    """A follow-up pointing back at the topic is answered with the topic's fact that shares
    its meaning (a related word or another form of the word counts: 'renewing' -> 'license
    maintenance', 'cities' -> 'rural or underserved areas')."""
    session = advisor.session()
    for text in turns:
        reply = session.ask(text)
    assert wanted in reply.text, reply.text
    assert not reply.fallback


def test_a_new_question_the_document_does_not_cover_is_not_read_as_a_follow_up(
        advisor: Advisor) -> None:
    session = advisor.session()
    session.ask("what does an AI and machine learning specialist do?")
    reply = session.ask("which python library is best for medical image segmentation")
    assert reply.fallback, reply.text


@pytest.mark.parametrize(("message", "wanted"), [
    ("how long is the IR fellowship and what kind of stuff do they actually do in it?",
     ["2 years", "minimally invasive"]),
    ("do ultrasound people need a cert, and can they work in vascular?",
     ["ARDMS", "vascular"]),
    ("whats the difference between diagnostic and interventional radiology, and how long is "
     "the IR fellowship", ["detecting disease", "2 years"]),
])
def test_every_part_of_a_compound_message_gets_its_own_answer(advisor: Advisor, message: str,
                                                              wanted: list[str]) -> None:
    """A later part asks its own question (hedges such as 'actually', 'kind of stuff' aside;
    'and can they...' is a question, not 'and the same for...'), and a comparison can be
    one of the parts."""
    reply = advisor.ask(message)
    for text in wanted:
        assert text in reply.text, reply.text


@pytest.mark.parametrize(("question", "wanted"), [
    ("sono specialties you can go into?", "vascular"),
    ("what does a US tech do", "Sonographers"),
    ("what do AI/ML rads actually do?", "algorithms"),
])
def test_shop_talk_names_and_a_name_is_never_a_clinical_cue(advisor: Advisor, question: str,
                                                           wanted: str) -> None:
    """'sono', 'US tech' name sonographers; 'ml' inside 'AI/ML' is part of a name, not a
    dose, so the question is not declined as medical advice."""
    reply = advisor.ask(question)
    assert wanted in reply.text, reply.text
    assert not reply.fallback


def test_how_many_gets_the_count_of_the_list(advisor: Advisor) -> None:
    reply = advisor.ask("how many fellowship options r there for radiologists")
    assert reply.text.startswith("The document lists 8"), reply.text
    assert "Breast Imaging" in reply.text


@pytest.mark.parametrize("message", [
    "I am work as radiographer in the hospital since 5 years. Is possible to make "
    "specialisation in MRI or in CT?",
    "I've been a rad tech for 8 years. Can I specialize in MRI?",
])
def test_a_persons_own_years_are_not_a_length_asked_for(advisor: Advisor, message: str) -> None:
    """'since 5 years' says how long someone has worked; it filters no list (the answer is
    the radiographer's specialisations, named by the story, not 'fellowships lasting 5
    years')."""
    reply = advisor.ask(message)
    assert "specialize in CT, MRI" in reply.text, reply.text
    assert "lasting" not in reply.text


def test_which_fellowships_last_two_years(advisor: Advisor) -> None:
    reply = advisor.ask("which fellowships last two years")
    assert "Interventional Radiology" in reply.text
    assert "Neuroradiology" not in reply.text


def test_a_new_general_question_drops_the_topic_even_with_job_in_a_name(advisor: Advisor) -> None:
    """'the job outlook' names the outlook; it is not 'the job' pointing at the last career."""
    session = advisor.session()
    session.ask("what does a sonographer do")
    reply = session.ask("whats the job outlook for radiology in general")
    assert "Sonographer" not in reply.text, reply.text
    assert "job security" in reply.text


def test_only_for_doctors_lists_the_others(advisor: Advisor) -> None:
    reply = advisor.ask("is radiology only for doctors?")
    assert "Radiologic Technologist" in reply.text, reply.text
    assert "Sonographer" in reply.text


@pytest.mark.parametrize(("turns", "wanted"), [
    (["how long is the radiology residency", "and what's the internship year usually in?"],
     "internal medicine"),
    (["how long is med school, how long is the radiology residency, and what's the internship "
      "year usually in?"], "internal medicine"),
])
def test_and_with_a_verb_of_its_own_is_a_new_question(advisor: Advisor, turns: list[str],
                                                      wanted: str) -> None:
    """'and what is X usually in?' asks its own question; only 'and for X?' / 'and which
    for X' repeat the last one."""
    session = advisor.session()
    for text in turns:
        reply = session.ask(text)
    assert wanted in reply.text, reply.text


@pytest.mark.parametrize("message", [
    "Can you write for me a motivation letter for the residency of radiology?",
    "Can someone help me write my personal statement for radiology residency? I'll paste my "
    "draft, just make it sound better.",
    "How to become radiation therapist, the person who make radiotherapy for cancer?",
    "My son is debating physical therapy vs occupational therapy. Which one has better job "
    "prospects?",
])
def test_requests_outside_what_the_advisor_does_are_declined(advisor: Advisor,
                                                             message: str) -> None:
    """Writing a person's letters is no career fact; another profession's own word
    ('radiotherapy') is no typo of this field's ('radiography')."""
    reply = advisor.ask(message)
    assert reply.fallback, reply.text
    assert "Where are you now" not in reply.text


@pytest.mark.parametrize("question", [
    "who operates the imaging equipment, the radiologist or the technician?",
    "Who captures the images radiologists interpret?",
])
def test_who_does_what_names_the_described_not_the_named_alternative(advisor: Advisor,
                                                                     question: str) -> None:
    """The career named in a who-question is an alternative or an object; what the question
    describes (operating the equipment, capturing images) is the technicians'."""
    reply = advisor.ask(question)
    first = reply.text.split("\n")[0]
    assert "Technical and allied health" in first, reply.text
    assert "that is Radiologist" not in first


@pytest.mark.parametrize(("message", "career"), [
    ("I'm a PhD physicist, want to develop new imaging techniques, no interest in clinical "
     "reads. best fit?", "Research Scientist"),
    ("I am radiologist in university hospital. I love to teach the residents, to make research "
     "and present in congresses. Which path is the best for me?", "Academic Radiologist"),
])
def test_a_pick_asked_with_a_clear_description_names_the_career(advisor: Advisor, message: str,
                                                                career: str) -> None:
    """The description matches one career's own lines: that career is the answer, named
    first (described, or ranked first where the message also says enough to rank), with the
    offer of the questions; never the interview's first question."""
    reply = advisor.session().ask(message)
    assert reply.kind in {"answer", "recommendation"}, reply.text
    assert first_career(advisor, reply.text) == career, reply.text
    assert "help me choose" in reply.text or "ask me questions" in reply.text


def test_a_pick_asked_with_nothing_described_starts_the_questions(advisor: Advisor) -> None:
    reply = advisor.session().ask("I'm a lawyer, what radiology job suits me?")
    assert reply.kind == "question"


@pytest.mark.parametrize(("question", "says", "never"), [
    ("What make the nuclear medicine technologist in his work?", "radioactive", "salar"),
    ("Quality assurance specialist, he make also the audits of imaging practice?", "regulatory",
     "salar"),
    ("what do rad techs make in a year", "salar", "radioactive"),
])
def test_make_asks_for_pay_only_with_the_words_of_pay(advisor: Advisor, question: str, says: str,
                                                      never: str) -> None:
    """'What make the X?' (non-native 'what does X do') is no salary question; 'what do they
    make in a year' is."""
    text = advisor.session().ask(question).text
    assert says in text and never not in text, text


@pytest.mark.parametrize("question", [
    "list the fellowships after radiology residency pls",
    "Which fellowships exist for radiologist? Please give me all list.",
])
def test_a_list_of_the_fellowships_lists_them_once(advisor: Advisor, question: str) -> None:
    text = advisor.session().ask(question).text
    assert all(name in text for name in ("Neuroradiology", "Body Imaging", "Breast Imaging"))
    assert text.count("After residency, radiologists may pursue fellowships") == 1, text


@pytest.mark.parametrize(("question", "says"), [
    ("How long is medical school and the radiology residency?", ["4 years", "4–5 years"]),
    ("What degree does a radiologic technologist need, which exam, and can they specialize?",
     ["associate or bachelor", "ARRT", "specializ"]),
    ("radiologic technologst degree needed + what exam", ["bachelor", "ARRT"]),
    ("Which fellowship lasts 2 years and which one is about the brain?",
     ["Interventional Radiology", "Neuroradiology"]),
])
def test_each_part_of_a_terse_compound_question_is_answered(advisor: Advisor, question: str,
                                                            says: list[str]) -> None:
    """A part that leaves its name to the part before ('which exam'), parts joined by '+',
    and two steps under one 'how long' each get their answer."""
    text = advisor.session().ask(question).text
    assert all(s.lower() in text.lower() for s in says), text


def test_which_fellowship_has_a_length_is_answered_not_doubted(advisor: Advisor) -> None:
    assert "Interventional Radiology" in advisor.session().ask(
        "which fellowship takes 2 yrs").text
    doubted = advisor.session().ask("is the fellowship 2 years").text
    assert doubted.startswith("The source document does not say how long the fellowship")


def test_one_item_of_a_list_becomes_what_it_refers_to(advisor: Advisor) -> None:
    s = advisor.session()
    s.ask("What fellowships are there after radiology residency?")
    s.ask("which of those is two years?")
    assert "minimally invasive" in s.ask("what does it focus on?").text


@pytest.mark.parametrize("turns", [
    ["do rad techs need continuing ed"],
    ["do rad techs need CE"],
    ["tell me about rad techs", "do they need continuing ed"],
])
def test_continuing_education_asked_in_short_words_is_answered_yes(advisor: Advisor,
                                                                   turns: list[str]) -> None:
    s = advisor.session()
    for text in turns:
        reply = s.ask(text)
    assert reply.text.startswith("Yes.") and "continuing education is required" in reply.text


def test_a_career_word_of_the_story_does_not_make_a_pick_question(advisor: Advisor) -> None:
    """'What competency should I stress?' asks for skills although the story names a job; 'what
    kind of radiology job should I aim for?' asks for the pick."""
    skills = advisor.session().ask("interviewing for a CT tech job - what competency should I "
                                   "stress about running the scanner?")
    assert skills.kind == "answer" and "technical aptitude" in skills.text.lower(), skills.text
    pick = advisor.session().ask("what kind of radiology job should I aim for?")
    assert pick.intent == "recommend", pick.text


def test_a_logistics_part_is_declined_and_the_other_part_answered(advisor: Advisor) -> None:
    reply = advisor.session().ask("what's med school tuition like and how many years is it")
    assert "does not cover" in reply.text and "4 years" in reply.text, reply.text
    visa = advisor.session().ask("I trained as a radiologist in India. Can I get an H-1B visa "
                                 "to practise in the US, and how long does the paperwork take?")
    assert visa.fallback and "residency" not in visa.text, visa.text


def test_a_follow_up_on_what_the_source_never_covers_says_so_of_the_topic(
        advisor: Advisor) -> None:
    s = advisor.session()
    s.ask("tell me about telemedicine radiologists")
    reply = s.ask("and the lifestyle?")
    assert "does not say the lifestyle of a telemedicine radiologist" in reply.text, reply.text


def test_what_else_can_i_do_from_a_technologist_starts_the_questions(advisor: Advisor) -> None:
    """Issue 12's example: 'I've been an xray tech for 8 years and I'm burnt out, what else can
    I do?' is no question about becoming a technologist, nor a pick of the career they have."""
    reply = advisor.session().ask("I've been an xray tech for 8 years and I'm burnt out, what "
                                  "else can I do?")
    assert reply.kind == "question", reply.text
    assert "Radiologic Technologist" not in reply.text


@pytest.mark.parametrize(("question", "says", "not_says"), [
    # the story's "grad school" cues education; the question asks what they work on
    ("What do research scientists in imaging actually work on? My daughter is applying to "
     "grad school.", "developing new imaging techniques", "PhD or MD/PhD in imaging sciences\n"),
    ("I keep getting mixed messages about radiology. One says the residency is four years, "
     "another says five. Which is it?", "4–5 years", "medical advice"),
])
def test_a_story_told_with_a_question_does_not_choose_what_is_asked(
        advisor: Advisor, question: str, says: str, not_says: str) -> None:
    reply = advisor.ask(question)
    assert says in reply.text and not_says not in reply.text, reply.text
    assert not reply.fallback


def test_a_short_fragment_after_a_question_is_part_of_it(advisor: Advisor) -> None:
    """'personality-wise' tells no story: the question keeps its own intent."""
    a = advisor.ask("what kind of person does well in radiology? personality-wise")
    assert "Attention to detail" in a.text or "Communication" in a.text, a.text


@pytest.mark.parametrize(("question", "each"), [
    ("whos ARDMS for and whos ARRT for", ["Sonographer", "Radiologic Technologist"]),
    ("im a 3rd year med student. how long is DR residency, do I need a prelim year, and what "
     "boards at the end?", ["4–5 years", "preliminary year", "American Board of Radiology"]),
    ("do I need to be good with tech/equipment for radiology, and are communication skills "
     "actually a thing?", ["Technical aptitude", "Communication skills"]),
])
def test_a_part_shaped_as_a_question_is_answered_on_its_own(advisor: Advisor, question: str,
                                                             each: list[str]) -> None:
    text = advisor.ask(question).text
    assert all(x.lower() in text.lower() for x in each), text


def test_a_relative_who_clause_asks_nothing() -> None:
    """', who's a radiologist.' describes the husband: the topic stays the academic route."""
    s = Advisor().session()
    s.ask("We're looking at the academic route for my husband, who's a radiologist.")
    text = s.ask("What would his responsibilities be?").text
    assert "teaching" in text and "research" in text, text


def test_what_the_story_wants_is_not_what_the_question_asks(advisor: Advisor) -> None:
    """'going to be a radiologist' in the story cues the pathway; the question asks what the
    job is."""
    text = advisor.ask("So proud — my grandson just told us he's going to be a radiologist!! "
                       "In plain words, what will his job actually be?").text
    assert "interpreting medical images" in text, text
    assert "Medical school (4 years)" not in text, text


def test_another_profession_asked_after_a_career_is_declined_not_read_as_its_follow_up(
        ) -> None:
    s = Advisor().session()
    s.ask("which cert do rad techs get")
    reply = s.ask("ok and what about radiation therapists, same exam?")
    assert reply.fallback and "ARRT" not in reply.text, reply.text


def test_a_word_about_the_person_does_not_cancel_the_list_asked_for(advisor: Advisor) -> None:
    """'plumber here': the document lacks the word, but the question asks for the jobs."""
    reply = advisor.ask("plumber here, what radiology jobs are there?")
    assert "Sonographer" in reply.text and "Medical Device Sales" in reply.text, reply.text


def test_a_career_of_the_story_is_not_the_one_asked_about(advisor: Advisor) -> None:
    text = advisor.ask("Former rad tech, now in sales for a CT manufacturer. One big part of my "
                       "job is training hospital staff on new scanners. Is that typical for "
                       "device sales in imaging?").text
    # the answer is about device sales; the story's career comes after it, if at all
    assert "training staff" in text, text
    assert "Radiologic Technologist" not in text or text.index("Medical Device Sales") < \
        text.index("Radiologic Technologist"), text


@pytest.mark.parametrize(("question", "says", "not_says"), [
    ("yo what do sonographers make", "good salaries", "ARDMS"),
    ("ngl is radiology worth it fr", "compensation", "ngl"),
    ("lowkey how long is rad tech school", "associate or bachelor", "lowkey"),
])
def test_texting_asides_and_bare_example_phrasings(advisor: Advisor, question: str, says: str,
                                                   not_says: str) -> None:
    text = advisor.ask(question).text
    assert says in text and not_says not in text, text


def test_a_scan_of_ones_own_in_the_story_does_not_decline_a_career_question(
        advisor: Advisor) -> None:
    reply = advisor.ask("I had an MRI once and loved the tech. How do I become one?")
    assert not reply.fallback and "ARRT" in reply.text, reply.text


def test_what_fits_after_a_self_description_is_a_pick(advisor: Advisor) -> None:
    """'What fits?' asks for what fits the description, not for the skill it names."""
    reply = advisor.ask("I'm detail-oriented, like rules and checklists, and want to work with "
                        "equipment but not patients. What fits?")
    assert reply.kind == "recommendation" and reply.listed[0] == "qa_specialist", reply.text


@pytest.mark.parametrize(("question", "says"), [
    ("what r my optoins for the prelim yr", "transitional year"),
    ("im a biomed eng major is there a radiology job for ppl like me", "Research scientists"),
])
def test_the_options_of_a_step_and_abbreviated_majors(advisor: Advisor, question: str,
                                                      says: str) -> None:
    reply = advisor.ask(question)
    assert reply.kind == "answer" and says in reply.text, reply.text


@pytest.mark.parametrize(("question", "kind", "says"), [
    ("is a TY ok for intern yr before rads or do i need surgery", "answer", "transitional year"),
    ("ty", "smalltalk", "Glad to help"),
])
def test_ty_thanks_alone_and_asks_in_a_question(advisor: Advisor, question: str, kind: str,
                                                says: str) -> None:
    reply = advisor.ask(question)
    assert reply.kind == kind and says in reply.text, reply.text


def test_a_careers_own_line_follows_the_general_skills(advisor: Advisor) -> None:
    text = advisor.ask("For sell the imaging machines, which competences are needed?").text
    assert "Attention to detail" in text and "relationship building" in text, text


def test_generally_asks_of_the_field_not_the_topic() -> None:
    s = Advisor().session()
    s.ask("what does interventional radiology involve")
    text = s.ask("what skills are important for radiology careers generally").text
    assert "Attention to detail" in text and "Interventional" not in text, text


def test_a_later_question_carried_on_by_and_is_answered(advisor: Advisor) -> None:
    text = advisor.ask("In my country the radiologist is paid not so much. In this field the "
                       "radiologist earn good money or no? And in future there will be enough "
                       "work?").text
    assert "highest compensated" in text and "demand" in text, text


def test_no_named_certification_still_says_what_the_category_requires(advisor: Advisor) -> None:
    reply = advisor.ask("which certification do nuclear medicine technologists need")
    assert "does not say which certification" in reply.text, reply.text
    assert "require specialized training and certifications" in reply.text, reply.text
    assert not reply.fallback


def test_the_options_of_the_step_being_discussed() -> None:
    s = Advisor().session()
    s.ask("what's a transitional year in radiology training")
    reply = s.ask("what are the other options for that year")
    assert "surgery" in reply.text and "internal medicine" in reply.text, reply.text


@pytest.mark.parametrize(("question", "said"), [
    ("what does p a c s stand for", "Picture Archiving and Communication"),
    ("what do a i specialists in radiology do", "algorithms"),
    ("someone who bridges the clinical and i t teams in imaging what job is that",
     "Informatics"),
    ("which one uses the a r d m s cert", "Sonographer"),
    ("how do i become a so no grapher", "ARDMS"),
    ("how do i become a rad take", "ARRT"),
    ("tell me about telly medicine radiology", "remotely"),
    ("what's a pax admin do", "PACS"),
])
def test_a_dictated_name_is_heard_as_the_name(advisor: Advisor, question: str,
                                              said: str) -> None:
    """Speech-to-text writes names as letters ('p a c s') or as words that sound like them
    ('so no grapher'): the answer is the one the name gets."""
    reply = advisor.ask(question)
    assert not reply.fallback, reply.text
    assert said in reply.text, reply.text


@pytest.mark.parametrize(("question", "not_said"), [
    ("My son is interested in neuroradiology, what does it cover?", "Sonographer"),
    ("I'm a former barista, what does a radiologic technologist do?", "Breast"),
    ("I made peace with med school, how long is residency?", "PACS"),
    ("which tech job runs the PET scanner?", "Radiologic Technologist:"),
])
def test_everyday_words_are_not_heard_as_names(advisor: Advisor, question: str,
                                               not_said: str) -> None:
    reply = advisor.ask(question)
    assert not_said not in reply.text, reply.text


@pytest.mark.parametrize(("turns", "said"), [
    (["What are the fellowships?", "ok which one of them is 2 years?"], "Interventional"),
    (["how long is the preliminary year", "okay and um after that what comes next"],
     "residency"),
])
def test_an_acknowledgement_opening_a_question_is_no_thanks(advisor: Advisor,
                                                            turns: list[str],
                                                            said: str) -> None:
    session = advisor.session()
    for text in turns:
        reply = session.ask(text)
    assert reply.intent != "thanks", reply.text
    assert said in reply.text, reply.text


def test_a_letter_is_answered_as_its_questions(advisor: Advisor) -> None:
    """An email's greeting, closing and signature ask nothing ('Tom' is no topic), and 'could
    you please tell me how long ...' asks how long, not whether one could tell."""
    reply = advisor.ask("Hi there,\n\nMy son is finishing high school. What does a radiologic "
                        "technologist do, and how much do they earn?\n\nThanks in advance,\nTom")
    assert "associate or bachelor" in reply.text and "salar" in reply.text, reply.text
    assert "tom" not in reply.text.lower().split(), reply.text
    reply = advisor.ask("Dear Sir or Madam,\n\nI am a nursing student. Could you please tell me "
                        "how long the training for a sonographer takes?\n\nKind regards,\nPriya")
    assert not reply.text.startswith(("Yes", "No", "The document does not say that")), reply.text
    assert "ARDMS" in reply.text, reply.text


@pytest.mark.parametrize(("question", "said"), [
    ("hiya :)", "Hello"),
    ("How long is residency? Best fellowship for kids?", "Pediatric"),
    ("What is PACS? Cheers!", "Picture Archiving"),
])
def test_a_frame_word_inside_a_question_is_kept(advisor: Advisor, question: str,
                                               said: str) -> None:
    assert said in advisor.ask(question).text


@pytest.mark.parametrize(("question", "flagged"), [
    ("Is it true that Johns Hopkins has the best radiology residency in the country?", True),
    ("If I reenlist, does the Army train you as a radiology tech for free?", True),
    ("which is better for a sales job, GE or Siemens?", True),
    ("I'm a junior in biomedical engineering. Is BME relevant for imaging research?", False),
])
def test_a_name_of_its_own_the_document_never_mentions_is_flagged(
        advisor: Advisor, question: str, flagged: bool) -> None:
    """A question about an institution, company or country the source never names gets the
    closest facts, flagged as a point it does not cover."""
    reply = advisor.ask(question)
    assert reply.fallback is flagged, reply.text


@pytest.mark.parametrize(("question", "opens"), [
    ("Are sonographer and ultrasound technician actually two different jobs?", "No:"),
    ("is sonographer different from ultrasound tech", "No:"),
    ("Is a sonographer the same as an ultrasound technician?", "Yes:"),
])
def test_two_names_of_one_career_are_one_career(advisor: Advisor, question: str,
                                                opens: str) -> None:
    assert advisor.ask(question).text.startswith(opens)


def test_the_same_job_as_another_career_is_a_comparison(advisor: Advisor) -> None:
    reply = advisor.ask("Is a rad tech basically the same job as a radiologist?")
    assert reply.intent == "compare" and "Physician" in reply.text, reply.text


def test_alternatives_weighed_by_a_word_one_career_says_name_that_career(
        advisor: Advisor) -> None:
    """'X or Y, which is more flexible?' is a choice: both are compared, and the one whose
    own lines say the word they are weighed by is named first, with its line."""
    reply = advisor.ask("academic radiologist or telemedicine, which is more flexible?")
    assert reply.intent == "compare", reply.text
    first = reply.text.split("\n")[0]
    assert "Telemedicine Radiologist" in first and "Flexible work arrangements" in first


def test_alternatives_weighed_by_training_compare_both(advisor: Advisor) -> None:
    reply = advisor.ask("which needs less school, nuclear medicine tech or radiologist?")
    assert reply.intent == "compare", reply.text
    assert "medical school 4 years" in reply.text and "nuclear medicine procedures" in reply.text


def test_an_aspect_asked_of_alternatives_is_answered_for_each(advisor: Advisor) -> None:
    reply = advisor.ask("which pays more, radiologist or rad tech?")
    assert "highest compensated" in reply.text and "good salaries" in reply.text, reply.text


@pytest.mark.parametrize(("question", "opens"), [
    ("I heard QA specialists audit imaging practices, true?", "Yes"),
    ("I heard the breast imaging fellowship covers breast MRI, true?", "Yes"),
    ("I heard sonographers can specialize in obstetric ultrasound, true?", "Yes"),
    ("My friend says sonographers need ARRT.", "No"),
    ("Is it true that sonographers need ARRT?", "No"),
    ("I heard residency is only 3 years. Is that true?", "No"),
])
def test_a_claim_passed_on_is_checked_as_the_claim(advisor: Advisor, question: str,
                                                   opens: str) -> None:
    """'I heard X, true?' asks whether X: the lead is no word of what is checked, so a claim
    a line states is confirmed and one it contradicts is denied."""
    assert advisor.ask(question).text.startswith(opens)


def test_a_claim_about_the_person_is_no_claim_to_check(advisor: Advisor) -> None:
    reply = advisor.ask("My cousin says I'd be good as a radiation therapist. Is that a "
                        "radiology job?")
    assert not reply.text.startswith(("Yes", "No")), reply.text


def test_a_letter_with_numbered_questions_answers_each(advisor: Advisor) -> None:
    reply = advisor.ask("Hello,\n\nI have three questions:\n1. How long is radiology residency?\n"
                        "2. What certification do sonographers need?\n3. What does a PACS "
                        "administrator do?\n\nThank you,\nMaria")
    for said in ("4–5 years", "ARDMS", "Picture Archiving"):
        assert said in reply.text, reply.text
    assert "maria" not in reply.text.lower()


@pytest.mark.parametrize(("question", "said", "not_said"), [
    ("For my article: how many years does it take to become a radiologist?", "8–9 years",
     "Academic"),
    ("What's the difference between a radiologist and a radiologic technologist, for readers "
     "who don't know?", "Radiologist vs Radiologic Technologist", "readers"),
])
def test_the_writers_purpose_is_no_word_of_the_question(advisor: Advisor, question: str,
                                                        said: str, not_said: str) -> None:
    text = advisor.ask(question).text
    assert said in text and not_said not in text, text


def test_a_statistic_the_document_never_gives_is_flagged(advisor: Advisor) -> None:
    reply = advisor.ask("What percentage of radiologists work in teleradiology?")
    assert reply.fallback and "percentage" in reply.text, reply.text


@pytest.mark.parametrize(("turns", "said"), [
    (["compare radiologist and rad tech", "which is longer?"],
     ["Time:", "8–9 years", "Radiologic Technologist: not stated"]),
    (["IR fellowship vs neuro fellowship", "which is longer?"],
     ["does not state a length for preliminary year and neuroradiology fellowship"]),
    (["rad tech vs radiologist, school-wise", "which exam does each one take?"],
     ["ARRT", "ABR"]),
    (["radiologist vs sonographer", "and which of the two earns more?"],
     ["highest compensated", "good salaries"]),
    (["compare radiologist and rad tech", "what about the other one?"],
     ["Radiologic technologists"]),
])
def test_a_short_question_after_a_comparison_points_at_the_pair(
        advisor: Advisor, turns: list[str], said: list[str]) -> None:
    """'Which is longer?', 'each one', 'the two', 'the other one' after a comparison are about
    the careers just compared (the other one: the one not talked about last)."""
    session = advisor.session()
    for text in turns:
        reply = session.ask(text)
    for part in said:
        assert part in reply.text, reply.text


@pytest.mark.parametrize(("question", "first", "also"), [
    ("honestly radiation makes me nervous. nuc med tech or sonographer?", "Sonographer",
     "radioactive"),
    ("procedures stress me out, I'd much rather work out what's wrong from the pictures. "
     "interventional or diagnostic?", "Diagnostic Radiologist", "hands-on procedures"),
    ("I'm fascinated by nuclear medicine but there's no way I'm doing med school. nuc med tech "
     "or nuclear medicine radiologist?", "Nuclear Medicine Technologist", "ruled out"),
    ("I grew up rural and really want to serve places like that. telemedicine radiologist or "
     "academic radiologist?", "Telemedicine Radiologist", "Serve rural or underserved areas"),
])
def test_alternatives_offered_with_what_the_person_is_like_are_weighed(
        advisor: Advisor, question: str, first: str, also: str) -> None:
    """'X or Y?' after saying what one likes, fears or rules out: the one that fits best is
    named first, with why, and the weighing is said to be the advisor's own."""
    text = advisor.ask(question).text
    assert text.split("\n")[0].startswith(f"Of these, {first} fits"), text
    assert also in text and "my own weighing" in text, text


@pytest.mark.parametrize("question", ["is arrt for rad techs or sonos",
                                      "sono or rad tech if i hate needles"])
def test_alternatives_with_nothing_said_of_either_are_not_weighed(advisor: Advisor,
                                                                  question: str) -> None:
    assert "my own weighing" not in advisor.ask(question).text


@pytest.mark.parametrize(("turns", "said", "not_said"), [
    (["Thanks. Once I'm certified as a rad tech, do I have to keep doing courses to hold on "
      "to my licence?\n\nDylan\n"], "continuing education", "dylan"),
    (["hi there,\n\nim a rad tec doing general xrays. can i move into MRI or CT later on?\n\n"
      "ta,\nShaun\n"], "MRI", "shaun"),
])
def test_a_signature_alone_on_the_last_line_is_no_word_of_the_question(
        advisor: Advisor, turns: list[str], said: str, not_said: str) -> None:
    session = advisor.session()
    for text in turns:
        reply = session.ask(text)
    assert said in reply.text and not_said not in reply.text.lower(), reply.text


def test_who_the_person_is_does_not_decline_what_they_ask(advisor: Advisor) -> None:
    """'I'm a paediatric nurse' says who the person is: the question about paediatric
    radiology is answered, not declined as another profession's."""
    reply = advisor.ask("I'm a paediatric nurse and I'm curious about paediatric radiology. "
                        "Does it cover only babies and small children, or teenagers as well?")
    assert not reply.fallback and "adolescents" in reply.text, reply.text


def test_a_question_of_the_field_is_answered_whatever_the_story(advisor: Advisor) -> None:
    reply = advisor.ask("I'm writing a careers article for our school newsletter. Is radiology "
                        "a growing field?")
    assert "Growing demand for imaging services" in reply.text, reply.text
    assert "Academic" not in reply.text


@pytest.mark.parametrize(("question", "flagged", "said"), [
    ("which pays more, sono or rad tech?", True, "does not say which of"),
    ("does IR pay more than diagnostic radiology?", True, "does not say which of"),
    ("which pays more, radiologist or rad tech?", False, "highest compensated"),
])
def test_pay_weighed_between_careers_is_said_only_where_the_lines_differ(
        advisor: Advisor, question: str, flagged: bool, said: str) -> None:
    reply = advisor.ask(question)
    assert reply.fallback is flagged and said in reply.text, reply.text


def test_a_compared_line_is_found_by_the_word_asked_in_another_form(advisor: Advisor) -> None:
    text = advisor.ask("thoracic vs body which 1 does pelvis").text
    assert text.split("\n")[0].startswith("Of these, the document says “pelvis” of Body Imaging")


@pytest.mark.parametrize("turns", [
    ["What certification do sonographers need?", "ok and how much does that exam cost?"],
    ["What percentage of applicants successfully match into diagnostic radiology residency "
     "each year?"],
])
def test_a_figure_the_document_never_gives_is_flagged_with_the_closest_facts(
        advisor: Advisor, turns: list[str]) -> None:
    session = advisor.session()
    for text in turns:
        reply = session.ask(text)
    assert reply.fallback, reply.text



@pytest.mark.parametrize("question", ["which fellowship is a 2-year one?",
                                      "which fellowships are 2 year?"])
def test_a_number_counts_its_unit_in_the_singular_too(advisor: Advisor, question: str) -> None:
    assert "Interventional Radiology" in "\n".join(advisor.ask(question).text.split("\n")[:2])


@pytest.mark.parametrize(("question", "first"), [
    ("A fellowship where you image babies up to teenagers is: A) body imaging B) thoracic "
     "radiology C) pediatric radiology", "Pediatric Radiology"),
    ("Matching: 'Handle radioactive materials safely' goes with A) sonographer B) QA "
     "specialist C) nuclear medicine technologist", "Nuclear Medicine Technologist"),
])
def test_lettered_options_are_alternatives(advisor: Advisor, question: str,
                                           first: str) -> None:
    """A multiple-choice item's options ('A) ... B) ... C) ...') are weighed as alternatives
    offered with 'or' are: the one the rest of the item points at is named first."""
    text = advisor.ask(question).text
    assert first in text.split("\n")[0], text


@pytest.mark.parametrize(("question", "said", "not_said"), [
    ("They'll ask 'what strengths make you a good fit for radiology' - which strengths does "
     "the field actually value?", "Successful careers in radiology require", "Where are you"),
    ("Short answer: which career's job is to 'bridge clinical and IT teams'?", "Informatics",
     "Where are you"),
    ("They'll ask “what strengths make you a good fit for radiology” - which strengths does "
     "the field actually value?", "Successful careers in radiology require", "Where are you"),
    ("They'll ask \"what strengths make you a good fit for radiology\" - which strengths does "
     "the field actually value?", "Successful careers in radiology require", "Where are you"),
])
def test_a_question_quoted_inside_ones_own_is_not_what_is_asked(
        advisor: Advisor, question: str, said: str, not_said: str) -> None:
    """Someone else's question quoted in one's own is what was said; a quoted line or name
    ('bridge clinical and IT teams') is still what is asked about."""
    text = advisor.ask(question).text
    assert said in text and not_said not in text, text


@pytest.mark.parametrize(("question", "declined"), [
    ("why is the mri machine so loud", True),
    ("how long does a ct scan take", True),
    ("how does an MRI machine actually work, like the physics of it", True),
    ("can a rad tech work in MRI?", False),
    ("I'm 22 and I work as a patient transporter, wheeling people to CT all day. What job "
     "runs the scanner?", False),
])
def test_how_a_scan_works_or_feels_is_no_question_about_careers(
        advisor: Advisor, question: str, declined: bool) -> None:
    reply = advisor.ask(question)
    assert reply.fallback is declined, reply.text


def test_between_x_and_y_offers_alternatives(advisor: Advisor) -> None:
    reply = advisor.ask("Between informatics and telemedicine radiology, which one is more "
                        "flexible?")
    assert reply.intent == "compare", reply.text
    assert "Telemedicine Radiologist" in reply.text.split("\n")[0], reply.text


@pytest.mark.parametrize(("question", "listed"), [
    ("what fellowships could I go into after residency?", "Neuroradiology"),
    ("what jobs could I go into?", "Sonographer"),
])
def test_a_what_question_for_a_kind_in_the_plural_lists_them_and_offers_the_chooser(
        advisor: Advisor, question: str, listed: str) -> None:
    reply = advisor.session().ask(question)
    assert reply.kind == "answer" and listed in reply.text
    assert reply.text.endswith('Say "help me choose a career" and I will ask a few questions '
                               'to recommend a pathway.')


def test_which_fellowship_should_i_do_still_starts_the_chooser(advisor: Advisor) -> None:
    assert advisor.session().ask("which fellowship should I do?").kind == "question"


def test_a_message_of_many_sentences_still_answers_its_last_question(advisor: Advisor) -> None:
    """Past the sentences a message is read as, the rest is read as its last one: the
    question at the end of a long story is still what is asked."""
    story = " ".join(f"I went to the shop on day {i}." for i in range(30))
    assert "4–5 years" in advisor.ask(f"{story} How long is radiology residency?").text


@pytest.mark.parametrize(("question", "said"), [
    ("if I finish residency, do I have to do a fellowship or is that optional?",
     "radiologists may pursue fellowships"),
    ("suppose I finish radiology residency — what fellowships could I go into after?",
     "Neuroradiology"),
    ("say I go the tech route instead of becoming a doctor, is the pay still decent?",
     "Technical positions offer good salaries"),
])
def test_a_condition_opening_a_question_places_it_and_the_question_is_what_is_asked(
        advisor: Advisor, question: str, said: str) -> None:
    """'If I ..., do I ...?': the condition is read as a sentence that asks nothing; what the
    question after it names and asks is what gets answered."""
    assert said in advisor.ask(question).text


def test_a_condition_is_split_only_before_a_question(advisor: Advisor) -> None:
    u = advisor._engine.understander
    assert u.condition_split("if I finish residency, do I need a fellowship?") == [
        "if I finish residency", "do I need a fellowship?"]
    assert u.condition_split("if I finish residency, I will be happy") == [
        "if I finish residency, I will be happy"]
    assert u.condition_split("I finish residency, do I need a fellowship?") == [
        "I finish residency, do I need a fellowship?"]


@pytest.mark.parametrize(("question", "said"), [
    ("what if I'm a rad tech who's bored and loves talking to people, could I move into "
     "sales?", "relationship building"),
    ("I'm in pharma sales at the moment. Could I move into selling imaging kit instead?",
     "Medical device sales"),
])
def test_a_move_into_another_career_is_that_career_asked_about(advisor: Advisor, question: str,
                                                              said: str) -> None:
    text = advisor.ask(question).text
    assert said in text and "specializations" not in text


@pytest.mark.parametrize("question", [
    "if I subspecialize, will that make me more employable?",
    "is there demand for subspecialists in radiology",
])
def test_demand_for_subspecialists_is_the_outlook(advisor: Advisor, question: str) -> None:
    assert "Increasing need for subspecialized expertise" in advisor.ask(question).text


def test_a_description_in_everyday_words_finds_the_career_the_document_describes(
        advisor: Advisor) -> None:
    """'Who takes the scans?': the document's words for it are 'capture images'; what the
    person typed is what the answer says it went by."""
    text = advisor.ask("who takes the scans?").text
    assert text.startswith("From what you describe (takes, scans), that is Technical and allied "
                           "health careers")
    assert "capture images" in text
    text = advisor.session().ask("who's the person actually running the machine and taking "
                                 "the pictures?").text
    assert "that is Technical and allied health careers" in text, text


def test_whether_one_can_stop_learning_is_the_lifelong_learning_skill(advisor: Advisor) -> None:
    text = advisor.ask("can I stop learning once I'm trained?").text
    assert "Commitment to lifelong learning" in text


def test_a_condition_that_says_what_the_person_is_reads_as_a_story(advisor: Advisor) -> None:
    """'What if I'm more of an IT person ...': what the person is, a story; 'if I finish
    residency, ...': a condition."""
    text = advisor.ask("what if I'm more of an IT person than a clinical person, is there "
                       "anything in radiology for me?").text
    assert text.startswith("Informatics specialists manage Picture Archiving")
    u = advisor._engine.understander
    assert u.condition_split("what if I'm a nurse, can I switch?") == [
        "what if I'm a nurse, can I switch?"]


def test_a_condition_asks_for_no_pick(advisor: Advisor) -> None:
    """'If I go into AI as a radiologist, ...': the condition's 'go into' asks for no pick;
    the question after it is what gets answered."""
    reply = advisor.ask("if I go into AI as a radiologist, would I validate tools or just "
                        "build them?")
    assert reply.kind == "answer" and "validate AI tools" in reply.text


@pytest.mark.parametrize(("question", "career"), [
    ("who interprets the images that technicians capture?", "Radiologist"),  # audit G
    ("who interprets the images?", "Radiologist"),
    ("who interprets medical images?", "Radiologist"),
    ("who captures the images?", "Technical and allied health careers"),
])
def test_who_does_a_doing_is_whom_the_line_gives_it(advisor: Advisor, question: str,
                                                   career: str) -> None:
    """The line found ('technicians ... capture images that radiologists interpret') gives
    interpreting to the radiologists; of a career and its own specialisation described alike
    (the telemedicine radiologist also interprets), the career."""
    first = advisor.ask(question).text.split("\n")[0]
    assert first.endswith(f"that is {career}:"), first


@pytest.mark.parametrize(("question", "said"), [
    ("whats the sonologist cert again", "The document does not mention sonologist; the closest "
     "it has is Sonographer."),
    ("what is the PACKS job in radiology", "The document does not mention packs job; the "
     "closest it has is Informatics Specialist."),
    ("what does a nuclear radiology tech do", "Nuclear medicine technologists handle radioactive "
     "materials"),
    ("sonographer certification is the ARDSM right?", "ARDMS"),  # two letters swapped: 1 edit
])
def test_a_mixed_up_name_leads_to_what_was_meant_and_says_so(advisor: Advisor, question: str,
                                                             said: str) -> None:
    assert said in advisor.ask(question).text


@pytest.mark.parametrize("question", [
    "my son is 16 and likes science, what skills does radiology need?",  # audit G
    "what skills do you need for radiology careers, just be good at science?",
])
def test_skills_asked_for_as_such_are_all_of_them(advisor: Advisor, question: str) -> None:
    text = advisor.ask(question).text
    assert "Attention to detail" in text and "Commitment to lifelong learning" in text


def test_a_modality_asked_of_the_career_just_discussed_keeps_the_career(
        advisor: Advisor) -> None:
    """Audit G: 'do they do MRI too?' after the nuclear medicine technologist was MRI
    described, and 'how much do they get paid?' then MRI's pay."""
    s = advisor.session()
    s.ask("what does a nuclear medicine technologist do?")
    text = s.ask("do they do MRI too?").text
    assert text.startswith("The document does not say so. Nuclear medicine technologists")
    assert s.ask("how much do they get paid?").text.startswith(
        "Technical positions offer good salaries")


@pytest.mark.parametrize(("first", "then", "said"), [
    ("what does an AI specialist do?", "doing what?", "develop algorithms"),
    ("what does an informatics specialist do?", "works with who?", "IT teams"),
    ("what does a rad tech do?", "like what", "CT, MRI, mammography"),
])
def test_a_few_words_asking_for_more_get_all_the_document_says_of_the_topic(
        advisor: Advisor, first: str, then: str, said: str) -> None:
    s = advisor.session()
    s.ask(first)
    reply = s.ask(then)
    assert not reply.fallback and said in reply.text


def test_the_one_of_a_list_named_by_what_it_works_with(advisor: Advisor) -> None:
    s = advisor.session()
    s.ask("what fellowships are there?")
    reply = s.ask("the mammo one?")
    assert reply.entities[:1] == ("breast_imaging",)


def test_just_one_thing_of_the_topic_is_answered_by_all_it_covers(advisor: Advisor) -> None:
    s = advisor.session()
    s.ask("what does the breast imaging fellowship cover?")
    text = s.ask("just mammograms?").text
    assert "mammography, breast ultrasound, and breast MRI" in text


def test_a_short_question_after_an_answer_asks_of_the_topic(advisor: Advisor) -> None:
    s = advisor.session()
    s.ask("what does an academic radiologist do")
    reply = s.ask("still see patients?")
    assert not reply.fallback and "clinical practice" in reply.text


def test_a_question_for_them_all_after_a_story_of_choosing_lists_them(advisor: Advisor) -> None:
    # 'so I want to choose well' in the story does not turn 'what fellowships are there to pick
    # from?' into the start of the interview
    reply = advisor.session().ask("I can probably only afford one fellowship after residency, "
                                  "so I want to choose well. What fellowships are there to "
                                  "pick from?")
    assert reply.text.startswith("After residency, radiologists may pursue fellowships")
    assert "Breast Imaging" in reply.text


def test_a_follow_up_after_thanks_and_before_a_signature_carries_on(advisor: Advisor) -> None:
    # 'Interesting, thanks.' before it and a name after it: the question alone carries the
    # last question (pay) to what it names
    s = advisor.session()
    s.ask("How well are radiologists paid?")
    text = s.ask("Interesting, thanks. And what about the technicians?\n\nLeah\n").text
    assert text.startswith("Technical positions offer good salaries")


@pytest.mark.parametrize(("question", "opens"), [
    ("what about sonographers, how much do they make?", "Technical positions offer good "
     "salaries"),
    ("what about neuro, what does that cover?", "Neuroradiology: brain, spine, and head/neck"),
])
def test_a_part_that_only_brings_the_topic_in_is_not_answered_alone(
        advisor: Advisor, question: str, opens: str) -> None:
    text = advisor.session().ask(question).text
    assert text.startswith(opens), text
    assert "\n\n" not in text  # (one answer: the question about the topic)


@pytest.mark.parametrize(("question", "entity"), [
    ("quality insurance specialist in imaging? is that a thing", "qa_specialist"),
])
def test_a_real_word_slipped_into_a_name_is_read_as_the_name(
        advisor: Advisor, question: str, entity: str) -> None:
    # 'insurance' is a word, so the typo corrector leaves it; every other word of the name
    # is there and it is two edits from 'assurance'
    reply = advisor.session().ask(question)
    assert reply.entities[:1] == (entity,) and not reply.fallback


@pytest.mark.parametrize("question", [
    "I'd like some career advice in radiology.",  # ('advice' is no slip of 'device')
    "what about the other one, what can it specialize in?",  # (nor 'it specialize')
    "I love teaching the med students",  # (nor a plural)
])
def test_a_word_beside_a_name_is_no_slip_unless_the_name_is_all_there(
        advisor: Advisor, question: str) -> None:
    assert advisor.session().ask(question).explain.corrections == ()


@pytest.mark.parametrize(("question", "says"), [
    ("I want to become a radiologist. What's step 1?", "Medical school (4 years)"),
    ("Step 1 for rad tech: which degree do I need, associate or bachelor's?",
     "Associate or bachelor's degree in radiologic technology"),
])
def test_step_one_of_a_plan_is_no_licensing_exam(advisor: Advisor, question: str,
                                                 says: str) -> None:
    # 'step 1' is the USMLE's name only with a score or an exam beside it
    reply = advisor.session().ask(question)
    assert says in reply.text and not reply.fallback
    assert advisor.session().ask("what step 1 score do I need for radiology?").fallback


def test_a_question_after_a_story_that_names_what_it_asks_is_read_alone(
        advisor: Advisor) -> None:
    # its intent weakly put, but it names what it asks about and says nothing of the person
    text = advisor.session().ask("im bad with gadgets lol, can barely set up my tv. is "
                                 "technical aptitude a big deal in radiology careers").text
    assert "Technical aptitude for operating complex equipment" in text
    # ... but the story is kept where the question is only names (what they are weighed by is
    # in the story) or is the person's own ('Could I ...'), and choices after a question are
    # part of it
    text = advisor.session().ask("I grew up rural and really want to serve places like that. "
                                 "telemedicine radiologist or academic radiologist?").text
    assert "rural" in text
    text = advisor.session().ask("Which is NOT listed as an ultrasound specialty for "
                                 "sonographers? A) cardiac B) vascular C) neuro D) obstetric").text
    assert "cardiac, vascular, obstetric, or abdominal" in text


def test_questions_about_the_document_itself_are_no_unknown_subject(advisor: Advisor) -> None:
    # audit J: refused as 'outside what I know'
    assert "Physician Training Pathway:" in advisor.session().ask(
        "list all the careers in the document").text
    text = advisor.session().ask("which careers need a bachelor's degree").text
    assert "Associate or bachelor's degree in radiologic technology" in text
    assert "mentions artcle" not in advisor.session().ask(
        "how many yeras is a radiolgy residency? for my artcle").text


@pytest.mark.parametrize("question", [
    "are radiologists and rad techs the same thing?",
    "is 'technician' and 'radiologist' the same thing?",
    "is a rad tech the same as a radiologist?",
])
def test_two_careers_asked_to_be_the_same_are_set_side_by_side(advisor: Advisor,
                                                               question: str) -> None:
    text = advisor.session().ask(question).text
    assert " vs " in text.split("\n")[0]
    assert "operate the equipment" in text or "associate or bachelor" in text


@pytest.mark.parametrize(("question", "says"), [
    ("what do AI and machine learning specialists in radiology do?",
     "Bridge clinical needs with technology solutions"),
    ("what do imaging equipment sales ppl actually do", "Training staff on new equipment"),
])
def test_a_word_of_a_careers_name_asks_nothing(advisor: Advisor, question: str,
                                               says: str) -> None:
    # the 'machine' of 'AI and machine learning specialists' is no cue for modalities
    assert says in advisor.session().ask(question).text


@pytest.mark.parametrize(("question", "opens"), [
    ("is ultrasound tech the same thing as sonographer? yes or no", "Yes: the document uses "
     "both names"),
    ("which radiology fellowship is the longest one? one word is fine", "After residency"),
])
def test_the_form_of_answer_asked_for_is_not_part_of_the_question(
        advisor: Advisor, question: str, opens: str) -> None:
    assert advisor.session().ask(question).text.startswith(opens)
    # (a long text of white space before it costs no more: string tests from the end)
    assert advisor.session().ask("what is" + " " * 1900 + "x yes or no").text


def test_career_paths_asked_of_the_radiologist_are_those_listed_under_it(
        advisor: Advisor) -> None:
    text = advisor.session().ask("What kinds of careers do radiologists have besides regular "
                                 "clinical practice?").text
    assert "Academic and Research Careers: Academic Radiologist, Research Scientist" in text
    assert "Emerging Career Paths for Radiologists: AI and Machine Learning Specialist, " \
        "Telemedicine Radiologist" in text


@pytest.mark.parametrize(("question", "says"), [
    ("My uncle swears radiologists are some of the highest-paid doctors. My aunt says they're "
     "middle of the pack. Who's right?", "among the highest compensated"),
    ("My friend says rad techs get paid poorly. I say the pay is decent. Settle it.",
     "Technical positions offer good salaries"),
])
def test_a_claim_someone_made_then_who_is_right_checks_the_claim(
        advisor: Advisor, question: str, says: str) -> None:
    assert says in advisor.session().ask(question).text


@pytest.mark.parametrize("question", ["which career would match me best?",
                                      "which radiology job matches me?"])
def test_a_career_that_matches_the_person_is_a_pick_not_a_lookup(advisor: Advisor,
                                                                   question: str) -> None:
    # 'match' was looked up as a word of the alias 'matched DR' (Diagnostic Radiologist)
    reply = advisor.session().ask(question)
    assert "Diagnostic Radiologist" not in reply.text.split("\n")[0]
    assert reply.intent == "recommend"


def test_a_market_standpoint_asks_the_outlook(advisor: Advisor) -> None:
    text = advisor.session().ask("is doing a subspecialty fellowship worth it from a market "
                                 "standpoint?").text
    assert "Increasing need for subspecialized expertise" in text
    assert advisor.session().ask("how is the stock market doing?").fallback


def first_career(advisor: Advisor, text: str) -> str | None:
    """The career named first in a reply (longest name first where names overlap)."""
    names = [n.name for n in advisor.graph.of_type(*sorted(CAREER_TYPES))]
    found = [(text.find(name), -len(name), name) for name in names if name in text]
    return min(found)[2] if found else None


@pytest.mark.parametrize(("question", "declined"), [
    ("is telemedicine radiology flexible with hours? i have kids", False),
    ("telemedecine radiolgist .. can they set there own hours? flexable?", False),
    ("what are the working hours of a telemedicine radiologist?", True),
    ("I heard radiology residents work 80 hours a week. Is that true?", True),
])
def test_an_uncovered_point_asked_in_the_documents_own_word_is_answered(
        advisor: Advisor, question: str, declined: bool) -> None:
    """'Flexible hours?': the document never speaks of hours, but says 'flexible work
    arrangements', the word asked; said so, and not declined. Hours asked alone, or a word
    of the line that is not said of them ('residents'), still is."""
    reply = advisor.session().ask(question)
    assert reply.fallback is declined, reply.text
    assert "does not say the working hours" in reply.text


@pytest.mark.parametrize(("turns", "want"), [
    (["después de la residency, is a fellowship required o es optional?"], "may pursue"),
    (["ano ba yung IR fellowship?", "ilang taon yan?"], "2 years"),
    (["qué fellowships puede hacer un radiologist después de la residency? dame la lista"],
     "Neuroradiology"),
    (["radiologists ki salary kaisi hoti hai generally?"], "highest compensated"),
])
def test_words_of_languages_mixed_into_english_are_read(advisor: Advisor, turns: list[str],
                                                       want: str) -> None:
    """Code-switching: the other language's function words name nothing (never 'the document
    does not mention que'), its question words ask ('cuántos años', 'ilang taon', 'kitne
    saal'); career terms stay English, as such speakers keep them."""
    session = advisor.session()
    for text in turns:
        reply = session.ask(text)
    assert want in reply.text and not reply.fallback, reply.text
    assert "does not mention que" not in reply.text


@pytest.mark.parametrize("question", [
    "Core duties of a nuclear medicine technologist, for the JD?",
    "QA specailist duties - need bullet pts for the JD",
    "what does a sonographer do? for my definitions list",
])
def test_what_an_answer_goes_into_is_no_word_of_what_is_asked(advisor: Advisor,
                                                              question: str) -> None:
    """A job description, a table, a definitions list: the writer's purpose, never 'the
    document does not mention jd' and a flag."""
    reply = advisor.session().ask(question)
    assert not reply.fallback and "does not mention" not in reply.text, reply.text


def test_which_of_a_kind_works_with_a_modality_is_the_one_whose_line_says_so(
        advisor: Advisor) -> None:
    """'Which radiologists read mammograms?': of the radiologist's specialisations, the one
    whose line names mammography (never 'the document does not say which modalities a
    radiologist works with', flagged)."""
    reply = advisor.session().ask("which radiologists read mammograms?")
    assert reply.text.startswith("Breast Imaging") and not reply.fallback, reply.text


@pytest.mark.parametrize(("turns", "want"), [
    (["What does it take to become a radiologic technologist?",
      "And do they have to keep training after that?"], "continuing education"),
    (["what is an academic radiologist", "do they still see patients though"],
     "clinical practice"),
    (["My cousin is a neuroradiologist, what does that mean exactly?",
      "So which body parts does she look at?"], "brain, spine"),
])
def test_a_question_pointing_back_is_asked_of_what_was_discussed(
        advisor: Advisor, turns: list[str], want: str) -> None:
    """A question of several words whose pronoun points back ('do they ...', 'does she ...')
    is about the career discussed; an everyday word in it ('though') is no sign that it asks
    about something outside the field, and a weak 'which ... does' reading is no pick."""
    session = advisor.session()
    for text in turns:
        reply = session.ask(text)
    assert want in reply.text and not reply.fallback, reply.text


@pytest.mark.parametrize("turns", [
    ["what fellowships are there", "which one is for kids", "how long is that one"],
    ["how long is the IR fellowship", "what about the neuro fellowship instead, how long is "
                                      "that one?"],
])
def test_the_length_of_a_fellowship_talked_about_is_the_fellowships(
        advisor: Advisor, turns: list[str]) -> None:
    """'How long is that one?' of a fellowship asks the fellowship's length, which the
    document gives only for interventional radiology: said plainly and flagged, not the
    whole road to the specialty."""
    session = advisor.session()
    for text in turns:
        reply = session.ask(text)
    assert reply.text.startswith("The source document does not say how long the"), reply.text
    assert "Interventional Radiology fellowship (2 years)" in reply.text and reply.fallback


def test_a_word_the_document_uses_is_no_sign_of_another_field(advisor: Advisor) -> None:
    """'Opportunities', 'offer': words of the source's own lines are never the unknown words a
    question is declined for."""
    parse = advisor._engine.understander.parse(
        "What kinds of career opportunities does radiology offer?")
    assert parse.unknown == ()


def test_before_residency_is_unstated_but_after_it_is_said(advisor: Advisor) -> None:
    """'What comes before residency?': the document states no order before it, but does say
    what comes after (fellowships): never 'does not say what comes before or after'; and
    'what can you do after it?' asks of the residency, not of the advisor."""
    session = advisor.session()
    session.ask("How long is radiology residency?")
    before = session.ask("And what comes before it?").text
    assert before.startswith("The document does not say what comes before the residency")
    assert "What it says comes after: After residency, radiologists may pursue fellowships" \
        in before and "before or after" not in before
    after = session.ask("What can you do after it?")
    assert "After residency, radiologists may pursue fellowships" in after.text, after.text


def test_a_figure_asked_after_the_pay_is_the_pay_again_flagged(advisor: Advisor) -> None:
    """'Can you give me an actual number?' after the pay of technicians: the pay lines again,
    saying the document gives no figures, flagged; never 'outside what I know'."""
    session = advisor.session()
    session.ask("What about pay for technicians?")
    reply = session.ask("Can you give me an actual number?")
    assert "does not give salary figures" in reply.text and reply.fallback, reply.text
    assert "outside what I know" not in reply.text


@pytest.mark.parametrize("question", [
    "telerads - my MC wants flexibilty bc of her kids, is that realistic for a telemedicine "
    "radiologst?",
    "my MC sells CT scanners (med device sales) - does she need to actualy know the tech?",
])
def test_words_of_a_story_being_written_name_nothing_asked(advisor: Advisor,
                                                          question: str) -> None:
    """A writer's words for the work ('my MC', 'my protagonist', 'the scene') say what the
    question is for: never 'the document does not mention mc' and a flag."""
    reply = advisor.session().ask(question)
    assert not reply.fallback and "does not mention mc" not in reply.text, reply.text


@pytest.mark.parametrize(("question", "never"), [
    ("What does a quality assurance specialist in imaging do? Pharmacy tech asking.",
     "does not mention pharmacy"),
    ("vet tech here, how long is radiology residency after med school?", "does not mention vet"),
    ("Counselor here: is a radiologic technologist the same thing as a radiologist?",
     "does not mention counselor"),
])
def test_who_the_asker_is_is_no_point_the_document_lacks(advisor: Advisor, question: str,
                                                         never: str) -> None:
    """'Pharmacy tech asking', 'vet tech here', 'I'm a ...': who the person is, never a word
    the answer says the document does not mention."""
    reply = advisor.session().ask(question)
    assert never not in reply.text and not reply.fallback, reply.text


@pytest.mark.parametrize(("question", "said", "never"), [
    ("how long is the neuroradiology fellowship, sorry I mean the IR one",
     "Interventional Radiology fellowship takes 2 years", "names no fellowship"),
    ("what does a QA specialist do? wait no, I meant a sonographer",
     "Sonographers train in diagnostic medical sonography", "Quality assurance"),
    ("what is ARRT -- scratch that, what certification do sonographers need?",
     "ARDMS", "(ARRT)"),
])
def test_a_message_that_corrects_itself_is_answered_as_corrected(
        advisor: Advisor, question: str, said: str, never: str) -> None:
    """'..., sorry I mean the IR one', 'wait no, I meant ...', 'scratch that, ...': what follows
    the last correction is what is asked, a question of its own or a name in place of the
    name of its kind before it; the slip is not answered."""
    reply = advisor.session().ask(question)
    assert said in reply.text and never not in reply.text and not reply.fallback, reply.text


def test_a_correction_of_the_last_turn_asks_it_again_of_the_new_name(advisor: Advisor) -> None:
    """'Sorry, I meant neuroradiology' after the IR fellowship's length: the length again, of
    neuroradiology (whose length the document does not state), not a description."""
    session = advisor.session()
    session.ask("how long is the IR fellowship?")
    reply = session.ask("sorry, I meant neuroradiology")
    assert reply.intent == "duration", reply.text
    assert "does not say how long the neuroradiology fellowship takes" in reply.text, reply.text


def test_a_correction_that_names_nothing_keeps_the_whole_message(advisor: Advisor) -> None:
    """'... the chest and heart one, no wait I mean which fellowship': the words after the
    correction name only the kind asked for, so the description before it still counts."""
    reply = advisor.session().ask(
        "the one doing chest and heart imaging, no wait I mean which fellowship is that")
    assert "Thoracic Radiology" in reply.text, reply.text


@pytest.mark.parametrize(("question", "said"), [
    ("is a QA specialist basically the safety inspector of radiology?",
     "Quality assurance specialists ensure imaging equipment meets regulatory standards"),
    ("Is becoming a sonographer like nursing school, a two-year thing?",
     "Training in diagnostic medical sonography"),
    ("I'm no doctor, but I want to be the one handling the radioactive tracers, kind of like a "
     "lab tech for nuclear stuff. What job is that?", "Nuclear medicine technologists"),
])
def test_what_a_question_likens_to_is_not_what_it_asks(advisor: Advisor, question: str,
                                                        said: str) -> None:
    """'Basically the safety inspector of ...', 'like nursing school', 'kind of like a lab
    tech': another profession or thing a career is likened to is neither a reason to decline
    nor what is described; the career is answered (the note may still say the document never
    names the likeness)."""
    reply = advisor.session().ask(question)
    assert said in reply.text and not reply.fallback, reply.text
    assert "outside what I know" not in reply.text


@pytest.mark.parametrize(("question", "said"), [
    ("I'd like to work with kids, which fellowship?", "Pediatric Radiology"),
    ("which job is basically the IT person for the imaging department?",
     "Informatics specialists"),
])
def test_like_as_a_verb_or_as_the_description_asked_is_no_likeness(advisor: Advisor,
                                                                   question: str,
                                                                   said: str) -> None:
    """'I'd like to', and 'which job is basically X' (X is what is asked for): read whole."""
    reply = advisor.session().ask(question)
    assert said in reply.text and not reply.fallback, reply.text


def test_another_field_named_with_a_career_is_still_another_profession(
        advisor: Advisor) -> None:
    """'Like a vet sonographer': another field's word on a name of this one is another
    profession (what is asked), not a likeness."""
    reply = advisor.session().ask("Could I scan animals, like a vet sonographer?")
    assert reply.fallback and "outside what I know" in reply.text, reply.text


def test_a_step_asked_of_a_career_is_that_steps_length(advisor: Advisor) -> None:
    """'How long is medical school for a radiologist?': the step named is what is timed, not
    the whole road to the career."""
    reply = advisor.session().ask("How long is medical school for a radiologist?")
    assert reply.text.startswith("Medical school takes 4 years"), reply.text


@pytest.mark.parametrize(("turns", "said", "never"), [
    (["How long is medical school?", "And the residency after that?"],
     "residency typically takes 4–5 years", "After residency, radiologists may pursue"),
    (["What is PACS?", "Who manages it?", "What else does that person do?"],
     "workflow optimization", ""),
    (["What does a quality assurance specialist do?",
      "Is that listed as a technical or an industry career?"],
     "Quality Assurance Specialist under Technical and Allied Health Careers",
     "Industry careers in radiology"),
    (["What skills do you need in radiology?", "Why is the last one important?"],
     "Commitment to lifelong learning", "how long"),
    (["What do radiologists do?", "And who captures the images they read?"],
     "capture images that radiologists interpret", "Radiologists are physicians"),
])
def test_a_follow_up_asks_what_it_points_at(advisor: Advisor, turns: list[str], said: str,
                                            never: str) -> None:
    """'The residency after that' is the residency, next; 'that person' is the career the
    last answer named; 'is that listed as ...' asks where the topic is listed; 'the last
    one' is an item of the list, not a length; 'who captures the images they read' asks who,
    whoever 'they' are."""
    session = advisor.session()
    for turn in turns[:-1]:
        session.ask(turn)
    reply = session.ask(turns[-1])
    assert said in reply.text, reply.text
    assert not never or never not in reply.text, reply.text


@pytest.mark.parametrize(("claim", "verdict"), [
    ("The quality assurance specialist is listed as an industry career, correct?", "No"),
    ("Growing demand for imaging services drives job growth, right?", "Yes"),
])
def test_a_tagged_claim_gets_its_yes_or_no(advisor: Advisor, claim: str, verdict: str) -> None:
    """A claim tagged 'right?' / 'correct?' is settled as the question form is: a career's
    heading, or a line the document states in those words ('job growth' is no kind of role
    asked of)."""
    reply = advisor.session().ask(claim)
    assert reply.text.startswith(verdict), reply.text


def test_the_steps_are_shown_once_beside_the_order_note(advisor: Advisor) -> None:
    """'What do you do after medical school ...?': the note that no order is stated, and the
    steps once, not a sum above the same steps."""
    reply = advisor.session().ask(
        "What do you do after medical school if you want to be a radiologist?")
    assert reply.text.count("add up to") == 1, reply.text


@pytest.mark.parametrize(("question", "said"), [
    ("DR resi length?", "4–5 years"),
    ("NM fellowship = what?", "functional imaging with radiopharmaceuticals"),
    ("nuero rads fellowship covers H&N too?", "head/neck"),
    ("research sci degree req'd?", "PhD or MD/PhD"),
])
def test_insiders_shorthand_names_what_it_stands_for(advisor: Advisor, question: str,
                                                     said: str) -> None:
    """'DR', 'NM', 'H&N' in capitals, 'resi', 'req'd', 'research sci': the shorthand of people
    in the field reads as the words it stands for."""
    reply = advisor.session().ask(question)
    assert said in reply.text and not reply.fallback, reply.text


def test_a_title_in_ordinary_case_is_no_shorthand(advisor: Advisor) -> None:
    """'Dr Patel' is a doctor's title, not diagnostic radiology (only 'DR' in capitals is)."""
    tokens = advisor._engine.understander.parse("Dr Patel said residency is long").tokens
    assert "dr" in tokens and "diagnostic" not in tokens, tokens


def test_a_credential_asked_of_a_career_without_one_is_flagged(advisor: Advisor) -> None:
    """'Does a nuclear medicine tech need ARRT?': whose ARRT is, and that the document names
    no certification for the technologist asked about: the point asked is not covered."""
    reply = advisor.session().ask("does a nuclear medicine tech need ARRT or something else?")
    assert "names no certification for Nuclear Medicine Technologist" in reply.text, reply.text
    assert reply.fallback


@pytest.mark.parametrize(("question", "said", "never"), [
    ("speaking as a med student advisor, how long is residency?",
     "residency typically takes 4–5 years", "Medical school takes"),
    ("pretend you're an x-ray tech. what's the difference between you and the radiologist?",
     "Radiologic Technologist vs Radiologist", ""),
    ("pretend you're a medical device sales rep. what's the job, really?",
     "Medical device sales combines technical knowledge", ""),
])
def test_a_role_play_set_up_is_no_part_of_what_is_asked(advisor: Advisor, question: str,
                                                         said: str, never: str) -> None:
    """'Speaking as a med student advisor, ...', 'pretend you're an x-ray tech. ... you ...':
    the set-up asks nothing; 'you' of a career of the field is that career; a set-up that
    names what the question points at ('what's the job, really?') is read whole."""
    reply = advisor.session().ask(question)
    assert said in reply.text and not reply.fallback, reply.text
    assert not never or never not in reply.text, reply.text


@pytest.mark.parametrize("turns", [
    ["how long is the IR fellowship?", "and neuro?"],
    ["how long does it take to become a rad tech?"],
    ["what training does a nuclear medicine technologist need?", "how many months is that?"],
])
def test_a_length_the_document_never_gives_is_flagged(advisor: Advisor,
                                                      turns: list[str]) -> None:
    """'And neuro?' after the IR fellowship's length asks the neuroradiology fellowship's own
    length, which the document never gives; a career none of whose steps has a stated length
    ('how long to become a rad tech?'): said, and flagged as not covered."""
    session = advisor.session()
    for turn in turns[:-1]:
        session.ask(turn)
    reply = session.ask(turns[-1])
    assert "does not say how long" in reply.text and reply.fallback, reply.text
    assert "add up to" not in reply.text, reply.text


@pytest.mark.parametrize(("claim", "said"), [
    ("Rad techs don't need continuing education once they're certified, right?",
     "No: the document says: For radiologic technologists, continuing education is required"),
    ("Medical device sales reps don't need technical knowledge, right?",
     "No: the document says: Medical device sales combines technical knowledge"),
    ("sonographers don't need ARDMS, right?", "No."),
])
def test_a_claim_that_a_career_needs_nothing_the_document_states_is_denied(
        advisor: Advisor, claim: str, said: str) -> None:
    """'X don't need Y, right?' where a line of X's says Y (required, or part of the role, or
    X's credential): no, with the line; never 'Yes' for the credential named."""
    reply = advisor.session().ask(claim)
    assert reply.text.startswith(said), reply.text


def test_a_statement_about_someone_else_is_not_thanked_as_ones_own(advisor: Advisor) -> None:
    """'My husband is a radiologic technologist, I have a few questions about his job': told
    about him; never 'thanks for telling me about yourself'."""
    reply = advisor.session().ask(
        "my husband is a radiologic technologist, I have a few questions about his job")
    assert "about yourself" not in reply.text and "Radiologic technologists" in reply.text


def test_a_yes_no_fit_question_about_one_named_career_is_answered(advisor: Advisor) -> None:
    """'Is a sonographer job too physical for me?': what the document says of sonographers
    (and the offer of the questions), not the interview's first question; a fit question
    naming no career ('is radiology a good fit for me?') still starts the questions."""
    reply = advisor.session().ask("Is a sonographer job too physical for me?")
    assert "Sonographers train in diagnostic medical sonography" in reply.text, reply.text
    assert "Where are you now?" not in reply.text
    assert "Where are you now?" in advisor.session().ask("is radiology a good fit for me?").text


def test_an_ordinal_step_of_a_list_gets_the_list(advisor: Advisor) -> None:
    """'What is the last step listed under medical school and residency?': the steps as the
    document lists them (the ABR examinations last), never the first step's own line."""
    reply = advisor.session().ask(
        "What is the last step listed under medical school and residency?")
    assert "American Board of Radiology (ABR) certification examinations" in reply.text
    assert not reply.text.startswith("Radiologists complete 4 years"), reply.text
