"""The model half of `migrator fix`: regions to prompts, answers to validated proposals.

`ModelWork.solve` runs in a request thread: build the prompt, answer from the cache or the
server, parse, validate, and on failure ask again with the reason, at most `attempts` times.
It returns plain values; the caller stores them from its own thread.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from migrator.engine import languages
from migrator.engine.decoding import DecodeError, TextFormat, encode
from migrator.engine.regions import Region, context, enclosing, merge
from migrator.engine.results import Incident
from migrator.engine.rules import Rule
from migrator.engine.scanner import Scanner
from migrator.model import prompt as prompts
from migrator.model.cache import AnswerCache
from migrator.model.chat import ChatReply, ModelInfo, Provider
from migrator.model.config import ModelConfig
from migrator.model.errors import ProviderError
from migrator.model.reply import ReplyRejected, parse_reply
from migrator.services.plan import unified_diff
from migrator.services.validate import Validation, Validator
from migrator.store.proposals import Attempt, NewProposal

MAX_EXAMPLES_PER_RULE = 2


@dataclass
class ModelSetup:
    """A checked provider and what the fix service needs to talk to it."""

    provider: Provider
    info: ModelInfo
    config: ModelConfig
    cache: AnswerCache | None = None


@dataclass(frozen=True)
class RegionJob:
    """One request's worth of work: a region of a file and the incidents inside it."""

    path: str
    text: str  # the whole file's text
    fmt: TextFormat
    base_hash: str
    region: Region
    incidents: tuple[Incident, ...]
    task: prompts.Task


@dataclass
class Solved:
    job: RegionJob
    proposal: NewProposal | None = None
    attempts: list[Attempt] = field(default_factory=list)
    requests: int = 0
    cache_hits: int = 0

    @property
    def reason(self) -> str:
        return self.attempts[-1].reason if self.attempts else ""


def _examples(rules: Sequence[Rule]) -> tuple[prompts.Example, ...]:
    return tuple(
        prompts.Example(rule.id, case.before, case.after)
        for rule in rules
        for case in rule.spec.tests.fixes[:MAX_EXAMPLES_PER_RULE]
    )


def region_jobs(
    path: str,
    text: str,
    fmt: TextFormat,
    base_hash: str,
    incidents: Sequence[Incident],
    scanner: Scanner,
    rules: Mapping[str, Rule],
) -> list[RegionJob]:
    """Group `incidents` of one file by enclosing region: one job per (merged) region."""
    source = text.encode("utf-8")
    language = languages.language_for_path(path)
    tree = scanner.find(path, text).tree if language else None
    regions = [enclosing(language, source, tree, i.start_byte, i.end_byte) for i in incidents]
    jobs = []
    for region, members in merge(regions, source):
        group = tuple(incidents[i] for i in members)
        used = [rules[r] for r in dict.fromkeys(i.rule for i in group) if r in rules]
        before, after = context(source, region)
        task = prompts.Task(
            path=path,
            language=language or "text",
            kind=region.kind,
            start_line=region.start_line,
            end_line=region.end_line,
            text=region.text,
            incidents=tuple(
                prompts.PromptIncident(i.rule, i.line, i.message, rules[i.rule].spec.hint)
                for i in group
            ),
            examples=_examples(used),
            before=tuple(before),
            after=tuple(after),
        )
        jobs.append(RegionJob(path, text, fmt, base_hash, region, group, task))
    return jobs


