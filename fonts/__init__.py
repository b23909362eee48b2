"""The fonts and their licences, installed as dossier.fonts: a real folder."""
