"""The templates, print stylesheet and theme, installed as dossier.templates: a real folder."""
