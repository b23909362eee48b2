"""The `dossier` command: parse the arguments, call the API, report in French, set the exit code."""

from __future__ import annotations

import argparse
import contextlib
import errno
import logging
import math
import os
import re
import shutil
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO, cast

from dossier.build import Options, build, check
from dossier.errors import DossierError, Interrupted, belongs_to_program, os_reason
from dossier.render import RENDERERS, Renderer, default_formats

DESCRIPTION = """\
Génère le dossier de presse d'une édition (PDF pour les journalistes, DOCX pour la relecture
du cabinet, édition web accessible) à partir de ses données, data/<édition>/edition.yaml.
"""


def _epilog() -> str:
    *others, last = [_shown_target(RENDERERS[name]) for name in default_formats()]
    made = f"{', '.join(others)} et {last}" if others else last
    return f"""\
exemples :
  dossier check                      vérifie la dernière édition de data/
  dossier build                      produit {made}
  dossier build data/2021 --format pdf --draft

codes de sortie : 0 réussite, 1 problème dans les données ou le rendu, 2 mauvais usage.
"""


def _shown_target(renderer: Renderer) -> str:
    target = str(renderer.target(Path("build"), "<slug>"))
    return f"{target}/" if renderer.writes == "folder" else target


class _Parser(argparse.ArgumentParser):
    """argparse, with its own words in French."""

    def format_help(self) -> str:
        text = super().format_help()
        return (
            text.replace("usage:", "usage :")
            .replace("positional arguments:", "arguments :")
            .replace("options:", "options :")
            .replace("show this help message and exit", "affiche cette aide et quitte")
        )

    def format_usage(self) -> str:
        return super().format_usage().replace("usage:", "usage :")

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog} : erreur : {_in_french(message)}\n")


# argparse's own messages (Python 3.11 to 3.13), matched once its 'quotes' are taken out.
_ARGPARSE = (
    (
        r"argument (\S+): invalid choice: (\S+) \(choose from (.*)\)",
        r"\1 : « \2 » inconnu ; possibles : \3",
    ),
    (r"argument (\S+): expected one argument", r"\1 attend une valeur"),
    (r"argument (\S+): expected at least one argument", r"\1 attend au moins une valeur"),
    (r"argument (\S+): invalid \w+ value: (.*)", r"\1 : « \2 » n'est pas une valeur possible"),
    (r"argument (\S+): not allowed with argument (\S+)", r"\1 ne va pas avec \2"),
    (r"unrecognized arguments: (.*)", r"arguments inconnus : \1"),
    (r"the following arguments are required: (.*)", r"arguments obligatoires manquants : \1"),
)


def _in_french(message: str) -> str:
    english = message.replace("'", "")
    for pattern, french in _ARGPARSE:
        if re.fullmatch(pattern, english):
            return re.sub(pattern, french, english)
    # the project's own messages, raised as ArgumentTypeError: already French
    return re.sub(r"^argument (\S+): ", r"\1 : ", message)


def _formats(value: str) -> tuple[str, ...]:
    names = tuple(part.strip().lower() for part in value.split(",") if part.strip())
    unknown = [name for name in names if name not in RENDERERS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"format inconnu « {', '.join(unknown) or value} » ; possibles : {', '.join(RENDERERS)}"
        )
    return names


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="dossier",
        description=DESCRIPTION,
        epilog=_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMANDE", parser_class=_Parser)
    commands.required = True
    edition_help = (
        "dossier de l'édition, qui contient edition.yaml (par défaut : la dernière édition "
        "de data/)"
    )

    check = commands.add_parser(
        "check",
        help="vérifie les données d'une édition et signale chaque problème",
        description="Vérifie edition.yaml : affiche « ok » ou chaque problème, avec sa ligne.",
    )
    check.add_argument("edition", nargs="?", type=Path, metavar="ÉDITION", help=edition_help)
    _build_parser(commands, edition_help)
    _watch_parser(commands, edition_help)
    _review_parser(commands)
    _new_parser(commands)
    _import_parser(commands)
    return parser


