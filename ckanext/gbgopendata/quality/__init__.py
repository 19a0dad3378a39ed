"""Metadata quality: the MQA score of a dataset's DCAT-AP-SE output, as
data.europa.eu (405 points) and Sveriges dataportal (no DCAT-AP compliance
indicator; IANA media types count where EU file types are asked) grade it.

- `indicators.py`, `scoring.py`: the indicators as data and the pure
  scoring of a dataset's graph (decision layer: no CKAN, no database);
- `links.py`: the link checks (background jobs), their stored results;
- `kept.py`: each dataset's score, kept beside its DCAT fragment and
  rebuilt by the same jobs; what the actions and pages read.
"""
