"""Decision methods of the federation's bodies, each count reproducible from the ballots.

Every function takes the ballots and the number of eligible voters and returns a
:class:`VoteResult` whose ``steps`` explain the count (text for people, ``data`` for programs).

Conventions (documented in docs/institutions.md):

* **Quorum**: at least ``quorum`` × eligible voters must take part; abstentions take part.
  Without quorum the outcome is ``NO_QUORUM`` whatever the ballots say.
* **Majorities** count yes and no only: simple majority passes when yes > threshold × (yes+no);
  qualified majority passes when yes ≥ threshold × (yes+no). A tie (yes = no) under simple
  majority keeps the status quo: the proposal is REJECTED.
* **Consent** passes unless at least one participant objects; stand-asides are recorded.
* **Ranked choice** is instant run-off: a candidate with more than half of the continuing
  ballots wins; otherwise the candidate with the fewest votes is eliminated. Ties for last
  place are broken backwards (the candidate with fewer votes in the latest earlier round where
  they differed is eliminated), and if still tied, the candidate listed last in ``candidates``
  is eliminated. A final two-way tie elects the candidate listed first in ``candidates``.
* **Score** sums the scores (an unscored candidate gets 0); ties are broken by the number of
  top scores, then by the order of ``candidates``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, cast

from cooplan.errors import InputError, Problem

__all__ = [
    "Choice",
    "ConsentResponse",
    "Method",
    "Outcome",
    "Step",
    "VoteResult",
    "consent",
    "qualified_majority",
    "ranked_choice",
    "score",
    "simple_majority",
]


class Method(StrEnum):
    """Decision methods."""

    SIMPLE_MAJORITY = "simple_majority"
    QUALIFIED_MAJORITY = "qualified_majority"
    CONSENT = "consent"
    RANKED_CHOICE = "ranked_choice"
    SCORE = "score"


class Outcome(StrEnum):
    """How a vote ended."""

    PASSED = "passed"
    REJECTED = "rejected"
    ELECTED = "elected"
    NO_QUORUM = "no_quorum"


class Choice(StrEnum):
    """A ballot on a yes/no proposal."""

    YES = "yes"
    NO = "no"
    ABSTAIN = "abstain"


class ConsentResponse(StrEnum):
    """A response in a consent decision."""

    CONSENT = "consent"
    STAND_ASIDE = "stand_aside"
    OBJECT = "object"


@dataclass(frozen=True)
class Step:
    """One step (or round) of a count: a sentence and the numbers behind it."""

    text: str
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class VoteResult:
    """The result of a vote with the explanation of its count."""

    method: Method
    outcome: Outcome
    eligible: int
    participants: int
    winner: str | None
    tally: Mapping[str, float]
    steps: tuple[Step, ...]

    @property
    def quorum_met(self) -> bool:
        """Whether enough voters took part."""
        return self.outcome is not Outcome.NO_QUORUM

    @property
    def explanation(self) -> str:
        """The steps as numbered lines of text."""
        return "\n".join(f"{i}. {s.text}" for i, s in enumerate(self.steps, 1))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "method": self.method.value,
            "outcome": self.outcome.value,
            "eligible": self.eligible,
            "participants": self.participants,
            "winner": self.winner,
            "tally": dict(self.tally),
            "steps": [{"text": s.text, "data": dict(s.data)} for s in self.steps],
        }


def _check_common(eligible: int, participants: int, quorum: float, what: str) -> None:
    problems = []
    if eligible < 0:
        problems.append(
            Problem(
                what,
                "eligible voters must be ≥ 0",
                column="eligible",
                value=eligible,
                fix="count the eligible voters",
            )
        )
    if participants > eligible:
        problems.append(
            Problem(
                what,
                "more ballots than eligible voters",
                column="ballots",
                value=participants,
                fix="remove ballots of voters who are not eligible",
            )
        )
    if not 0.0 <= quorum <= 1.0:
        problems.append(
            Problem(
                what,
                "quorum must lie in [0, 1]",
                column="quorum",
                value=quorum,
                fix="give the quorum as a share, e.g. 0.5",
            )
        )
    error = InputError.collect(problems, f"invalid {what}")
    if error is not None:
        raise error


def _quorum_step(eligible: int, participants: int, quorum: float) -> tuple[bool, Step]:
    needed = quorum * eligible
    met = participants >= needed - 1e-12
    text = (
        f"Quorum: {participants} of {eligible} eligible took part; {quorum:.0%} needed "
        f"({needed:g}): {'met' if met else 'NOT met'}."
    )
    return met, Step(
        text, {"participants": participants, "eligible": eligible, "needed": needed, "met": met}
    )


def _majority(
    ballots: Mapping[str, Choice] | Sequence[Choice],
    eligible: int,
    threshold: float,
    quorum: float,
    method: Method,
) -> VoteResult:
    choices = list(ballots.values()) if isinstance(ballots, Mapping) else list(ballots)
    _check_common(eligible, len(choices), quorum, f"{method.value} vote")
    yes = sum(1 for c in choices if Choice(c) is Choice.YES)
    no = sum(1 for c in choices if Choice(c) is Choice.NO)
    abstain = len(choices) - yes - no
    tally = {"yes": float(yes), "no": float(no), "abstain": float(abstain)}
    met, quorum_step = _quorum_step(eligible, len(choices), quorum)
    count = Step(
        f"Count: {yes} yes, {no} no, {abstain} abstentions (abstentions not counted).",
        {"yes": yes, "no": no, "abstain": abstain},
    )
    if not met:
        return VoteResult(
            method, Outcome.NO_QUORUM, eligible, len(choices), None, tally, (quorum_step, count)
        )
    decided = yes + no
    if method is Method.SIMPLE_MAJORITY:
        passed = yes > threshold * decided
        rule = f"yes > {threshold:.4g} × (yes + no) = {threshold * decided:g}"
    else:
        passed = decided > 0 and yes >= threshold * decided - 1e-9
        rule = f"yes ≥ {threshold:.4g} × (yes + no) = {threshold * decided:g}"
    tie = method is Method.SIMPLE_MAJORITY and yes == no
    verdict = "passed" if passed else "rejected"
    text = f"Rule: {rule}; {yes} yes: {verdict}."
    if tie:
        text += " A tie keeps the status quo."
    decision = Step(text, {"rule": rule, "passed": passed, "tie": tie})
    outcome = Outcome.PASSED if passed else Outcome.REJECTED
    return VoteResult(
        method, outcome, eligible, len(choices), None, tally, (quorum_step, count, decision)
    )


def simple_majority(
    ballots: Mapping[str, Choice] | Sequence[Choice],
    eligible: int,
    *,
    threshold: float = 0.5,
    quorum: float = 0.5,
) -> VoteResult:
    """Yes/no vote passing when yes > ``threshold`` × (yes + no); a tie is rejected."""
    return _majority(ballots, eligible, threshold, quorum, Method.SIMPLE_MAJORITY)


def qualified_majority(
    ballots: Mapping[str, Choice] | Sequence[Choice],
    eligible: int,
    *,
    threshold: float = 2.0 / 3.0,
    quorum: float = 0.5,
) -> VoteResult:
    """Yes/no vote passing when yes ≥ ``threshold`` × (yes + no) (and yes + no > 0)."""
    return _majority(ballots, eligible, threshold, quorum, Method.QUALIFIED_MAJORITY)


def consent(
    responses: Mapping[str, ConsentResponse],
    eligible: int,
    *,
    quorum: float = 0.5,
) -> VoteResult:
    """Consent decision: passes unless a participant objects (``responses`` by voter id)."""
    _check_common(eligible, len(responses), quorum, "consent decision")
    parsed = {voter: ConsentResponse(r) for voter, r in responses.items()}
    objectors = sorted(v for v, r in parsed.items() if r is ConsentResponse.OBJECT)
    asides = sorted(v for v, r in parsed.items() if r is ConsentResponse.STAND_ASIDE)
    consents = len(parsed) - len(objectors) - len(asides)
    tally = {
        "consent": float(consents),
        "stand_aside": float(len(asides)),
        "object": float(len(objectors)),
    }
    met, quorum_step = _quorum_step(eligible, len(parsed), quorum)
    count = Step(
        f"Responses: {consents} consent, {len(asides)} stand aside, {len(objectors)} object"
        + (f" ({', '.join(objectors)})" if objectors else "")
        + ".",
        {"consent": consents, "stand_aside": asides, "object": objectors},
    )
    if not met:
        return VoteResult(
            Method.CONSENT,
            Outcome.NO_QUORUM,
            eligible,
            len(parsed),
            None,
            tally,
            (quorum_step, count),
        )
    passed = not objectors
    decision = Step(
        "No objection: the proposal passes."
        if passed
        else "At least one objection blocks the proposal: rejected.",
        {"passed": passed},
    )
    outcome = Outcome.PASSED if passed else Outcome.REJECTED
    return VoteResult(
        Method.CONSENT, outcome, eligible, len(parsed), None, tally, (quorum_step, count, decision)
    )


def _normalise_ranked(
    ballots: Sequence[Sequence[str]] | Sequence[tuple[int, Sequence[str]]],
    candidates: Sequence[str],
) -> list[tuple[int, tuple[str, ...]]]:
    """Ballots as (count, ranking); rankings may be partial, must name known candidates once."""
    known = set(candidates)
    problems: list[Problem] = []
    out: list[tuple[int, tuple[str, ...]]] = []
    for row, ballot in enumerate(ballots, 1):
        if isinstance(ballot, tuple) and len(ballot) == 2 and isinstance(ballot[0], int):
            count, ranking = ballot[0], tuple(cast(Sequence[str], ballot[1]))
        else:
            count, ranking = 1, tuple(cast(Sequence[str], ballot))
        bad = [c for c in ranking if c not in known]
        if bad or len(set(ranking)) != len(ranking) or count < 0:
            problems.append(
                Problem(
                    "ranked ballots",
                    "a ranking names an unknown candidate, repeats one, or has a negative count",
                    row=row,
                    column="ranking",
                    value=list(ranking),
                    fix=f"rank each of {list(candidates)} at most once",
                )
            )
            continue
        out.append((count, ranking))
    error = InputError.collect(problems, "invalid ranked ballots")
    if error is not None:
        raise error
    return out


def ranked_choice(
    ballots: Sequence[Sequence[str]] | Sequence[tuple[int, Sequence[str]]],
    candidates: Sequence[str],
    eligible: int,
    *,
    quorum: float = 0.5,
) -> VoteResult:
    """Instant run-off among ``candidates``.

    ``ballots`` are rankings (best first, possibly partial) or ``(count, ranking)`` pairs for
    grouped identical ballots. Exhausted ballots leave the count. Ties follow the module rule.
    """
    if len(set(candidates)) != len(candidates) or not candidates:
        raise InputError.single(
            "ranked ballots",
            "candidates must be distinct and non-empty",
            column="candidates",
            value=list(candidates),
            fix="list each candidate once",
        )
    grouped = _normalise_ranked(ballots, candidates)
    voters = sum(count for count, _ in grouped)
    _check_common(eligible, voters, quorum, "ranked-choice vote")
    met, quorum_step = _quorum_step(eligible, voters, quorum)
    steps = [quorum_step]
    if not met:
        return VoteResult(
            Method.RANKED_CHOICE, Outcome.NO_QUORUM, eligible, voters, None, {}, tuple(steps)
        )
    order = {c: i for i, c in enumerate(candidates)}
    continuing = list(candidates)
    history: list[dict[str, int]] = []
    round_no = 0
    while True:
        round_no += 1
        tally = {c: 0 for c in continuing}
        exhausted = 0
        for count, ranking in grouped:
            top = next((c for c in ranking if c in tally), None)
            if top is None:
                exhausted += count
            else:
                tally[top] += count
        history.append(tally)
        active = voters - exhausted
        listing = ", ".join(
            f"{c} {tally[c]}" for c in sorted(continuing, key=lambda c: (-tally[c], order[c]))
        )
        leader = max(continuing, key=lambda c: (tally[c], -order[c]))
        data: dict[str, Any] = {
            "round": round_no,
            "tally": dict(tally),
            "exhausted": exhausted,
            "continuing_ballots": active,
        }
        if active > 0 and 2 * tally[leader] > active:
            steps.append(
                Step(
                    f"Round {round_no}: {listing} ({exhausted} exhausted). {leader} "
                    f"has more than half of {active} continuing ballots: elected.",
                    {**data, "elected": leader},
                )
            )
            return VoteResult(
                Method.RANKED_CHOICE,
                Outcome.ELECTED,
                eligible,
                voters,
                leader,
                {c: float(v) for c, v in tally.items()},
                tuple(steps),
            )
        if len(continuing) == 1 or active == 0:
            winner = leader if active > 0 else None
            steps.append(
                Step(
                    f"Round {round_no}: {listing}. No ballots decide beyond this "
                    f"point; {winner or 'nobody'} is elected by the tie rule.",
                    {**data, "elected": winner},
                )
            )
            outcome = Outcome.ELECTED if winner else Outcome.REJECTED
            return VoteResult(
                Method.RANKED_CHOICE,
                outcome,
                eligible,
                voters,
                winner,
                {c: float(v) for c, v in tally.items()},
                tuple(steps),
            )
        if len(continuing) == 2 and tally[continuing[0]] == tally[continuing[1]]:
            winner = min(continuing, key=lambda c: order[c])
            steps.append(
                Step(
                    f"Round {round_no}: {listing}. Final tie: {winner}, listed first "
                    "among the candidates, is elected.",
                    {**data, "elected": winner, "tie": True},
                )
            )
            return VoteResult(
                Method.RANKED_CHOICE,
                Outcome.ELECTED,
                eligible,
                voters,
                winner,
                {c: float(v) for c, v in tally.items()},
                tuple(steps),
            )
        loser, how = _last_place(continuing, history, order)
        steps.append(
            Step(
                f"Round {round_no}: {listing} ({exhausted} exhausted). No majority of "
                f"{active}; {loser} has the fewest votes{how} and is eliminated.",
                {**data, "eliminated": loser},
            )
        )
        continuing.remove(loser)


def _last_place(
    continuing: Sequence[str], history: Sequence[Mapping[str, int]], order: Mapping[str, int]
) -> tuple[str, str]:
    current = history[-1]
    low = min(current[c] for c in continuing)
    tied = [c for c in continuing if current[c] == low]
    if len(tied) == 1:
        return tied[0], ""
    for earlier in reversed(history[:-1]):
        values = {c: earlier.get(c, 0) for c in tied}
        least = min(values.values())
        narrowed = [c for c in tied if values[c] == least]
        if len(narrowed) < len(tied):
            tied = narrowed
            if len(tied) == 1:
                return tied[0], " (tie broken by an earlier round)"
    loser = max(tied, key=lambda c: order[c])
    return loser, " (tie broken by candidate order: listed last)"


def score(
    ballots: Sequence[Mapping[str, int | float]],
    candidates: Sequence[str],
    eligible: int,
    *,
    max_score: int = 5,
    quorum: float = 0.5,
) -> VoteResult:
    """Score vote: each ballot scores candidates 0…``max_score``; the highest total wins."""
    problems = []
    for row, ballot in enumerate(ballots, 1):
        for cand, value in ballot.items():
            if cand not in candidates or not 0 <= value <= max_score:
                problems.append(
                    Problem(
                        "score ballots",
                        "unknown candidate or score out of range",
                        row=row,
                        column=str(cand),
                        value=value,
                        fix=f"score {list(candidates)} from 0 to {max_score}",
                    )
                )
    error = InputError.collect(problems, "invalid score ballots")
    if error is not None:
        raise error
    _check_common(eligible, len(ballots), quorum, "score vote")
    met, quorum_step = _quorum_step(eligible, len(ballots), quorum)
    totals = {c: float(sum(b.get(c, 0) for b in ballots)) for c in candidates}
    tops = {c: sum(1 for b in ballots if b.get(c, 0) == max_score) for c in candidates}
    if not met:
        return VoteResult(
            Method.SCORE, Outcome.NO_QUORUM, eligible, len(ballots), None, totals, (quorum_step,)
        )
    order = {c: i for i, c in enumerate(candidates)}
    ranking = sorted(candidates, key=lambda c: (-totals[c], -tops[c], order[c]))
    winner = ranking[0]
    listing = ", ".join(f"{c} {totals[c]:g}" for c in ranking)
    tie = len(ranking) > 1 and totals[ranking[1]] == totals[winner]
    text = f"Totals: {listing}. {winner} has the highest total"
    if tie:
        text += " (tie broken by the number of top scores, then candidate order)"
    steps = (
        quorum_step,
        Step(
            text + ": elected.",
            {"totals": totals, "top_scores": tops, "elected": winner, "tie": tie},
        ),
    )
    return VoteResult(Method.SCORE, Outcome.ELECTED, eligible, len(ballots), winner, totals, steps)