def _new_parser(commands: argparse._SubParsersAction) -> None:
    new = commands.add_parser(
        "new",
        help="crée l'édition suivante à partir de la dernière",
        description="Crée le dossier d'une nouvelle édition : ce qui se garde d'une année sur "
        "l'autre est repris, les calendriers sont vidés, la période avance d'un an (mêmes "
        "jours de la semaine), le numéro d'édition aussi. Ne remplace jamais un dossier.",
    )
    new.add_argument("target", type=Path, metavar="DOSSIER", help="le nouveau dossier : data/2022")
    new.add_argument(
        "--from",
        dest="source",
        type=Path,
        required=True,
        metavar="ÉDITION",
        help="l'édition de départ : data/2021",
    )


def _import_parser(commands: argparse._SubParsersAction) -> None:
    imports = commands.add_parser(
        "import",
        help="met dans les calendriers les inscriptions d'un tableur (CSV, XLSX, ODS)",
        description="Lit les inscriptions des organisateurs et les range dans le calendrier "
        "que nomme leur catégorie. Réimporter un export mis à jour ajoute les nouvelles lignes "
        "et met à jour les autres, sans doublon.",
    )
    imports.add_argument("file", type=Path, metavar="FICHIER", help="inscriptions.xlsx, .csv, .ods")
    imports.add_argument(
        "--into", type=Path, required=True, metavar="ÉDITION", help="l'édition : data/2022"
    )
    imports.add_argument("--sheet", metavar="FEUILLE", help="la feuille (par défaut : la première)")
    imports.add_argument(
        "--mapping",
        type=Path,
        metavar="FICHIER.yaml",
        help="correspondance des colonnes : « en-tête du fichier: champ » par ligne",
    )
    imports.add_argument(
        "--dry-run", action="store_true", help="dit ce qui changerait, sans rien écrire"
    )


def _review_parser(commands: argparse._SubParsersAction) -> None:
    review = commands.add_parser(
        "review",
        help="reporte dans edition.yaml la relecture d'un DOCX (modifications suivies)",
        description="Lit les modifications suivies et les commentaires d'un DOCX relu dans "
        "Word ou LibreOffice, champ par champ. Sans --apply, rien n'est écrit.",
    )
    review.add_argument("docx", type=Path, metavar="FICHIER.docx", help="le DOCX relu")
    review.add_argument(
        "edition",
        nargs="?",
        type=Path,
        metavar="ÉDITION",
        help="dossier de l'édition (par défaut : celle de data/ dont le DOCX porte le nom)",
    )
    review.add_argument(
        "--apply",
        action="store_true",
        help="écrit dans edition.yaml chaque modification qui revient à un champ",
    )
    review.add_argument(
        "--report",
        type=Path,
        metavar="FICHIER.html",
        help="écrit aussi le rapport en HTML, à regarder ou à envoyer",
    )


def _build_parser(commands: argparse._SubParsersAction, edition_help: str) -> None:
    make = commands.add_parser(
        "build",
        help=f"produit les fichiers d'une édition dans build/ ({', '.join(default_formats())})",
        description="Produit les fichiers d'une édition. Un fichier n'est remplacé que "
        "lorsque le nouveau est complet.",
    )
    _output_options(make, edition_help)


def _watch_parser(commands: argparse._SubParsersAction, edition_help: str) -> None:
    follow = commands.add_parser(
        "watch",
        help="produit les fichiers, puis les refait à chaque enregistrement de l'édition",
        description="Produit les fichiers d'une édition, puis les refait à chaque "
        "enregistrement de edition.yaml ou d'une image : le PDF ne remet en page que ce qui "
        "a changé. Une erreur dans les données est dite, et les fichiers d'avant restent en "
        "place. Ctrl-C arrête.",
    )
    _output_options(follow, edition_help)
    follow.add_argument(
        "--serve",
        nargs="?",
        const=8000,
        type=_port,
        metavar="PORT",
        help="sert aussi le dossier de sortie sur http://127.0.0.1:PORT/ (8000 par défaut), "
        "où l'édition web se recharge après chaque construction",
    )


