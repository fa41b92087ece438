"""The document library: studies, diagnostics, capitalisations, tools…"""
