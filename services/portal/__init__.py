"""The portal's e-diary pages for parents, pupils and teachers' portal UIDs (issue 14).

A thin server-rendered app on the portal side of the privacy boundary: it calls the diary's API
only, with the signed-in portal user's own token, so the diary's access rules apply unchanged.
"""