def _port(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= 65535:
        raise argparse.ArgumentTypeError(f"« {value} » n'est pas un port (1 à 65535)")
    return int(value)


def _output_options(make: argparse.ArgumentParser, edition_help: str) -> None:
    make.add_argument("edition", nargs="?", type=Path, metavar="ÉDITION", help=edition_help)
    make.add_argument(
        "--format",
        type=_formats,
        default=default_formats(),
        metavar="FORMATS",
        help="formats séparés par des virgules, parmi "
        + ", ".join(_format_help(renderer) for renderer in RENDERERS.values())
        + f" ; par défaut : {','.join(default_formats())}",
    )
    make.add_argument(
        "--output",
        type=Path,
        default=Path("build"),
        metavar="DOSSIER",
        help="où écrire les fichiers (par défaut : build)",
    )
    make.add_argument(
        "--pages",
        action="store_true",
        help="écrit aussi la planche contact du PDF, <slug>-pages.png : toutes ses pages, "
        "numérotées, d'un coup d'œil",
    )
    make.add_argument(
        "--draft",
        action="store_true",
        help="marque chaque page « PROJET », avec la version et la date de revision:",
    )
    for renderer in RENDERERS.values():
        if renderer.variants:
            make.add_argument(
                f"--{renderer.name}-variant",
                dest=_variant_option(renderer),
                choices=renderer.variant_names,
                default=renderer.default_variant,
                help=_variant_help(renderer),
            )
    make.add_argument(
        "--timeout",
        type=_positive(float, 86_400, "secondes (un jour)"),
        default=Options.timeout,
        metavar="SECONDES",
        help=f"arrête un rendu plus long (par défaut : {Options.timeout:g} s)",
    )
    make.add_argument(
        "--max-memory",
        type=_positive(int, 1_048_576, "Mio (1 Tio)"),
        default=Options.max_memory,
        metavar="MIO",
        help=f"arrête un rendu plus gourmand (par défaut : {Options.max_memory} Mio)",
    )


def _variant_option(renderer: Renderer) -> str:
    return f"{renderer.name}_variant"


def _variant_help(renderer: Renderer) -> str:
    *others, last = [
        f"{variant.name} ({variant.summary}{', par défaut' if index == 0 else ''})"
        for index, variant in enumerate(renderer.variants)
    ]
    listed = f"{', '.join(others)} ou {last}" if others else last
    return f"{renderer.variant_label} : {listed}"


def _format_help(renderer: Renderer) -> str:
    return f"{renderer.name} ({renderer.summary}{'' if renderer.available else ', à venir'})"


def _positive(kind: type, most: float, unit: str) -> Callable[[str], float]:
    def parse(value: str) -> float:
        try:
            number = kind(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"« {value} » n'est pas un nombre") from None
        if not math.isfinite(number) or number <= 0:  # nan would never fire, inf never stop
            raise argparse.ArgumentTypeError(f"« {value} » doit être un nombre positif")
        if number > most:  # past it, the system's clock cannot count (1e10 s overflows)
            raise argparse.ArgumentTypeError(f"« {value} » : au plus {most:g} {unit}")
        return number

    return parse


class _ProblemFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        message = _printable(record.getMessage())
        if record.levelno >= logging.WARNING and ": warning: " not in message:
            return f"dossier : {record.levelname.lower()} : {message}"
        return message


def main(argv: list[str] | None = None, stdout: TextIO | None = None) -> int:
    """Run the command line; return the exit code."""
    terminal = cast(TextIO, _Terminal(stdout or sys.stdout))
    parser = _parser()
    arguments = parser.parse_args(argv)
    if getattr(arguments, "pages", False) and "pdf" not in arguments.format:
        parser.error("--pages montre les pages du PDF : ajoutez pdf à --format")
    try:
        os.getcwd()
    except FileNotFoundError:
        print(
            "dossier : le dossier courant n'existe plus (supprimé ou déplacé) : placez-vous dans "
            "un dossier qui existe, par exemple celui du projet",
            file=sys.stderr,
        )
        return 1
    for stream in (sys.stdout, sys.stderr):  # the messages too: never a UnicodeEncodeError
        if hasattr(stream, "reconfigure"):
            with contextlib.suppress(ValueError, OSError):
                stream.reconfigure(errors="backslashreplace")
    logger = logging.getLogger("dossier")
    progress = _ProgressLine(sys.stderr)
    handler = _AroundProgress(progress)
    handler.setFormatter(_ProblemFormatter())
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)
    previous = _on_signals()
    try:
        if arguments.command == "check":
            print(f"ok : {check(arguments.edition)}", file=terminal)
        elif arguments.command == "review":
            _review(arguments, terminal)
        elif arguments.command == "new":
            _new(arguments, terminal)
        elif arguments.command == "import":
            _import(arguments, terminal)
        elif arguments.command == "watch":
            _watch(arguments, terminal, progress)
        else:
            _build(arguments, terminal, progress)
        return 0
    except DossierError as error:
        for line in error.lines():
            print(_printable(line), file=sys.stderr)
        return 1
    except _TerminalError as error:
        print(
            f"dossier : la sortie standard refuse l'écriture ({os_reason(error.cause)}) ; "
            "le travail demandé est fait, seul son compte rendu manque",
            file=sys.stderr,
        )
        _drop_unwritten(sys.stdout)
        return 1
    except (KeyboardInterrupt, Interrupted) as stop:
        # the build has already stopped its renderers and removed its temporary files
        number = stop.signal_number if isinstance(stop, Interrupted) else signal.SIGINT
        print("dossier : interrompu ; les fichiers d'avant sont intacts", file=sys.stderr)
        return 128 + int(number)
    except OSError as error:
        if not _users(error):
            raise  # the program's own files: a bug, with its traceback
        where = error.filename if isinstance(error.filename, str) else ""
        print(_printable(f"{where} : {os_reason(error)}".lstrip(" :")), file=sys.stderr)
        return 1
    finally:
        _restore_signals(previous)
        logger.removeHandler(handler)


