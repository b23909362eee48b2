"""Write a synthetic edition of N events, with every section kind, for `dossier build` to take.

    python benchmarks/synthetic.py 350 /tmp/edition-350

The text is French of realistic length, drawn from the 2021 edition's own sentences; events
take every date shape; a few images and many links are included. The same N and seed always
give the same edition.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
from pathlib import Path

import yaml
from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "data" / "2021" / "edition.yaml"
START = dt.date(2025, 11, 3)
DAYS = 28
ORGANISERS = [
    "DITP",
    "DINUM",
    "DGAFP",
    "ANCT",
    "Cerema",
    "CNFPT",
    "Pôle emploi",
    "Préfecture de région",
    "Conseil départemental de la Gironde",
    "Métropole de Lyon",
    "Lab'EST (Grand Est)",
    "Ministère de la Culture",
    "Ville de Nantes",
    "Agence du numérique en santé",
]


def sentences() -> list[str]:
    """Return the sentences of the 2021 edition, for realistic French text."""
    text = " ".join(
        part
        for part in _strings(yaml.safe_load(SOURCE.read_text(encoding="utf-8")))
        if not part.startswith("http") and len(part) > 60
    )
    text = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", text)
    found = re.findall(r"[A-ZÀ-Ý][^.!?]{30,220}[.!?]", text)
    return sorted(set(found))


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def paragraph(rng: random.Random, pool: list[str], count: int) -> str:
    return " ".join(rng.choice(pool) for _ in range(count))


def when(rng: random.Random, index: int) -> dict[str, object]:
    """Cycle through every date shape the model knows."""
    day = START + dt.timedelta(days=index % DAYS)
    shape = index % 6
    if shape == 0:
        return {"date": day.isoformat()}
    if shape == 1:
        start = rng.choice([9, 10, 14, 16])
        return {
            "date": day.isoformat(),
            "start": f"{start:02d}:{rng.choice(['00', '30'])}",
            "end": f"{start + 2:02d}:00",
        }
    if shape == 2:
        return {"from": day.isoformat(), "to": (day + dt.timedelta(days=2)).isoformat()}
    if shape == 3:
        return {"dates": [day.isoformat(), (day + dt.timedelta(days=1)).isoformat()]}
    if shape == 4:
        return {
            "dates": [
                (day + dt.timedelta(days=k * 7)).isoformat()
                for k in range(3)
                if (day + dt.timedelta(days=k * 7)) < START + dt.timedelta(days=DAYS)
            ]
            or [day.isoformat(), (day + dt.timedelta(days=1)).isoformat()]
        }
    return {"from": day.isoformat(), "start": "18:00"}


def event(rng: random.Random, pool: list[str], index: int) -> dict[str, object]:
    title = rng.choice(pool).rstrip(".!?")[:90]
    item: dict[str, object] = {
        "title": title,
        "organisers": rng.sample(ORGANISERS, rng.choice([1, 1, 2, 3])),
        **when(rng, index),
        "description": paragraph(rng, pool, rng.choice([2, 3, 3, 4])),
        "link": f"https://www.example.gouv.fr/evenements/{index:05d}",
    }
    if item.get("dates") and len(item["dates"]) == 1:  # type: ignore[arg-type]
        item["date"] = item.pop("dates")[0]  # type: ignore[union-attr]
    return item


def write_image(path: Path, rng: random.Random) -> None:
    picture = Image.new("RGB", (600, 750), (0, 0, 145))
    draw = ImageDraw.Draw(picture)
    for _ in range(12):
        x, y = rng.randrange(600), rng.randrange(750)
        draw.ellipse((x - 60, y - 60, x + 60, y + 60), fill=(245, 245, 254))
    picture.save(path, optimize=True)


def edition(events: int, seed: int = 2021) -> tuple[dict[str, object], int]:
    """Return the data of an edition with this many events, and how many images it names."""
    rng = random.Random(seed)
    pool = sentences()
    calendars = max(1, min(12, events // 30))
    per = [events // calendars + (1 if i < events % calendars else 0) for i in range(calendars)]
    sections: list[dict[str, object]] = [
        {
            "kind": "edito",
            "heading": "Édito",
            "author": {"name": "Camille Dupont", "role": "ministre de la Fonction publique"},
            "portrait": {"src": "images/image-0.png", "alt": "Portrait de Camille Dupont"},
            "paragraphs": [paragraph(rng, pool, 3) for _ in range(6)],
            "pull_quote": rng.choice(pool),
        },
        {
            "kind": "interview",
            "heading": "Deux questions à…",
            "new_page": False,
            "person": {"name": "Alex Martin", "role": "délégué interministériel"},
            "questions": [
                {
                    "question": rng.choice(pool).rstrip(".") + " ?",
                    "answer": [paragraph(rng, pool, 3) for _ in range(2)],
                }
                for _ in range(2)
            ],
        },
        {
            "kind": "text",
            "heading": "Le mois en bref",
            "body": [
                paragraph(rng, pool, 3),
                {"subheading": "Les chiffres"},
                {"list": [rng.choice(pool) for _ in range(4)]},
                "Voir aussi [le programme, p. {page}](#calendrier-1) et "
                "[le site](https://www.example.gouv.fr/).",
            ],
        },
        {
            "kind": "themes",
            "new_page": False,
            "intro": [rng.choice(pool)],
            "themes": [
                {
                    "title": rng.choice(pool)[:70],
                    "link": {
                        "text": "voir les évènements",
                        "url": f"https://www.example.gouv.fr/themes/{k}",
                    },
                }
                for k in range(4)
            ],
        },
        {
            "kind": "directory",
            "new_page": False,
            "intro": ["Les laboratoires aujourd'hui :"],
            "entries": [
                {
                    "name": f"Lab {k}",
                    "detail": rng.choice(["Bretagne", "Occitanie", "Grand Est", "PACA"]),
                }
                for k in range(10)
            ],
        },
    ]
    for number, count in enumerate(per, start=1):
        offset = sum(per[: number - 1])
        sections.append(
            {
                "kind": "calendar",
                "id": f"calendrier-{number}",
                "heading": f"Programmation : les événements du réseau n° {number}",
                "short_heading": f"Les événements du réseau n° {number}",
                "intro": [paragraph(rng, pool, 2)],
                "events": [event(rng, pool, offset + k) for k in range(count)],
                "links": [
                    {
                        "text": "Retrouvez tout le programme",
                        "url": "https://www.example.gouv.fr/programme",
                    }
                ],
            }
        )
    sections += [
        {
            "kind": "profiles",
            "heading": "Quatre nouveaux laboratoires",
            "profiles": [
                {
                    "name": f"Lab {k}",
                    "region": "Normandie",
                    "image": {"src": f"images/image-{k}.png", "alt": f"Locaux du lab {k}"},
                    "body": [
                        paragraph(rng, pool, 3),
                        {"list": [rng.choice(pool) for _ in range(3)]},
                    ],
                }
                for k in range(1, 4)
            ],
        },
        {
            "kind": "missions",
            "heading": "Les missions de la direction",
            "missions": [
                {"title": rng.choice(pool)[:50], "body": paragraph(rng, pool, 4)} for _ in range(4)
            ],
        },
        {
            "kind": "contacts",
            "heading": "Contacts presse",
            "contacts": [
                {
                    "name": "Service de presse",
                    "email": "presse@example.gouv.fr",
                    "phone": "+33 1 00 00 00 00",
                }
            ],
        },
    ]
    data = {
        "title": "Semaine de l'innovation publique",
        "subtitle": f"Édition synthétique de {events} événements",
        "edition_number": 12,
        "period": {
            "start": START.isoformat(),
            "end": (START + dt.timedelta(days=DAYS + 2)).isoformat(),
        },
        "publisher": {
            "name": "Direction interministérielle de la transformation publique",
            "short_name": "DITP",
        },
        "slug": f"synthetique-{events}",
        "keywords": ["innovation", "benchmark"],
        "sections": sections,
    }
    return data, 4


def write(events: int, folder: Path, seed: int = 2021) -> Path:
    """Write the edition into folder (created) and return it."""
    data, images = edition(events, seed)
    (folder / "images").mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    for k in range(images):
        write_image(folder / "images" / f"image-{k}.png", rng)
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    (folder / "edition.yaml").write_text(text, encoding="utf-8")
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("events", type=int)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--seed", type=int, default=2021)
    arguments = parser.parse_args()
    print(write(arguments.events, arguments.folder, arguments.seed))


if __name__ == "__main__":
    main()
