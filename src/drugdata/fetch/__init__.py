"""Fetching from the sources: a registry of sources as data, a safe downloader, and landing
of each file under `raw/<source>/<YYYY-MM-DD>/` with a `.meta.json` saying where it came from.

`registry` reads the YAML entries (`sources/*.yaml`); `listings` turns an entry into the URLs
to fetch; `http` downloads one URL (`safety` says what is refused, `robots` what a site asks,
`partial` streams and resumes the body); `landing` decides where files go and what was fetched
before; `run` fetches one source end to end; `report` describes a run for people. No Prefect
here: `flows/fetch.py` wires these into the `fetch` and `refresh` flows.
"""
