"""A registrations export as Microsoft or Google Forms and a French Excel write it.

Forty answers to a form « Inscrire un événement au Mois de l'innovation publique »: the form's
own columns (its time stamp, the e-mail and phone of whoever filled it), headers the way a form
asks its questions, the organiser's « Type de structure » instead of a calendar, times with
seconds, and five answers with a mistake each (FAULTY, by row of the sheet).
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

HEADERS = [
    "Horodateur",
    "Adresse e-mail",
    "Intitulé de l'événement",
    "Nom de la structure organisatrice",
    "Type de structure",
    "Date de l'événement",
    "Heure de début",
    "Heure de fin",
    "Lieu",
    "Description de l'événement",
    "Lien d'inscription",
    "Numéro de téléphone",
    "Commentaire",
]
# the organisers' kinds of structure, and the calendar of the 2021 edition each one means
KINDS = {
    "Ministère": "evenements-ministere",
    "Laboratoire d'innovation territoriale": "evenements-labs",
    "Service de l'État": "evenements-services-etat",
    "Collectivité territoriale": "evenements-collectivites",
    "Opérateur ou établissement public": "evenements-operateurs",
    "Association": "evenements-associations",
}
TOPICS = (
    "Atelier de design des politiques publiques",
    "Café des usagers",
    "Hackathon des données ouvertes",
    "Rencontre des agents innovateurs",
    "Marathon créatif de l'accueil",
)
PLACES = ("Préfecture de Rennes", "Salle Colbert, Paris", "Hôtel de région, Lyon", "")
# sheet row (the header is row 1) → the mistake, the column it is in, and its fix
FAULTY = {
    5: ("Date de l'événement", "31/11/2021", "30/11/2021"),
    12: ("Heure de début", "9h70", "09:30:00"),
    19: ("Heure de fin", "08:00:00", "18:00:00"),  # before its start, 14:00
    27: ("Intitulé de l'événement", "", "Portes ouvertes du laboratoire"),  # no description
    34: ("Lien d'inscription", "www.inscription", "https://exemple.fr/inscription"),
}


def answers(faulty: bool = True) -> list[dict[str, Any]]:
    """Forty answers as a form collects them, with the mistakes of FAULTY or their fixes."""
    kinds = list(KINDS)
    found = []
    for number in range(40):
        row = number + 2
        day = dt.date(2021, 11, 2 + number % 28)
        start = dt.time(9 + number % 3 * 5, 30 if number % 2 else 0)  # 9:00, 14:30, 19:00…
        answer = {
            "Horodateur": dt.datetime(2021, 10, 1 + number % 20, 8 + number % 10, 5, 33),
            "Adresse e-mail": f"organisateur{number}@exemple.fr",
            "Intitulé de l'événement": f"{TOPICS[number % 5]} n° {number + 1}",
            "Nom de la structure organisatrice": f"Structure {number + 1}",
            "Type de structure": kinds[number % len(kinds)],
            "Date de l'événement": day,
            "Heure de début": start,
            "Heure de fin": dt.time(start.hour + 2, start.minute),
            "Lieu": PLACES[number % 4],
            "Description de l'événement": (
                "" if row == 27 else f"Une rencontre ouverte à tous, la {number + 1}e du mois."
            ),
            "Lien d'inscription": f"https://exemple.fr/evenement-{number + 1}",
            "Numéro de téléphone": f"06 12 34 {number:02d} 00",
            "Commentaire": "Accessible en fauteuil" if number % 7 == 0 else "",
        }
        if row == 19:
            answer["Heure de début"] = dt.time(14)
        if row in FAULTY:
            column, wrong, fixed = FAULTY[row]
            value: Any = wrong if faulty else fixed
            if column == "Date de l'événement" and not faulty:
                value = dt.datetime.strptime(value, "%d/%m/%Y").date()
            elif column.startswith("Heure") and not faulty:
                value = dt.time.fromisoformat(value)
            answer[column] = value
        found.append(answer)
    return found


def write_xlsx(path: Path, faulty: bool = True) -> Path:
    """As Microsoft Forms exports: sheet « Réponses au formulaire 1 », typed cells."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Réponses au formulaire 1"
    sheet.append(HEADERS)
    for answer in answers(faulty):
        sheet.append([answer[h] if answer[h] != "" else None for h in HEADERS])
    workbook.save(path)
    return path


def write_csv(path: Path, faulty: bool = True) -> Path:
    """As a French Excel saves « CSV (séparateur : point-virgule) »: Windows-1252, « ; »,
    CRLF, dates dd/mm/yyyy, times hh:mm:ss, time stamps « 03/11/2021 14:05:33 »."""

    def cell(value: Any) -> str:
        if isinstance(value, dt.datetime):
            return f"{value:%d/%m/%Y %H:%M:%S}"
        if isinstance(value, dt.date):
            return f"{value:%d/%m/%Y}"
        if isinstance(value, dt.time):
            return f"{value:%H:%M:%S}"
        return str(value)

    with path.open("w", encoding="cp1252", newline="") as stream:
        writer = csv.writer(stream, delimiter=";", lineterminator="\r\n")
        writer.writerow(HEADERS)
        for answer in answers(faulty):
            writer.writerow([cell(answer[h]) for h in HEADERS])
    return path


def mapping_from(said: str) -> str:
    """Return the mapping file a dry run proposed: the lines after its announcement."""
    lines = said.splitlines()
    start = next(i for i, line in enumerate(lines) if "Fichier de correspondance proposé" in line)
    return "\n".join(lines[start + 1 :]) + "\n"