class _ProgressLine:
    """What a long build is doing, on one line of the terminal's stderr, rewritten in place.

    Only on a terminal: in a pipe, a file or a test's capture, it writes nothing at all.
    """

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        try:
            self.on = stream.isatty()
        except (AttributeError, ValueError, OSError):  # closed, or not a file at all
            self.on = False
        self.text = ""  # what the line says now

    def show(self, text: str) -> None:
        """Put text on the line, in place of what it said."""
        if not self.on:
            return
        # one row: a longer text would wrap, and \r go back to its last row only
        text = _printable(text)[: max(_columns(self.stream) - 1, 1)]
        self._write("\r" + text + " " * max(len(self.text) - len(text), 0))
        self.text = text

    def clear(self) -> None:
        """Empty the line, for what is printed next: a result, an error, a warning."""
        if self.on and self.text:
            self._write("\r" + " " * len(self.text) + "\r")
            self.text = ""

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # the terminal went away: the build goes on without it
            self.on = False


class _AroundProgress(logging.StreamHandler):
    """Say a warning on a line of its own, the progress line put back after it.

    A renderer's process logs through a copy of this handler, which does not know what the
    line says: on a terminal, every record starts with a blank row-wide line, to cover it.
    """

    def __init__(self, line: _ProgressLine) -> None:
        super().__init__(line.stream)
        self.line = line

    def emit(self, record: logging.LogRecord) -> None:
        if not self.line.on:
            super().emit(record)
            return
        shown = self.line.text
        self.line._write("\r" + " " * max(_columns(self.line.stream) - 1, 1) + "\r")
        self.line.text = ""
        super().emit(record)
        if shown:
            self.line.show(shown)


