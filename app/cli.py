"""`referral-bot`: check the referral file and preview replies, for the staff who edit it."""

import datetime
import os

import click

from .directory import DEFAULT_PATH
from .example_checks import findings, report
from .matching import build_index
from .preview import UNCONFIRMED_DAYS, is_stale, is_unconfirmed_too_long, why_lines
from .replies import answer_text
from .validation import DirectoryError, load_file


def _path(path: str | None) -> str:
    return path or os.environ.get("REFERRALS_PATH") or str(DEFAULT_PATH)


class FileProblems(click.ClickException):
    """The referral file has problems: print them as `file:line: message`, ready for an editor."""

    def show(self, file=None) -> None:
        click.echo(self.message, err=True)


def _load(path: str):
    try:
        return load_file(path)
    except DirectoryError as error:
        raise FileProblems(
            f"{error.report()}\n{len(error.problems)} problem(s): fix them and check again; "
            "until then a running server keeps the last good file"
        ) from None
    except Exception as error:  # noqa: BLE001 - staff see a message, never a traceback
        raise FileProblems(
            f"{path}:1: the file cannot be checked ({type(error).__name__}: {error}); "
            "undo the last edit and check again"
        ) from None


@click.group()
def main() -> None:
    """Check and preview the helpline's referral directory."""


@main.command()
@click.argument("path", required=False)
@click.option(
    "--all",
    "every",
    is_flag=True,
    help="List each example the bot misses or gives another topic, not the notes summing them up.",
)
def check(path: str | None, every: bool) -> None:
    """Check PATH (default: REFERRALS_PATH or data/referrals.yaml) and summarise it."""
    path = _path(path)
    directory = _load(path)
    keywords = sum(len(words) for t in directory.topics for words in t.keywords.values())
    not_sent = f" (and {len(directory.on_file)} on file, not sent)" if directory.on_file else ""
    click.echo(
        f"{path}: OK: {len(directory.resources)} resources{not_sent}, "
        f"{len(directory.topics)} topics, {keywords} keywords"
    )
    for line, said in report(findings(directory, build_index(directory)), every):
        click.echo(f"{path}:{line}: {said}" if line else f"{path}: {said}")
    today = datetime.date.today()
    for resource in directory.resources.values():
        if is_stale(resource.verified, today):
            click.echo(
                f"{path}:{resource.line}: warning: {resource.id} was last verified "
                f"{resource.verified}, over 12 months ago: check its numbers and update `verified`"
            )
    for resource in directory.on_file.values():
        click.echo(
            f"{path}:{resource.line}: note: {resource.id} is {resource.status}, kept on file and "
            f"never sent: {resource.reason}"
        )
        if is_unconfirmed_too_long(resource, today):
            click.echo(
                f"{path}:{resource.line}: warning: {resource.id} has been unconfirmed since "
                f"{resource.verified}, over {UNCONFIRMED_DAYS} days: confirm it against a public "
                "page and delete `status:`, or mark it `retired`"
            )


@main.command()
@click.argument("text")
@click.option("--voice", is_flag=True, help="Show what a caller would hear instead.")
@click.option("--why", is_flag=True, help="Also show what decided each topic.")
@click.option("--path", help="The referral file (default: REFERRALS_PATH or data/referrals.yaml).")
def ask(text: str, voice: bool, why: bool, path: str | None) -> None:
    """Print exactly what the bot would send in reply to TEXT."""
    directory = _load(_path(path))
    index = build_index(directory)
    if why:
        for line in why_lines(index, text):
            click.echo(f"why: {line}")
    if voice:
        from .speech import transcript

        click.echo(transcript(directory, index, text))
        return
    reply = answer_text(directory, index, text)
    if reply is None:
        click.echo("(no reply: an opt-out; Twilio sends its own confirmation)")
        return
    click.echo(reply.body)
    click.echo(
        f"-- {reply.segments.count} segment(s), {reply.segments.encoding}, "
        f"language {reply.language}, topics: {', '.join(reply.topics) or 'none'}"
        + (f"; left out: {', '.join(reply.left_out)}" if reply.left_out else "")
    )


@main.command("eval")
@click.argument("tables", nargs=-1, required=True)
@click.option("--path", help="The referral file (default: REFERRALS_PATH or data/referrals.yaml).")
@click.option("--misses", is_flag=True, help="Also list every text not matched exactly.")
def evaluate_tables(tables: tuple[str, ...], path: str | None, misses: bool) -> None:
    """Print per-topic precision and recall on each labelled TABLE (text, topics, language)."""
    from .evaluation import TableError, evaluate, read_table

    directory = _load(_path(path))
    topics = tuple(topic.id for topic in directory.topics)
    read, problems = {}, []
    for table in tables:  # every table checked before the model is learned
        try:
            read[table] = read_table(table, topics)
        except TableError as error:
            problems.append(str(error))
    if problems:
        raise FileProblems("\n".join(problems) + "\nfix the table(s) and score again")
    index = build_index(directory)
    for table in tables:
        report = evaluate(index, read[table], topics)
        click.echo(f"== {table}: {report.texts} texts")
        for line in report.lines():
            click.echo(line)
        if misses:
            for row, given in report.misses:
                wanted = " ".join(sorted(row.topics)) or "-"
                click.echo(f"miss: wanted {wanted}; got {' '.join(given) or '-'}: {row.text}")


@main.command()
@click.argument("path", required=False)
@click.option("--precision", default=0.92, show_default=True, help="The precision to aim for.")
def tune(path: str | None, precision: float) -> None:
    """Suggest each topic's `threshold`, by cross-validation on the file's own examples."""
    from .matching import examples, normalize
    from .topic_model import LONE_SHARE, LONE_SOME, held_out_scores, suggest_threshold

    directory = _load(_path(path))
    if build_index(directory).model is None:
        raise click.ClickException("the file's examples teach no model: run check to see why")
    given = examples(directory)
    try:
        held_out = held_out_scores(given, [normalize(example.text) for example in given])
    except ValueError as error:
        raise click.ClickException(f"cannot hold examples out: {error}") from error
    taught = {topic for example in given for topic in example.topics}
    for topic in directory.topics:
        if topic.id not in taught:
            click.echo(f"{topic.id}: no examples, so no threshold (its keywords decide)")
            continue
        threshold, reached, recall = suggest_threshold(topic.id, given, held_out, precision)
        click.echo(
            f"{topic.id}: threshold: {threshold:.3g}  (on examples held out: precision "
            f"{reached:.1%}, recall {recall:.1%}; now {topic.threshold or 'default'})"
        )
    click.echo(
        f"(Not counted: a text no keyword or threshold gives a topic, which the model is "
        f"{LONE_SOME:g} sure is about one, gets the topic that scores highest if it reaches "
        f"{LONE_SHARE:g} of its threshold.)"
    )
