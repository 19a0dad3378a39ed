"""The MQA indicators as data (skeleton; filled by the scoring)."""