def _columns(stream: TextIO) -> int:
    """Return the width of the terminal stream writes on (stdout may be a pipe, or another)."""
    try:
        columns = os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, ValueError, OSError):
        columns = 0
    return columns or shutil.get_terminal_size().columns  # $COLUMNS, else 80


class _TerminalError(Exception):
    """Writing on the standard output failed: the terminal's file, not an output's."""

    def __init__(self, cause: OSError) -> None:
        super().__init__(str(cause))
        self.cause = cause


def _printable(text: str) -> str:
    """Return text any terminal takes: undecodable bytes of a path as \xff escapes."""
    if not any("\udc80" <= c <= "\udcff" for c in text):
        return text
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _drop_unwritten(stream: TextIO) -> None:
    """Point a standard output that refused writing at nothing: what stays in its buffer would
    fail again as the interpreter exits (exit code 120, « Exception ignored »), on some Pythons."""
    try:
        target = stream.fileno()
    except (OSError, ValueError):
        return
    nothing = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(nothing, target)
    finally:
        os.close(nothing)


class _Terminal:
    """The standard output, whose failures are told apart from those of the outputs' disk."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        # a file name that is not UTF-8 (its bytes kept as surrogates) is shown as \xff
        text = _printable(text)
        try:
            written = self.stream.write(text)
            self.stream.flush()  # now, not at exit, where the failure would have no message
        except OSError as error:
            raise _TerminalError(error) from None
        return written

    def flush(self) -> None:
        try:
            self.stream.flush()
        except OSError as error:
            raise _TerminalError(error) from None


# What ends a process unless it handles it: a kill, a closed terminal, Ctrl-\\, the user's
# signals, the CPU and file size limits (ulimit -t, -f). Ctrl-C is Python's KeyboardInterrupt.
STOPPING_SIGNALS = (
    signal.SIGTERM,
    signal.SIGHUP,
    signal.SIGQUIT,
    signal.SIGUSR1,
    signal.SIGUSR2,
    signal.SIGXCPU,
    signal.SIGXFSZ,
)


def _on_signals() -> dict[int, Any]:
    """Turn a closed terminal and a kill into an orderly stop, as Ctrl-C is."""

    def stop(number: int, frame: object) -> None:
        raise Interrupted(number)

    previous: dict[int, Any] = {}
    if threading.current_thread() is threading.main_thread():
        for number in STOPPING_SIGNALS:
            previous[number] = signal.signal(number, stop)
    return previous


def _restore_signals(previous: dict[int, Any]) -> None:
    for number, handler in previous.items():
        signal.signal(number, handler)


def _users(error: OSError) -> bool:
    """Tell a path of the user's (an edition, an output) from one of the program's own."""
    if not isinstance(error.filename, str | os.PathLike):
        return error.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS)
    return not belongs_to_program(Path(error.filename))


def _watch(arguments: argparse.Namespace, stdout: TextIO, line: _ProgressLine) -> None:
    from dossier.watch import watch

    def tell(text: str) -> None:
        line.clear()
        print(text, file=stdout, flush=True)

    options = _options(arguments)
    try:
        watch(
            arguments.edition,
            arguments.format,
            arguments.output,
            options,
            tell,
            arguments.serve,
            progress=line.show if line.on else None,
        )
    finally:
        line.clear()


def _build(arguments: argparse.Namespace, stdout: TextIO, line: _ProgressLine) -> None:
    try:
        outputs = build(
            arguments.edition,
            arguments.format,
            arguments.output,
            _options(arguments),
            progress=line.show if line.on else None,
        )
    finally:
        line.clear()  # before what is printed next: the outputs, or the error
    for output in outputs:
        print(
            f"{output.format.upper()} : {output.path} ({output.size / 1024:.0f} Kio, "
            f"{output.seconds:.1f} s, {output.peak_memory / 1024:.0f} Mio)",
            file=stdout,
        )
        if arguments.pages and output.format == "pdf":
            from dossier.contactsheet import write_contact_sheet

            print(f"Pages : {write_contact_sheet(output.path)}", file=stdout)


def _options(arguments: argparse.Namespace) -> Options:
    return Options(
        draft=arguments.draft,
        variants={
            renderer.name: getattr(arguments, _variant_option(renderer))
            for renderer in RENDERERS.values()
            if renderer.variants
        },
        timeout=arguments.timeout,
        max_memory=arguments.max_memory,
    )


def _review(arguments: argparse.Namespace, stdout: TextIO) -> None:
    # python-docx and the view come with this command only: check and build start faster
    from dossier.review import apply_review, read_review
    from dossier.review.report import text_report, write_report

    review = read_review(arguments.docx, arguments.edition)
    if arguments.report is not None:  # checked before anything is written, edition.yaml too
        from dossier.paths import refuse_overwriting, refuse_special
        from dossier.theme import FONTS, TEMPLATES

        folder = review.file.parent
        refuse_overwriting(
            [arguments.report],
            # and no file of the edition's folder: its images, its import state
            [arguments.docx, review.file, *(p for p in folder.rglob("*") if p.is_file())],
            [
                (folder, "le dossier de l'édition"),
                (TEMPLATES, "les modèles de dossier (templates/)"),
                (FONTS, "les polices de dossier (fonts/)"),
            ],
            inside=False,
        )
        refuse_special(arguments.report)
    if arguments.apply:
        apply_review(review)
    print(text_report(review, arguments.apply), file=stdout)
    if arguments.report is not None:
        write_report(review, arguments.report, arguments.apply)
        print(f"Rapport : {arguments.report}", file=stdout)


def _new(arguments: argparse.Namespace, stdout: TextIO) -> None:
    from dossier.renewal import new_edition

    made = new_edition(arguments.target, arguments.source)
    first, last = made.period
    print(
        f"{made.folder} : édition {made.slug}, du {first:%d/%m/%Y} au {last:%d/%m/%Y} ; "
        "calendriers vidés (dossier import y met le programme)",
        file=stdout,
    )
    if made.rewrite:
        print("À réécrire ou revoir :", file=stdout)
        for line in made.rewrite:
            print(f"  {line}", file=stdout)


def _import(arguments: argparse.Namespace, stdout: TextIO) -> None:
    from dossier.sheets import import_programme

    done = import_programme(
        arguments.file, arguments.into, arguments.sheet, arguments.mapping, arguments.dry_run
    )
    verb = "seraient" if arguments.dry_run else "sont"
    print(
        f"{done.file} : {done.rows} ligne(s) ; {len(done.added)} événement(s) {verb} ajouté(s), "
        f"{len(done.updated)} mis à jour, {len(done.moved)} déplacé(s), {done.unchanged} "
        f"inchangé(s), {len(done.conflicts)} en conflit ({done.seconds:.1f} s)",
        file=stdout,
    )
    for label in done.added:
        print(f"  + {label}", file=stdout)
    for label in done.updated:
        print(f"  ~ {label}", file=stdout)
    for line in done.conflicts + done.withdrawn:
        print(f"  ! {line}", file=stdout)
    if done.left_out:
        print(
            "Colonnes laissées de côté, données de la personne qui a rempli le formulaire : "
            + ", ".join(done.left_out)
            + " (pour en reprendre une, nommez son champ dans --mapping)",
            file=stdout,
        )
    if done.proposal:
        print(done.proposal, file=stdout)
    if arguments.dry_run:
        print("Rien n'est écrit (--dry-run).", file=stdout)
    elif done.written:
        print(f"{done.edition} mis à jour.", file=stdout)