class ModelWork:
    """Solves region jobs against one model; `solve` is safe to call from several threads."""

    def __init__(self, setup: ModelSetup, validator: Validator, repo_prefix: str = "") -> None:
        self.setup = setup
        self.validator = validator
        self.repo_prefix = repo_prefix
        config = setup.config
        self.limits = prompts.Limits(
            temperature=config.temperature,
            seed=config.seed,
            num_ctx=config.num_ctx,
            max_context=setup.info.context_length,
        )

    def solve(self, job: RegionJob, feedback: tuple[prompts.Feedback, ...] = ()) -> Solved:
        """Ask, validate, and ask again with the reason, up to `attempts` times. `feedback`
        starts the conversation with earlier answers and why they were turned down (review's
        "regenerate with a remark")."""
        solved = Solved(job)
        for number in range(1, self.setup.config.attempts + 1):
            prompt = prompts.build(
                job.task, self.limits, structured=self.setup.config.structured, feedback=feedback
            )
            if not prompts.fits(prompt):
                self._failed(
                    solved,
                    number,
                    prompt.hash,
                    "",
                    "the region is too large for the "
                    f"model's context ({prompt.request.num_ctx} tokens)",
                )
                return solved
            try:
                reply = self._ask(prompt, solved)
            except ProviderError as exc:
                if exc.transient:
                    raise  # the server went away: the whole run stops
                self._failed(solved, number, prompt.hash, "", exc.message)
                return solved  # a timeout or an error status: asking again would not help
            outcome = self._check(job, reply)
            if isinstance(outcome, NewProposal):
                solved.proposal = _with_provenance(outcome, self.setup.info, prompt.hash)
                return solved
            self._failed(solved, number, prompt.hash, reply.text, outcome)
            feedback += (prompts.Feedback(prompts.reply_for_feedback(reply), outcome),)
        return solved

    def _ask(self, prompt: prompts.Prompt, solved: Solved) -> ChatReply:
        setup = self.setup
        key = (setup.provider.name, setup.info.digest, prompt.hash)
        if setup.cache is not None:
            cached = setup.cache.get(*key)
            if cached is not None:
                solved.cache_hits += 1
                return cached
        solved.requests += 1
        reply = setup.provider.chat(prompt.request)
        if setup.cache is not None:
            setup.cache.put(*key, reply)
        return reply

    def _check(self, job: RegionJob, reply: ChatReply) -> NewProposal | str:
        """A proposal from `reply`, or why not."""
        try:
            new_region = parse_reply(reply, job.task)
        except ReplyRejected as exc:
            return exc.reason
        source = job.text.encode("utf-8")
        region = job.region
        after = (source[: region.start] + new_region.encode("utf-8") + source[region.end :]).decode(
            "utf-8"
        )
        try:
            after_bytes: bytes | None = encode(after, job.fmt)
        except DecodeError as exc:
            return f"the result cannot be saved in the file's encoding: {exc}"
        validation: Validation = self.validator.check(
            job.path,
            job.text,
            after,
            job.incidents,
            repo_path=self.repo_prefix + job.path,
            after_bytes=after_bytes,
        )
        if not validation.passed:
            return validation.failure()
        return NewProposal(
            path=job.path,
            start=region.start,
            end=region.end,
            old_text=region.text,
            new_text=new_region,
            diff=unified_diff(job.path, job.text, after),
            origin="model",
            rules=tuple(dict.fromkeys(i.rule for i in job.incidents)),
            incidents=tuple(i.fingerprint for i in job.incidents),
            base_hash=job.base_hash,
            valid=True,
            validation=validation.to_json(),
        )

    def _failed(
        self, solved: Solved, number: int, prompt_hash: str, answer: str, reason: str
    ) -> None:
        job, info = solved.job, self.setup.info
        solved.attempts.append(
            Attempt(
                path=job.path,
                start=job.region.start,
                end=job.region.end,
                rules=tuple(dict.fromkeys(i.rule for i in job.incidents)),
                incidents=tuple(i.fingerprint for i in job.incidents),
                number=number,
                model=info.name,
                model_digest=info.digest,
                prompt_hash=prompt_hash,
                answer=answer,
                reason=reason,
            )
        )


def _with_provenance(proposal: NewProposal, info: ModelInfo, prompt_hash: str) -> NewProposal:
    return replace(proposal, model=info.name, model_digest=info.digest, prompt_hash=prompt_hash)
