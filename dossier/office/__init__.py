"""The office documents' own protocol, under both the DOCX writer and the review.

As python-docx keeps `oxml/` under its proxies, this layer knows WordprocessingML and
OpenDocument and nothing of press kits: `oxml` writes what python-docx has no API for,
`markers` writes and reads the part that says what each paragraph printed, `revisions` reads a
returned DOCX's paragraphs with their tracked changes, `odt` reads an OpenDocument text the same
way.
"""
