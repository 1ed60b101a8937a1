"""The school's web pages: one address where staff sign in and use the journal in a browser.

A thin service in front of the APIs (journal, enrollment, exporter, audit): it holds the browser
session, renders Russian pages with Jinja2 and calls the same HTTP API as every other client,
with the signed-in person's own token, so the APIs' rules and access matrix apply unchanged.
"""
